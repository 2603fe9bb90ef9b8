/*-------------------------------------------------------------------------
 *
 * gen.c
 *	  The demo data generator of mo_usage: a synthetic register of the
 *	  Netherlands on 1 January 2017 and weeks of use of the government
 *	  portal from Monday 6 February 2017, calibrated so that the study's
 *	  analysis gives back its published figures.
 *
 *	  gen [--scale S] [--seed N] [--weeks W] [--table T[,T...]]
 *		  [--out DIR | --copy] [--data DIR] [--study DIR] [--report]
 *
 * Tables: municipality, household, person, portal_log, or all.  One table
 * goes to standard output as CSV; with --out each goes to DIR/NAME.csv;
 * with --copy all go to standard output as a psql script that replaces
 * each table's rows (TRUNCATE and COPY ... FROM STDIN FREEZE, in one
 * transaction a table).  --report writes the calibration (targets, fit,
 * counts) to standard error.
 *
 * The data files are read from --data and --study, by default
 * $MO_ROOT/../shared/data and $MO_ROOT/../shared/study.  The same seed,
 * scale and weeks give the same bytes.
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"

enum
{
	T_MUNICIPALITY = 1,
	T_HOUSEHOLD = 2,
	T_PERSON = 4,
	T_PORTAL_LOG = 8,
	T_ALL = 15
};

static const struct
{
	int			bit;
	const char *name;
	const char *columns;
}			table[] = {
	{T_MUNICIPALITY, "municipality", "code, name"},
	{T_HOUSEHOLD, "household",
	"household_id, kind, std_income, below_social_minimum"},
	{T_PERSON, "person",
	"bsn, birth_date, sex, migration_background, household_id, municipality"},
	{T_PORTAL_LOG, "portal_log", "line_no, bsn, ts, event, page, channel"}
};

#define N_TABLE (int) (sizeof(table) / sizeof(table[0]))

static void
usage(void)
{
	fputs("usage: gen [--scale S] [--seed N] [--weeks W] "
		  "[--table T[,T...]] [--out DIR | --copy]\n"
		  "           [--data DIR] [--study DIR] [--report]\n"
		  "tables: municipality, household, person, portal_log, all\n",
		  stderr);
	exit(2);
}

static int
parse_tables(const char *s)
{
	int			bits = 0;
	char	   *copy = strdup(s);

	for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
	{
		int			bit = strcmp(t, "all") == 0 ? T_ALL : 0;

		for (int i = 0; i < N_TABLE; i++)
			if (strcmp(t, table[i].name) == 0)
				bit = table[i].bit;
		if (bit == 0)
			fail("unknown table \"%s\"", t);
		bits |= bit;
	}
	free(copy);
	return bits;
}

static long long
parse_int(const char *s, long long lo, long long hi, const char *what)
{
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi)
		fail("%s must be a whole number from %lld to %lld, not \"%s\"",
			 what, lo, hi, s);
	return v;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
report_register(const Register *reg)
{
	int64_t		by_mig[N_MIG] = {0};
	int64_t		private_persons = 0;

	for (int64_t i = 0; i < reg->n_person; i++)
		by_mig[reg->person[i].mig]++;
	for (int64_t h = 0; h < reg->n_household; h++)
		if (reg->household[h].kind != HH_INSTITUTION)
			private_persons += reg->household[h].size;
	fprintf(stderr,
			"register: %lld persons (Dutch %lld, western %lld, "
			"non-western %lld)\n"
			"  private households %lld (alone %lld, couples %lld of which "
			"same-sex %lld and with children %lld, lone parents %lld), "
			"average size %.3f\n"
			"  adult children at home %lld; institutions %lld holding %lld "
			"persons\n"
			"  income unknown for %lld households (%.1f %%); below the "
			"social minimum %lld (%.1f %% of private households)\n"
			"  median income %.0f (households), %.0f (persons)\n"
			"  decile boundaries:",
			(long long) reg->n_person, (long long) by_mig[0],
			(long long) by_mig[1], (long long) by_mig[2],
			(long long) reg->n_private, (long long) reg->n_alone,
			(long long) reg->n_couple, (long long) reg->n_same_sex,
			(long long) reg->n_family, (long long) reg->n_lone_parent,
			(double) private_persons / reg->n_private,
			(long long) reg->n_adult_child, (long long) reg->n_institution,
			(long long) reg->n_inst_persons,
			(long long) reg->n_unknown_income,
			100.0 * reg->n_unknown_income / reg->n_private,
			(long long) reg->n_below_min,
			100.0 * reg->n_below_min / reg->n_private,
			reg->median_household, reg->median_person);
	for (int k = 0; k < N_DECILE - 1; k++)
		fprintf(stderr, " %d", reg->boundary[k]);
	fputc('\n', stderr);
}

static void
report_week(const Week *week, const LogStats *st)
{
	int64_t		pages = 0,
				one = 0,
				seconds = 0;

	for (int64_t v = 0; v < week->n_visit; v++)
	{
		pages += week->visit[v].pages;
		seconds += week->visit[v].seconds;
	}
	for (int64_t u = 0; u < week->n_register_user; u++)
		one += week->user[u].n_visit == 1;
	fprintf(stderr,
			"week %d: target %.0f register users (the published percents "
			"imply %.0f), decile percents lowered by %.3f points; fit in %d "
			"rounds, margin error %.1e\n"
			"  users %lld in the register, %lld outside it, %lld invalid; "
			"%.2f %% of register users with one visit\n"
			"  visits %lld, pages %lld (%.2f a visit), mean %.1f s a visit\n"
			"  base seconds an interval, men/women by visit-time band:",
			week->number, week->target_users, week->implied_users,
			week->decile_shift,
			week->fit_rounds, week->fit_error,
			(long long) week->n_register_user, (long long) week->n_outside,
			(long long) (week->n_user - week->n_register_user -
						 week->n_outside),
			100.0 * one / week->n_register_user,
			(long long) week->n_visit, (long long) pages,
			(double) pages / week->n_visit,
			(double) seconds / week->n_visit);
	for (int g = 0; g <= N_VBAND; g++)
		fprintf(stderr, " %.1f/%.1f", week->base[g][0], week->base[g][1]);
	if (st->lines > 0)
		fprintf(stderr,
				"\n  log lines %lld: logouts %lld (%.1f %% of visits), app "
				"%.1f %%, 8-digit BSN %lld, invalid BSN %lld, outside the "
				"register %lld",
				(long long) st->lines, (long long) st->logout,
				100.0 * st->logout / week->n_visit,
				100.0 * st->app / st->lines, (long long) st->short_bsn,
				(long long) st->invalid, (long long) st->outside);
	fputc('\n', stderr);
}

static FILE *
open_out(const char *dir, const char *name)
{
	char		path[PATH_MAX];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		fail("cannot write \"%s\": %m", path);
	return f;
}

int
main(int argc, char **argv)
{
	Scale		scale = {1, 10};
	uint64_t	seed = 2017;
	int			weeks = 1;
	int			tables = 0;
	const char *out_dir = NULL;
	bool		copy = false;
	bool		report = false;
	const char *root = getenv("MO_ROOT");
	char		data_dir[PATH_MAX],
				study_dir[PATH_MAX];
	Inputs		in;
	Register	reg;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(data_dir, sizeof(data_dir), "%s/../shared/data",
			 root ? root : ".");
	snprintf(study_dir, sizeof(study_dir), "%s/../shared/study",
			 root ? root : ".");
	for (int i = 1; i < argc; i++)
	{
		const char *arg = argv[i];
		const char *val;

		if (strcmp(arg, "--copy") == 0)
		{
			copy = true;
			continue;
		}
		if (strcmp(arg, "--report") == 0)
		{
			report = true;
			continue;
		}

		/* the other options take a value */
		if (i + 1 == argc)
			usage();
		val = argv[++i];
		if (strcmp(arg, "--scale") == 0)
		{
			if (!parse_scale(val, &scale))
				fail("scale must be a decimal number above 0 and at most 10 "
					 "with at most 9 decimals, not \"%s\"", val);
		}
		else if (strcmp(arg, "--seed") == 0)
			seed = (uint64_t) parse_int(val, 0, LLONG_MAX, "seed");
		else if (strcmp(arg, "--weeks") == 0)
			weeks = (int) parse_int(val, 1, 52, "weeks");
		else if (strcmp(arg, "--table") == 0)
			tables |= parse_tables(val);
		else if (strcmp(arg, "--out") == 0)
			out_dir = val;
		else if (strcmp(arg, "--data") == 0)
			snprintf(data_dir, sizeof(data_dir), "%s", val);
		else if (strcmp(arg, "--study") == 0)
			snprintf(study_dir, sizeof(study_dir), "%s", val);
		else
			usage();
	}
	if (tables == 0)
		tables = out_dir || copy ? T_ALL : 0;
	if (tables == 0 && !report)
		fail("name a table with --table, or use --out or --copy");
	if (out_dir && copy)
		fail("--out and --copy exclude each other");
	if (!out_dir && !copy && (tables & (tables - 1)) != 0)
		fail("more than one table needs --out or --copy");

	read_inputs(&in, data_dir, study_dir);
	if (tables & (T_HOUSEHOLD | T_PERSON | T_PORTAL_LOG) || report)
	{
		build_register(&reg, &in, scale, seed);
		if (report)
		{
			fprintf(stderr, "(%.1f s) ", seconds_since(&t0));
			report_register(&reg);
		}
	}

	for (int t = 0; t < N_TABLE; t++)
	{
		FILE	   *f = stdout;
		int64_t		line_no = 0;

		if (!(tables & table[t].bit))
			continue;
		if (out_dir)
			f = open_out(out_dir, table[t].name);
		if (copy)
			fprintf(f, "BEGIN;\nTRUNCATE mo_staging.%s;\n"
					"COPY mo_staging.%s (%s) FROM STDIN "
					"(FORMAT csv, HEADER true, FREEZE true);\n",
					table[t].name, table[t].name, table[t].columns);

		switch (table[t].bit)
		{
			case T_MUNICIPALITY:
				write_municipality(f);
				break;
			case T_HOUSEHOLD:
				write_household(f, &reg);
				break;
			case T_PERSON:
				write_person(f, &reg);
				break;
			case T_PORTAL_LOG:
				for (int w = 0; w < weeks; w++)
				{
					Week		week;
					LogStats	st = {0};

					build_week(&week, &reg, &in, w);
					line_no = write_portal_log(f, &week, line_no, seed, &st,
											   w == 0);
					if (report)
					{
						fprintf(stderr, "(%.1f s) ", seconds_since(&t0));
						report_week(&week, &st);
					}
					free_week(&week);
				}
				break;
		}

		if (copy)
			fputs("\\.\nCOMMIT;\n", f);
		if (fflush(f) != 0 || (out_dir && fclose(f) != 0))
			fail("cannot write table %s: %m", table[t].name);
	}

	if (report && !(tables & T_PORTAL_LOG))
	{
		Week		week;
		LogStats	st = {0};

		build_week(&week, &reg, &in, 0);
		fprintf(stderr, "(%.1f s) ", seconds_since(&t0));
		report_week(&week, &st);
		free_week(&week);
	}
	return 0;
}
