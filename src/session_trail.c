/*-------------------------------------------------------------------------
 *
 * session_trail.c
 *	  The hit trail: the state type of the aggregate hit_trail(), its text
 *	  and binary forms, and the aggregate's transition, combine and final
 *	  functions.
 *
 * Words:
 *	  hit		one logged event: login (L), page view (P), logout (O) or
 *				technical request (T, never part of a visit)
 *	  trail		the events of one person on one channel, as hit_trail()
 *				collects them (see session.h for the layout)
 *	  room		how many events the allocation behind a trail can hold
 *
 * The aggregate is built for GROUP BY person over tens of millions of rows,
 * so its state is appended to in place.  nodeAgg copies a by-reference
 * transition value into the aggregate's memory whenever the transition
 * function returns a pointer other than the one it was given, and frees the
 * old one; returning the same pointer costs nothing.  Hence:
 *
 *	1. The room of a trail is a function of its event count alone
 *	   (mo_trail_room): the events plus the header, rounded up to a power of
 *	   two, at least MO_TRAIL_FIRST_BYTES.  Powers of two are what the
 *	   allocator hands out anyway, so the rounding wastes nothing, and the
 *	   room need not be stored.
 *	2. While the count stays within the room, an event is written in place
 *	   and the same pointer is returned.
 *	3. Otherwise a trail with the room of the new count is made in the
 *	   per-call memory and returned with VARSIZE covering all its room, so
 *	   that nodeAgg's copy has the room too; the next in-place append brings
 *	   VARSIZE back to the events in use.  Rooms double, so each event is
 *	   copied a bounded number of times.
 *	4. The final function sorts in place (FINALFUNC_MODIFY = READ_WRITE) and
 *	   trims VARSIZE, so the aggregate's result is canonical whatever order
 *	   the rows came in.
 *
 * Invariant: a trail written in place was made by the transition or the
 * combine function, and so has the room of step 1; such a trail carries
 * the flag MO_TRAIL_ROOMY.  hit_trail()'s initial state is NULL and the
 * combine function is not strict, so it copies the first partial state it
 * sees instead of adopting it.  A trail without the flag (a table's, a
 * worker's, one from text or binary input, the INITCOND of an aggregate
 * someone else made of these functions) may be exactly as large as its
 * events: it is only read, and copied before the first event is added.
 *
 * Each trail remembers whether it may be out of order, so that input that
 * arrives in time order (a log read in the order it was written) is never
 * sorted at all, and two sorted partial states are merged in linear time.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "session.h"

/* The smallest trail allocated: room for nine events */
#define MO_TRAIL_FIRST_BYTES	256

/* The most events one trail holds: it must fit one allocation */
#define MO_TRAIL_MAX_EVENTS \
	((int32) ((MaxAllocSize - MO_TRAIL_HEADER) / sizeof(MoEvent)))

/* Bytes per event in the binary form (see mo_hit_trail_send) */
#define MO_EVENT_WIRE_BYTES	22

/* The event code of each kind, in the kinds' order */
static const char mo_kind_letter[] = "LPO";

/*
 * Order of events: time, then the caller's tie-breaker, then kind and page,
 * so that the order is total and no plan can change it.
 */
static inline int
mo_event_cmp(const MoEvent *a, const MoEvent *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->has_page != b->has_page)
		return a->has_page ? 1 : -1;
	if (a->page != b->page)
		return a->page < b->page ? -1 : 1;
	return 0;
}

#define ST_SORT mo_sort_events
#define ST_ELEMENT_TYPE MoEvent
#define ST_COMPARE(a, b) mo_event_cmp(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#ifdef USE_ASSERT_CHECKING
/* The header of a trail is sane; with 'ordered', so is the order claimed */
static void
mo_trail_assert_valid(const MoTrail *trail, bool ordered)
{
	Assert(trail->nevents >= 0 && trail->nevents <= MO_TRAIL_MAX_EVENTS);
	Assert(VARSIZE(trail) >= MO_TRAIL_BYTES(trail->nevents));
	Assert((trail->flags & ~(MO_TRAIL_UNSORTED | MO_TRAIL_ROOMY)) == 0);
	Assert(trail->skipped >= 0 && trail->spare == 0);
	if (ordered && !(trail->flags & MO_TRAIL_UNSORTED))
	{
		for (int32 i = 1; i < trail->nevents; i++)
			Assert(mo_event_cmp(&trail->events[i - 1], &trail->events[i]) <= 0);
	}
}
#else
#define mo_trail_assert_valid(trail, ordered) ((void) 0)
#endif

