/*-------------------------------------------------------------------------
 *
 * output.c
 *	  The demo generator's tables as CSV, in the layout of the staging
 *	  tables: person, household, municipality and portal_log.
 *
 * CSV as PostgreSQL's COPY reads it: a header line, comma-separated
 * fields, an empty field for NULL, no quoting needed (no field holds a
 * comma, a quote or a line break).  Timestamps are Amsterdam local time
 * with their UTC offset, as "2017-02-06 09:15:03+01".
 *
 * The log is written in delivery order: events merged from all visits by
 * time, each delayed by up to three seconds at random (a log gathered from
 * several servers), so that it is roughly but not strictly chronological.
 * A visit has one pending event in a heap at a time; its visits enter the
 * merge in order of their first event.
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define OUT_SIZE	(1 << 20)

/* Delivery delay of an event, in quarter seconds. */
#define DELAY_STEPS	12

typedef struct Out
{
	FILE	   *f;
	size_t		n;
	char		buf[OUT_SIZE];
} Out;

static Out *
out_open(FILE *f)
{
	Out		   *o = xmalloc(sizeof(Out));

	o->f = f;
	o->n = 0;
	return o;
}

static void
out_flush(Out *o)
{
	if (o->n > 0 && fwrite(o->buf, 1, o->n, o->f) != o->n)
		fail("cannot write: %m");
	o->n = 0;
}

static void
out_close(Out *o)
{
	out_flush(o);
	if (fflush(o->f) != 0)
		fail("cannot write: %m");
	free(o);
}

static inline void
out_char(Out *o, char c)
{
	if (o->n == OUT_SIZE)
		out_flush(o);
	o->buf[o->n++] = c;
}

