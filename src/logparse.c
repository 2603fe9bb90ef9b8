/*-------------------------------------------------------------------------
 *
 * logparse.c
 *	  Parse access-log lines against a compiled layout into typed columns,
 *	  and the SQL function that parses one line.
 *
 * Words: see logparse.h.  A "span" is where a column's text lies in the
 * line; a "candidate" is a double quote that may close a quoted field; a
 * "reject" is a line that does not fit the layout, with its "reason".
 *
 * The algorithm, per line and layout alternative:
 *
 * 1. Walk the items left to right with a cursor.  A literal must be at
 *	  the cursor.  A time part reads its own digits or names.  A field runs
 *	  to the first place where the literal after it begins (or to the end
 *	  of the line, for the last item).
 * 2. A quoted field (a field between double quotes) runs to a closing
 *	  quote, skipping the escapes \" and \\.  Old servers wrote quotes
 *	  inside a request unescaped, so every unescaped quote is a candidate:
 *	  the field closes at the first candidate after which the rest of the
 *	  line fits the layout.  When what follows the field is unambiguous
 *	  (a status and a byte count, say), only one candidate fits.  The
 *	  candidates tried per line are bounded, so that a line full of quotes
 *	  costs a bounded time.
 * 3. Numbers are checked while matching, so that a wrong candidate fails
 *	  at once; text is neither copied nor unescaped until the line fits.
 * 4. When the whole line fits, the request is split into method, path,
 *	  query and protocol, and the time parts become a timestamptz (with
 *	  the line's offset, or else in the zone the arguments give).
 *
 * The reason a line is rejected for is where the plain reading of it (each
 * quoted field closed at its first unescaped quote) fails; over several
 * alternatives, the one that got furthest into the line.  A later
 * candidate's failure would blame a field the line never meant.
 *
 * Values: "-" and empty fields are NULL, but a byte count of "-" is 0, as
 * Apache means it.  A request that is "-" or is not "METHOD target
 * [PROTOCOL]" gives NULL method, path, query and protocol; the line is
 * kept.  Escapes other than \" and \\ (Apache's \xhh, Nginx's \x22) are
 * kept as written: the bytes they stand for need not be valid text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "logparse.h"
#include "mo_usage.h"

/* Candidate closing quotes tried per line before giving up */
#define MAX_CANDIDATES 10000

/* Why a line does not fit */
typedef enum LogFailure
{
	FAIL_NONE,
	FAIL_EMPTY,					/* the line is empty */
	FAIL_LITERAL,				/* a literal is not where it should be */
	FAIL_NO_END,				/* no literal after an unquoted field */
	FAIL_NO_CLOSE,				/* no closing quote */
	FAIL_NUMBER,				/* a status or byte count is not a number */
	FAIL_NUMBER_RANGE,			/* a status or byte count has too many digits */
	FAIL_TIME,					/* a time part is not what it should be */
	FAIL_TIME_RANGE,			/* the time parts make no valid time */
	FAIL_TRAILING,				/* text after the last item */
	FAIL_CANDIDATES				/* too many quotes to try */
} LogFailure;

/* The state of matching one line */
typedef struct ParseState
{
	const LogFormat *format;
	const LogLayout *layout;
	const char *line;
	int			len;
	LogLine    *out;
	LogSpan		request;		/* %r, split once the line fits */
	LogSpan		url;			/* %U%q, split once the line fits */
	int			candidates;		/* closing quotes tried */
	bool		plain;			/* every quoted field at its first quote */

	/* The time parts read */
	int			year;
	int			month;
	int			day;
	int			hour;
	int			minute;
	int			second;
	int			usec;
	bool		pm;
	int			offset;			/* seconds east of UTC */
	int64		epoch_usec;		/* microseconds since 1970 */

	/* The failure that got furthest */
	int			fail_pos;
	LogFailure	fail;
	const LogItem *fail_item;
	const LogLayout *fail_layout;
} ParseState;

