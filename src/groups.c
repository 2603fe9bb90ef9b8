/*-------------------------------------------------------------------------
 *
 * groups.c
 *	  The study's age bands.
 *
 * An age in completed years falls in one band: "jonger dan 14 jaar", then
 * "14 tot 25 jaar" (with detail: "14 tot 18 jaar" and "18 tot 25 jaar"),
 * then bands of ten years from 25 ("25 tot 35 jaar" ... "65 tot 75 jaar"),
 * and "75 jaar of ouder"; an unknown age (NULL) is "onbekend".  A band's
 * lower bound belongs to it, its upper bound to the next.
 *
 * The bands are computed here rather than as an SQL CASE because they are
 * asked for once per person of a register (seventeen million at a time):
 * an SQL function whose argument is an expression and is read more than
 * once is not inlined, and its per-call executor costs some microseconds.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

/* The ten-year bands from 25, by (age - 25) / 10 */
static const char *const decade_band[] = {
	"25 tot 35 jaar", "35 tot 45 jaar", "45 tot 55 jaar", "55 tot 65 jaar",
	"65 tot 75 jaar"
};

/*
 * mo_usage.age_group(age integer, detail boolean DEFAULT false)
 *		RETURNS text
 *		The band of age; detail NULL counts as false.
 */
PG_FUNCTION_INFO_V1(mo_age_group);
Datum
mo_age_group(PG_FUNCTION_ARGS)
{
	bool		detail = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
	int32		age;
	const char *band;

	if (PG_ARGISNULL(0))
		band = "onbekend";
	else if ((age = PG_GETARG_INT32(0)) < 14)
		band = "jonger dan 14 jaar";
	else if (age < 25)
		band = !detail ? "14 tot 25 jaar" :
			age < 18 ? "14 tot 18 jaar" : "18 tot 25 jaar";
	else if (age >= 75)
		band = "75 jaar of ouder";
	else
		band = decade_band[(age - 25) / 10];
	PG_RETURN_TEXT_P(cstring_to_text(band));
}