/*
 * mo_event_kind: the kind of an event code, or MO_TECHNICAL for 'T'.
 */
int
mo_event_kind(char code)
{
	char		shown[8];

	switch (code)
	{
		case 'L':
			return MO_LOGIN;
		case 'P':
			return MO_PAGE;
		case 'O':
			return MO_LOGOUT;
		case 'T':
			return MO_TECHNICAL;
	}

	/* As "char" shows a byte it cannot print */
	if (isprint((unsigned char) code))
		snprintf(shown, sizeof(shown), "%c", code);
	else
		snprintf(shown, sizeof(shown), "\\%03o", (unsigned char) code);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown event code \"%s\"", shown),
			 errhint("Event codes are L (login), P (page view), O (logout) and T (technical request).")));
	pg_unreachable();
}

/*
 * mo_check_time: an event's time must be a real point in time.
 */
void
mo_check_time(TimestampTz ts)
{
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range"),
				 errdetail("A hit cannot happen at an infinite time.")));
}

/*
 * The room, in events, of a trail holding 'nevents' (step 1 above).
 */
static int32
mo_trail_room(int32 nevents)
{
	uint64		bytes = Max(MO_TRAIL_BYTES(nevents), MO_TRAIL_FIRST_BYTES);

	bytes = pg_nextpower2_64(bytes);
	if (bytes > MO_TRAIL_BYTES(MO_TRAIL_MAX_EVENTS))
		return MO_TRAIL_MAX_EVENTS;
	return (int32) ((bytes - MO_TRAIL_HEADER) / sizeof(MoEvent));
}

/*
 * mo_trail_reserve: 'trail' itself if it was made here and has room for
 * 'nevents', else a copy in the current memory context that has (step 3).
 * A NULL trail stands for an empty one.
 */
static MoTrail *
mo_trail_reserve(MoTrail *trail, int64 nevents)
{
	MoTrail    *roomier;
	int32		room;

	if (trail != NULL && (trail->flags & MO_TRAIL_ROOMY) &&
		nevents <= mo_trail_room(trail->nevents))
		return trail;

	if (nevents > MO_TRAIL_MAX_EVENTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many events for one hit trail"),
				 errdetail("A hit trail holds at most %d events.",
						   MO_TRAIL_MAX_EVENTS)));

	/* Zeroed, so that the unused room is the same bytes every time */
	room = mo_trail_room((int32) nevents);
	roomier = palloc0(MO_TRAIL_BYTES(room));
	if (trail != NULL)
		memcpy(roomier, trail, MO_TRAIL_BYTES(trail->nevents));
	SET_VARSIZE(roomier, MO_TRAIL_BYTES(room));
	roomier->flags |= MO_TRAIL_ROOMY;
	return roomier;
}

/*
 * mo_trail_absorb: add the events of 'from' to 'into', which has room for
 * them, keeping 'into' in order when both are.
 */
static void
mo_trail_absorb(MoTrail *into, const MoTrail *from)
{
	MoEvent    *a = into->events;
	const MoEvent *b = from->events;
	int32		n1 = into->nevents;
	int32		n2 = from->nevents;

	into->skipped += from->skipped;
	if (n2 == 0)
		return;
	into->nevents = n1 + n2;

	if ((into->flags | from->flags) & MO_TRAIL_UNSORTED)
	{
		memcpy(a + n1, b, n2 * sizeof(MoEvent));
		into->flags |= MO_TRAIL_UNSORTED;
	}
	else if (n1 == 0 || mo_event_cmp(&a[n1 - 1], &b[0]) <= 0)
		memcpy(a + n1, b, n2 * sizeof(MoEvent));
	else
	{
		/*
		 * Merge from the back: the free room of 'into' fills from its end,
		 * and its own events move only further up, never over one not yet
		 * read.
		 */
		int32		i = n1 - 1;
		int32		j = n2 - 1;
		int32		k = n1 + n2 - 1;

		while (j >= 0)
		{
			if (i >= 0 && mo_event_cmp(&a[i], &b[j]) > 0)
				a[k--] = a[i--];
			else
				a[k--] = b[j--];
		}
	}
}