/* The most bytes a time part reads: fewer left means the line ends in it */
static const int time_width[] = {
	[TIME_YEAR] = 4,[TIME_YEAR2] = 2,[TIME_MONTH] = 2,[TIME_MONTH_ABBR] = 3,
	[TIME_MONTH_NAME] = 9,[TIME_DAY] = 3,[TIME_HOUR] = 3,[TIME_HOUR12] = 3,
	[TIME_AMPM] = 2,[TIME_MINUTE] = 2,[TIME_SECOND] = 2,[TIME_WEEKDAY] = 9,
	[TIME_OFFSET] = 6,[TIME_EPOCH] = 12,[TIME_EPOCH_MSEC] = 15,
	[TIME_EPOCH_USEC] = 18,[TIME_MSEC_FRAC] = 3,[TIME_USEC_FRAC] = 6
};

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static bool match_from(ParseState *ps, int i, int pos);
static bool match_quoted(ParseState *ps, int i, int pos);
static int	field_end(ParseState *ps, int i, int pos);
static bool store_field(ParseState *ps, const LogItem *item, int start,
						int end);
static bool match_time(ParseState *ps, const LogItem *item, int *pos);
static bool finish_time(ParseState *ps);
static void split_request(LogLine *out, const LogSpan *request);
static void split_url(LogLine *out, const LogSpan *url);
static char *failure_reason(const ParseState *ps);

/*
 * Record a failure at pos, if the plain reading of the line made it (or it
 * is one that no reading can avoid), and it got further than those of
 * other alternatives.  Returns false, so that a matcher can return it.
 */
static inline bool
fail(ParseState *ps, int pos, LogFailure why, const LogItem *item)
{
	bool		always = why == FAIL_CANDIDATES || why == FAIL_TIME_RANGE;

	if ((ps->plain || always) &&
		(ps->fail == FAIL_NONE || pos > ps->fail_pos || always))
	{
		ps->fail_pos = pos;
		ps->fail = why;
		ps->fail_item = item;
		ps->fail_layout = ps->layout;
	}
	return false;
}

/*
 * mo_log_parse
 *		Parse one line (without its line end) against a format.  Returns
 *		true with the columns in *out, or false with a reason, palloc'd.
 *		The text spans of *out point into line.
 */
bool
mo_log_parse(LogFormat *format, const char *line, int len, LogLine *out,
			 char **reason)
{
	ParseState	ps;
	const LogLayout *layout;

	memset(&ps, 0, sizeof(ps));
	ps.format = format;
	ps.line = line;
	ps.len = len;
	ps.out = out;
	ps.plain = true;

	/* A line end of CR LF leaves its CR here. */
	if (len > 0 && line[len - 1] == '\r')
		ps.len = --len;
	if (len == 0)
	{
		fail(&ps, 0, FAIL_EMPTY, NULL);
		*reason = failure_reason(&ps);
		return false;
	}

	for (layout = format->layouts; layout != NULL; layout = layout->next)
	{
		memset(out, 0, sizeof(LogLine));
		ps.layout = layout;
		ps.request.start = NULL;
		ps.url.start = NULL;
		ps.candidates = 0;
		ps.plain = true;
		if (!match_from(&ps, 0, 0))
			continue;
		if (!finish_time(&ps))
			continue;
		split_request(out, &ps.request);
		split_url(out, &ps.url);
		return true;
	}
	*reason = failure_reason(&ps);
	return false;
}

/*
 * Match the items from the i-th on, from byte pos of the line to its end.
 */
static bool
match_from(ParseState *ps, int i, int pos)
{
	const LogLayout *layout = ps->layout;

	for (; i < layout->nitems; i++)
	{
		const LogItem *item = &layout->items[i];
		int			end;

		switch (item->kind)
		{
			case ITEM_LITERAL:
				if (ps->len - pos < item->len)
				{
					/* Cut short where the literal begins: the line ends. */
					if (memcmp(ps->line + pos, item->text, ps->len - pos) == 0)
						pos = ps->len;
					return fail(ps, pos, FAIL_LITERAL, item);
				}
				if (memcmp(ps->line + pos, item->text, item->len) != 0)
					return fail(ps, pos, FAIL_LITERAL, item);
				pos += item->len;
				break;
			case ITEM_TIME:
				if (!match_time(ps, item, &pos))
					return false;
				break;
			case ITEM_FIELD:
				if (item->quoted)
					return match_quoted(ps, i, pos);
				end = field_end(ps, i, pos);
				if (end < 0 || !store_field(ps, item, pos, end))
					return false;
				pos = end;
				break;
		}
	}
	if (pos < ps->len)
		return fail(ps, pos, FAIL_TRAILING, &layout->items[i - 1]);
	return true;
}

