/*-------------------------------------------------------------------------
 *
 * register.c
 *	  The synthetic register: persons as CBS counts them on 1 January 2017,
 *	  with birth date, migration background, household, municipality and
 *	  BSN; households with their standardised income, whether it is below
 *	  the social minimum, and the income decile group of their members.
 *
 * 1. Scale the CBS count of each cell by the largest-remainder rule: a cell
 *	  gets floor(n x scale) persons, and the persons still missing from
 *	  round(N x scale) go one each to the cells with the largest remainders
 *	  (ties: the earlier cell, men 0 .. 105 before women 0 .. 105).
 * 2. Spread each cell's birth dates evenly over the dates that give its age
 *	  on 1 January 2017: the k-th of n persons is born (k + u) / n of the
 *	  way through, u random.
 * 3. Give each person a background and a role, stage by stage, each stage
 *	  an exact total: spread over the cells in proportion to free persons x
 *	  an age weight (capped at all of them), rounded cumulatively so that
 *	  the cells add up, and drawn within a cell by selection sampling among
 *	  the persons still free.  Background: non-western, then western, the
 *	  rest Dutch.  Roles: institution, alone (the CBS one-person count), lone
 *	  parent, adult child at home (what the CBS household count and average
 *	  size leave), partner (all other adults); the rest are children.
 * 4. Households: institutions of persons close in age; one-person
 *	  households; couples from partners ranked by age, men with women (the
 *	  surplus of one sex with each other); some couples become families by
 *	  the younger partner's age; children and adult children go to parent
 *	  households by rank: child ages against the ages a parent's children
 *	  would have.
 * 5. Number households in random order, fill the municipalities in that
 *	  order, put persons in household order (oldest first) and give each a
 *	  BSN: the next valid one of a keyed permutation of 8-digit prefixes.
 * 6. Incomes of private households; the lowest (with noise) are below the
 *	  social minimum; decile boundaries weighted by persons; each household's
 *	  column.
 *
 * Invariants: persons by cell are exactly the scaled CBS counts; every
 * person is in one household; households and one-person households are the
 * scaled CBS counts, and so is the number of persons in institutions.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define INCOME_CAP	2000000

enum
{
	ROLE_FREE,
	ROLE_INSTITUTION,
	ROLE_ALONE,
	ROLE_LONE_PARENT,
	ROLE_ADULT_CHILD,
	ROLE_PARTNER,
	ROLE_CHILD
};

enum
{
	STREAM_BIRTH = 1,
	STREAM_MIG,
	STREAM_ROLE,
	STREAM_INSTITUTION,
	STREAM_COUPLE,
	STREAM_CHILDREN,
	STREAM_ORDER,
	STREAM_BSN,
	STREAM_INCOME
};

/* The persons of each cell are contiguous while roles are given. */
typedef struct Cells
{
	int64_t		start[N_SEX][N_AGE];
	int64_t		count[N_SEX][N_AGE];
} Cells;

/* A person or household index with a sort key. */
typedef struct Keyed
{
	float		key;
	uint32_t	idx;
} Keyed;

