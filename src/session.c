/*-------------------------------------------------------------------------
 *
 * session.c
 *	  Visits from one person's timed events: the rules that cut events into
 *	  visits, the window function visit_no(), and visits() and
 *	  visit_summary(), which cut a hit trail (session_trail.c) into visits.
 *
 * Words:
 *	  event		a login (L, a page), a page view (P) or a logout (O, not a
 *				page); technical requests (T) are no part of any visit
 *	  visit		a run of one person's events on one channel that the rules
 *				below keep together; its pages are its logins and page views
 *	  gap		the time from one event to the next
 *	  timeout	the longest gap within a visit
 *	  trail		one person's events, in order (see session.h)
 *
 * The rules.  Events are taken in order of time, then of the caller's
 * tie-breaker.  An event continues the open visit (mo_continues) unless
 *
 *	1. no visit is open: it is the first event, or the one before was a
 *	   logout;
 *	2. it is a login;
 *	3. its gap to the visit's last event is longer than the timeout (a gap
 *	   of exactly the timeout continues the visit);
 *	4. with a maximum length, it lies more than that length after the
 *	   visit's first event;
 *	5. with the midnight split, it falls on a later local day than the
 *	   visit's first event (in the zone given, by PostgreSQL's own time-zone
 *	   rules, so that days of 23 and 25 hours are right).
 *
 * A login or page view that does not continue the open visit starts a new
 * one.  A logout that does not continue one is part of no visit: there is
 * nothing left for it to end, and it is not a page.  A logout that does
 * continue a visit ends it, and sets its end time.  So every visit starts
 * with a page, and has at least one.
 *
 * Each rule only gets stricter as time goes on, so an event that does not
 * continue a visit means no later event can: a visit may go on past the
 * end of what was seen only if the events ran out while it was open.  The
 * flags of a visit ask the rules the same question about an imagined
 * event: a page view at the window's end (ends_after_window) or just
 * before its start (starts_before_window, for the trail's first visit).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "windowapi.h"

#include "session.h"

/* The options of the rules, checked */
typedef struct MoRules
{
	uint64		timeout;		/* longest gap, in microseconds */
	uint64		max_length;		/* longest visit, or 0 for no limit */
	pg_tz	   *zone;			/* split at midnight here, or NULL */
} MoRules;

/* The visit the rules are extending */
typedef struct MoOpenVisit
{
	bool		open;			/* it can take more events */
	TimestampTz start;			/* its first event */
	TimestampTz last;			/* its last event so far */
	TimestampTz day_end;		/* the local midnight after its start, when
								 * splitting at midnight */
} MoOpenVisit;

/* One visit cut from a trail */
typedef struct MoVisit
{
	int32		first;			/* index of its first event */
	int32		pages;
	const MoEvent *entry;		/* its first page */
	const MoEvent *exit;		/* its last page */
	bool		ran_out;		/* the trail ended while it was open */
	MoOpenVisit state;			/* as the last event left it */
} MoVisit;

/*
 * An interval as microseconds, for the option 'what'.  Months have no fixed
 * length, so they are refused; a day is taken as 24 hours.
 */
static int64
mo_interval_usecs(const Interval *iv, const char *what)
{
	int64		usecs;

	if (iv->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot be given in months", what),
				 errhint("Give it in days, hours, minutes or seconds.")));
	if (pg_mul_s64_overflow(iv->day, USECS_PER_DAY, &usecs) ||
		pg_add_s64_overflow(usecs, iv->time, &usecs))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval out of range")));
	if (usecs <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive", what)));
	return usecs;
}

/*
 * mo_rules_make: check the four options (timeout, max_length,
 * split_at_midnight, time_zone) and fill 'rules' with them.
 */