/*
 * mo_trail_sorted: the trail in a datum, detoasted and in order; a sorted
 * copy in the current memory context if the stored one is not.
 */
const MoTrail *
mo_trail_sorted(Datum datum)
{
	MoTrail    *trail = (MoTrail *) PG_DETOAST_DATUM(datum);

	mo_trail_assert_valid(trail, true);
	if (trail->flags & MO_TRAIL_UNSORTED)
	{
		if ((Pointer) trail == DatumGetPointer(datum))
		{
			MoTrail    *copy = palloc(MO_TRAIL_BYTES(trail->nevents));

			memcpy(copy, trail, MO_TRAIL_BYTES(trail->nevents));
			SET_VARSIZE(copy, MO_TRAIL_BYTES(trail->nevents));
			trail = copy;
		}
		mo_sort_events(trail->events, trail->nevents);
		trail->flags &= ~MO_TRAIL_UNSORTED;
	}
	return trail;
}

/* The aggregate's support functions run only inside an aggregate */
static void
mo_require_aggregate(FunctionCallInfo fcinfo, const char *name)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", name)));
}

/*
 * hit_trail_add(trail hit_trail, ts timestamptz
 *				 [, seq bigint [, event "char", page integer]])
 *		returns hit_trail
 *
 * Transition function of hit_trail(): the trail with one more event.  A
 * NULL time is counted as skipped; a NULL tie-breaker counts as 0, a NULL
 * event code as a page view, a NULL page as no page.
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_add);
Datum
mo_hit_trail_add(PG_FUNCTION_ARGS)
{
	MoTrail    *trail = PG_ARGISNULL(0) ? NULL :
		(MoTrail *) PG_GETARG_POINTER(0);
	MoTrail    *grown;
	MoEvent    *event;
	TimestampTz ts;
	int			kind = MO_PAGE;
	int32		n;

	mo_require_aggregate(fcinfo, "hit_trail_add");

	/*
	 * A technical request is no part of any visit: it is left out before
	 * anything else, also when it has no time.  An unknown code is an error
	 * with or without a time.
	 */
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		kind = mo_event_kind(PG_GETARG_CHAR(3));
		if (kind == MO_TECHNICAL)
		{
			if (trail == NULL)
				PG_RETURN_NULL();
			PG_RETURN_POINTER(trail);
		}
	}

	if (PG_ARGISNULL(1))
	{
		grown = mo_trail_reserve(trail, 0);
		grown->skipped++;
		PG_RETURN_POINTER(grown);
	}
	ts = PG_GETARG_TIMESTAMPTZ(1);
	mo_check_time(ts);

	n = trail == NULL ? 0 : trail->nevents;
	grown = mo_trail_reserve(trail, n + 1);
	event = &grown->events[n];
	event->ts = ts;
	event->seq = (PG_NARGS() > 2 && !PG_ARGISNULL(2)) ? PG_GETARG_INT64(2) : 0;
	event->kind = (uint8) kind;
	event->has_page = PG_NARGS() > 4 && !PG_ARGISNULL(4);
	event->page = event->has_page ? PG_GETARG_INT32(4) : 0;
	event->spare[0] = event->spare[1] = 0;
	if (n > 0 && !(grown->flags & MO_TRAIL_UNSORTED) &&
		mo_event_cmp(event - 1, event) > 0)
		grown->flags |= MO_TRAIL_UNSORTED;
	grown->nevents = n + 1;

	if (grown == trail)
		SET_VARSIZE(grown, MO_TRAIL_BYTES(n + 1));
	mo_trail_assert_valid(grown, false);
	PG_RETURN_POINTER(grown);
}