/*
 * Match the quoted field that is the i-th item, at pos (just after its
 * opening quote), and the rest of the line after it.  Tries each unescaped
 * quote as the closing one until the rest fits.
 */
static bool
match_quoted(ParseState *ps, int i, int pos)
{
	const LogItem *item = &ps->layout->items[i];
	const char *line = ps->line;
	int			p = pos;
	const char *q = NULL;
	const char *b;
	bool		plain = ps->plain;
	bool		any = false;

	while (p < ps->len)
	{
		/* The next quote, and an escape before it, if any */
		if (q == NULL || q < line + p)
			q = memchr(line + p, '"', ps->len - p);
		if (q == NULL)
			break;
		b = memchr(line + p, '\\', q - line - p);
		if (b != NULL)
		{
			p = b - line + 2;
			continue;
		}

		any = true;
		if (++ps->candidates > MAX_CANDIDATES)
			return fail(ps, ps->len, FAIL_CANDIDATES, item);
		if (store_field(ps, item, pos, q - line) &&
			match_from(ps, i + 1, q - line))
			return true;
		p = q - line + 1;
		ps->plain = false;
	}
	ps->plain = plain;
	if (!any)
		return fail(ps, ps->len, FAIL_NO_CLOSE, item);
	return false;
}

/*
 * Where the unquoted field that is the i-th item, starting at pos, ends:
 * at the first place the literal after it begins, or at the end of the
 * line for the last item.  -1 when that literal does not follow.
 */
static int
field_end(ParseState *ps, int i, int pos)
{
	const LogItem *next;
	const char *p = ps->line + pos;
	const char *end = ps->line + ps->len;

	if (i + 1 == ps->layout->nitems)
		return ps->len;
	next = &ps->layout->items[i + 1];
	while ((p = memchr(p, next->text[0], end - p)) != NULL)
	{
		if (end - p >= next->len && memcmp(p, next->text, next->len) == 0)
			return p - ps->line;
		p++;
	}
	fail(ps, ps->len, FAIL_NO_END, &ps->layout->items[i]);
	return -1;
}

/*
 * Keep the field that is the span [start, end) of the line.  Numbers are
 * read here, so that a wrong candidate fails at once.
 */
static bool
store_field(ParseState *ps, const LogItem *item, int start, int end)
{
	const char *s = ps->line + start;
	int			len = end - start;
	LogSpan		span;
	int64		value = 0;
	int			k;

	span.start = s;
	span.len = len;
	span.escaped = item->quoted;
	if (len == 0 || (len == 1 && s[0] == '-'))
		span.start = NULL;

	switch (item->what)
	{
		case FIELD_STATUS:
		case FIELD_BYTES:
			if (span.start == NULL)
			{
				/* Apache writes "-" for no bytes at all */
				if (item->what == FIELD_STATUS)
					ps->out->has_status = false;
				else
				{
					ps->out->has_bytes = true;
					ps->out->bytes = 0;
				}
				return true;
			}
			for (k = 0; k < len; k++)
			{
				if (s[k] < '0' || s[k] > '9')
					return fail(ps, start, FAIL_NUMBER, item);
			}
			if (len > (item->what == FIELD_STATUS ? 3 : 18))
				return fail(ps, start, FAIL_NUMBER_RANGE, item);
			for (k = 0; k < len; k++)
				value = value * 10 + (s[k] - '0');
			if (item->what == FIELD_STATUS)
			{
				ps->out->has_status = true;
				ps->out->status = (int32) value;
			}
			else
			{
				ps->out->has_bytes = true;
				ps->out->bytes = value;
			}
			return true;
		case FIELD_CLIENT:
			ps->out->text[LOG_CLIENT] = span;
			return true;
		case FIELD_IDENTITY:
			ps->out->text[LOG_IDENTITY] = span;
			return true;
		case FIELD_USER:
			ps->out->text[LOG_USER] = span;
			return true;
		case FIELD_REQUEST:
			ps->request = span;
			return true;
		case FIELD_URL:
			ps->url = span;
			return true;
		case FIELD_METHOD:
			ps->out->text[LOG_METHOD] = span;
			return true;
		case FIELD_PATH:
			ps->out->text[LOG_PATH] = span;
			return true;
		case FIELD_QUERY:
			/* Apache's %q starts with the '?' */
			if (span.start != NULL && span.start[0] == '?')
			{
				span.start++;
				span.len--;
			}
			ps->out->text[LOG_QUERY] = span;
			return true;
		case FIELD_PROTOCOL:
			ps->out->text[LOG_PROTOCOL] = span;
			return true;
		case FIELD_REFERRER:
			ps->out->text[LOG_REFERRER] = span;
			return true;
		case FIELD_USER_AGENT:
			ps->out->text[LOG_USER_AGENT] = span;
			return true;
		case FIELD_IGNORED:
			return true;
	}
	return true;
}