static void
mo_rules_make(MoRules *rules, const NullableDatum *opt)
{
	if (opt[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("visit timeout must not be null")));
	rules->timeout = (uint64)
		mo_interval_usecs(DatumGetIntervalP(opt[0].value), "visit timeout");

	rules->max_length = opt[1].isnull ? 0 : (uint64)
		mo_interval_usecs(DatumGetIntervalP(opt[1].value),
						  "maximum visit length");

	if (opt[2].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("split_at_midnight must not be null")));
	rules->zone = NULL;
	if (DatumGetBool(opt[2].value))
	{
		char	   *name;

		if (opt[3].isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone of the midnight split must not be null")));
		name = text_to_cstring(DatumGetTextPP(opt[3].value));
		rules->zone = pg_tzset(name);
		if (rules->zone == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", name)));
		pfree(name);
	}
}

/*
 * The first local midnight after 'ts' in 'zone'.  DetermineTimeZoneOffset
 * gives the offset in force at that midnight, which on the days clocks
 * change differs from the one at 'ts'.
 */
static TimestampTz
mo_next_midnight(TimestampTz ts, pg_tz *zone)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			offset;
	TimestampTz midnight;

	if (timestamp2tm(ts, &offset, &tm, &fsec, NULL, zone) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	j2date(date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) + 1,
		   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	offset = DetermineTimeZoneOffset(&tm, zone);

	/* Past the last representable day, the day never ends */
	if (tm2timestamp(&tm, 0, &offset, &midnight) != 0)
		return DT_NOEND;
	return midnight;
}

/* The time from 'from' to 'to', 0 if 'to' is not later; never overflows */
static inline uint64
mo_span(TimestampTz from, TimestampTz to)
{
	return to > from ? (uint64) to - (uint64) from : 0;
}

/* Open a visit at 'ts' */
static void
mo_open_visit(const MoRules *rules, MoOpenVisit *visit, TimestampTz ts)
{
	visit->open = true;
	visit->start = ts;
	visit->last = ts;
	visit->day_end = rules->zone ? mo_next_midnight(ts, rules->zone) : 0;
}

/*
 * mo_continues: does an event of 'kind' at 'ts' continue 'visit'?  The
 * rules 1 to 5 of the header, in order.
 */
static inline bool
mo_continues(const MoRules *rules, const MoOpenVisit *visit,
			 TimestampTz ts, int kind)
{
	if (!visit->open || kind == MO_LOGIN)
		return false;
	if (mo_span(visit->last, ts) > rules->timeout)
		return false;
	if (rules->max_length != 0 &&
		mo_span(visit->start, ts) > rules->max_length)
		return false;
	if (rules->zone != NULL && ts >= visit->day_end)
		return false;
	return true;
}

/*
 * mo_next_visit: the next visit of a sorted trail from event '*pos' on;
 * false when there is none.  '*pos' moves past the visit.
 */
static bool
mo_next_visit(const MoRules *rules, const MoTrail *trail, int32 *pos,
			  MoVisit *visit)
{
	const MoEvent *events = trail->events;
	int32		n = trail->nevents;
	int32		i = *pos;

	/* A logout here follows no open visit (rule 1): it is part of none */
	while (i < n && events[i].kind == MO_LOGOUT)
		i++;
	if (i >= n)
	{
		*pos = n;
		return false;
	}

	visit->first = i;
	visit->pages = 1;
	visit->entry = visit->exit = &events[i];
	mo_open_visit(rules, &visit->state, events[i].ts);

	for (i++; i < n; i++)
	{
		const MoEvent *e = &events[i];

		if (!mo_continues(rules, &visit->state, e->ts, e->kind))
			break;
		visit->state.last = e->ts;
		if (e->kind == MO_LOGOUT)
		{
			visit->state.open = false;
			i++;
			break;
		}
		visit->pages++;
		visit->exit = e;
	}

	visit->ran_out = i >= n;
	*pos = i;
	return true;
}

/*
 * Could the visit whose first event is 'first' have begun before
 * 'window_start'?  Only if a page view just before the window would have
 * been continued by it.
 */
static bool
mo_may_begin_before(const MoRules *rules, TimestampTz window_start,
					const MoEvent *first)
{
	MoOpenVisit before;

	if (TIMESTAMP_NOT_FINITE(window_start) || window_start <= MIN_TIMESTAMP)
		return false;
	mo_open_visit(rules, &before, window_start - 1);
	return mo_continues(rules, &before, first->ts, first->kind);
}

/*
 * Could 'visit' go on after 'window_end' (exclusive)?  Only if the trail
 * ran out while it was open and a page view at the window's end would
 * continue it.
 */
static bool
mo_may_go_on(const MoRules *rules, TimestampTz window_end,
			 const MoVisit *visit)
{
	if (!visit->ran_out || TIMESTAMP_NOT_FINITE(window_end))
		return false;
	return mo_continues(rules, &visit->state, window_end, MO_PAGE);
}

/*
 * The blessed row type of a function returning a record with OUT
 * parameters, built once per backend: visits() is called once per person,
 * and building the type from the catalog each time would cost more than
 * cutting the visits.  A function dropped and made anew has a new OID.
 */
static TupleDesc
mo_result_type(FunctionCallInfo fcinfo, Oid *cached_oid, TupleDesc *cached)
{
	TupleDesc	tupdesc;
	MemoryContext oldcontext;

	if (*cached_oid == fcinfo->flinfo->fn_oid)
		return *cached;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	oldcontext = MemoryContextSwitchTo(TopMemoryContext);
	if (*cached != NULL)
		FreeTupleDesc(*cached);
	*cached = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
	*cached_oid = fcinfo->flinfo->fn_oid;
	MemoryContextSwitchTo(oldcontext);
	return *cached;
}

/* What visits() keeps between calls */
typedef struct MoVisitsState
{
	MoRules		rules;
	const MoTrail *trail;		/* sorted; NULL for no trail */
	int32		pos;			/* next event to look at */
	int64		visit_no;		/* number of the next visit */
	bool		may_begin_before;	/* the first visit may be flagged */
	TimestampTz window_start;
	TimestampTz window_end;
} MoVisitsState;

/* The row types of visits() and visit_summary(), once built */
static Oid	mo_visits_oid = InvalidOid;
static TupleDesc mo_visits_type = NULL;
static Oid	mo_summary_oid = InvalidOid;
static TupleDesc mo_summary_type = NULL;

/*
 * visits(trail hit_trail, timeout interval, max_length interval,
 *		  split_at_midnight boolean, time_zone text,
 *		  window_start timestamptz, window_end timestamptz,
 *		  first_visit_no integer)
 *		returns setof (visit_no, start_ts, end_ts, seconds, pages,
 *					   entry_page, exit_page, starts_before_window,
 *					   ends_after_window)
 *
 * One row per visit of the trail, numbered from first_visit_no.  A trail
 * that continues stored visits is expanded from the first visit that may
 * go on, with that visit's number; a first_visit_no above 1 says that
 * earlier visits exist, so no visit of the trail can have begun before the
 * window.
 */
PG_FUNCTION_INFO_V1(mo_visits);
Datum
mo_visits(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	MoVisitsState *state;
	MoVisit		visit;
	Datum		values[9];
	bool		nulls[9] = {false};

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);

		state = palloc0(sizeof(MoVisitsState));
		mo_rules_make(&state->rules, &fcinfo->args[1]);
		if (PG_ARGISNULL(7))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("first visit number must not be null")));
		state->visit_no = PG_GETARG_INT32(7);
		if (state->visit_no < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("first visit number must be at least 1")));
		state->may_begin_before = state->visit_no == 1;
		state->window_start = PG_ARGISNULL(5) ? DT_NOBEGIN :
			PG_GETARG_TIMESTAMPTZ(5);
		state->window_end = PG_ARGISNULL(6) ? DT_NOEND :
			PG_GETARG_TIMESTAMPTZ(6);
		if (!PG_ARGISNULL(5) && !PG_ARGISNULL(6) &&
			state->window_start >= state->window_end)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the window must start before it ends")));

		/*
		 * Detoasted or sorted here, a copy lives as long as the calls; the
		 * argument itself outlives them (as array_unnest assumes).
		 */
		if (!PG_ARGISNULL(0))
			state->trail = mo_trail_sorted(PG_GETARG_DATUM(0));

		funcctx->user_fctx = state;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	state = (MoVisitsState *) funcctx->user_fctx;
	mo_result_type(fcinfo, &mo_visits_oid, &mo_visits_type);
	if (state->trail == NULL ||
		!mo_next_visit(&state->rules, state->trail, &state->pos, &visit))
		SRF_RETURN_DONE(funcctx);

	if (state->visit_no > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("visit number out of range")));
	values[0] = Int32GetDatum((int32) state->visit_no++);
	values[1] = TimestampTzGetDatum(visit.state.start);
	values[2] = TimestampTzGetDatum(visit.state.last);
	values[3] = Float8GetDatum(mo_span(visit.state.start, visit.state.last) /
							   (double) USECS_PER_SEC);
	values[4] = Int32GetDatum(visit.pages);
	values[5] = Int32GetDatum(visit.entry->page);
	nulls[5] = !visit.entry->has_page;
	values[6] = Int32GetDatum(visit.exit->page);
	nulls[6] = !visit.exit->has_page;
	values[7] = BoolGetDatum(state->may_begin_before && visit.first == 0 &&
							 mo_may_begin_before(&state->rules,
												 state->window_start,
												 visit.entry));
	values[8] = BoolGetDatum(mo_may_go_on(&state->rules, state->window_end,
										  &visit));

	SRF_RETURN_NEXT(funcctx,
					HeapTupleGetDatum(heap_form_tuple(mo_visits_type,
													  values, nulls)));
}

