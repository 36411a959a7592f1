/*-------------------------------------------------------------------------
 *
 * fuzz_fingerprint.c
 *	  libFuzzer harness for the statement fingerprint and normalizer.
 *
 * Build with clang -fsanitize=fuzzer,address,undefined (see the fuzz and
 * fuzz-smoke targets of test/unit/Makefile).  Every input is run through
 * pss_fingerprint and pss_normalize (a sizing call, a filling call into a
 * buffer of exactly the returned size, and a call with a buffer too small
 * by half), with standard_conforming_strings on and off, and these
 * invariants are checked under each setting:
 *
 *	- the fingerprint is never 0, and normalize reports the same one;
 *	- the sizing and the filling calls return the same length, and a
 *	  too-small buffer receives a prefix of the full text;
 *	- the normalized text has the statement's fingerprint, so that
 *	  normalizing is idempotent as far as the fingerprint goes;
 *	- normalizing the normalized text gives it back unchanged;
 *
 * and, across the settings, that a text without a backslash (where the
 * setting cannot change a token) has the same fingerprint and normalized
 * text under both.
 *
 * The sanitizers catch any read outside the input (which libFuzzer hands
 * over in an exact-size heap buffer with no terminating NUL) and any
 * write outside the output buffers, which are exact-size too.
 *
 * test/fuzz/fuzz_fingerprint.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * fuzz_fail
 *		Report a broken invariant and abort, which libFuzzer records as a
 *		crash together with the input.
 */
static void
fuzz_fail(const char *what)
{
	fprintf(stderr, "invariant broken: %s\n", what);
	abort();
}

/*
 * normalize_exact
 *		Normalize into a malloc'd buffer of exactly the size needed,
 *		checking the sizing and filling calls against each other.
 */
static char *
normalize_exact(const char *text, size_t len, bool std, size_t *outlen,
				uint64_t *fp)
{
	uint64_t	fp1 = 0;
	uint64_t	fp2 = 0;
	size_t		need = pss_normalize(text, len, std, NULL, 0, &fp1);
	char	   *out = malloc(need > 0 ? need : 1);
	size_t		got = pss_normalize(text, len, std, out, need, &fp2);

	if (got != need)
		fuzz_fail("sizing and filling calls return different lengths");
	if (fp1 != fp2)
		fuzz_fail("sizing and filling calls give different fingerprints");
	*outlen = need;
	*fp = fp1;
	return out;
}

/*
 * check_setting
 *		Check every invariant of one input under one setting of
 *		standard_conforming_strings; returns the malloc'd normalized text
 *		(*nlen bytes) and the fingerprint (*fpout).
 */
static char *
check_setting(const char *text, size_t size, bool std, size_t *nlenout,
			  uint64_t *fpout)
{
	uint64_t	fp = pss_fingerprint(text, size, std);
	uint64_t	nfp;
	uint64_t	nnfp;
	size_t		nlen;
	size_t		nnlen;
	size_t		small;
	char	   *norm;
	char	   *norm2;
	char	   *part;

	if (fp == 0)
		fuzz_fail("fingerprint is 0");

	norm = normalize_exact(text, size, std, &nlen, &nfp);
	if (nfp != fp)
		fuzz_fail("normalize's fingerprint differs from pss_fingerprint");

	/* a buffer too small by half: prefix written, full length returned */
	small = nlen / 2;
	part = malloc(small > 0 ? small : 1);
	if (pss_normalize(text, size, std, part, small, NULL) != nlen)
		fuzz_fail("too-small buffer changes the returned length");
	if (memcmp(part, norm, small) != 0)
		fuzz_fail("too-small buffer does not receive a prefix");
	free(part);

	/* idempotence */
	if (pss_fingerprint(norm, nlen, std) != fp)
		fuzz_fail("fingerprint(normalize(x)) != fingerprint(x)");
	norm2 = normalize_exact(norm, nlen, std, &nnlen, &nnfp);
	if (nnfp != fp)
		fuzz_fail("fingerprint(normalize(normalize(x))) != fingerprint(x)");
	if (nnlen != nlen || memcmp(norm2, norm, nlen) != 0)
		fuzz_fail("normalize(normalize(x)) != normalize(x)");

	free(norm2);
	*nlenout = nlen;
	*fpout = fp;
	return norm;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	size_t		len_on;
	size_t		len_off;
	uint64_t	fp_on;
	uint64_t	fp_off;
	char	   *norm_on = check_setting(text, size, true, &len_on, &fp_on);
	char	   *norm_off = check_setting(text, size, false, &len_off, &fp_off);

	if (memchr(text, '\\', size) == NULL &&
		(fp_on != fp_off || len_on != len_off ||
		 memcmp(norm_on, norm_off, len_on) != 0))
		fuzz_fail("standard_conforming_strings changes a text without a backslash");
	free(norm_on);
	free(norm_off);
	return 0;
}