static int
cmp_keyed(const void *a, const void *b)
{
	const Keyed *x = a,
			   *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

int
band_of(int age)
{
	if (age < 14)
		return -1;
	if (age < 25)
		return 0;
	return age >= 75 ? N_BAND - 1 : (age - 15) / 10;
}

int
vband_of(int age)
{
	if (age < 14)
		return -1;
	if (age < 18)
		return 0;
	return band_of(age) + 1;
}

/* Exact age in years on the register's date, for ranking. */
static double
years(int32_t birth)
{
	return (DAY_REGISTER - birth) / 365.2425;
}

/*
 * Step 1: the scaled count of every cell, by the largest-remainder rule.
 */
static void
scale_cells(Register *reg, const Inputs *in)
{
	int64_t		rem[N_SEX * N_AGE];
	int			order[N_SEX * N_AGE];
	int64_t		total = 0,
				placed = 0,
				missing;

	for (int c = 0; c < N_SEX * N_AGE; c++)
	{
		int64_t		t = in->cbs[c / N_AGE][c % N_AGE] * reg->scale.num;

		reg->target[c / N_AGE][c % N_AGE] = t / reg->scale.den;
		rem[c] = t % reg->scale.den;
		placed += t / reg->scale.den;
		total += in->cbs[c / N_AGE][c % N_AGE];
		order[c] = c;
	}

	/* insertion sort by remainder, descending; equal ones keep file order */
	for (int i = 1; i < N_SEX * N_AGE; i++)
	{
		int			c = order[i],
					j = i;

		for (; j > 0 && rem[order[j - 1]] < rem[c]; j--)
			order[j] = order[j - 1];
		order[j] = c;
	}
	missing = scale_round(total, reg->scale) - placed;
	for (int i = 0; i < missing; i++)
		reg->target[order[i] / N_AGE][order[i] % N_AGE]++;
	reg->n_person = placed + missing;
}

/*
 * Step 2: persons, cell by cell, birth dates spread evenly.  Ages 105 and
 * over are spread over TOP_AGE_YEARS years.
 */
static Person *
make_persons(Register *reg, Cells *cells)
{
	Person	   *person = xcalloc(reg->n_person, sizeof(Person));
	Rng			rng;
	int64_t		i = 0;

	rng_init(&rng, reg->seed, STREAM_BIRTH);
	for (int s = 0; s < N_SEX; s++)
		for (int a = 0; a < N_AGE; a++)
		{
			int			oldest = a == N_AGE - 1 ? a + TOP_AGE_YEARS - 1 : a;
			int32_t		lo = days_from_civil(2016 - oldest, 1, 2);
			int32_t		days = days_from_civil(2017 - a, 1, 1) - lo + 1;
			int64_t		n = reg->target[s][a];
			double		u = rng_uniform(&rng);

			cells->start[s][a] = i;
			cells->count[s][a] = n;
			for (int64_t k = 0; k < n; k++, i++)
			{
				person[i].birth = lo + (int32_t) ((k + u) * days / n);
				person[i].sex = (uint8_t) s;
				person[i].age = (uint8_t) a;
			}
		}
	return person;
}

/*
 * Integer counts k[i] <= cap[i] adding up to total, close to the expected
 * counts e[i] = cap[i] x min(1, c x w[i]) with c such that those add up to
 * total: each k[i] is the rounded running sum of the e's minus the one
 * before, so every running total is within half a person of its
 * expectation.
 */
static void
allocate(const double *w, const int64_t *cap, int n, int64_t total,
		 int64_t *k, const char *what)
{
	double		lo = 0.0,
				hi = 1.0,
				run = 0.0;
	double		room = 0.0;
	int64_t		given = 0;

	for (int i = 0; i < n; i++)
		if (w[i] > 0)
			room += (double) cap[i];
	if (total > room)
		fail("cannot place %lld %s among %.0f who qualify",
			 (long long) total, what, room);

	for (;;)
	{
		double		e = 0.0;

		for (int i = 0; i < n; i++)
			e += cap[i] * fmin(1.0, hi * w[i]);
		if (e >= total || hi > 1e300)
			break;
		lo = hi;
		hi *= 2.0;
	}
	for (int iter = 0; iter < 200; iter++)
	{
		double		mid = (lo + hi) / 2.0,
					e = 0.0;

		for (int i = 0; i < n; i++)
			e += cap[i] * fmin(1.0, mid * w[i]);
		if (e < total)
			lo = mid;
		else
			hi = mid;
	}

	for (int i = 0; i < n; i++)
	{
		int64_t		before = llround(run);

		run += cap[i] * fmin(1.0, hi * w[i]);
		k[i] = llround(run) - before;
		k[i] = k[i] < 0 ? 0 : k[i] > cap[i] ? cap[i] : k[i];
		given += k[i];
	}

	/* rounding at the caps can leave a person over or short */
	for (int i = 0; i < n && given != total; i++)
	{
		if (given < total && w[i] > 0 && k[i] < cap[i])
			k[i]++, given++;
		else if (given > total && k[i] > 0)
			k[i]--, given--;
	}
	if (given != total)
		fail("cannot place %lld %s", (long long) total, what);
}

static inline uint8_t *
attribute(Person *p, bool mig)
{
	return mig ? &p->mig : &p->role;
}

/*
 * Step 3: give `value` to exactly `total` persons whose attribute (the
 * background when mig, else the role) is still 0, with age weights per sex.
 */
static void
choose(Person *person, const Cells *cells, Rng *rng, const double *steps_man,
	   const double *steps_woman, int64_t total, bool mig, uint8_t value,
	   const char *what)
{
	double		w[N_SEX * N_AGE];
	int64_t		cap[N_SEX * N_AGE];
	int64_t		k[N_SEX * N_AGE];

	for (int s = 0; s < N_SEX; s++)
		for (int a = 0; a < N_AGE; a++)
		{
			Person	   *first = &person[cells->start[s][a]];
			int64_t		n_free = 0;

			for (int64_t i = 0; i < cells->count[s][a]; i++)
				n_free += *attribute(&first[i], mig) == 0;
			cap[s * N_AGE + a] = n_free;
			w[s * N_AGE + a] = age_weight(s ? steps_woman : steps_man, a);
		}
	allocate(w, cap, N_SEX * N_AGE, total, k, what);

	/* selection sampling: each free person with need / left */
	for (int c = 0; c < N_SEX * N_AGE; c++)
	{
		int64_t		need = k[c],
					left = cap[c];
		Person	   *p = &person[cells->start[c / N_AGE][c % N_AGE]];

		for (; need > 0; p++)
		{
			uint8_t    *attr = attribute(p, mig);

			if (*attr != 0)
				continue;
			if (rng_uniform(rng) * left < need)
			{
				*attr = value;
				need--;
			}
			left--;
		}
	}
}

/* A new household of a kind; its members are set by the caller. */
static uint32_t
new_household(Register *reg, int64_t capacity, uint8_t kind)
{
	Household  *h;

	if (reg->n_household >= capacity)
		fail("more households than foreseen (%lld)", (long long) capacity);
	h = &reg->household[reg->n_household];
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->income = -1;
	h->below_min = -1;
	h->col = kind == HH_INSTITUTION ? COL_INST : COL_UNKNOWN;
	return (uint32_t) reg->n_household++;
}

static Keyed *
collect(const Person *person, int64_t n_person, uint8_t role, int sex,
		int64_t *n)
{
	Keyed	   *list;
	int64_t		m = 0;

	for (int64_t i = 0; i < n_person; i++)
		m += person[i].role == role && (sex < 0 || person[i].sex == sex);
	list = xmalloc(m * sizeof(Keyed));
	*n = 0;
	for (int64_t i = 0; i < n_person; i++)
		if (person[i].role == role && (sex < 0 || person[i].sex == sex))
			list[(*n)++].idx = (uint32_t) i;
	return list;
}

/* Step 4, institutions: ranked by age with noise, cut into groups. */
static void
make_institutions(Register *reg, Person *person, int64_t capacity)
{
	Rng			rng;
	int64_t		n,
				i = 0;
	Keyed	   *list = collect(person, reg->n_person, ROLE_INSTITUTION, -1,
								   &n);

	rng_init(&rng, reg->seed, STREAM_INSTITUTION);
	for (int64_t j = 0; j < n; j++)
		list[j].key = (float) (years(person[list[j].idx].birth) +
							   4.0 * rng_normal(&rng));
	qsort(list, n, sizeof(Keyed), cmp_keyed);
	while (i < n)
	{
		int64_t		size = INSTITUTION_MIN +
			rng_below(&rng, INSTITUTION_MAX - INSTITUTION_MIN + 1);
		uint32_t	h = new_household(reg, capacity, HH_INSTITUTION);

		for (int64_t j = 0; j < size && i < n; j++, i++)
			person[list[i].idx].hh = h;
		reg->n_institution++;
	}
	reg->n_inst_persons = n;
	free(list);
}

/*
 * Step 4, couples: partners of each sex ranked by age plus noise (women's
 * ages plus the usual gap), the i-th man with the i-th woman; the surplus of
 * one sex pairs in its own ranking.  Returns the couples' households in
 * ranking order, with the later (younger) birth date of each.
 */
static uint32_t *
make_couples(Register *reg, Person *person, int64_t capacity,
			 int32_t **younger, int64_t *n_couple)
{
	Rng			rng;
	int64_t		n_man,
				n_woman,
				n_pair,
				c = 0;
	Keyed	   *man = collect(person, reg->n_person, ROLE_PARTNER, 0, &n_man);
	Keyed	   *woman = collect(person, reg->n_person, ROLE_PARTNER, 1,
								&n_woman);
	Keyed	   *rest;
	int64_t		n_rest;
	uint32_t   *couple;

	rng_init(&rng, reg->seed, STREAM_COUPLE);
	for (int64_t i = 0; i < n_man; i++)
		man[i].key = (float) (years(person[man[i].idx].birth) +
							  PARTNER_AGE_NOISE * rng_normal(&rng));
	for (int64_t i = 0; i < n_woman; i++)
		woman[i].key = (float) (years(person[woman[i].idx].birth) +
								PARTNER_AGE_GAP +
								PARTNER_AGE_NOISE * rng_normal(&rng));
	qsort(man, n_man, sizeof(Keyed), cmp_keyed);
	qsort(woman, n_woman, sizeof(Keyed), cmp_keyed);

	*n_couple = (n_man + n_woman) / 2;
	couple = xmalloc(*n_couple * sizeof(uint32_t));
	*younger = xmalloc(*n_couple * sizeof(int32_t));
	n_pair = n_man < n_woman ? n_man : n_woman;
	rest = n_man > n_woman ? man + n_pair : woman + n_pair;
	n_rest = (n_man > n_woman ? n_man : n_woman) - n_pair;

	for (int64_t i = 0; i < n_pair + n_rest / 2; i++, c++)
	{
		uint32_t	a = i < n_pair ? man[i].idx : rest[2 * (i - n_pair)].idx;
		uint32_t	b = i < n_pair ? woman[i].idx :
			rest[2 * (i - n_pair) + 1].idx;
		uint32_t	h = new_household(reg, capacity, HH_COUPLE);

		person[a].hh = h;
		person[b].hh = h;
		couple[c] = h;
		(*younger)[c] = person[a].birth > person[b].birth ?
			person[a].birth : person[b].birth;
	}
	reg->n_couple = *n_couple;
	reg->n_same_sex = n_rest / 2;
	free(man);
	free(woman);
	return couple;
}

/*
 * Step 4, families: exactly n_family couples get children, allocated over
 * the younger partner's age by W_FAMILY and drawn by selection sampling.
 */
static void
make_families(Register *reg, const uint32_t *couple, const int32_t *younger,
			  int64_t n_couple, int64_t n_family)
{
	double		w[N_AGE];
	int64_t		cap[N_AGE] = {0};
	int64_t		k[N_AGE];
	int64_t		left[N_AGE];
	Rng			rng;

	for (int64_t c = 0; c < n_couple; c++)
	{
		int			a = age_on(younger[c], DAY_REGISTER);

		cap[a < N_AGE ? a : N_AGE - 1]++;
	}
	for (int a = 0; a < N_AGE; a++)
	{
		w[a] = age_weight(W_FAMILY, a);
		left[a] = cap[a];
	}
	allocate(w, cap, N_AGE, n_family, k, "couples with children");

	rng_init(&rng, reg->seed, STREAM_CHILDREN);
	for (int64_t c = 0; c < n_couple; c++)
	{
		int			a = age_on(younger[c], DAY_REGISTER);

		a = a < N_AGE ? a : N_AGE - 1;
		if (rng_uniform(&rng) * left[a] < k[a])
		{
			reg->household[couple[c]].kind = HH_FAMILY;
			k[a]--;
		}
		left[a]--;
	}
	reg->n_family = n_family;
}

/*
 * Step 4, children: each parent household gets a number of children drawn
 * from CHILDREN_SHARE, adjusted at random to the number of children (up or
 * down by one in a household chosen at random, until they add up); a slot for
 * the j-th of n children has the birth date a child of that parent would
 * have, with noise.  Slots and children, both ranked by birth date, are
 * matched in order.
 */
static void
place_children(Register *reg, Person *person, const uint32_t *parent_hh,
			   const int32_t *parent_birth, int64_t n_parent)
{
	Rng			rng;
	int64_t		n_child,
				n_slot = 0,
				s = 0;
	Keyed	   *child = collect(person, reg->n_person, ROLE_CHILD, -1,
									&n_child);
	Keyed	   *adult_child;
	int64_t		n_adult_child;
	Keyed	   *slot;
	uint8_t    *n_kids = xmalloc(n_parent);
	double		cum[MAX_CHILDREN];

	/* children under 18 and adult children are ranked together */
	adult_child = collect(person, reg->n_person, ROLE_ADULT_CHILD, -1,
						  &n_adult_child);
	child = realloc(child, (n_child + n_adult_child) * sizeof(Keyed));
	if (child == NULL)
		fail("out of memory");
	memcpy(child + n_child, adult_child, n_adult_child * sizeof(Keyed));
	n_child += n_adult_child;
	free(adult_child);
	if (n_child < n_parent || n_child > MAX_CHILDREN * n_parent)
		fail("%lld children for %lld parent households", (long long) n_child,
			 (long long) n_parent);

	rng_init(&rng, reg->seed, STREAM_CHILDREN + 100);
	cumulate(CHILDREN_SHARE, cum, MAX_CHILDREN);
	for (int64_t h = 0; h < n_parent; h++)
	{
		n_kids[h] = (uint8_t) (1 + pick(cum, MAX_CHILDREN, rng_uniform(&rng)));
		n_slot += n_kids[h];
	}
	while (n_slot != n_child)
	{
		int64_t		h = rng_below(&rng, (uint32_t) n_parent);

		if (n_slot < n_child && n_kids[h] < MAX_CHILDREN)
			n_kids[h]++, n_slot++;
		else if (n_slot > n_child && n_kids[h] > 1)
			n_kids[h]--, n_slot--;
	}

	slot = xmalloc(n_slot * sizeof(Keyed));
	for (int64_t h = 0; h < n_parent; h++)
		for (int j = 0; j < n_kids[h]; j++, s++)
		{
			double		at = PARENT_AGE_AT_BIRTH +
				SIBLING_SPACING * (j - (n_kids[h] - 1) / 2.0) +
				PARENT_AGE_NOISE * rng_normal(&rng);

			slot[s].key = (float) (parent_birth[h] + at * 365.2425);
			slot[s].idx = parent_hh[h];
		}
	for (int64_t i = 0; i < n_child; i++)
		child[i].key = (float) person[child[i].idx].birth;
	qsort(slot, n_slot, sizeof(Keyed), cmp_keyed);
	qsort(child, n_child, sizeof(Keyed), cmp_keyed);
	for (int64_t i = 0; i < n_child; i++)
		person[child[i].idx].hh = slot[i].idx;
	free(slot);
	free(child);
	free(n_kids);
}

/* Step 4: all households. */
static void
make_households(Register *reg, Person *person, int64_t n_private,
				int64_t n_inst, int64_t n_kids_total, int64_t n_lone_parent)
{
	int64_t		capacity = n_private + n_inst / INSTITUTION_MIN + 2;
	int64_t		n_couple,
				n_parent = 0,
				n_family;
	int32_t    *younger;
	uint32_t   *couple;
	uint32_t   *parent_hh;
	int32_t    *parent_birth;

	reg->household = xmalloc(capacity * sizeof(Household));
	reg->n_household = 0;
	make_institutions(reg, person, capacity);
	for (int64_t i = 0; i < reg->n_person; i++)
		if (person[i].role == ROLE_ALONE)
			person[i].hh = new_household(reg, capacity, HH_ALONE);
	couple = make_couples(reg, person, capacity, &younger, &n_couple);

	n_family = llround(n_kids_total / CHILDREN_PER_PARENT_HOUSEHOLD) -
		n_lone_parent;
	if (n_family < 0 || n_family > n_couple)
		fail("%lld couples with children is out of reach",
			 (long long) n_family);
	make_families(reg, couple, younger, n_couple, n_family);

	parent_hh = xmalloc((n_family + n_lone_parent) * sizeof(uint32_t));
	parent_birth = xmalloc((n_family + n_lone_parent) * sizeof(int32_t));
	for (int64_t c = 0; c < n_couple; c++)
		if (reg->household[couple[c]].kind == HH_FAMILY)
		{
			parent_hh[n_parent] = couple[c];
			parent_birth[n_parent++] = younger[c];
		}
	for (int64_t i = 0; i < reg->n_person; i++)
		if (person[i].role == ROLE_LONE_PARENT)
		{
			person[i].hh = new_household(reg, capacity, HH_LONE_PARENT);
			parent_hh[n_parent] = person[i].hh;
			parent_birth[n_parent++] = person[i].birth;
		}
	place_children(reg, person, parent_hh, parent_birth, n_parent);

	free(couple);
	free(younger);
	free(parent_hh);
	free(parent_birth);
}

/*
 * Step 5: households numbered in random order, municipalities filled in
 * that order (each up to its share of the persons), persons put in
 * household order, the oldest first.
 */
static void
order_households(Register *reg, Person *person)
{
	int64_t		n = reg->n_household;
	uint32_t   *order = xmalloc(n * sizeof(uint32_t));
	uint32_t   *pos = xmalloc(n * sizeof(uint32_t));
	uint32_t   *fill = xcalloc(n, sizeof(uint32_t));
	Household  *hh = xmalloc(n * sizeof(Household));
	Person	   *sorted = xmalloc(reg->n_person * sizeof(Person));
	double		weight[N_MUNI],
				bound[N_MUNI];
	int64_t		first = 0,
				cum = 0;
	int			m = 0;
	Rng			rng;

	for (int64_t i = 0; i < reg->n_person; i++)
		reg->household[person[i].hh].size++;
	for (int64_t h = 0; h < n; h++)
		order[h] = (uint32_t) h;
	rng_init(&rng, reg->seed, STREAM_ORDER);
	rng_shuffle(&rng, order, n);

	/* municipality m's share: its size rank r gives (r + 2)^-exponent */
	for (int i = 0; i < N_MUNI; i++)
		weight[i] = pow((i * 151) % N_MUNI + 3.0, -MUNI_EXPONENT);
	cumulate(weight, bound, N_MUNI);

	for (int64_t j = 0; j < n; j++)
	{
		hh[j] = reg->household[order[j]];
		pos[order[j]] = (uint32_t) j;
		hh[j].first = (uint32_t) first;
		hh[j].muni = (uint16_t) m;
		first += hh[j].size;
		cum += hh[j].size;
		while (m < N_MUNI - 1 &&
			   cum >= bound[m] / bound[N_MUNI - 1] * reg->n_person)
			m++;
	}

	for (int64_t i = 0; i < reg->n_person; i++)
	{
		uint32_t	j = pos[person[i].hh];
		Person	   *to = &sorted[hh[j].first + fill[j]];
		Person	   *at;

		*to = person[i];
		to->hh = j;
		/* insertion into the household's members, by birth date */
		for (at = to; at > &sorted[hh[j].first] && at[-1].birth > at->birth;
			 at--)
		{
			Person		t = at[-1];

			at[-1] = *at;
			*at = t;
		}
		fill[j]++;
	}

	free(reg->household);
	reg->household = hh;
	reg->person = sorted;
	free(order);
	free(pos);
	free(fill);
}

/* The check digit of an 8-digit prefix by the elfproef, if it has one. */
bool
bsn_valid_prefix(uint32_t prefix8, uint32_t *check)
{
	uint32_t	sum = 0;

	for (int w = 2; w <= 9; w++, prefix8 /= 10)
		sum += w * (prefix8 % 10);
	*check = sum % 11;
	return *check <= 9;
}

/*
 * The next BSN: 8-digit prefixes 01000000 .. 99999999 (none starts with
 * 00) in the order of a keyed permutation, skipping those without a check
 * digit.  Unique because the permutation is a bijection.
 */
uint32_t
next_bsn(Register *reg)
{
	for (;;)
	{
		uint32_t	prefix = 1000000 +
			(uint32_t) perm_apply(&reg->bsn_perm, reg->bsn_next++);
		uint32_t	check;

		if (reg->bsn_next > reg->bsn_perm.n)
			fail("out of BSNs");
		if (bsn_valid_prefix(prefix, &check))
			return prefix * 10 + check;
	}
}

/*
 * Step 6: incomes, the social minimum, decile boundaries and columns.
 */
static void
income(Register *reg)
{
	Rng			rng;
	int64_t    *persons = xcalloc(INCOME_CAP + 1, sizeof(int64_t));
	int64_t    *households = xcalloc(INCOME_CAP + 1, sizeof(int64_t));
	double	   *key = xmalloc(reg->n_household * sizeof(double));
	double	   *sorted;
	int64_t		n_known = 0,
				total = 0,
				n_total = 0,
				cum = 0,
				n_cum = 0,
				n_below;
	double		threshold;
	int			k = 1;

	rng_init(&rng, reg->seed, STREAM_INCOME);
	for (int64_t h = 0; h < reg->n_household; h++)
	{
		Household  *hh = &reg->household[h];
		const Person *head = &reg->person[hh->first];
		int			age = age_on(head->birth, DAY_REGISTER);
		int			cls = age < 25 ? 0 : age < 65 ? 1 : 2;
		double		log_income;
		double		unknown;

		if (hh->kind == HH_INSTITUTION)
			continue;
		reg->n_private++;
		reg->n_alone += hh->kind == HH_ALONE;
		reg->n_lone_parent += hh->kind == HH_LONE_PARENT;

		log_income = log(INCOME_MEDIAN) + INCOME_SHIFT[hh->kind][cls] +
			(head->mig == 2 ? INCOME_NON_WESTERN : 0.0) +
			INCOME_SIGMA[hh->kind] * rng_normal(&rng);
		unknown = hh->kind == HH_ALONE && cls == 0 ?
			UNKNOWN_INCOME_YOUNG_ALONE : UNKNOWN_INCOME;
		if (rng_uniform(&rng) < unknown)
			continue;
		hh->income = (int32_t) fmin(fmax(round(exp(log_income)), 1.0),
									INCOME_CAP);
		key[n_known++] = log(hh->income) +
			BELOW_MINIMUM_NOISE * rng_normal(&rng);
		persons[hh->income] += hh->size;
		households[hh->income]++;
		total += hh->size;
	}
	reg->n_unknown_income = reg->n_private - n_known;

	/* the lowest keys are below the minimum: find the threshold */
	sorted = xmalloc(n_known * sizeof(double));
	memcpy(sorted, key, n_known * sizeof(double));
	qsort(sorted, n_known, sizeof(double), cmp_double);
	n_below = llround(BELOW_MINIMUM_SHARE * n_known);
	threshold = n_known > 0 ? sorted[n_below < n_known ? n_below : n_known - 1]
		: 0.0;
	free(sorted);

	/*
	 * Boundary k: the smallest income whose running person count reaches
	 * k/10 of all persons in private households with a known income.
	 */
	n_total = n_known;
	for (int32_t x = 0; x <= INCOME_CAP; x++)
	{
		cum += persons[x];
		n_cum += households[x];
		if (reg->median_household == 0 && 2 * n_cum >= n_total && n_total)
			reg->median_household = x;
		if (reg->median_person == 0 && 2 * cum >= total && total)
			reg->median_person = x;
		while (k < N_DECILE && 10 * cum >= k * total && total)
			reg->boundary[k++ - 1] = x;
	}

	n_known = 0;
	for (int64_t h = 0; h < reg->n_household; h++)
	{
		Household  *hh = &reg->household[h];

		if (hh->income < 0)
			continue;
		hh->below_min = key[n_known++] < threshold;
		reg->n_below_min += hh->below_min;
		hh->col = 0;
		while (hh->col < N_DECILE - 1 && reg->boundary[hh->col] < hh->income)
			hh->col++;
	}
	free(key);
	free(persons);
	free(households);
}

void
build_register(Register *reg, const Inputs *in, Scale scale, uint64_t seed)
{
	Cells	   *cells = xmalloc(sizeof(Cells));
	Person	   *person;
	Rng			rng;
	int64_t		mig[N_MIG],
				rem[N_MIG],
				mig_sum = 0,
				adults = 0,
				kids = 0;
	int64_t		n_alone,
				n_inst,
				n_lone_parent,
				n_couple,
				n_adult_child;

	memset(reg, 0, sizeof(*reg));
	reg->scale = scale;
	reg->seed = seed;
	scale_cells(reg, in);
	person = make_persons(reg, cells);

	/* backgrounds: the CBS totals scaled by the largest-remainder rule */
	for (int g = 0; g < N_MIG; g++)
	{
		mig[g] = in->mig_total[g] * reg->n_person /
			(in->mig_total[0] + in->mig_total[1] + in->mig_total[2]);
		rem[g] = in->mig_total[g] * reg->n_person %
			(in->mig_total[0] + in->mig_total[1] + in->mig_total[2]);
		mig_sum += mig[g];
	}
	while (mig_sum < reg->n_person)
	{
		int			best = 0;

		for (int g = 1; g < N_MIG; g++)
			if (rem[g] > rem[best])
				best = g;
		mig[best]++;
		rem[best] = -1;
		mig_sum++;
	}
	rng_init(&rng, seed, STREAM_MIG);
	choose(person, cells, &rng, W_NON_WESTERN, W_NON_WESTERN, mig[2], true,
		   2, "persons of non-western background");
	choose(person, cells, &rng, W_WESTERN, W_WESTERN, mig[1], true, 1,
		   "persons of western background");

	/* roles: the CBS household counts fix how many of each */
	n_inst = scale_round(in->institutional, scale);
	n_alone = scale_round(in->one_person, scale);
	n_lone_parent = scale_round(LONE_PARENT_HOUSEHOLDS, scale);
	n_couple = scale_round(in->households, scale) - n_alone - n_lone_parent;
	rng_init(&rng, seed, STREAM_ROLE);
	choose(person, cells, &rng, W_INSTITUTION, W_INSTITUTION, n_inst, false,
		   ROLE_INSTITUTION, "persons in institutions");
	for (int64_t i = 0; i < reg->n_person; i++)
		if (person[i].role == ROLE_FREE)
		{
			adults += person[i].age >= AGE_ADULT;
			kids += person[i].age < AGE_ADULT;
		}
	n_adult_child = adults - n_alone - n_lone_parent - 2 * n_couple;
	if (n_couple < 0 || n_adult_child < 0)
		fail("the household counts do not fit the population at this scale");
	choose(person, cells, &rng, W_ALONE[0], W_ALONE[1], n_alone, false,
		   ROLE_ALONE, "persons living alone");
	choose(person, cells, &rng, W_LONE_PARENT[0], W_LONE_PARENT[1],
		   n_lone_parent, false, ROLE_LONE_PARENT, "lone parents");
	choose(person, cells, &rng, W_ADULT_CHILD[0], W_ADULT_CHILD[1],
		   n_adult_child, false, ROLE_ADULT_CHILD, "adult children");
	for (int64_t i = 0; i < reg->n_person; i++)
		if (person[i].role == ROLE_FREE)
			person[i].role = person[i].age >= AGE_ADULT ? ROLE_PARTNER :
				ROLE_CHILD;
	reg->n_adult_child = n_adult_child;
	free(cells);

	make_households(reg, person, n_alone + n_couple + n_lone_parent, n_inst,
					kids + n_adult_child, n_lone_parent);
	order_households(reg, person);
	free(person);

	perm_init(&reg->bsn_perm, 99000000, seed, STREAM_BSN);
	for (int64_t i = 0; i < reg->n_person; i++)
		reg->person[i].bsn = next_bsn(reg);

	income(reg);
}

/*
 * Municipality names: invented, a prefix and a stem each, all different;
 * the codes (GM0001 ..) are the index plus one.
 */
const char *
muni_name(int i, char *buf)
{
	static const char *const prefix[] = {
		"Noord", "Zuid", "Oost", "West", "Groot", "Klein", "Nieuw", "Oud",
		"Hoog", "Laag", "Mid", "Vlier", "Eik", "Linde"
	};
	static const char *const stem[] = {
		"broek", "dijk", "veen", "hoven", "dam", "dorp", "zand", "wijk",
		"horst", "berg", "meer", "loo", "rade", "hem", "sum", "mond",
		"recht", "huizen", "haven", "land", "wolde", "burg", "kerk", "beek",
		"gaard", "hout", "laar", "stede"
	};
	int			n_stem = sizeof(stem) / sizeof(stem[0]);
	int			n_pair = n_stem * (int) (sizeof(prefix) / sizeof(prefix[0]));
	int			p = (i * 97) % n_pair;

	snprintf(buf, 32, "%s%s", prefix[p / n_stem], stem[p % n_stem]);
	return buf;
}
