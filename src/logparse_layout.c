/*-------------------------------------------------------------------------
 *
 * logparse_layout.c
 *	  Compile an access-log layout, written the way Apache's LogFormat
 *	  writes it, into the items the line parser matches.
 *
 * Words (see logparse.h): a "layout" is the text that describes a line;
 * a "directive" is one %-sequence of it; an "item" is what a directive or
 * a run of literal text compiles to.
 *
 * The directives are Apache's: %h (or %a) client, %l identity, %u user,
 * %t time, %r request line, %m method, %U path, %q query, %H protocol,
 * %s or %>s status, %b or %B bytes, %{Referer}i and %{User-agent}i; every
 * other Apache directive (%v, %D, %{X-Forwarded-For}i, %{name}n, ...) is
 * read and ignored.  %t is [%d/%b/%Y:%H:%M:%S %z]; %{format}t takes a
 * strftime format, or sec, msec or usec for time since 1970, or msec_frac
 * or usec_frac for the fraction of a second.  As in Apache's configuration
 * files, \t is a tab and \" a double quote.  "common" and "combined" name
 * Apache's layouts of those names (Nginx's "combined" is the same).
 *
 * The compiler checks once, for the whole query, what could otherwise
 * fail on every line: two fields with no literal text between them cannot
 * be told apart (but for %U%q, a path and its query), and a time needs a
 * day, a month, a year and a zone, from the line or from the arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "logparse.h"

/* Apache's own layouts, by the names its configuration gives them */
#define LAYOUT_COMMON "%h %l %u %t \"%r\" %>s %b"
#define LAYOUT_COMBINED LAYOUT_COMMON " \"%{Referer}i\" \"%{User-agent}i\""

/* Apache's directives that have no column: read, then ignored */
#define IGNORED_DIRECTIVES "ACDefIkLnoOpPRSTvVX"

/* The layout being compiled */
typedef struct LayoutBuilder
{
	const char *layout;			/* the whole layout, for messages */
	StringInfoData literal;		/* literal text not yet made an item */
	LogItem    *items;
	int			nitems;
	int			maxitems;
	int			time_parts;
} LayoutBuilder;

static void add_item(LayoutBuilder *b, LogItemKind kind, int what,
					 const char *name);
static void flush_literal(LayoutBuilder *b);
static const char *compile_directive(LayoutBuilder *b, const char *p);
static void compile_time(LayoutBuilder *b, const char *format, int len);
/* A conversion spelled out in others, or Apache's %t */
#define compile_spelled(b, format) compile_time(b, format, sizeof(format) - 1)

static LogLayout *compile_one(const char *layout, int len, int year,
							  int month, pg_tz *zone);
static void check_layout(LayoutBuilder *b, int year, int month,
						 pg_tz *zone);

/*
 * mo_log_compile
 *		Compile a layout, with its alternatives, for lines whose times lack
 *		the year, the month or the zone that the arguments give (0, 0 and
 *		NULL when not given).  Allocates in CurrentMemoryContext.
 */
