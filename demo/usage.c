/*-------------------------------------------------------------------------
 *
 * usage.c
 *	  A week of portal use: who uses the portal, how often, when, how many
 *	  pages and for how long, calibrated to the study's published figures.
 *
 * 1. Count the persons aged 14 or more on the week's Monday by band x
 *	  column x profile.
 * 2. Targets.  Users: USERS_WEEK x scale.  By band: the published shares
 *	  of users.  By column: in decile group d, (published percent - shift) x
 *	  its persons; in the unknown-income and institutional columns an
 *	  assumed rate.  The published percents are whole numbers and add up to
 *	  more users than the total, so one shift, the same for all ten groups,
 *	  makes the columns add up to the total.
 * 3. Fit the odds of use, odds = row[band] x col[column] x odds[profile]
 *	  with the profile odds fixed (assumptions), by iterative proportional
 *	  fitting on the odds scale: each row factor in turn is solved (Newton
 *	  on its logarithm) so that its expected users meet its target, then
 *	  each column factor, until every margin is met to 1e-10.
 * 4. Draw the users: persons in random order, a running sum of their
 *	  probabilities per band x column starting at a random fraction; a
 *	  person is a user when the sum passes a whole number (systematic
 *	  sampling).  Each band x column gets its expected users rounded up or
 *	  down, so the margins hold at any scale.
 * 5. Visits per user, pages per visit and the day of a visit come from
 *	  Weyl sequences in random order, so that their totals follow the
 *	  distributions closely at any scale; the hour, the channel, a logout
 *	  and the visit's pace from the stream.
 * 6. Durations.  A visit has I = pages - 1 intervals, one more when it
 *	  ends with a logout (a one-page visit without one lasts 0 s).  It
 *	  lasts I x pace x base seconds, base fixed per visit-time band and sex
 *	  after all paces are drawn, so that the band's mean is exactly the
 *	  published one and men's visits last MEN_LONGER times women's.  The
 *	  duration is cut into I gaps of 1 .. GAP_MAX seconds at uniform random
 *	  points: within a visit no gap is longer than 30 minutes.
 * 7. Place each visit on a day and at a local hour; again, at random, while
 *	  it would end after the week or come within VISIT_SEPARATION of
 *	  another visit of the user: between visits the gap is far longer than
 *	  30 minutes, and every visit starts with a login.  Sessionising with the
 *	  30-minute rule gives back exactly the visits drawn here.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Weyl steps: frac of the golden ratio, of sqrt 2 and of sqrt 3. */
#define ALPHA_VISITS	0.61803398874989485
#define ALPHA_DAY		0.41421356237309505
#define ALPHA_PAGES		0.73205080756887729

#define MAX_VISITS		6
#define MAX_PAGES		60000
#define PLACE_TRIES		100000

enum
{
	STREAM_SELECT = 1,
	STREAM_USER,
	STREAM_VISIT,
	STREAM_PLACE,
	STREAM_GAP
};

/* The fit of step 3. */
typedef struct Fit
{
	double		n[N_BAND][N_COL][N_PROFILE];	/* persons aged 14+ */
	double		odds[N_PROFILE];
	double		row[N_BAND];
	double		col[N_COL];
	double		row_target[N_BAND];
	double		col_target[N_COL];
	double		p[N_BAND][N_COL][N_PROFILE];
} Fit;

/* A person's profile: sex, background, below the minimum, under 18. */
static int
profile_of(const Person *p, const Household *h, int age)
{
	return p->sex + N_SEX * (p->mig + N_MIG * ((h->below_min == 1) +
											   2 * (age < AGE_ADULT)));
}

static double
profile_odds(int x)
{
	int			sex = x % N_SEX;
	int			mig = x / N_SEX % N_MIG;
	int			below = x / (N_SEX * N_MIG) % 2;
	int			minor = x / (N_SEX * N_MIG * 2);

	return (sex ? ODDS_WOMAN : 1.0) * ODDS_MIG[mig] *
		(below ? ODDS_BELOW_MINIMUM : 1.0) * (minor ? ODDS_UNDER_18 : 1.0);
}

static uint64_t
week_stream(int week, int purpose)
{
	return 1000 + 16 * (uint64_t) week + purpose;
}

/*
 * Solve factor (of a row or a column) so that the expected users of its n
 * cells meet target: Newton on log(factor), the expectation being
 * increasing and smooth in it.  Cell i holds persons[i], has the other
 * margin's factor other[i] and the profile odds odds[i % N_PROFILE].
 */
