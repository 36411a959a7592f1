/*-------------------------------------------------------------------------
 *
 * fp_dump.c
 *	  Print the fingerprint and normalized text of every text of a corpus,
 *	  one line each, so that two versions of the lexer can be compared
 *	  with diff: which fingerprints and which texts a change moves.
 *
 * Usage: fp_dump FILE...   A file whose name ends in ".sql" holds texts
 * separated by blank lines (test/scanner_diff/corpus.sql, the regression
 * suite's files); any other file is one text (a fuzz corpus entry).  Each
 * text is read with standard_conforming_strings on, then off.
 *
 * test/unit/fp_dump.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"

/*
 * put_escaped
 *		Print n bytes of s on one line: newlines, tabs, backslashes and
 *		bytes outside printable ASCII as escapes.
 */
static void
put_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/*
 * dump_text
 *		One line per setting of standard_conforming_strings for the text
 *		q[0 .. len), labelled with name and index.
 */
static void
dump_text(const char *name, size_t index, const char *q, size_t len)
{
	for (int std = 1; std >= 0; std--)
	{
		uint64_t	fp;
		size_t		need = pss_normalize(q, len, std, NULL, 0, &fp);
		char	   *out = malloc(need + 1);

		if (out == NULL)
		{
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		(void) pss_normalize(q, len, std, out, need, NULL);
		printf("%s:%zu std=%d %016llx ", name, index, std,
			   (unsigned long long) fp);
		put_escaped(out, need);
		putchar('\n');
		free(out);
	}
}

/*
 * read_file
 *		The whole file, NUL-terminated; its length in *len.
 */
static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	size_t		cap = 0;
	size_t		n = 0;
	size_t		got;

	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	do
	{
		if (n + 65536 + 1 > cap)
		{
			cap = (n + 65536 + 1) * 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
			{
				fprintf(stderr, "out of memory\n");
				exit(1);
			}
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	for (int a = 1; a < argc; a++)
	{
		size_t		len;
		char	   *buf = read_file(argv[a], &len);
		size_t		nlen = strlen(argv[a]);

		if (nlen > 4 && strcmp(argv[a] + nlen - 4, ".sql") == 0)
		{
			/* texts separated by blank lines */
			size_t		i = 0;
			size_t		index = 0;

			while (i < len)
			{
				size_t		start = i;
				char	   *sep = strstr(buf + i, "\n\n");
				size_t		end = sep != NULL ? (size_t) (sep - buf) : len;

				if (end > start)
					dump_text(argv[a], index++, buf + start, end - start);
				i = end;
				while (i < len && buf[i] == '\n')
					i++;
			}
		}
		else
			dump_text(argv[a], 0, buf, len);
		free(buf);
	}
	return 0;
}