/*
 * hit_trail_merge(trail hit_trail, other hit_trail) returns hit_trail
 *
 * Combine function of hit_trail(): one trail with the events of both.  It
 * merges events, not visits: the two halves of one visit may come from two
 * workers.
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_merge);
Datum
mo_hit_trail_merge(PG_FUNCTION_ARGS)
{
	MoTrail    *trail = PG_ARGISNULL(0) ? NULL :
		(MoTrail *) PG_GETARG_POINTER(0);
	const MoTrail *other;
	MoTrail    *merged;

	mo_require_aggregate(fcinfo, "hit_trail_merge");

	if (PG_ARGISNULL(1))
	{
		if (trail == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(trail);
	}
	other = (const MoTrail *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	mo_trail_assert_valid(other, false);

	merged = mo_trail_reserve(trail, (int64) (trail == NULL ? 0 :
											  trail->nevents) +
							  other->nevents);
	mo_trail_absorb(merged, other);
	if (merged == trail)
		SET_VARSIZE(merged, MO_TRAIL_BYTES(merged->nevents));
	mo_trail_assert_valid(merged, false);
	PG_RETURN_POINTER(merged);
}

/*
 * hit_trail_final(trail hit_trail) returns hit_trail
 *
 * Final function of hit_trail(): the trail sorted, in place (step 4).
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_final);
Datum
mo_hit_trail_final(PG_FUNCTION_ARGS)
{
	MoTrail    *trail = (MoTrail *) PG_GETARG_POINTER(0);

	mo_require_aggregate(fcinfo, "hit_trail_final");

	if (trail->flags & MO_TRAIL_UNSORTED)
	{
		mo_sort_events(trail->events, trail->nevents);
		trail->flags &= ~MO_TRAIL_UNSORTED;
	}
	SET_VARSIZE(trail, MO_TRAIL_BYTES(trail->nevents));
	trail->flags &= ~MO_TRAIL_ROOMY;
	mo_trail_assert_valid(trail, true);
	PG_RETURN_POINTER(trail);
}

/*
 * Text form.  Events are separated by ", ", each "KIND TIME SEQ PAGE":
 *
 *	  P 2017-02-06T10:00:00Z 1 17, O 2017-02-06T10:02:00.5Z 2 -; 3 skipped
 *
 * TIME is in UTC whatever the session's TimeZone or DateStyle, with as many
 * fractional digits as it needs (at most six), so that the text holds the
 * exact microsecond; PAGE is "-" when there is none; "; N skipped" (or
 * "N skipped" alone) counts hits without a time and is left out when N is
 * 0.  The empty trail is the empty string.
 */
static void
mo_append_time(StringInfo out, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;

	/* Without a zone, timestamp2tm breaks the time down in UTC */
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "hit trail holds a time out of range");
	appendStringInfo(out, "%04d-%02d-%02dT%02d:%02d:%02d",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
	{
		char		digits[8];
		int			len;

		len = snprintf(digits, sizeof(digits), "%06d", (int) fsec);
		while (digits[len - 1] == '0')
			digits[--len] = '\0';
		appendStringInfo(out, ".%s", digits);
	}
	appendStringInfoChar(out, 'Z');
}

/*
 * hit_trail_out(hit_trail) returns cstring
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_out);
Datum
mo_hit_trail_out(PG_FUNCTION_ARGS)
{
	const MoTrail *trail;
	StringInfoData out;

	trail = (const MoTrail *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	mo_trail_assert_valid(trail, true);
	initStringInfo(&out);
	for (int32 i = 0; i < trail->nevents; i++)
	{
		const MoEvent *e = &trail->events[i];

		if (i > 0)
			appendBinaryStringInfo(&out, ", ", 2);
		appendStringInfoChar(&out, mo_kind_letter[e->kind]);
		appendStringInfoChar(&out, ' ');
		mo_append_time(&out, e->ts);
		appendStringInfo(&out, " " INT64_FORMAT " ", e->seq);
		if (e->has_page)
			appendStringInfo(&out, "%d", e->page);
		else
			appendStringInfoChar(&out, '-');
	}
	if (trail->skipped > 0)
		appendStringInfo(&out, "%s" INT64_FORMAT " skipped",
						 trail->nevents > 0 ? "; " : "", trail->skipped);
	PG_RETURN_CSTRING(out.data);
}

/* A cursor over the text being read, for the error message */
typedef struct MoReader
{
	const char *text;
	const char *p;
} MoReader;

static void
mo_syntax_error(const MoReader *r, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					"hit_trail", r->text),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (r->p - r->text) + 1)));
}

static void
mo_expect(MoReader *r, const char *literal, const char *expected)
{
	size_t		len = strlen(literal);

	if (strncmp(r->p, literal, len) != 0)
		mo_syntax_error(r, expected);
	r->p += len;
}

