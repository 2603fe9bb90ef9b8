/*-------------------------------------------------------------------------
 *
 * input.c
 *	  What the demo generator reads at run time: the CBS population by sex
 *	  and age, the CBS key figures of 2017, and the study's published
 *	  figures, which the behaviour is calibrated to.  Also the scale.
 *
 * The files are read where they are kept (../shared/data and
 * ../shared/study next to the project), never copied.  A file that is
 * missing, or lacks a number the generator needs, stops it with a message
 * naming the file and the number.
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define LINE_MAX_LEN	8192

static const char *const band_name[N_BAND] = {
	"14 tot 25 jaar", "25 tot 35 jaar", "35 tot 45 jaar", "45 tot 55 jaar",
	"55 tot 65 jaar", "65 tot 75 jaar", "75 jaar of ouder"
};
static const char *const vband_name[N_VBAND] = {
	"14 tot 18 jaar", "18 tot 25 jaar", "25 tot 35 jaar", "35 tot 45 jaar",
	"45 tot 55 jaar", "55 tot 65 jaar", "65 tot 75 jaar", "75 jaar of ouder"
};

void
fail(const char *fmt,...)
{
	va_list		ap;

	fputs("gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
		fail("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	   *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fail("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

static FILE *
open_in(const char *dir, const char *name, char *path, size_t size)
{
	FILE	   *f;

	snprintf(path, size, "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		fail("cannot open \"%s\": %m", path);
	return f;
}

/* Strip a trailing CR/LF and a leading UTF-8 byte order mark. */
static char *
clean_line(char *line)
{
	size_t		n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if ((unsigned char) line[0] == 0xef && (unsigned char) line[1] == 0xbb &&
		(unsigned char) line[2] == 0xbf)
		line += 3;
	return line;
}

/*
 * Split a line at sep into at most max fields, removing double quotes and
 * the spaces CBS pads numbers with.  Quoted separators are not needed here:
 * no field the generator reads contains one.
 */
