/*-------------------------------------------------------------------------
 *
 * logparse_file.c
 *	  Read an access log from a file on the server, line by line, and
 *	  parse each line.
 *
 * Words: a "line" is the bytes up to a line feed (a CR before it is
 * dropped); the last line of a file need not end in one.  A "reject" is a
 * line that is returned with its reason instead of its columns.
 *
 * The reader is a set-returning function in value-per-call mode: it holds
 * one buffer, never the whole file, and returns one row per line.  It
 * reads through zlib's gzread, which reads gzip-compressed files and plain
 * ones alike.  A line is rejected, not an error, when it is:
 *
 *	- longer than mo_usage.max_line_length (its first bytes are kept),
 *	- holding a NUL byte, or bytes that are not valid in the database
 *	  encoding (those bytes are shown as \xhh in the line returned),
 *	- not fitting the layout (see logparse.c).
 *
 * The file and its zlib state belong to the query: a memory-context
 * callback closes them when the query ends, also when it fails.
 *
 * Reading a server file needs the rights COPY FROM a file needs:
 * superuser or the privileges of pg_read_server_files.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"

#include "logparse.h"
#include "mo_usage.h"

/* Bytes asked of zlib at a time, and its own buffer */
#define READ_CHUNK (64 * 1024)
#define ZLIB_BUFFER (128 * 1024)

/* The reader's state, kept across calls */
typedef struct LogReader
{
	char	   *path;
	gzFile		gz;				/* NULL once closed */
	LogFormat  *format;
	TupleDesc	tupdesc;
	bool		header;			/* the first line names the columns */
	int			limit;			/* longest line parsed, in bytes */
	int			encoding;

	char	   *buf;			/* bytes read, not yet returned */
	int			size;
	int			start;			/* first byte not yet returned */
	int			end;			/* end of the bytes read */
	bool		eof;
	bool		skipping;		/* discarding the rest of a long line */
	int64		line_no;

	MemoryContextCallback close_cb;
} LogReader;

static void open_reader(LogReader *r);
static void close_reader(void *arg);
static bool read_more(LogReader *r);
static bool fill(LogReader *r);
static bool next_line(LogReader *r, char **line, int *len, bool *too_long);
static char *valid_text(LogReader *r, const char *line, int len,
						char **reason);

/*
 * read_log_file(file text, layout text DEFAULT 'combined',
 *				 year int DEFAULT NULL, month int DEFAULT NULL,
 *				 time_zone text DEFAULT NULL, header boolean DEFAULT false)
 *	  RETURNS TABLE (line_no bigint, <the columns of parse_log_line>,
 *					 line text, reason text)
 *
 * One row per line of the file: its number (from 1, a header counted) and
 * either its columns or, for a reject, the line and the reason.
 */
PG_FUNCTION_INFO_V1(mo_read_log_file);
Datum
mo_read_log_file(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	LogReader  *r;
	char	   *line;
	int			len;
	bool		too_long;
	char	   *reason = NULL;
	char	   *shown = NULL;
	LogLine		parsed;
	Datum		values[LOG_NCOLUMNS + 3];
	bool		nulls[LOG_NCOLUMNS + 3];

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	tupdesc;

		if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("file name and layout must not be null")));
		if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("must be superuser or have privileges of the pg_read_server_files role to read a log file")));

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context that cannot accept type record")));

		r = palloc0(sizeof(LogReader));
		r->tupdesc = BlessTupleDesc(tupdesc);
		r->format = mo_log_format_from_args(fcinfo, 1);
		r->header = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
		r->path = text_to_cstring(PG_GETARG_TEXT_PP(0));
		r->limit = mo_max_line_length;
		r->encoding = GetDatabaseEncoding();
		r->size = READ_CHUNK * 2;
		r->buf = palloc(r->size);
		open_reader(r);

		/* Close the file when the query ends, however it ends. */
		r->close_cb.func = close_reader;
		r->close_cb.arg = r;
		MemoryContextRegisterResetCallback(funcctx->multi_call_memory_ctx,
										   &r->close_cb);
		funcctx->user_fctx = r;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	r = funcctx->user_fctx;

	do
	{
		if (!next_line(r, &line, &len, &too_long))
		{
			close_reader(r);
			SRF_RETURN_DONE(funcctx);
		}
	} while (r->header && r->line_no == 1);

	/* Check the bytes before the parser sees them. */
	if (too_long)
	{
		reason = psprintf("line is longer than %d bytes", r->limit);
		shown = valid_text(r, line, len, NULL);
	}
	else
		shown = valid_text(r, line, len, &reason);

	if (reason == NULL && mo_log_parse(r->format, line, len, &parsed, &reason))
	{
		mo_log_line_values(&parsed, values + 1, nulls + 1);
		nulls[LOG_NCOLUMNS + 1] = true;
		nulls[LOG_NCOLUMNS + 2] = true;
	}
	else
	{
		memset(nulls, true, sizeof(nulls));
		values[LOG_NCOLUMNS + 1] = shown ? CStringGetTextDatum(shown) :
			PointerGetDatum(cstring_to_text_with_len(line, len));
		values[LOG_NCOLUMNS + 2] = CStringGetTextDatum(reason);
		nulls[LOG_NCOLUMNS + 1] = false;
		nulls[LOG_NCOLUMNS + 2] = false;
	}
	values[0] = Int64GetDatum(r->line_no);
	nulls[0] = false;

	SRF_RETURN_NEXT(funcctx,
					HeapTupleGetDatum(heap_form_tuple(r->tupdesc, values,
													  nulls)));
}

