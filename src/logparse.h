/*-------------------------------------------------------------------------
 *
 * logparse.h
 *	  Access-log layouts and the line parser, shared by the C files of the
 *	  log family: logparse_layout.c compiles a layout, logparse.c matches
 *	  lines against it and logparse_file.c reads log files.
 *
 * A "layout" describes a log line the way Apache's LogFormat does
 * ("%h %l %u %t \"%r\" %>s %b").  Compiled, it is a sequence of "items":
 * literal text, "fields" (a run of text up to the literal that follows,
 * stored in one of the columns or ignored) and "time parts" (the pieces of
 * a timestamp, each reading its own digits or names).  A layout may list
 * alternatives, one per line; a log line is parsed with the first that
 * fits it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LOGPARSE_H
#define LOGPARSE_H

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "pgtime.h"

/* The typed columns of a parsed line, in the order the SQL functions use */
typedef enum LogColumn
{
	LOG_CLIENT,
	LOG_IDENTITY,
	LOG_USER,
	LOG_TS,
	LOG_METHOD,
	LOG_PATH,
	LOG_QUERY,
	LOG_PROTOCOL,
	LOG_STATUS,
	LOG_BYTES,
	LOG_REFERRER,
	LOG_USER_AGENT,
	LOG_NCOLUMNS
} LogColumn;

/* What an item of a layout is */
typedef enum LogItemKind
{
	ITEM_LITERAL,				/* text that must be there as written */
	ITEM_FIELD,					/* text up to the next literal */
	ITEM_TIME					/* one part of the timestamp */
} LogItemKind;

/* Where a field goes */
typedef enum LogField
{
	FIELD_CLIENT,				/* %h, %a */
	FIELD_IDENTITY,				/* %l */
	FIELD_USER,					/* %u */
	FIELD_REQUEST,				/* %r: method, path, query and protocol */
	FIELD_METHOD,				/* %m */
	FIELD_PATH,					/* %U */
	FIELD_URL,					/* %U%q: path and query */
	FIELD_QUERY,				/* %q */
	FIELD_PROTOCOL,				/* %H */
	FIELD_STATUS,				/* %s, %>s */
	FIELD_BYTES,				/* %b, %B */
	FIELD_REFERRER,				/* %{Referer}i */
	FIELD_USER_AGENT,			/* %{User-agent}i */
	FIELD_IGNORED				/* any other directive: read, not kept */
} LogField;

/* The parts of a timestamp, as strftime names them */
typedef enum LogTimePart
{
	TIME_YEAR,					/* %Y */
	TIME_YEAR2,					/* %y: 69-99 are 19xx, 00-68 are 20xx */
	TIME_MONTH,					/* %m */
	TIME_MONTH_ABBR,			/* %b, %h: Jan ... Dec */
	TIME_MONTH_NAME,			/* %B: January ... December */
	TIME_DAY,					/* %d, %e */
	TIME_HOUR,					/* %H, %k */
	TIME_HOUR12,				/* %I, %l */
	TIME_AMPM,					/* %p */
	TIME_MINUTE,				/* %M */
	TIME_SECOND,				/* %S */
	TIME_WEEKDAY,				/* %a, %A: read and ignored */
	TIME_OFFSET,				/* %z: +hhmm, -hh:mm or Z */
	TIME_EPOCH,					/* %s, %{sec}t: seconds since 1970 */
	TIME_EPOCH_MSEC,			/* %{msec}t */
	TIME_EPOCH_USEC,			/* %{usec}t */
	TIME_MSEC_FRAC,				/* %{msec_frac}t */
	TIME_USEC_FRAC				/* %{usec_frac}t */
} LogTimePart;

/* Bits of LogLayout.time_parts: which parts of the time a layout has */
#define TIME_HAS(part)	(1 << (part))

typedef struct LogItem
{
	LogItemKind kind;
	int			what;			/* a LogField or a LogTimePart */
	bool		quoted;			/* a field between double quotes */
	int			len;			/* length of a literal */
	const char *text;			/* the literal; a field's name in reasons */
} LogItem;

/* One compiled layout; alternatives are chained through next */
typedef struct LogLayout
{
	int			nitems;
	LogItem    *items;
	int			time_parts;		/* TIME_HAS bits */
	struct LogLayout *next;
} LogLayout;

/*
 * A compiled layout with the arguments that complete its times: the year,
 * month and time zone for layouts whose lines do not carry them.
 */
typedef struct LogFormat
{
	LogLayout  *layouts;
	int			year;			/* 0 when not given */
	int			month;			/* 0 when not given */
	pg_tz	   *zone;			/* NULL when not given */
} LogFormat;

/* A span of the line: where a column's text is, and how to read it */
typedef struct LogSpan
{
	const char *start;			/* NULL: the column is NULL */
	int			len;
	bool		escaped;		/* from a quoted field: undo \" and \\ */
} LogSpan;

/* A parsed line: text columns as spans of the line, the rest typed */
typedef struct LogLine
{
	LogSpan		text[LOG_NCOLUMNS]; /* the text columns */
	bool		has_ts;
	TimestampTz ts;
	bool		has_status;
	int32		status;
	bool		has_bytes;
	int64		bytes;
} LogLine;

extern LogFormat *mo_log_compile(const char *layout, int year, int month,
								 const char *zone);
extern bool mo_log_parse(LogFormat *format, const char *line, int len,
						 LogLine *out, char **reason);
extern LogFormat *mo_log_format_from_args(FunctionCallInfo fcinfo,
										  int first);
extern void mo_log_line_values(const LogLine *parsed, Datum *values,
							   bool *nulls);

#endif							/* LOGPARSE_H */
