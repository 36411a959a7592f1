/*-------------------------------------------------------------------------
 *
 * pss_fingerprint_copy.c
 *	  The extension's lexer (src/fingerprint*.c), compiled into the
 *	  scanner_diff test module.  The fingerprint files are pure C, so
 *	  including them here builds the very code the extension runs.
 *
 * test/scanner_diff/pss_fingerprint_copy.c
 *
 *-------------------------------------------------------------------------
 */
#include "../../src/fingerprint.c"
#include "../../src/fingerprint_scan.c"
#include "../../src/fingerprint_fast.c"
#include "../../src/fingerprint_normalize.c"