static double
solve_factor(double factor, double target, int n, const double *persons,
			 const double *other, const double *odds)
{
	if (target <= 0)
		return factor;
	for (int iter = 0; iter < 100; iter++)
	{
		double		e = 0.0,
					de = 0.0;

		for (int i = 0; i < n; i++)
		{
			double		o = factor * other[i] * odds[i % N_PROFILE];
			double		p = o / (1.0 + o);

			e += persons[i] * p;
			de += persons[i] * p * (1.0 - p);
		}
		if (fabs(e - target) <= 1e-13 * target || de <= 0)
			break;
		factor *= exp(fmax(-2.0, fmin(2.0, (target - e) / de)));
	}
	return factor;
}

/* Steps 1 to 3. */
static void
fit(Fit *f, Week *week, const Register *reg, const Inputs *in,
	int32_t monday)
{
	double		band_persons[N_COL] = {0};
	double		fig1_sum = 0.0,
				decile_persons = 0.0,
				published = 0.0;
	double		persons[N_COL * N_PROFILE],
				other[N_COL * N_PROFILE];

	memset(f, 0, sizeof(*f));
	for (int64_t i = 0; i < reg->n_person; i++)
	{
		const Person *p = &reg->person[i];
		const Household *h = &reg->household[p->hh];
		int			age = age_on(p->birth, monday);
		int			b = band_of(age);

		if (b >= 0)
			f->n[b][h->col][profile_of(p, h, age)] += 1.0;
	}
	for (int x = 0; x < N_PROFILE; x++)
		f->odds[x] = profile_odds(x);

	/* step 2: targets */
	week->target_users = USERS_WEEK * reg->scale.num / reg->scale.den;
	for (int b = 0; b < N_BAND; b++)
		fig1_sum += in->fig1_users[b];
	for (int b = 0; b < N_BAND; b++)
	{
		f->row_target[b] = week->target_users * in->fig1_users[b] / fig1_sum;
		for (int c = 0; c < N_COL; c++)
			for (int x = 0; x < N_PROFILE; x++)
				band_persons[c] += f->n[b][c][x];
	}
	for (int c = 0; c < N_DECILE; c++)
	{
		decile_persons += band_persons[c];
		published += in->fig2_pct[c] / 100.0 * band_persons[c];
	}
	week->decile_shift = 100.0 *
		(published + RATE_UNKNOWN_INCOME * band_persons[COL_UNKNOWN] +
		 RATE_INSTITUTION * band_persons[COL_INST] - week->target_users) /
		decile_persons;
	week->implied_users = week->target_users +
		week->decile_shift / 100.0 * decile_persons;
	for (int c = 0; c < N_DECILE; c++)
		f->col_target[c] = (in->fig2_pct[c] - week->decile_shift) / 100.0 *
			band_persons[c];
	f->col_target[COL_UNKNOWN] =
		RATE_UNKNOWN_INCOME * band_persons[COL_UNKNOWN];
	f->col_target[COL_INST] = RATE_INSTITUTION * band_persons[COL_INST];

	/* step 3: rows and columns in turn */
	for (int b = 0; b < N_BAND; b++)
		f->row[b] = 0.1;
	for (int c = 0; c < N_COL; c++)
		f->col[c] = 1.0;
	for (week->fit_rounds = 1; week->fit_rounds <= 1000; week->fit_rounds++)
	{
		week->fit_error = 0.0;
		for (int b = 0; b < N_BAND; b++)
		{
			for (int i = 0; i < N_COL * N_PROFILE; i++)
			{
				persons[i] = f->n[b][i / N_PROFILE][i % N_PROFILE];
				other[i] = f->col[i / N_PROFILE];
			}
			f->row[b] = solve_factor(f->row[b], f->row_target[b],
									 N_COL * N_PROFILE, persons, other,
									 f->odds);
		}
		for (int c = 0; c < N_COL; c++)
		{
			for (int i = 0; i < N_BAND * N_PROFILE; i++)
			{
				persons[i] = f->n[i / N_PROFILE][c][i % N_PROFILE];
				other[i] = f->row[i / N_PROFILE];
			}
			f->col[c] = solve_factor(f->col[c], f->col_target[c],
									 N_BAND * N_PROFILE, persons, other,
									 f->odds);
		}

		/* the columns are met now; how far off are the rows? */
		for (int b = 0; b < N_BAND; b++)
		{
			double		e = 0.0;

			for (int c = 0; c < N_COL; c++)
				for (int x = 0; x < N_PROFILE; x++)
				{
					double		o = f->row[b] * f->col[c] * f->odds[x];

					f->p[b][c][x] = o / (1.0 + o);
					e += f->n[b][c][x] * f->p[b][c][x];
				}
			if (f->row_target[b] > 0)
				week->fit_error = fmax(week->fit_error,
									   fabs(e / f->row_target[b] - 1.0));
		}
		if (week->fit_error < 1e-10)
			break;
	}
}