/* Exactly 'ndigits' decimal digits */
static int
mo_read_digits(MoReader *r, int ndigits, const char *expected)
{
	int			value = 0;

	for (int i = 0; i < ndigits; i++, r->p++)
	{
		if (!isdigit((unsigned char) *r->p))
			mo_syntax_error(r, expected);
		value = value * 10 + (*r->p - '0');
	}
	return value;
}

/* A signed decimal integer within [min, max] */
static int64
mo_read_integer(MoReader *r, int64 min, int64 max, const char *expected)
{
	const char *start = r->p;
	char	   *end;
	int64		value;

	if (!(isdigit((unsigned char) *r->p) ||
		  (*r->p == '-' && isdigit((unsigned char) r->p[1]))))
		mo_syntax_error(r, expected);
	errno = 0;
	value = strtoi64(start, &end, 10);
	if (errno != 0 || value < min || value > max)
		mo_syntax_error(r, expected);
	r->p = end;
	return value;
}

/* A time as mo_append_time writes it */
static TimestampTz
mo_read_time(MoReader *r)
{
	static const char expected[] = "a time like 2017-02-06T10:00:00Z";
	const char *start = r->p;
	struct pg_tm tm = {0};
	fsec_t		fsec = 0;
	TimestampTz ts;

	tm.tm_year = (int) mo_read_integer(r, -999999, 999999, expected);
	if (r->p - start < 4)
	{
		r->p = start;
		mo_syntax_error(r, expected);
	}
	mo_expect(r, "-", expected);
	tm.tm_mon = mo_read_digits(r, 2, expected);
	mo_expect(r, "-", expected);
	tm.tm_mday = mo_read_digits(r, 2, expected);
	mo_expect(r, "T", expected);
	tm.tm_hour = mo_read_digits(r, 2, expected);
	mo_expect(r, ":", expected);
	tm.tm_min = mo_read_digits(r, 2, expected);
	mo_expect(r, ":", expected);
	tm.tm_sec = mo_read_digits(r, 2, expected);
	if (*r->p == '.')
	{
		int			scale = 100000;

		r->p++;
		if (!isdigit((unsigned char) *r->p))
			mo_syntax_error(r, expected);
		while (isdigit((unsigned char) *r->p))
		{
			if (scale == 0)
				mo_syntax_error(r, "at most six fractional digits");
			fsec += (*r->p++ - '0') * scale;
			scale /= 10;
		}
	}
	mo_expect(r, "Z", expected);

	if (tm.tm_mon < 1 || tm.tm_mon > MONTHS_PER_YEAR ||
		tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 ||
		tm2timestamp(&tm, fsec, NULL, &ts) != 0 || TIMESTAMP_NOT_FINITE(ts))
	{
		r->p = start;
		mo_syntax_error(r, "a valid time");
	}
	return ts;
}