LogFormat *
mo_log_compile(const char *layout, int year, int month, const char *zone)
{
	LogFormat  *format = palloc0(sizeof(LogFormat));
	LogLayout **tail = &format->layouts;
	const char *p = layout;

	format->year = year;
	format->month = month;
	if (zone != NULL)
	{
		format->zone = pg_tzset(zone);
		if (format->zone == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", zone)));
	}

	/* One alternative per line of the layout; blank lines are skipped. */
	while (*p != '\0')
	{
		const char *eol = strchr(p, '\n');
		int			len = eol ? (int) (eol - p) : (int) strlen(p);
		const char *next = eol ? eol + 1 : p + len;

		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0)
		{
			*tail = compile_one(p, len, year, month, format->zone);
			tail = &(*tail)->next;
		}
		p = next;
	}

	if (format->layouts == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout is empty")));
	return format;
}

/*
 * Compile one alternative: a layout name or a layout.
 */
static LogLayout *
compile_one(const char *layout, int len, int year, int month, pg_tz *zone)
{
	LayoutBuilder b;
	LogLayout  *result;
	char	   *text = pnstrdup(layout, len);
	const char *p;

	if (strcmp(text, "common") == 0)
		text = LAYOUT_COMMON;
	else if (strcmp(text, "combined") == 0)
		text = LAYOUT_COMBINED;

	memset(&b, 0, sizeof(b));
	b.layout = text;
	initStringInfo(&b.literal);
	b.maxitems = 16;
	b.items = palloc(b.maxitems * sizeof(LogItem));

	p = text;
	while (*p != '\0')
	{
		if (*p == '%')
			p = compile_directive(&b, p);
		else if (*p == '\\')
		{
			/* Apache's configuration escapes, so a LogFormat pastes as is */
			switch (p[1])
			{
				case 't':
					appendStringInfoChar(&b.literal, '\t');
					break;
				case '"':
				case '\\':
					appendStringInfoChar(&b.literal, p[1]);
					break;
				default:
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid escape \"\\%c\" in log layout \"%s\"",
									p[1] ? p[1] : ' ', text),
							 errhint("Write \\t for a tab, \\\" for a double quote and \\\\ for a backslash.")));
			}
			p += 2;
		}
		else
			appendStringInfoChar(&b.literal, *p++);
	}
	flush_literal(&b);

	check_layout(&b, year, month, zone);

	result = palloc0(sizeof(LogLayout));
	result->nitems = b.nitems;
	result->items = b.items;
	result->time_parts = b.time_parts;
	return result;
}

/*
 * Compile the directive at p (a '%'); returns where the layout goes on.
 */
static const char *
compile_directive(LayoutBuilder *b, const char *p)
{
	const char *start = p;
	const char *arg = NULL;
	int			arglen = 0;
	char		letter;
	char	   *name;

	p++;
	if (*p == '%')
	{
		appendStringInfoChar(&b->literal, '%');
		return p + 1;
	}

	/*
	 * Conditions (%400,501{...}i) and the original-or-final marks of %<s
	 * and %>s decide what Apache writes, not how it reads: skip them.
	 */
	while (*p != '\0' && strchr("<>!0123456789,", *p) != NULL)
		p++;
	if (*p == '{')
	{
		const char *close = strchr(p, '}');

		if (close == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unterminated \"{\" in log layout \"%s\"",
							b->layout)));
		arg = p + 1;
		arglen = close - arg;
		p = close + 1;
	}
	if (*p == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" ends inside a directive",
						b->layout)));
	letter = *p++;
	name = pnstrdup(start, p - start);

	switch (letter)
	{
		case 'h':
		case 'a':
			add_item(b, ITEM_FIELD, FIELD_CLIENT, "client");
			break;
		case 'l':
			add_item(b, ITEM_FIELD, FIELD_IDENTITY, "identity");
			break;
		case 'u':
			add_item(b, ITEM_FIELD, FIELD_USER, "user");
			break;
		case 'r':
			add_item(b, ITEM_FIELD, FIELD_REQUEST, "request");
			break;
		case 'm':
			add_item(b, ITEM_FIELD, FIELD_METHOD, "method");
			break;
		case 'U':
			/* A path and its query, written together, split at the '?' */
			if (p[0] == '%' && p[1] == 'q')
			{
				add_item(b, ITEM_FIELD, FIELD_URL, "path");
				p += 2;
			}
			else
				add_item(b, ITEM_FIELD, FIELD_PATH, "path");
			break;
		case 'q':
			add_item(b, ITEM_FIELD, FIELD_QUERY, "query");
			break;
		case 'H':
			add_item(b, ITEM_FIELD, FIELD_PROTOCOL, "protocol");
			break;
		case 's':
			add_item(b, ITEM_FIELD, FIELD_STATUS, "status");
			break;
		case 'b':
		case 'B':
			add_item(b, ITEM_FIELD, FIELD_BYTES, "bytes");
			break;
		case 'i':
			if (arg != NULL && arglen == 7 &&
				pg_strncasecmp(arg, "Referer", 7) == 0)
				add_item(b, ITEM_FIELD, FIELD_REFERRER, "referrer");
			else if (arg != NULL && arglen == 10 &&
					 pg_strncasecmp(arg, "User-agent", 10) == 0)
				add_item(b, ITEM_FIELD, FIELD_USER_AGENT, "user agent");
			else
				add_item(b, ITEM_FIELD, FIELD_IGNORED, name);
			break;
		case 't':
			if (arg == NULL)
			{
				appendStringInfoChar(&b->literal, '[');
				compile_spelled(b, "%d/%b/%Y:%H:%M:%S %z");
				appendStringInfoChar(&b->literal, ']');
				break;
			}

			/* Apache's begin: and end: say when the time was taken */
			if (arglen >= 6 && strncmp(arg, "begin:", 6) == 0)
			{
				arg += 6;
				arglen -= 6;
			}
			else if (arglen >= 4 && strncmp(arg, "end:", 4) == 0)
			{
				arg += 4;
				arglen -= 4;
			}

			if (arglen == 3 && strncmp(arg, "sec", 3) == 0)
				add_item(b, ITEM_TIME, TIME_EPOCH, "time");
			else if (arglen == 4 && strncmp(arg, "msec", 4) == 0)
				add_item(b, ITEM_TIME, TIME_EPOCH_MSEC, "time");
			else if (arglen == 4 && strncmp(arg, "usec", 4) == 0)
				add_item(b, ITEM_TIME, TIME_EPOCH_USEC, "time");
			else if (arglen == 9 && strncmp(arg, "msec_frac", 9) == 0)
				add_item(b, ITEM_TIME, TIME_MSEC_FRAC, "time");
			else if (arglen == 9 && strncmp(arg, "usec_frac", 9) == 0)
				add_item(b, ITEM_TIME, TIME_USEC_FRAC, "time");
			else
				compile_time(b, arg, arglen);
			break;
		default:
			if (strchr(IGNORED_DIRECTIVES, letter) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown directive \"%s\" in log layout \"%s\"",
								name, b->layout)));
			add_item(b, ITEM_FIELD, FIELD_IGNORED, name);
			break;
	}
	return p;
}