/*
 * Read up to width digits (at least one) at *pos into *value.
 */
static inline bool
read_digits(ParseState *ps, int *pos, int width, int64 *value)
{
	const char *p = ps->line + *pos;
	int			n = 0;
	int64		v = 0;

	while (n < width && *pos + n < ps->len && p[n] >= '0' && p[n] <= '9')
	{
		v = v * 10 + (p[n] - '0');
		n++;
	}
	if (n == 0)
		return false;
	*pos += n;
	*value = v;
	return true;
}

/*
 * Read a time part at *pos.  Ranges are checked once the line fits.
 */
static bool
match_time(ParseState *ps, const LogItem *item, int *pos)
{
	const char *p = ps->line + *pos;
	int			left = ps->len - *pos;
	int64		v = 0;
	int			start = *pos;
	int			m;
	bool		ok = true;

	switch ((LogTimePart) item->what)
	{
		case TIME_YEAR:
			ok = read_digits(ps, pos, 4, &v);
			ps->year = (int) v;
			break;
		case TIME_YEAR2:
			ok = read_digits(ps, pos, 2, &v);
			ps->year = (int) (v < 69 ? 2000 + v : 1900 + v);
			break;
		case TIME_MONTH:
			ok = read_digits(ps, pos, 2, &v);
			ps->month = (int) v;
			break;
		case TIME_MONTH_ABBR:
		case TIME_MONTH_NAME:
			ok = false;
			for (m = 0; m < 12 && !ok; m++)
			{
				int			n = item->what == TIME_MONTH_ABBR ?
				3 : strlen(month_names[m]);

				if (left >= n && pg_strncasecmp(p, month_names[m], n) == 0)
				{
					ps->month = m + 1;
					*pos += n;
					ok = true;
				}
			}
			break;
		case TIME_DAY:
		case TIME_HOUR:
		case TIME_HOUR12:
			/* %e, %k and %l pad with a space */
			if (left > 0 && p[0] == ' ')
				(*pos)++;
			ok = read_digits(ps, pos, 2, &v);
			if (item->what == TIME_DAY)
				ps->day = (int) v;
			else
				ps->hour = (int) v;
			break;
		case TIME_AMPM:
			ok = left >= 2 && (p[1] == 'M' || p[1] == 'm') &&
				p[0] != '\0' && strchr("AaPp", p[0]) != NULL;
			ps->pm = ok && (p[0] == 'P' || p[0] == 'p');
			*pos += ok ? 2 : 0;
			break;
		case TIME_MINUTE:
			ok = read_digits(ps, pos, 2, &v);
			ps->minute = (int) v;
			break;
		case TIME_SECOND:
			ok = read_digits(ps, pos, 2, &v);
			ps->second = (int) v;
			break;
		case TIME_WEEKDAY:
			while (*pos < ps->len &&
				   ((ps->line[*pos] | 0x20) >= 'a' &&
					(ps->line[*pos] | 0x20) <= 'z'))
				(*pos)++;
			ok = *pos > start;
			break;
		case TIME_OFFSET:
			if (left >= 1 && (p[0] == 'Z' || p[0] == 'z'))
			{
				ps->offset = 0;
				(*pos)++;
				break;
			}
			/* +hhmm or +hh:mm */
			ok = left >= 5 && (p[0] == '+' || p[0] == '-') &&
				isdigit((unsigned char) p[1]) && isdigit((unsigned char) p[2]);
			if (ok)
			{
				int			k = p[3] == ':' ? 4 : 3;
				int			hh = (p[1] - '0') * 10 + (p[2] - '0');
				int			mm;

				ok = left >= k + 2 && isdigit((unsigned char) p[k]) &&
					isdigit((unsigned char) p[k + 1]);
				mm = ok ? (p[k] - '0') * 10 + (p[k + 1] - '0') : 0;
				ok = ok && hh <= 15 && mm <= 59;
				ps->offset = (p[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
				*pos += k + 2;
			}
			break;
		case TIME_EPOCH:
			ok = read_digits(ps, pos, 12, &v);
			ps->epoch_usec = v * USECS_PER_SEC;
			break;
		case TIME_EPOCH_MSEC:
			ok = read_digits(ps, pos, 15, &v);
			ps->epoch_usec = v * 1000;
			break;
		case TIME_EPOCH_USEC:
			ok = read_digits(ps, pos, 18, &v);
			ps->epoch_usec = v;
			break;
		case TIME_MSEC_FRAC:
			ok = read_digits(ps, pos, 3, &v) && *pos - start == 3;
			ps->usec = (int) v * 1000;
			break;
		case TIME_USEC_FRAC:
			ok = read_digits(ps, pos, 6, &v) && *pos - start == 6;
			ps->usec = (int) v;
			break;
	}
	/*
	 * A line that ends within a fixed-width part ends in the time; the
	 * seconds since the epoch have no fixed width, so only a line that
	 * ends before them does.
	 */
	if (!ok)
		return fail(ps,
					(item->what == TIME_EPOCH || item->what == TIME_EPOCH_MSEC ||
					 item->what == TIME_EPOCH_USEC) ?
					(start >= ps->len ? ps->len : start) :
					(ps->len - start < time_width[item->what] ? ps->len : start),
					FAIL_TIME, item);
	return true;
}

/*
 * Make the time parts of a fitting line a timestamptz.
 */
static bool
finish_time(ParseState *ps)
{
	int			parts = ps->layout->time_parts;
	struct pg_tm tm;
	Timestamp	ts;
	int			tz;

	if (parts == 0)
		return true;

	if (parts & (TIME_HAS(TIME_EPOCH) | TIME_HAS(TIME_EPOCH_MSEC) |
				 TIME_HAS(TIME_EPOCH_USEC)))
	{
		/* A fraction (%{msec_frac}t) belongs to %{sec}t. */
		if (parts & TIME_HAS(TIME_EPOCH))
			ps->epoch_usec += ps->usec;
		ts = ps->epoch_usec -
			(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
	}
	else
	{
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = parts & (TIME_HAS(TIME_YEAR) | TIME_HAS(TIME_YEAR2)) ?
			ps->year : ps->format->year;
		tm.tm_mon = parts & (TIME_HAS(TIME_MONTH) | TIME_HAS(TIME_MONTH_ABBR) |
							 TIME_HAS(TIME_MONTH_NAME)) ?
			ps->month : ps->format->month;
		tm.tm_mday = ps->day;
		tm.tm_hour = ps->hour;
		tm.tm_min = ps->minute;
		tm.tm_sec = ps->second;

		/* The 12-hour clock: 12 AM is midnight, 12 PM noon. */
		if (parts & TIME_HAS(TIME_HOUR12))
		{
			if (tm.tm_hour < 1 || tm.tm_hour > 12)
				return fail(ps, ps->len, FAIL_TIME_RANGE, NULL);
			tm.tm_hour = tm.tm_hour % 12 + (ps->pm ? 12 : 0);
		}

		if (tm.tm_year < 1 || tm.tm_mon < 1 || tm.tm_mon > MONTHS_PER_YEAR ||
			tm.tm_mday < 1 ||
			tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
			tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
			return fail(ps, ps->len, FAIL_TIME_RANGE, NULL);

		/* PostgreSQL counts zones in seconds west of UTC. */
		if (parts & TIME_HAS(TIME_OFFSET))
			tz = -ps->offset;
		else
			tz = DetermineTimeZoneOffset(&tm, ps->format->zone);
		if (tm2timestamp(&tm, ps->usec, &tz, &ts) != 0)
			return fail(ps, ps->len, FAIL_TIME_RANGE, NULL);
	}
	if (!IS_VALID_TIMESTAMP(ts))
		return fail(ps, ps->len, FAIL_TIME_RANGE, NULL);
	ps->out->has_ts = true;
	ps->out->ts = ts;
	return true;
}

/* RFC 9110's token characters, of which a method is made */
static inline bool
is_tchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') ||
		(c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/*
 * Split a request line, "METHOD target PROTOCOL", into its columns.  The
 * target may hold spaces (old servers logged them unescaped): the protocol
 * is the last word, when it starts with "HTTP/".
 */
static void
split_request(LogLine *out, const LogSpan *request)
{
	const char *s = request->start;
	const char *end;
	const char *sp;
	const char *last;
	LogSpan		target;
	int			k;

	if (s == NULL)
		return;
	end = s + request->len;
	sp = memchr(s, ' ', request->len);
	if (sp == NULL || sp == s)
		return;
	for (k = 0; s + k < sp; k++)
		if (!is_tchar(s[k]))
			return;

	out->text[LOG_METHOD].start = s;
	out->text[LOG_METHOD].len = sp - s;

	/* The protocol, when the last word is one */
	for (last = end - 1; last > sp && *last != ' '; last--)
		;
	if (last > sp && end - last > 5 && memcmp(last + 1, "HTTP/", 5) == 0)
	{
		out->text[LOG_PROTOCOL].start = last + 1;
		out->text[LOG_PROTOCOL].len = end - last - 1;
		out->text[LOG_PROTOCOL].escaped = request->escaped;
		end = last;
	}

	/* The target, without the spaces around it */
	while (sp < end && *sp == ' ')
		sp++;
	while (end > sp && end[-1] == ' ')
		end--;
	target.start = sp < end ? sp : NULL;
	target.len = end - sp;
	target.escaped = request->escaped;
	split_url(out, &target);
}

/*
 * Split a URL at its first '?' into path and query.
 */
static void
split_url(LogLine *out, const LogSpan *url)
{
	const char *q;

	if (url->start == NULL)
		return;
	out->text[LOG_PATH] = *url;
	q = memchr(url->start, '?', url->len);
	if (q == NULL)
		return;
	out->text[LOG_PATH].len = q - url->start;
	out->text[LOG_QUERY].start = q + 1;
	out->text[LOG_QUERY].len = url->start + url->len - q - 1;
	out->text[LOG_QUERY].escaped = url->escaped;
	if (out->text[LOG_PATH].len == 0)
		out->text[LOG_PATH].start = NULL;
}

/*
 * A literal of the layout as it reads in a reason, escaped as the layout
 * escapes it.
 */
static char *
show_literal(const LogItem *item)
{
	StringInfoData buf;
	int			k;

	initStringInfo(&buf);
	for (k = 0; k < item->len; k++)
	{
		if (item->text[k] == '\t')
			appendStringInfoString(&buf, "\\t");
		else if (item->text[k] == '"' || item->text[k] == '\\')
			appendStringInfo(&buf, "\\%c", item->text[k]);
		else
			appendStringInfoChar(&buf, item->text[k]);
	}
	return buf.data;
}

/*
 * Why the line does not fit: the failure that got furthest.
 */
static char *
failure_reason(const ParseState *ps)
{
	const LogItem *item = ps->fail_item;
	int			at = ps->fail_pos + 1;

	switch (ps->fail)
	{
		case FAIL_EMPTY:
			return pstrdup("empty line");
		case FAIL_LITERAL:
			/* At the end, name what should have come next. */
			if (ps->fail_pos >= ps->len &&
				item + 1 < ps->fail_layout->items + ps->fail_layout->nitems)
				return psprintf("line ends %s the %s",
								item > ps->fail_layout->items &&
								item[-1].kind == ITEM_TIME &&
								item[1].kind == ITEM_TIME ? "in" : "before",
								item[1].text);
			if (ps->fail_pos >= ps->len)
				return psprintf("line ends where \"%s\" should follow",
								show_literal(item));
			return psprintf("expected \"%s\" at byte %d",
							show_literal(item), at);
		case FAIL_NO_END:
			return psprintf("line ends in the %s", item->text);
		case FAIL_NO_CLOSE:
			return psprintf("no closing quote in the %s", item->text);
		case FAIL_NUMBER:
			return psprintf("%s is not a number at byte %d", item->text, at);
		case FAIL_NUMBER_RANGE:
			return psprintf("%s is out of range at byte %d (more than %d digits)",
							item->text, at, item->what == FIELD_STATUS ? 3 : 18);
		case FAIL_TIME:
			if (ps->fail_pos >= ps->len)
				return pstrdup("line ends in the time");
			return psprintf("time does not fit the layout at byte %d", at);
		case FAIL_TIME_RANGE:
			return pstrdup("date/time field value out of range");
		case FAIL_TRAILING:
			if (item->kind == ITEM_LITERAL)
				return psprintf("unexpected text at byte %d after the end of the layout",
								at);
			return psprintf("unexpected text at byte %d after the %s",
							at, item->text);
		case FAIL_CANDIDATES:
			return psprintf("too many double quotes to tell the %s from the rest",
							item->text);
		case FAIL_NONE:
			break;
	}
	elog(ERROR, "log line failed without a reason");
	return NULL;				/* keep compiler quiet */
}

/*
 * The text of a span, with \" and \\ undone in quoted fields.
 */
static text *
span_text(const LogSpan *span)
{
	text	   *result;
	char	   *d;
	int			k;

	if (!span->escaped || memchr(span->start, '\\', span->len) == NULL)
		return cstring_to_text_with_len(span->start, span->len);

	result = palloc(VARHDRSZ + span->len);
	d = VARDATA(result);
	for (k = 0; k < span->len; k++)
	{
		char		c = span->start[k];

		if (c == '\\' && k + 1 < span->len &&
			(span->start[k + 1] == '"' || span->start[k + 1] == '\\'))
			c = span->start[++k];
		*d++ = c;
	}
	SET_VARSIZE(result, d - (char *) result);
	return result;
}

/*
 * mo_log_line_values
 *		The columns of a parsed line as Datums, in LogColumn order.
 */
void
mo_log_line_values(const LogLine *parsed, Datum *values, bool *nulls)
{
	int			c;

	for (c = 0; c < LOG_NCOLUMNS; c++)
	{
		nulls[c] = false;
		switch ((LogColumn) c)
		{
			case LOG_TS:
				nulls[c] = !parsed->has_ts;
				values[c] = TimestampTzGetDatum(parsed->ts);
				break;
			case LOG_STATUS:
				nulls[c] = !parsed->has_status;
				values[c] = Int32GetDatum(parsed->status);
				break;
			case LOG_BYTES:
				nulls[c] = !parsed->has_bytes;
				values[c] = Int64GetDatum(parsed->bytes);
				break;
			default:
				nulls[c] = parsed->text[c].start == NULL;
				if (!nulls[c])
					values[c] = PointerGetDatum(span_text(&parsed->text[c]));
				break;
		}
	}
}

/*
 * mo_log_format_from_args
 *		Compile the layout, year, month and time zone that are the
 *		arguments first to first + 3 of a call.  A NULL year, month or zone
 *		is not given.
 */
LogFormat *
mo_log_format_from_args(FunctionCallInfo fcinfo, int first)
{
	int			year = 0;
	int			month = 0;
	char	   *zone = NULL;

	if (!PG_ARGISNULL(first + 1))
	{
		year = PG_GETARG_INT32(first + 1);
		if (year < 1 || year > 9999)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("year must be between 1 and 9999")));
	}
	if (!PG_ARGISNULL(first + 2))
	{
		month = PG_GETARG_INT32(first + 2);
		if (month < 1 || month > MONTHS_PER_YEAR)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("month must be between 1 and 12")));
	}
	if (!PG_ARGISNULL(first + 3))
		zone = text_to_cstring(PG_GETARG_TEXT_PP(first + 3));

	return mo_log_compile(text_to_cstring(PG_GETARG_TEXT_PP(first)),
						  year, month, zone);
}

/* What parse_log_line keeps between calls of one query */
typedef struct ParseCache
{
	MemoryContext cxt;			/* holds the format and its arguments */
	LogFormat  *format;			/* NULL until compiled */
	text	   *layout;			/* the arguments the format was made from */
	bool		year_null;
	int32		year;
	bool		month_null;
	int32		month;
	text	   *zone;
	TupleDesc	tupdesc;
} ParseCache;

/* Is the text argument the same as the cached one (both may be NULL)? */
static bool
same_text(FunctionCallInfo fcinfo, int arg, text *cached)
{
	text	   *t;

	if (PG_ARGISNULL(arg) || cached == NULL)
		return PG_ARGISNULL(arg) && cached == NULL;
	t = PG_GETARG_TEXT_PP(arg);
	return VARSIZE_ANY_EXHDR(t) == VARSIZE_ANY_EXHDR(cached) &&
		memcmp(VARDATA_ANY(t), VARDATA_ANY(cached),
			   VARSIZE_ANY_EXHDR(t)) == 0;
}

/*
 * The compiled format for this call's arguments: compiled once per query
 * (and again only when the arguments change), not once per line.
 */
static ParseCache *
parse_cache(FunctionCallInfo fcinfo)
{
	ParseCache *cache = fcinfo->flinfo->fn_extra;
	MemoryContext old;
	TupleDesc	tupdesc;

	if (cache == NULL)
	{
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context that cannot accept type record")));
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(ParseCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										   "log layout",
										   ALLOCSET_SMALL_SIZES);
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cache->tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cache;
	}
	else if (cache->format != NULL &&
			 same_text(fcinfo, 1, cache->layout) &&
			 cache->year_null == PG_ARGISNULL(2) &&
			 (cache->year_null || cache->year == PG_GETARG_INT32(2)) &&
			 cache->month_null == PG_ARGISNULL(3) &&
			 (cache->month_null || cache->month == PG_GETARG_INT32(3)) &&
			 same_text(fcinfo, 4, cache->zone))
		return cache;

	cache->format = NULL;
	MemoryContextReset(cache->cxt);
	old = MemoryContextSwitchTo(cache->cxt);
	cache->layout = PG_GETARG_TEXT_P_COPY(1);
	cache->year_null = PG_ARGISNULL(2);
	cache->year = cache->year_null ? 0 : PG_GETARG_INT32(2);
	cache->month_null = PG_ARGISNULL(3);
	cache->month = cache->month_null ? 0 : PG_GETARG_INT32(3);
	cache->zone = PG_ARGISNULL(4) ? NULL : PG_GETARG_TEXT_P_COPY(4);
	cache->format = mo_log_format_from_args(fcinfo, 1);
	MemoryContextSwitchTo(old);
	return cache;
}

/*
 * parse_log_line(line text, layout text DEFAULT 'combined',
 *				  year int DEFAULT NULL, month int DEFAULT NULL,
 *				  time_zone text DEFAULT NULL)
 *	  RETURNS record (client, identity, auth_user, ts, method, path, query,
 *					  protocol, status, bytes, referrer, user_agent, reason)
 *
 * The columns of one line, or NULL columns and the reason it does not fit.
 * NULL when the line or the layout is NULL.
 */
PG_FUNCTION_INFO_V1(mo_parse_log_line);
Datum
mo_parse_log_line(PG_FUNCTION_ARGS)
{
	ParseCache *cache;
	text	   *line;
	LogLine		parsed;
	char	   *reason;
	Datum		values[LOG_NCOLUMNS + 1];
	bool		nulls[LOG_NCOLUMNS + 1];

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	cache = parse_cache(fcinfo);
	line = PG_GETARG_TEXT_PP(0);

	if (mo_log_parse(cache->format, VARDATA_ANY(line),
					 VARSIZE_ANY_EXHDR(line), &parsed, &reason))
	{
		mo_log_line_values(&parsed, values, nulls);
		nulls[LOG_NCOLUMNS] = true;
	}
	else
	{
		memset(nulls, true, sizeof(nulls));
		values[LOG_NCOLUMNS] = CStringGetTextDatum(reason);
		nulls[LOG_NCOLUMNS] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc,
													  values, nulls)));
}