/* Step 4: register users in selection order. */
static int64_t
select_users(const Fit *f, const Register *reg, int32_t monday, Rng *rng,
			 User **user_out, int64_t *capacity)
{
	double		acc[N_BAND][N_COL];
	uint32_t   *order = xmalloc(reg->n_person * sizeof(uint32_t));
	int64_t		n = 0,
				n_user = 0;
	User	   *user;

	for (int64_t i = 0; i < reg->n_person; i++)
		if (age_on(reg->person[i].birth, monday) >= 14)
			order[n++] = (uint32_t) i;
	rng_shuffle(rng, order, n);
	for (int b = 0; b < N_BAND; b++)
		for (int c = 0; c < N_COL; c++)
			acc[b][c] = rng_uniform(rng);

	*capacity = (int64_t) (USERS_WEEK * reg->scale.num / reg->scale.den *
						   1.1) + 1000;
	user = xmalloc(*capacity * sizeof(User));
	for (int64_t k = 0; k < n; k++)
	{
		const Person *p = &reg->person[order[k]];
		const Household *h = &reg->household[p->hh];
		int			age = age_on(p->birth, monday);
		int			b = band_of(age);
		double		before = acc[b][h->col];

		acc[b][h->col] += f->p[b][h->col][profile_of(p, h, age)];
		if (floor(acc[b][h->col]) == floor(before))
			continue;
		if (n_user >= *capacity)
			fail("more users than foreseen");
		memset(&user[n_user], 0, sizeof(User));
		user[n_user].id = p->bsn;
		user[n_user].id_digits = 9;
		user[n_user].group = (uint8_t) vband_of(age);
		user[n_user].sex = p->sex;
		user[n_user].band = (uint8_t) b;
		n_user++;
	}
	free(order);
	*user_out = user;
	return n_user;
}

/* Append a user who is not in the register. */
static void
add_user(Week *week, int64_t capacity, uint64_t id, int digits, Rng *rng)
{
	User	   *u;

	if (week->n_user >= capacity)
		fail("more users than foreseen");
	u = &week->user[week->n_user++];
	memset(u, 0, sizeof(User));
	u->id = id;
	u->id_digits = (uint8_t) digits;
	u->group = N_VBAND;
	u->sex = (uint8_t) rng_below(rng, 2);
	u->band = (uint8_t) (1 + rng_below(rng, N_BAND - 2));
	u->n_visit = 1;
}

/* An invalid identifier: one digit of a valid BSN changed, or a length. */
static uint64_t
invalid_id(Register *reg, Rng *rng, bool wrong_length, int *digits)
{
	uint64_t	bsn = next_bsn(reg);
	uint64_t	pow10 = 1;
	int			pos = (int) rng_below(rng, 9);
	int			digit;

	if (wrong_length)
	{
		*digits = rng_below(rng, 2) ? 10 : 7;
		return *digits == 10 ? bsn * 10 + rng_below(rng, 10) : bsn / 100;
	}

	/*
	 * The elfproef catches every single changed digit: weights 9 .. 2 and
	 * -1 times a change of 1 .. 9 is never a multiple of 11.
	 */
	*digits = 9;
	for (int i = 0; i < pos; i++)
		pow10 *= 10;
	digit = (int) (bsn / pow10 % 10);
	return bsn - digit * pow10 +
		((digit + 1 + rng_below(rng, 9)) % 10) * pow10;
}

/* Step 5: visits per user from the published share with one visit. */
static uint32_t
visits_of(double u, double one)
{
	double		cum[MAX_VISITS - 1];

	if (u < one)
		return 1;
	cumulate(MORE_VISITS, cum, MAX_VISITS - 1);
	return 2 + (uint32_t) pick(cum, MAX_VISITS - 1, (u - one) / (1.0 - one));
}

/* Step 5: pages of a visit; 2 + geometric so that the mean is published. */
static uint16_t
pages_of(double u, double mean)
{
	double		more = (mean - ONE_PAGE_VISITS) / (1.0 - ONE_PAGE_VISITS) -
		2.0;
	double		q = more / (1.0 + more);
	double		x;

	if (u < ONE_PAGE_VISITS)
		return 1;
	u = (u - ONE_PAGE_VISITS) / (1.0 - ONE_PAGE_VISITS);
	x = 2.0 + floor(log(1.0 - u) / log(q));
	return (uint16_t) fmin(x, MAX_PAGES);
}