/*
 * visit_summary(trail hit_trail, timeout interval, max_length interval,
 *				 split_at_midnight boolean, time_zone text)
 *		returns (visits integer, pages bigint, seconds double precision,
 *				 skipped bigint)
 *
 * The trail's number of visits, their pages and total duration, and the
 * hits left out for want of a time; NULL for a NULL trail.
 */
PG_FUNCTION_INFO_V1(mo_visit_summary);
Datum
mo_visit_summary(PG_FUNCTION_ARGS)
{
	MoRules		rules;
	const MoTrail *trail;
	MoVisit		visit;
	int32		pos = 0;
	int32		visits = 0;
	int64		pages = 0;
	uint64		usecs = 0;		/* visits do not overlap: fits */
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false};

	mo_rules_make(&rules, &fcinfo->args[1]);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	trail = mo_trail_sorted(PG_GETARG_DATUM(0));

	while (mo_next_visit(&rules, trail, &pos, &visit))
	{
		visits++;
		pages += visit.pages;
		usecs += mo_span(visit.state.start, visit.state.last);
	}

	tupdesc = mo_result_type(fcinfo, &mo_summary_oid, &mo_summary_type);
	values[0] = Int32GetDatum(visits);
	values[1] = Int64GetDatum(pages);
	values[2] = Float8GetDatum(usecs / (double) USECS_PER_SEC);
	values[3] = Int64GetDatum(trail->skipped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values,
													  nulls)));
}