/*
 * is_asset(path text) RETURNS boolean
 *
 * Whether the file name at the end of path has an extension listed in
 * mo_usage.asset_extensions (commas between, case ignored): an image, a
 * style sheet, a script or a font rather than a page.
 */
PG_FUNCTION_INFO_V1(mo_is_asset);
Datum
mo_is_asset(PG_FUNCTION_ARGS)
{
	text	   *path = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(path);
	int			len = VARSIZE_ANY_EXHDR(path);
	const char *ext = NULL;
	const char *list = mo_asset_extensions ? mo_asset_extensions : "";
	int			extlen;
	int			k;

	/* The extension: after the last dot of the last path segment */
	for (k = len - 1; k >= 0 && s[k] != '/'; k--)
	{
		if (s[k] == '.')
		{
			ext = s + k + 1;
			break;
		}
	}
	if (ext == NULL)
		PG_RETURN_BOOL(false);
	extlen = s + len - ext;

	while (*list != '\0')
	{
		const char *end = strchr(list, ',');
		const char *next = end ? end + 1 : list + strlen(list);

		if (end == NULL)
			end = next;
		while (list < end && *list == ' ')
			list++;
		while (end > list && end[-1] == ' ')
			end--;
		if (end - list == extlen && extlen > 0 &&
			pg_strncasecmp(list, ext, extlen) == 0)
			PG_RETURN_BOOL(true);
		list = next;
	}
	PG_RETURN_BOOL(false);
}
