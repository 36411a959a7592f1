/*-------------------------------------------------------------------------
 *
 * pss_fingerprint_copy.c
 *	  The extension's lexer (src/fingerprint.c), compiled into the
 *	  scanner_diff test module.  fingerprint.c is pure C, so including it
 *	  here builds the very code the extension runs.
 *
 * test/scanner_diff/pss_fingerprint_copy.c
 *
 *-------------------------------------------------------------------------
 */
#include "../../src/fingerprint.c"
