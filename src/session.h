/*-------------------------------------------------------------------------
 *
 * session.h
 *	  The hit trail, shared by the two C files of the visits family:
 *	  session_trail.c (the type and the aggregate that builds it) and
 *	  session.c (the rules that cut a trail into visits).
 *
 * A trail is one person's events on one channel, as the aggregate
 * hit_trail() collects them: a varlena of fixed-size events, kept in the
 * order they arrived until the aggregate's final function sorts them by
 * time, then by the caller's tie-breaker.  Technical requests never enter a
 * trail; hits without a time are only counted.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MO_SESSION_H
#define MO_SESSION_H

#include "datatype/timestamp.h"
#include "fmgr.h"

/*
 * Event kinds, numbered so that events with equal time and tie-breaker sort
 * as a visit would have them: the login first, the logout last.
 */
#define MO_LOGIN		0
#define MO_PAGE			1
#define MO_LOGOUT		2

/* A technical request: a valid code, but never part of a trail or visit */
#define MO_TECHNICAL	3

/* One event: 24 bytes, the size that decides how many a trail holds */
typedef struct MoEvent
{
	TimestampTz ts;				/* when, in microseconds; never infinite */
	int64		seq;			/* tie-breaker for equal times */
	int32		page;			/* page id; meaningful when has_page */
	uint8		kind;			/* MO_LOGIN, MO_PAGE or MO_LOGOUT */
	bool		has_page;
	uint8		spare[2];		/* always zero, so equal trails are equal
								 * bytes */
} MoEvent;

/*
 * A trail.  VARSIZE covers at least the events in use; while the aggregate
 * builds it, the allocation behind it may be larger (see session_trail.c).
 */
typedef struct MoTrail
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		nevents;		/* events in use */
	uint32		flags;			/* MO_TRAIL_UNSORTED, MO_TRAIL_ROOMY */
	int32		spare;			/* always zero */
	int64		skipped;		/* hits left out because their time was
								 * NULL */
	MoEvent		events[FLEXIBLE_ARRAY_MEMBER];
} MoTrail;

/* The events may be out of (ts, seq, kind, page) order */
#define MO_TRAIL_UNSORTED	0x0001

/*
 * The aggregate made this trail and its allocation has the room that
 * session_trail.c gives a trail of its event count, so events may be
 * written into it in place.  Only the aggregate's own transition and
 * combine functions set it; the final function clears it, and no trail
 * read from text, binary or a table has it.
 */
#define MO_TRAIL_ROOMY		0x0002

#define MO_TRAIL_HEADER		offsetof(MoTrail, events)
#define MO_TRAIL_BYTES(n)	(MO_TRAIL_HEADER + (Size) (n) * sizeof(MoEvent))

extern int	mo_event_kind(char code);
extern void mo_check_time(TimestampTz ts);
extern const MoTrail *mo_trail_sorted(Datum datum);

#endif							/* MO_SESSION_H */
