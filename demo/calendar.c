/*-------------------------------------------------------------------------
 *
 * calendar.c
 *	  Dates, ages and Amsterdam local time for the demo generator.
 *
 * Day numbers count days since 1970-01-01 in the proleptic Gregorian
 * calendar (Hinnant's algorithms).  Age is in completed years: a person
 * born on 29 February has a birthday on 1 March in other years, as
 * PostgreSQL's age() counts.  Europe/Amsterdam is UTC+1, and UTC+2 from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October (the EU rule in force since 1996).
 *
 *-------------------------------------------------------------------------
 */
#include "gen.h"

int32_t
days_from_civil(int y, int m, int d)
{
	int			era;
	unsigned	yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t) doe - 719468;
}

void
civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int			era;
	unsigned	doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned) (z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = (int) yoe + era * 400 + (*m <= 2);
}

int
age_on(int32_t birth, int32_t day)
{
	int			by,
				bm,
				bd,
				y,
				m,
				d;

	civil_from_days(birth, &by, &bm, &bd);
	civil_from_days(day, &y, &m, &d);
	return y - by - (m < bm || (m == bm && d < bd));
}

/* The day number of the last Sunday of a month. */
static int32_t
last_sunday(int y, int m)
{
	int32_t		last = days_from_civil(m == 12 ? y + 1 : y,
									   m == 12 ? 1 : m + 1, 1) - 1;
	int			weekday = (int) ((last % 7 + 11) % 7);	/* 0 is Sunday */

	return last - weekday;
}

/* Seconds Amsterdam is ahead of UTC at the instant t (seconds UTC). */
int
amsterdam_offset(int64_t t)
{
	int			y,
				m,
				d;
	int64_t		on,
				off;

	civil_from_days((int32_t) (t / SECONDS_DAY), &y, &m, &d);
	on = (int64_t) last_sunday(y, 3) * SECONDS_DAY + 3600;
	off = (int64_t) last_sunday(y, 10) * SECONDS_DAY + 3600;
	return t >= on && t < off ? 7200 : 3600;
}

/*
 * The instant of a wall-clock time in Amsterdam: second of the local day
 * with day number day.  A time in the hour skipped in spring is read as
 * standard time; of the two instants of the hour repeated in autumn, the
 * first.
 */
int64_t
amsterdam_to_utc(int32_t day, int second)
{
	int64_t		local = (int64_t) day * SECONDS_DAY + second;

	if (amsterdam_offset(local - 7200) == 7200)
		return local - 7200;
	return local - 3600;
}
