/*-------------------------------------------------------------------------
 *
 * scanner_diff.c
 *	  Test-only module: the token streams of PostgreSQL's scanner and of the
 *	  extension's fingerprint lexer, side by side, as SQL rows.
 *
 * Two set-returning functions take a statement text and return one row per
 * token, (start, stop, kind), with byte offsets [start, stop) and kind one
 * of 'const', 'param', 'ident', 'op', 'other':
 *
 *	scanner_diff_core(text)	PostgreSQL's core_yylex with the grammar's
 *							keyword list, as raw_parser uses it.  A text the
 *							scanner rejects gives one row of kind 'error'.
 *	scanner_diff_pss(text)	the extension's lexer, through pss_tokens.
 *
 * core_yylex reports where a token starts but not where it ends.  Flex
 * leaves a NUL in its scan buffer just after the text of the token it
 * returned (the "hold character"), so the end is found by strlen from the
 * start; that holds for literals too, whose contents go to a separate
 * buffer.
 *
 * The module is never installed and is not part of the extension: the TAP
 * test builds it in place and creates its functions from the library's
 * absolute path.
 *
 * test/scanner_diff/scanner_diff.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <string.h>

#include "common/keywords.h"
#include "fmgr.h"
#include "funcapi.h"
#include "parser/gramparse.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "fingerprint.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(scanner_diff_core);
PG_FUNCTION_INFO_V1(scanner_diff_pss);

/* The names of the kinds, indexed by PssTokenClass */
static const char *const sd_kind_names[] = {
	"const", "param", "ident", "op", "other"
};

/*
 * sd_put
 *		Add one (start, stop, kind) row to the result.
 */
static void
sd_put(ReturnSetInfo *rsinfo, int start, int stop, const char *kind)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = Int32GetDatum(start);
	values[1] = Int32GetDatum(stop);
	values[2] = CStringGetTextDatum(kind);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * sd_core_kind
 *		Class of a token returned by core_yylex, in the lexer's terms.
 *		Keywords come back as their grammar tokens: anything not listed is
 *		one.
 */
static const char *
sd_core_kind(int token)
{
	if (token < 256)
	{
		/* single characters the scanner returns as themselves */
		if (token != 0 && strchr("+-*/%^<>=", token) != NULL)
			return "op";
		return "other";
	}
	switch (token)
	{
		case ICONST:
		case FCONST:
		case SCONST:
		case BCONST:
		case XCONST:
		case USCONST:
			return "const";
		case PARAM:
			return "param";
		case IDENT:
		case UIDENT:
			return "ident";
		case Op:
		case LESS_EQUALS:
		case GREATER_EQUALS:
		case NOT_EQUALS:
		case EQUALS_GREATER:
			return "op";
		case TYPECAST:
		case DOT_DOT:
		case COLON_EQUALS:
			return "other";
		default:
			return "ident";		/* a keyword */
	}
}

/*
 * scanner_diff_core
 *		Tokens of the text by PostgreSQL's scanner.
 *
 * A scanner error (unterminated literal, trailing junk...) is caught and
 * shown as one 'error' row after the tokens before it; nothing but the
 * scanner's palloc'd memory is involved, so flushing the error is safe.
 */
Datum
scanner_diff_core(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MemoryContext oldcxt = CurrentMemoryContext;
	core_yy_extra_type yyextra;
	core_yyscan_t yyscanner;

	InitMaterializedSRF(fcinfo, 0);

	yyscanner = scanner_init(str, &yyextra, &ScanKeywords,
							 ScanKeywordTokens);
	PG_TRY();
	{
		for (;;)
		{
			core_YYSTYPE yylval;
			YYLTYPE		loc;
			int			token = core_yylex(&yylval, &loc, yyscanner);
			int			stop;

			if (token == 0)
				break;
			stop = loc + (int) strlen(yyextra.scanbuf + loc);
			sd_put(rsinfo, loc, stop, sd_core_kind(token));
		}
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		FlushErrorState();
		sd_put(rsinfo, -1, -1, "error");
	}
	PG_END_TRY();
	scanner_finish(yyscanner);

	return (Datum) 0;
}

/* State passed through pss_tokens to sd_pss_token */
typedef struct SdPssState
{
	ReturnSetInfo *rsinfo;
} SdPssState;

/*
 * sd_pss_token
 *		pss_tokens callback: one row per token.
 */
static void
sd_pss_token(void *arg, size_t start, size_t end, int kind)
{
	SdPssState *st = (SdPssState *) arg;

	sd_put(st->rsinfo, (int) start, (int) end, sd_kind_names[kind]);
}

/*
 * scanner_diff_pss
 *		Tokens of the text by the extension's fingerprint lexer, with the
 *		session's standard_conforming_strings, as the extension lexes.
 */
Datum
scanner_diff_pss(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	SdPssState	st;

	InitMaterializedSRF(fcinfo, 0);
	st.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pss_tokens(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
			   standard_conforming_strings, sd_pss_token, &st);

	return (Datum) 0;
}