/* What visit_no() keeps for one partition */
typedef struct MoWindowState
{
	bool		started;		/* the options have been read */
	MoRules		rules;
	TimestampTz previous;		/* time of the latest row, for the order */
	int32		visit_no;		/* number of the open or last visit */
	MoOpenVisit visit;
} MoWindowState;

/*
 * visit_no(ts timestamptz, event "char", timeout interval,
 *			max_length interval, split_at_midnight boolean, time_zone text)
 *		returns integer
 *
 * Window function: the number of the visit the row belongs to, from 1 in
 * each partition; NULL for a row without a time, a technical request and
 * a logout that ends no visit.  The rows must come in order of time, and
 * the options are read from the first row of the partition, as ntile()
 * reads its argument.
 */
PG_FUNCTION_INFO_V1(mo_visit_no);
Datum
mo_visit_no(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	MoWindowState *state;
	TimestampTz ts;
	bool		isnull;
	Datum		code;
	int			kind;

	state = (MoWindowState *)
		WinGetPartitionLocalMemory(winobj, sizeof(MoWindowState));
	if (!state->started)
	{
		NullableDatum opt[4];

		for (int i = 0; i < 4; i++)
			opt[i].value = WinGetFuncArgCurrent(winobj, 2 + i, &opt[i].isnull);
		mo_rules_make(&state->rules, opt);
		state->previous = DT_NOBEGIN;
		state->started = true;
	}

	/* The event code first, as the aggregate reads it: see hit_trail_add */
	code = WinGetFuncArgCurrent(winobj, 1, &isnull);
	kind = isnull ? MO_PAGE : mo_event_kind(DatumGetChar(code));
	if (kind == MO_TECHNICAL)
		PG_RETURN_NULL();

	ts = DatumGetTimestampTz(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	mo_check_time(ts);
	if (ts < state->previous)
		ereport(ERROR,
				(errcode(ERRCODE_WINDOWING_ERROR),
				 errmsg("rows reach visit_no out of time order"),
				 errhint("Order the window by time, as in OVER (PARTITION BY person ORDER BY ts, seq).")));
	state->previous = ts;

	if (mo_continues(&state->rules, &state->visit, ts, kind))
	{
		state->visit.last = ts;
		if (kind == MO_LOGOUT)
			state->visit.open = false;
		PG_RETURN_INT32(state->visit_no);
	}
	if (kind == MO_LOGOUT)
	{
		state->visit.open = false;
		PG_RETURN_NULL();
	}

	if (state->visit_no == PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("visit number out of range")));
	state->visit_no++;
	mo_open_visit(&state->rules, &state->visit, ts);
	PG_RETURN_INT32(state->visit_no);
}