/*
 * hit_trail_in(cstring) returns hit_trail
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_in);
Datum
mo_hit_trail_in(PG_FUNCTION_ARGS)
{
	MoReader	r;
	MoTrail    *trail = mo_trail_reserve(NULL, 0);

	r.text = r.p = PG_GETARG_CSTRING(0);
	while (*r.p != '\0' && !isdigit((unsigned char) *r.p))
	{
		MoTrail    *roomier;
		MoEvent    *e;
		const char *letter;

		if (trail->nevents > 0)
		{
			if (*r.p == ';')
				break;
			mo_expect(&r, ", ", "\", \", \"; \" or the end");
		}
		roomier = mo_trail_reserve(trail, trail->nevents + 1);
		if (roomier != trail)
		{
			pfree(trail);
			trail = roomier;
		}
		e = &trail->events[trail->nevents];

		letter = strchr(mo_kind_letter, *r.p);
		if (letter == NULL || *letter == '\0')
			mo_syntax_error(&r, "an event code L, P or O");
		e->kind = (uint8) (letter - mo_kind_letter);
		r.p++;
		mo_expect(&r, " ", "a space");
		e->ts = mo_read_time(&r);
		mo_expect(&r, " ", "a space");
		e->seq = mo_read_integer(&r, PG_INT64_MIN, PG_INT64_MAX,
								 "a sequence number");
		mo_expect(&r, " ", "a space");
		if (*r.p == '-' && !isdigit((unsigned char) r.p[1]))
			r.p++;
		else
		{
			e->page = (int32) mo_read_integer(&r, PG_INT32_MIN, PG_INT32_MAX,
											  "a page number or \"-\"");
			e->has_page = true;
		}
		if (trail->nevents > 0 && mo_event_cmp(e - 1, e) > 0)
			trail->flags |= MO_TRAIL_UNSORTED;
		trail->nevents++;
	}

	if (*r.p != '\0')
	{
		if (trail->nevents > 0)
			mo_expect(&r, "; ", "\", \", \"; \" or the end");
		trail->skipped = mo_read_integer(&r, 0, PG_INT64_MAX,
										 "a count of skipped hits");
		mo_expect(&r, " skipped", "\" skipped\"");
		if (*r.p != '\0')
			mo_syntax_error(&r, "the end");
	}

	SET_VARSIZE(trail, MO_TRAIL_BYTES(trail->nevents));
	trail->flags &= ~MO_TRAIL_ROOMY;
	PG_RETURN_POINTER(trail);
}

/*
 * hit_trail_send(hit_trail) returns bytea
 *
 * Binary form: int8 skipped, int4 count, then per event int8 time
 * (microseconds since 2000-01-01 UTC), int8 seq, the event code as one
 * byte, one byte 1 or 0 for a page or none, int4 page (0 when none).
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_send);
Datum
mo_hit_trail_send(PG_FUNCTION_ARGS)
{
	const MoTrail *trail;
	StringInfoData buf;

	trail = (const MoTrail *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	mo_trail_assert_valid(trail, true);
	pq_begintypsend(&buf);
	pq_sendint64(&buf, trail->skipped);
	pq_sendint32(&buf, trail->nevents);
	for (int32 i = 0; i < trail->nevents; i++)
	{
		const MoEvent *e = &trail->events[i];

		pq_sendint64(&buf, e->ts);
		pq_sendint64(&buf, e->seq);
		pq_sendbyte(&buf, (uint8) mo_kind_letter[e->kind]);
		pq_sendbyte(&buf, e->has_page ? 1 : 0);
		pq_sendint32(&buf, e->page);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
mo_binary_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s in external \"hit_trail\" value", what)));
}

/*
 * hit_trail_recv(internal) returns hit_trail
 */
PG_FUNCTION_INFO_V1(mo_hit_trail_recv);
Datum
mo_hit_trail_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	MoTrail    *trail;
	int64		skipped;
	int32		n;

	skipped = pq_getmsgint64(buf);
	n = (int32) pq_getmsgint(buf, 4);
	if (skipped < 0)
		mo_binary_error("count of skipped hits");
	if (n < 0 || n > MO_TRAIL_MAX_EVENTS ||
		n > (buf->len - buf->cursor) / MO_EVENT_WIRE_BYTES)
		mo_binary_error("event count");

	trail = palloc0(MO_TRAIL_BYTES(n));
	SET_VARSIZE(trail, MO_TRAIL_BYTES(n));
	trail->skipped = skipped;
	for (int32 i = 0; i < n; i++)
	{
		MoEvent    *e = &trail->events[i];
		const char *letter;
		int			has_page;

		e->ts = (TimestampTz) pq_getmsgint64(buf);
		e->seq = (int64) pq_getmsgint64(buf);
		letter = strchr(mo_kind_letter, pq_getmsgbyte(buf));
		has_page = pq_getmsgbyte(buf);
		e->page = (int32) pq_getmsgint(buf, 4);

		if (TIMESTAMP_NOT_FINITE(e->ts) || !IS_VALID_TIMESTAMP(e->ts))
			mo_binary_error("time");
		if (letter == NULL || *letter == '\0')
			mo_binary_error("event code");
		if (has_page > 1 || (has_page == 0 && e->page != 0))
			mo_binary_error("page");
		e->kind = (uint8) (letter - mo_kind_letter);
		e->has_page = has_page == 1;
		if (i > 0 && mo_event_cmp(e - 1, e) > 0)
			trail->flags |= MO_TRAIL_UNSORTED;
	}
	trail->nevents = n;
	PG_RETURN_POINTER(trail);
}