static int
split(char *line, char sep, char **field, int max)
{
	int			n = 0;
	char	   *p = line;

	while (n < max)
	{
		char	   *end = strchr(p, sep);
		char	   *q;

		if (end)
			*end = '\0';
		while (*p == ' ' || *p == '"')
			p++;
		q = p + strlen(p);
		while (q > p && (q[-1] == ' ' || q[-1] == '"'))
			*--q = '\0';
		field[n++] = p;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return n;
}

/* derived_nl_population_2017-01-01_by_sex_age.csv: sex, age, count. */
static void
read_population(Inputs *in, const char *data_dir)
{
	char		path[4096];
	char		buf[LINE_MAX_LEN];
	FILE	   *f = open_in(data_dir,
							"cbs-population-age-sex/"
							"derived_nl_population_2017-01-01_by_sex_age.csv",
							path, sizeof(path));
	int			cells = 0;

	memset(in->cbs, 0, sizeof(in->cbs));
	while (fgets(buf, sizeof(buf), f))
	{
		char	   *field[3];
		char	   *line = clean_line(buf);
		int			age;

		if (split(line, ',', field, 3) != 3 ||
			!isdigit((unsigned char) *field[1]))
			continue;			/* the header */
		age = atoi(field[1]);
		if (age < 0 || age >= N_AGE || (strcmp(field[0], "M") != 0 &&
										 strcmp(field[0], "F") != 0))
			fail("unexpected line in \"%s\": %s", path, line);
		in->cbs[field[0][0] == 'F'][age] = atoll(field[2]);
		cells++;
	}
	fclose(f);
	if (cells != N_SEX * N_AGE)
		fail("\"%s\" has %d cells, expected %d", path, cells, N_SEX * N_AGE);
}

/* 37296ned: the 2017 row, columns found by their CBS keys. */
static void
read_key_figures(Inputs *in, const char *data_dir)
{
	static const char *const key[] = {
		"PersoonMetEenNederlandseAchtergrond_27",
		"TotaalWesterseMigratieachtergrond_30",
		"TotaalNietWesters_34",
		"TotaalHuishoudens_62",
		"Eenpersoonshuishoudens_63",
		"GemiddeldeHuishoudensgrootte_65",
		"PersonenInInstitutioneleHuishoudens_66"
	};
	enum
	{
		N_KEY = sizeof(key) / sizeof(key[0]), MAX_FIELD = 128
	};
	char		path[4096];
	char		header[LINE_MAX_LEN];
	char		buf[LINE_MAX_LEN];
	char	   *name[MAX_FIELD];
	int			column[N_KEY];
	int			n_name;
	bool		found = false;
	FILE	   *f = open_in(data_dir,
							"cbs-kerncijfers-37296ned/"
							"37296ned_UntypedDataSet_26032024_091942.csv",
							path, sizeof(path));

	if (!fgets(header, sizeof(header), f))
		fail("\"%s\" is empty", path);
	n_name = split(clean_line(header), ';', name, MAX_FIELD);
	for (int k = 0; k < N_KEY; k++)
	{
		column[k] = -1;
		for (int i = 0; i < n_name; i++)
			if (strcmp(name[i], key[k]) == 0)
				column[k] = i;
		if (column[k] < 0)
			fail("\"%s\" has no column %s", path, key[k]);
	}

	while (!found && fgets(buf, sizeof(buf), f))
	{
		char	   *field[MAX_FIELD];
		int			n = split(clean_line(buf), ';', field, MAX_FIELD);
		double		v[N_KEY];

		if (n < 2 || strcmp(field[1], "2017JJ00") != 0)
			continue;
		for (int k = 0; k < N_KEY; k++)
		{
			char	   *end;

			v[k] = column[k] < n ? strtod(field[column[k]], &end) : 0;
			if (column[k] >= n || end == field[column[k]])
				fail("\"%s\": no %s for 2017", path, key[k]);
		}
		in->mig_total[0] = (int64_t) v[0];
		in->mig_total[1] = (int64_t) v[1];
		in->mig_total[2] = (int64_t) v[2];
		in->households = (int64_t) (v[3] * 1000.0 + 0.5);
		in->one_person = (int64_t) (v[4] * 1000.0 + 0.5);
		in->household_size = v[5];
		in->institutional = (int64_t) (v[6] * 1000.0 + 0.5);
		found = true;
	}
	fclose(f);
	if (!found)
		fail("\"%s\" has no row for 2017", path);
}

static int
find_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* published-figures.csv: figure, group, measure, value, unit, note. */
static void
read_published(Inputs *in, const char *study_dir)
{
	char		path[4096];
	char		buf[LINE_MAX_LEN];
	FILE	   *f = open_in(study_dir, "published-figures.csv",
							path, sizeof(path));
	int			n_fig1 = 0,
				n_fig2 = 0,
				n_fig3 = 0,
				n_text = 0;

	while (fgets(buf, sizeof(buf), f))
	{
		char	   *field[4];
		char	   *fig,
				   *group,
				   *measure;
		double		value;
		int			i;

		if (split(clean_line(buf), ',', field, 4) < 4)
			continue;
		fig = field[0];
		group = field[1];
		measure = field[2];
		value = atof(field[3]);
		if (strcmp(fig, "fig1") == 0 &&
			strcmp(measure, "share_of_users") == 0 &&
			(i = find_name(band_name, N_BAND, group)) >= 0)
		{
			in->fig1_users[i] = value;
			n_fig1++;
		}
		else if (strcmp(fig, "fig2") == 0 &&
				 strcmp(measure, "pct_using") == 0 &&
				 (i = atoi(group)) >= 1 && i <= N_DECILE)
		{
			in->fig2_pct[i - 1] = value;
			n_fig2++;
		}
		else if (strcmp(fig, "fig3") == 0 &&
				 strcmp(measure, "mean_visit_seconds") == 0 &&
				 (i = find_name(vband_name, N_VBAND, group)) >= 0)
		{
			in->fig3_seconds[i] = value;
			n_fig3++;
		}
		else if (strcmp(fig, "text") == 0 &&
				 strcmp(measure, "pct_users_one_visit") == 0)
		{
			in->pct_one_visit = value;
			n_text++;
		}
		else if (strcmp(fig, "text") == 0 &&
				 strcmp(measure, "mean_pages_per_visit") == 0)
		{
			in->pages_per_visit = value;
			n_text++;
		}
	}
	fclose(f);
	if (n_fig1 != N_BAND || n_fig2 != N_DECILE || n_fig3 != N_VBAND ||
		n_text != 2)
		fail("\"%s\" lacks figures: fig1 %d of %d, fig2 %d of %d, "
			 "fig3 %d of %d, text %d of 2", path, n_fig1, N_BAND,
			 n_fig2, N_DECILE, n_fig3, N_VBAND, n_text);
}

void
read_inputs(Inputs *in, const char *data_dir, const char *study_dir)
{
	int64_t		total = 0;

	memset(in, 0, sizeof(*in));
	read_population(in, data_dir);
	read_key_figures(in, data_dir);
	read_published(in, study_dir);

	for (int s = 0; s < N_SEX; s++)
		for (int a = 0; a < N_AGE; a++)
			total += in->cbs[s][a];
	if (in->mig_total[0] + in->mig_total[1] + in->mig_total[2] != total)
		fail("migration backgrounds add up to %lld, the population is %lld",
			 (long long) (in->mig_total[0] + in->mig_total[1] +
						  in->mig_total[2]), (long long) total);
}

/* A decimal number with at most nine decimals, above 0 and at most 10. */
bool
parse_scale(const char *s, Scale *scale)
{
	int64_t		num = 0,
				den = 1;
	bool		point = false;
	bool		digits = false;

	for (const char *p = s; *p; p++)
	{
		if (*p == '.' && !point)
			point = true;
		else if (isdigit((unsigned char) *p) && num < 100000000000LL &&
				 den < 1000000000LL)
		{
			num = num * 10 + (*p - '0');
			if (point)
				den *= 10;
			digits = true;
		}
		else
			return false;
	}
	if (!digits || num == 0 || num > 10 * den)
		return false;
	scale->num = num;
	scale->den = den;
	return true;
}

/* n x scale, rounded half up. */
int64_t
scale_round(int64_t n, Scale scale)
{
	return (2 * n * scale.num + scale.den) / (2 * scale.den);
}