static void
out_str(Out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

/* v in decimal, zero-padded to at least width digits. */
static void
out_uint(Out *o, uint64_t v, int width)
{
	char		digits[24];
	int			n = 0;

	do
	{
		digits[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < width)
		digits[n++] = '0';
	while (n > 0)
		out_char(o, digits[--n]);
}

static void
out_date(Out *o, int32_t day)
{
	int			y,
				m,
				d;

	civil_from_days(day, &y, &m, &d);
	out_uint(o, (uint64_t) y, 4);
	out_char(o, '-');
	out_uint(o, (uint64_t) m, 2);
	out_char(o, '-');
	out_uint(o, (uint64_t) d, 2);
}

/* An instant as Amsterdam local time with its offset. */
static void
out_timestamp(Out *o, int64_t t)
{
	int			offset = amsterdam_offset(t);
	int64_t		local = t + offset;
	int			second = (int) (local % SECONDS_DAY);

	out_date(o, (int32_t) (local / SECONDS_DAY));
	out_char(o, ' ');
	out_uint(o, (uint64_t) (second / 3600), 2);
	out_char(o, ':');
	out_uint(o, (uint64_t) (second / 60 % 60), 2);
	out_char(o, ':');
	out_uint(o, (uint64_t) (second % 60), 2);
	out_str(o, offset == 7200 ? "+02" : "+01");
}

static void
out_household_id(Out *o, uint32_t h)
{
	out_char(o, 'H');
	out_uint(o, (uint64_t) h + 1, 8);
}

static void
out_muni_code(Out *o, int m)
{
	out_str(o, "GM");
	out_uint(o, (uint64_t) m + 1, 4);
}

void
write_person(FILE *f, const Register *reg)
{
	static const char *const mig[N_MIG] = {"Dutch", "western", "non-western"};
	Out		   *o = out_open(f);

	out_str(o, "bsn,birth_date,sex,migration_background,household_id,"
			"municipality\n");
	for (int64_t i = 0; i < reg->n_person; i++)
	{
		const Person *p = &reg->person[i];

		out_uint(o, p->bsn, 9);
		out_char(o, ',');
		out_date(o, p->birth);
		out_str(o, p->sex ? ",F," : ",M,");
		out_str(o, mig[p->mig]);
		out_char(o, ',');
		out_household_id(o, p->hh);
		out_char(o, ',');
		out_muni_code(o, reg->household[p->hh].muni);
		out_char(o, '\n');
	}
	out_close(o);
}

void
write_household(FILE *f, const Register *reg)
{
	Out		   *o = out_open(f);

	out_str(o, "household_id,kind,std_income,below_social_minimum\n");
	for (int64_t h = 0; h < reg->n_household; h++)
	{
		const Household *hh = &reg->household[h];

		out_household_id(o, (uint32_t) h);
		out_str(o, hh->kind == HH_INSTITUTION ? ",institutional," :
				",private,");
		if (hh->income >= 0)
			out_uint(o, (uint64_t) hh->income, 1);
		out_char(o, ',');
		if (hh->below_min >= 0)
			out_str(o, hh->below_min ? "true" : "false");
		out_char(o, '\n');
	}
	out_close(o);
}

void
write_municipality(FILE *f)
{
	Out		   *o = out_open(f);
	char		name[32];

	out_str(o, "code,name\n");
	for (int m = 0; m < N_MUNI; m++)
	{
		out_muni_code(o, m);
		out_char(o, ',');
		out_str(o, muni_name(m, name));
		out_char(o, '\n');
	}
	out_close(o);
}

/* An event waiting in the merge: the e-th event of a visit. */
typedef struct Pending
{
	int64_t		key;			/* delivery time, in quarter seconds */
	int64_t		ts;
	uint32_t	visit;
	uint32_t	event;
} Pending;

static inline bool
before(const Pending *a, const Pending *b)
{
	return a->key < b->key || (a->key == b->key && a->visit < b->visit);
}

static int
cmp_pending(const void *a, const void *b)
{
	return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

static void
heap_push(Pending *heap, int64_t *n, Pending p)
{
	int64_t		i = (*n)++;

	while (i > 0 && before(&p, &heap[(i - 1) / 2]))
	{
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = p;
}

static Pending
heap_pop(Pending *heap, int64_t *n)
{
	Pending		top = heap[0];
	Pending		last = heap[--(*n)];
	int64_t		i = 0;

	for (;;)
	{
		int64_t		c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && before(&heap[c + 1], &heap[c]))
			c++;
		if (!before(&heap[c], &last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (*n > 0)
		heap[i] = last;
	return top;
}

static inline double
hash_uniform(uint64_t seed, uint64_t visit, uint64_t event)
{
	return (mix64(seed ^ (visit << 20) ^ event) >> 11) * 0x1.0p-53;
}

static Pending
pending(uint64_t seed, uint32_t visit, uint32_t event, int64_t ts)
{
	Pending		p;

	p.ts = ts;
	p.visit = visit;
	p.event = event;
	p.key = 4 * ts + (int64_t) (mix64(seed ^ ((uint64_t) visit << 20) ^
									  event ^ 0x5bd1e995ULL) % DELAY_STEPS);
	return p;
}

/*
 * The week's events as log lines, numbered from line_no + 1, after a
 * header line if asked; returns the last line number and adds to stats.
 */
int64_t
write_portal_log(FILE *f, const Week *week, int64_t line_no, uint64_t seed,
				 LogStats *stats, bool header)
{
	Out		   *o = out_open(f);
	Pending    *start = xmalloc(week->n_visit * sizeof(Pending));
	Pending    *heap = xmalloc(week->n_visit * sizeof(Pending));
	int64_t		n_heap = 0,
				next = 0;
	double		web_cum[64],
				app_cum[64];
	uint64_t	week_seed = mix64(seed + 0x1000 * (uint64_t) (week->number +
															 1));

	cumulate(PAGE_WEB_WEIGHT, web_cum, N_PAGE_WEB);
	cumulate(PAGE_APP_WEIGHT, app_cum, N_PAGE_APP);
	if (header)
		out_str(o, "line_no,bsn,ts,event,page,channel\n");
	for (int64_t v = 0; v < week->n_visit; v++)
		start[v] = pending(week_seed, (uint32_t) v, 0, week->visit[v].start);
	qsort(start, week->n_visit, sizeof(Pending), cmp_pending);

	while (next < week->n_visit || n_heap > 0)
	{
		Pending		p = n_heap == 0 || (next < week->n_visit &&
										before(&start[next], &heap[0])) ?
			start[next++] : heap_pop(heap, &n_heap);
		const Visit *v = &week->visit[p.visit];
		const User *u = &week->user[v->user];
		bool		logout = p.event == v->pages;
		int			digits = u->id_digits;

		/* the app's log writes the BSN as a number: a leading 0 is lost */
		if (v->app && digits == 9 && u->id < 100000000)
			digits = 8;

		out_uint(o, (uint64_t) ++line_no, 1);
		out_char(o, ',');
		out_uint(o, u->id, digits);
		out_char(o, ',');
		out_timestamp(o, p.ts);
		if (p.event == 0)
			out_str(o, ",login,");
		else
			out_str(o, logout ? ",logout," : ",page,");
		if (p.event == 0)
			out_str(o, PAGE_LOGIN);
		else if (logout)
			out_str(o, PAGE_LOGOUT);
		else if (v->app)
			out_str(o, PAGE_APP[pick(app_cum, N_PAGE_APP,
									 hash_uniform(week_seed, p.visit,
												  p.event))]);
		else
			out_str(o, PAGE_WEB[pick(web_cum, N_PAGE_WEB,
									 hash_uniform(week_seed, p.visit,
												  p.event))]);
		out_str(o, v->app ? ",app\n" : ",web\n");

		stats->lines++;
		stats->short_bsn += digits == 8;
		stats->invalid += v->user >= week->n_register_user + week->n_outside;
		stats->outside += v->user >= week->n_register_user &&
			v->user < week->n_register_user + week->n_outside;
		stats->logout += logout;
		stats->app += v->app;

		if (p.event < (uint32_t) (v->pages - 1 + v->logout))
			heap_push(heap, &n_heap,
					  pending(week_seed, p.visit, p.event + 1,
							  p.ts + week->gap[v->gap + p.event]));
	}
	out_close(o);
	free(start);
	free(heap);
	return line_no;
}