/*
 * Compile a strftime format into time parts and literal text.  Conversions
 * that combine others (%T, %D, %F, %R) are spelled out.
 */
static void
compile_time(LayoutBuilder *b, const char *format, int len)
{
	const char *end = format + len;
	const char *p;

	for (p = format; p < end; p++)
	{
		int			part;

		if (*p != '%')
		{
			appendStringInfoChar(&b->literal, *p);
			continue;
		}
		if (++p == end)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time format in log layout \"%s\" ends with \"%%\"",
							b->layout)));
		switch (*p)
		{
			case 'Y':
				part = TIME_YEAR;
				break;
			case 'y':
				part = TIME_YEAR2;
				break;
			case 'm':
				part = TIME_MONTH;
				break;
			case 'b':
			case 'h':
				part = TIME_MONTH_ABBR;
				break;
			case 'B':
				part = TIME_MONTH_NAME;
				break;
			case 'd':
			case 'e':
				part = TIME_DAY;
				break;
			case 'H':
			case 'k':
				part = TIME_HOUR;
				break;
			case 'I':
			case 'l':
				part = TIME_HOUR12;
				break;
			case 'p':
				part = TIME_AMPM;
				break;
			case 'M':
				part = TIME_MINUTE;
				break;
			case 'S':
				part = TIME_SECOND;
				break;
			case 'a':
			case 'A':
				part = TIME_WEEKDAY;
				break;
			case 'z':
				part = TIME_OFFSET;
				break;
			case 's':
				part = TIME_EPOCH;
				break;
			case 'T':
				compile_spelled(b, "%H:%M:%S");
				continue;
			case 'D':
				compile_spelled(b, "%m/%d/%y");
				continue;
			case 'F':
				compile_spelled(b, "%Y-%m-%d");
				continue;
			case 'R':
				compile_spelled(b, "%H:%M");
				continue;
			case 't':
				appendStringInfoChar(&b->literal, '\t');
				continue;
			case '%':
				appendStringInfoChar(&b->literal, '%');
				continue;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unsupported time conversion \"%%%c\" in log layout \"%s\"",
								*p, b->layout)));
		}
		add_item(b, ITEM_TIME, part, "time");
	}
}