static int
intervals(const Visit *v)
{
	return v->pages - 1 + v->logout;
}

/* Step 6: the base of each visit-time band and sex, then durations. */
static void
durations(Week *week, const Inputs *in)
{
	double		sum[N_VBAND + 1][N_SEX] = {{0}};
	double		count[N_VBAND + 1][N_SEX] = {{0}};
	double		target[N_VBAND + 1];
	double		all = 0.0,
				n_all = 0.0;

	for (int64_t v = 0; v < week->n_visit; v++)
	{
		const Visit *vis = &week->visit[v];
		const User *u = &week->user[vis->user];

		sum[u->group][u->sex] += intervals(vis) * vis->pace;
		count[u->group][u->sex] += 1.0;
	}

	/* identifiers outside the register: the mean of the register's visits */
	for (int g = 0; g < N_VBAND; g++)
	{
		target[g] = in->fig3_seconds[g];
		all += target[g] * (count[g][0] + count[g][1]);
		n_all += count[g][0] + count[g][1];
	}
	target[N_VBAND] = n_all > 0 ? all / n_all : 0.0;

	for (int g = 0; g <= N_VBAND; g++)
	{
		double		n = count[g][0] + count[g][1];
		double		woman = n / (count[g][0] * MEN_LONGER + count[g][1]);

		for (int s = 0; s < N_SEX; s++)
		{
			double		mean = target[g] * (s ? woman : woman * MEN_LONGER);

			week->base[g][s] = sum[g][s] > 0 ?
				mean * count[g][s] / sum[g][s] : 0.0;
		}
	}

	for (int64_t v = 0; v < week->n_visit; v++)
	{
		Visit	   *vis = &week->visit[v];
		const User *u = &week->user[vis->user];
		int			n = intervals(vis);
		double		t = round(n * vis->pace * week->base[u->group][u->sex]);

		vis->seconds = (uint32_t) fmax(n, fmin(t, n * (GAP_MAX - 300.0)));
	}
}

/* Step 6: cut a visit's duration into its gaps; e is room for them. */
static void
cut_gaps(const Visit *v, uint16_t *gap, double *e, Rng *rng)
{
	int			n = intervals(v);
	int64_t		spare = (int64_t) v->seconds - n;
	double		total;
	bool		ok = false;

	for (int attempt = 0; attempt < 20 && !ok; attempt++)
	{
		double		run = 0.0;
		int64_t		before = 0;

		total = 0.0;
		for (int j = 0; j < n; j++)
			total += (e[j] = rng_exponential(rng));
		ok = true;
		for (int j = 0; j < n; j++)
		{
			int64_t		at = llround(spare * ((run += e[j]) / total));

			gap[j] = (uint16_t) (1 + at - before);
			ok = ok && gap[j] <= GAP_MAX;
			before = at;
		}
	}
	if (!ok)
		for (int j = 0; j < n; j++)
			gap[j] = (uint16_t) (1 + spare / n + (j < spare % n));
}

/* Does [start, start + seconds] come within the separation of a visit? */
static bool
clashes(const Week *week, const User *u, int64_t upto, int64_t start,
		uint32_t seconds)
{
	for (int64_t j = u->first_visit; j < upto; j++)
	{
		const Visit *o = &week->visit[j];

		if (start < o->start + o->seconds + VISIT_SEPARATION &&
			o->start < start + seconds + VISIT_SEPARATION)
			return true;
	}
	return false;
}

/* Step 7. */
static void
place(Week *week, const uint32_t *perm, Rng *rng)
{
	double		day_cum[N_DOW],
				weekday_cum[N_HOUR],
				weekend_cum[N_HOUR];
	double		start_u = rng_uniform(rng);

	cumulate(DAY_WEIGHT, day_cum, N_DOW);
	cumulate(HOUR_WEEKDAY, weekday_cum, N_HOUR);
	cumulate(HOUR_WEEKEND, weekend_cum, N_HOUR);
	for (int64_t u = 0; u < week->n_user; u++)
	{
		const User *user = &week->user[u];

		for (int64_t v = user->first_visit;
			 v < user->first_visit + user->n_visit; v++)
		{
			Visit	   *vis = &week->visit[v];
			int			tries = 0;

			do
			{
				double		du = tries == 0 ?
					weyl(perm[v], ALPHA_DAY, start_u) : rng_uniform(rng);
				int			day = pick(day_cum, N_DOW, du);
				int			hour = pick(day < 5 ? weekday_cum : weekend_cum,
										N_HOUR, rng_uniform(rng));

				vis->start = amsterdam_to_utc(DAY_WINDOW + 7 * week->number +
											  day, hour * 3600 +
											  (int) rng_below(rng, 3600));
				if (++tries > PLACE_TRIES)
					fail("cannot place visit %lld in the week", (long long) v);
			} while (vis->start + vis->seconds >= week->end ||
					 clashes(week, user, v, vis->start, vis->seconds));
		}
	}
}