/*
 * Open the file for gzread, with the checks COPY FROM a file makes.
 */
static void
open_reader(LogReader *r)
{
	struct stat st;
	int			fd;

	/* The descriptor is not one of fd.c's: tell it one is in use. */
	if (!AcquireExternalFD())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("could not open file \"%s\" for reading: too many open files",
						r->path)));
	fd = BasicOpenFile(r->path, O_RDONLY | PG_BINARY);
	if (fd < 0)
	{
		int			save_errno = errno;

		ReleaseExternalFD();
		errno = save_errno;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m",
						r->path)));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
	{
		close(fd);
		ReleaseExternalFD();
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a directory", r->path)));
	}

	r->gz = gzdopen(fd, "rb");
	if (r->gz == NULL)
	{
		close(fd);
		ReleaseExternalFD();
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	}
	gzbuffer(r->gz, ZLIB_BUFFER);
}

/*
 * Close the file, once: at its end, or when the query's memory goes.
 */
static void
close_reader(void *arg)
{
	LogReader  *r = arg;

	if (r->gz == NULL)
		return;
	gzclose_r(r->gz);
	r->gz = NULL;
	ReleaseExternalFD();
}

/*
 * Read more bytes after r->end.  Returns false at the end of the file.
 */
static bool
read_more(LogReader *r)
{
	int			n;
	int			zerr;
	const char *msg;

	CHECK_FOR_INTERRUPTS();
	n = gzread(r->gz, r->buf + r->end, Min(r->size - r->end, READ_CHUNK));
	if (n > 0)
	{
		r->end += n;
		return true;
	}

	/* The end, or an error: gzerror tells which. */
	msg = gzerror(r->gz, &zerr);
	if (n == 0 && zerr == Z_OK)
	{
		r->eof = true;
		return false;
	}
	if (zerr == Z_ERRNO)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read file \"%s\": %m", r->path)));
	if (zerr == Z_BUF_ERROR)
		msg = "unexpected end of file";
	else if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ") != NULL)
		msg = strstr(msg, ": ") + 2;	/* zlib names the descriptor */
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("could not decompress file \"%s\": %s", r->path, msg)));
	return false;				/* keep compiler quiet */
}

/*
 * Move the bytes not yet returned to the front of the buffer, grow it if
 * they fill it, and read more.  Returns false at the end of the file.
 */
static bool
fill(LogReader *r)
{
	int			pending = r->end - r->start;

	if (r->start > 0)
	{
		memmove(r->buf, r->buf + r->start, pending);
		r->start = 0;
		r->end = pending;
	}
	if (r->end == r->size)
	{
		/* At most twice the longest line: the limit is below 1 GB / 4. */
		r->size *= 2;
		r->buf = repalloc(r->buf, r->size);
	}
	return read_more(r);
}

/*
 * The next line, without its line feed; false at the end of the file.  A
 * line longer than the limit comes back as its first r->limit bytes, with
 * *too_long set; the rest of it is skipped.  *line stays valid until the
 * next call.
 */
static bool
next_line(LogReader *r, char **line, int *len, bool *too_long)
{
	*too_long = false;
	for (;;)
	{
		char	   *from = r->buf + r->start;
		int			pending = r->end - r->start;
		char	   *nl = memchr(from, '\n', pending);

		if (r->skipping)
		{
			/* The rest of a line too long to keep */
			r->start = nl ? nl - r->buf + 1 : r->end;
			r->skipping = nl == NULL;
			if (r->skipping && (r->eof || !fill(r)))
				return false;
			continue;
		}

		if (nl != NULL)
		{
			*line = from;
			*len = nl - from;
			r->start += *len + 1;
			r->line_no++;
			if (*len > r->limit)
			{
				*len = r->limit;
				*too_long = true;
			}
			return true;
		}
		if (pending > r->limit)
		{
			*line = from;
			*len = r->limit;
			*too_long = true;
			r->start = r->end;
			r->skipping = true;
			r->line_no++;
			return true;
		}
		if (r->eof || !fill(r))
		{
			/* The last line, with no line feed after it (fill moved it) */
			if (pending == 0)
				return false;
			*line = r->buf + r->start;
			*len = pending;
			r->start = r->end;
			r->line_no++;
			return true;
		}
	}
}

/*
 * The line as a reject shows it, or NULL when the line is valid text as it
 * is.  Bytes that are not valid in the database encoding (NUL among them)
 * are shown as \xhh.  When reason is not NULL, *reason says where the
 * first such byte is.
 */
static char *
valid_text(LogReader *r, const char *line, int len, char **reason)
{
	int			valid = pg_encoding_verifymbstr(r->encoding, line, len);
	StringInfoData buf;
	int			p;

	if (valid == len)
		return NULL;
	if (reason != NULL && line[valid] == '\0')
		*reason = psprintf("NUL byte at byte %d", valid + 1);
	else if (reason != NULL)
		*reason = psprintf("invalid byte sequence for encoding \"%s\" at byte %d",
						   GetDatabaseEncodingName(), valid + 1);

	initStringInfo(&buf);
	for (p = 0; p < len; p++)
	{
		valid = pg_encoding_verifymbstr(r->encoding, line + p, len - p);
		appendBinaryStringInfo(&buf, line + p, valid);
		p += valid;
		if (p < len)
			appendStringInfo(&buf, "\\x%02x", (unsigned char) line[p]);
	}
	return buf.data;
}