/*
 * Append an item, after the literal text that comes before it.
 */
static void
add_item(LayoutBuilder *b, LogItemKind kind, int what, const char *name)
{
	LogItem    *item;

	if (kind != ITEM_LITERAL)
		flush_literal(b);
	if (b->nitems == b->maxitems)
	{
		b->maxitems *= 2;
		b->items = repalloc(b->items, b->maxitems * sizeof(LogItem));
	}
	item = &b->items[b->nitems++];
	item->kind = kind;
	item->what = what;
	item->quoted = false;
	item->len = 0;
	item->text = name;
	if (kind == ITEM_TIME)
		b->time_parts |= TIME_HAS(what);
}

/*
 * Make the literal text gathered so far an item.
 */
static void
flush_literal(LayoutBuilder *b)
{
	if (b->literal.len == 0)
		return;
	add_item(b, ITEM_LITERAL, 0, pnstrdup(b->literal.data, b->literal.len));
	b->items[b->nitems - 1].len = b->literal.len;
	resetStringInfo(&b->literal);
}

/*
 * Check a compiled layout and mark its quoted fields.
 */
static void
check_layout(LayoutBuilder *b, int year, int month, pg_tz *zone)
{
	int			parts = b->time_parts;
	bool		any = false;
	int			i;

	for (i = 0; i < b->nitems; i++)
	{
		LogItem    *item = &b->items[i];
		LogItem    *next = i + 1 < b->nitems ? &b->items[i + 1] : NULL;
		LogItem    *prev = i > 0 ? &b->items[i - 1] : NULL;

		if (item->kind == ITEM_LITERAL)
			continue;
		any = true;
		if (item->kind != ITEM_FIELD)
			continue;

		/* A field ends where the literal after it starts. */
		if (next != NULL && next->kind != ITEM_LITERAL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("log layout \"%s\" has no text between the %s and the %s",
							b->layout, item->text, next->text),
					 errdetail("A field ends where the text after it starts.")));

		item->quoted = prev != NULL && prev->kind == ITEM_LITERAL &&
			next != NULL && prev->text[prev->len - 1] == '"' &&
			next->text[0] == '"';
	}

	if (!any)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" has no directives", b->layout)));

	/*
	 * A time since 1970 is complete; otherwise the line or the arguments
	 * must give the day, month, year and zone.
	 */
	if (parts == 0 || (parts & (TIME_HAS(TIME_EPOCH) |
								TIME_HAS(TIME_EPOCH_MSEC) |
								TIME_HAS(TIME_EPOCH_USEC))))
		return;
	if (!(parts & TIME_HAS(TIME_DAY)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" has a time without a day of the month",
						b->layout)));
	if (!(parts & (TIME_HAS(TIME_MONTH) | TIME_HAS(TIME_MONTH_ABBR) |
				   TIME_HAS(TIME_MONTH_NAME))) && month == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" has a time without a month",
						b->layout),
				 errhint("Give the month as an argument.")));
	if (!(parts & (TIME_HAS(TIME_YEAR) | TIME_HAS(TIME_YEAR2))) && year == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" has a time without a year",
						b->layout),
				 errhint("Give the year as an argument.")));
	if (!(parts & TIME_HAS(TIME_OFFSET)) && zone == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" has a time without a time zone offset",
						b->layout),
				 errhint("Give the time zone as an argument.")));
	if ((parts & TIME_HAS(TIME_HOUR12)) && !(parts & TIME_HAS(TIME_AMPM)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("log layout \"%s\" has a 12-hour clock without AM or PM",
						b->layout)));
}