void
build_week(Week *week, Register *reg, const Inputs *in, int number)
{
	Fit		   *f = xmalloc(sizeof(Fit));
	int32_t		monday = DAY_WINDOW + 7 * number;
	int64_t		capacity,
				n_visit = 0,
				n_check,
				n_length;
	uint32_t   *perm;
	double	   *scratch;
	Rng			rng;
	double		start_u;

	memset(week, 0, sizeof(*week));
	week->number = number;
	week->end = amsterdam_to_utc(monday + 7, 0);

	fit(f, week, reg, in, monday);
	rng_init(&rng, reg->seed, week_stream(number, STREAM_SELECT));
	week->n_user = select_users(f, reg, monday, &rng, &week->user, &capacity);
	week->n_register_user = week->n_user;
	free(f);

	/* visits per user; then identifiers outside the register */
	rng_init(&rng, reg->seed, week_stream(number, STREAM_USER));
	start_u = rng_uniform(&rng);
	for (int64_t u = 0; u < week->n_user; u++)
	{
		week->user[u].n_visit = visits_of(weyl(u, ALPHA_VISITS, start_u),
										  in->pct_one_visit / 100.0);
		n_visit += week->user[u].n_visit;
	}
	week->n_outside = llround(OUTSIDE_REGISTER * week->n_register_user);
	for (int64_t i = 0; i < week->n_outside; i++)
	{
		add_user(week, capacity, next_bsn(reg), 9, &rng);
		week->user[week->n_user - 1].n_visit =
			visits_of(rng_uniform(&rng), in->pct_one_visit / 100.0);
		n_visit += week->user[week->n_user - 1].n_visit;
	}
	n_check = llround(INVALID_CHECK * n_visit);
	n_length = llround(INVALID_LENGTH * n_visit);
	for (int64_t i = 0; i < n_check + n_length; i++)
	{
		int			digits;
		uint64_t	id = invalid_id(reg, &rng, i >= n_check, &digits);

		add_user(week, capacity, id, digits, &rng);
		n_visit++;
	}

	/* step 5: the visits */
	week->n_visit = n_visit;
	week->visit = xmalloc(n_visit * sizeof(Visit));
	perm = xmalloc(n_visit * sizeof(uint32_t));
	for (int64_t v = 0; v < n_visit; v++)
		perm[v] = (uint32_t) v;
	rng_init(&rng, reg->seed, week_stream(number, STREAM_VISIT));
	rng_shuffle(&rng, perm, n_visit);
	start_u = rng_uniform(&rng);
	n_visit = 0;
	for (int64_t u = 0; u < week->n_user; u++)
	{
		User	   *user = &week->user[u];

		user->first_visit = (uint32_t) n_visit;
		for (uint32_t j = 0; j < user->n_visit; j++, n_visit++)
		{
			Visit	   *v = &week->visit[n_visit];

			memset(v, 0, sizeof(Visit));
			v->user = (uint32_t) u;
			v->app = rng_uniform(&rng) < APP_SHARE[user->band];
			v->pages = pages_of(weyl(perm[n_visit], ALPHA_PAGES, start_u),
								in->pages_per_visit);
			v->logout = rng_uniform(&rng) < LOGOUT_SHARE;
			v->pace = (float) exp(PACE_SIGMA * rng_normal(&rng) -
								  PACE_SIGMA * PACE_SIGMA / 2.0);
			v->gap = (uint64_t) week->n_gap;
			week->n_gap += intervals(v);
		}
	}

	/* steps 6 and 7 */
	durations(week, in);
	rng_init(&rng, reg->seed, week_stream(number, STREAM_PLACE));
	place(week, perm, &rng);
	free(perm);
	week->gap = xmalloc(week->n_gap * sizeof(uint16_t));
	scratch = xmalloc((MAX_PAGES + 1) * sizeof(double));
	rng_init(&rng, reg->seed, week_stream(number, STREAM_GAP));
	for (int64_t v = 0; v < week->n_visit; v++)
		cut_gaps(&week->visit[v], week->gap + week->visit[v].gap, scratch,
				 &rng);
	free(scratch);
}

void
free_week(Week *week)
{
	free(week->user);
	free(week->visit);
	free(week->gap);
}
