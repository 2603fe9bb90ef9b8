/*-------------------------------------------------------------------------
 *
 * gen.h
 *	  Declarations shared by the files of the demo data generator.
 *
 * The generator builds, from a seed and a scale, a synthetic person and
 * household register of the Netherlands on 1 January 2017 and weeks of use
 * of the government portal by the persons in it, and writes them in the
 * layout of mo_usage's staging tables, as a real delivery would come.
 *
 * Words used in all of its files:
 *	cell		the persons of one sex and one single year of age on
 *				1 January 2017, as CBS counts them
 *	band		an age band of the study, age in completed years on a week's
 *				Monday: 14 tot 25, 25 tot 35, ..., 75 jaar of ouder (the
 *				population figure), and the same with 14 tot 18 and 18 tot 25
 *				apart (the visit-time figure: "vband")
 *	column		a person's income class: decile group 1 .. 10 of
 *				standardised household income, unknown income, or an
 *				institutional household
 *	profile		sex, migration background, below the social minimum and, in
 *				the youngest band, under 18: what sets a person's odds of use
 *				within a band and a column
 *	user		an identifier with at least one visit in a week: a person of
 *				the register, a valid BSN outside it, or an invalid one
 *	assumption	a value without a published source, chosen to be plausible;
 *				all of them are in assume.c and in the README
 *
 *-------------------------------------------------------------------------
 */
#ifndef DEMO_GEN_H
#define DEMO_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define N_SEX		2			/* 0 man, 1 woman */
#define N_AGE		106			/* 0 .. 105; 105 is 105 or older */
#define N_MIG		3			/* 0 Dutch, 1 western, 2 non-western */
#define N_BAND		7
#define N_VBAND		8
#define N_DECILE	10
#define N_COL		12
#define COL_UNKNOWN	10
#define COL_INST	11
#define N_PROFILE	(N_SEX * N_MIG * 2 * 2)
#define N_MUNI		388
#define N_HOUR		24
#define N_DOW		7

/* Day numbers count days since 1970-01-01. */
#define DAY_REGISTER	17167	/* 2017-01-01, the register's date */
#define DAY_WINDOW		17203	/* 2017-02-06, Monday of the first week */
#define SECONDS_DAY		86400

/* Households: kind, and for private ones the type the income depends on. */
#define HH_INSTITUTION	0
#define HH_ALONE		1
#define HH_COUPLE		2
#define HH_FAMILY		3		/* a couple with children */
#define HH_LONE_PARENT	4
#define HH_KINDS		5

/* Age weights: pairs (from age, weight) ended by AGE_END (see assume.c). */
#define AGE_END			-1.0
#define AGE_STEPS		40

/* The youngest an adult is, and the oldest a child living at home is. */
#define AGE_ADULT		18

/* The most children a household has. */
#define MAX_CHILDREN	6

/* A random stream (xoshiro256**). */
typedef struct Rng
{
	uint64_t	s[4];
} Rng;

/* A key-dependent permutation of 0 .. n-1. */
typedef struct Perm
{
	uint64_t	n;
	int			half_bits;
	uint64_t	key[4];
} Perm;

/* The scale as an exact fraction num / den, den a power of ten. */
typedef struct Scale
{
	int64_t		num;
	int64_t		den;
} Scale;

/* What the generator reads at run time: CBS counts and published figures. */
typedef struct Inputs
{
	int64_t		cbs[N_SEX][N_AGE];	/* population on 1 January 2017 */
	int64_t		mig_total[N_MIG];	/* national totals by background */
	int64_t		households;		/* private households */
	int64_t		one_person;		/* of which one-person households */
	int64_t		institutional;	/* persons in institutional households */
	double		household_size; /* average size of private households */
	double		fig1_users[N_BAND]; /* share of users by band, percent */
	double		fig2_pct[N_DECILE]; /* percent using by decile group */
	double		fig3_seconds[N_VBAND];	/* mean seconds a visit by vband */
	double		pct_one_visit;	/* users with exactly one visit, percent */
	double		pages_per_visit;
} Inputs;

typedef struct Person
{
	int32_t		birth;			/* birth date, a day number */
	uint32_t	hh;				/* household index */
	uint32_t	bsn;			/* nine digits as a number */
	uint8_t		sex;
	uint8_t		mig;
	uint8_t		age;			/* age on 1 January 2017, as CBS counts */
	uint8_t		role;			/* place in the household, while building */
} Person;

typedef struct Household
{
	uint32_t	first;			/* index of its first member */
	uint32_t	size;
	int32_t		income;			/* euros a year, -1 when unknown */
	uint16_t	muni;			/* municipality index */
	uint8_t		kind;			/* HH_* */
	int8_t		below_min;		/* 1 below the social minimum, 0 not, -1
								 * unknown */
	uint8_t		col;			/* column of its members */
} Household;

/* The register, persons in household order, households in numbering order. */
typedef struct Register
{
	Scale		scale;
	uint64_t	seed;
	int64_t		n_person;
	int64_t		n_household;
	Person	   *person;
	Household  *household;
	int32_t		boundary[N_DECILE - 1]; /* upper bounds of groups 1 .. 9 */
	uint64_t	bsn_next;		/* where the BSN sequence goes on */
	Perm		bsn_perm;

	/* figures for the report */
	int64_t		target[N_SEX][N_AGE];
	int64_t		n_private;
	int64_t		n_alone;
	int64_t		n_institution;
	int64_t		n_inst_persons;
	int64_t		n_couple;
	int64_t		n_same_sex;
	int64_t		n_family;
	int64_t		n_lone_parent;
	int64_t		n_adult_child;
	int64_t		n_unknown_income;
	int64_t		n_below_min;
	double		median_household;	/* median income of households */
	double		median_person;	/* median income, persons weighted */
} Register;

/* One identifier in the log of a week, and the kind of person behind it. */
typedef struct User
{
	uint64_t	id;				/* the BSN as a number */
	uint8_t		id_digits;		/* digits it is written with */
	uint8_t		group;			/* duration group: vband, or N_VBAND */
	uint8_t		sex;
	uint8_t		band;			/* band, for the channel */
	uint32_t	n_visit;
	uint32_t	first_visit;
} User;

typedef struct Visit
{
	int64_t		start;			/* first event, seconds since 1970 UTC */
	uint64_t	gap;			/* index of its first gap in Week.gap */
	uint32_t	user;
	uint32_t	seconds;		/* duration: last event - first event */
	uint16_t	pages;
	uint8_t		logout;
	uint8_t		app;
	float		pace;
} Visit;

/* Counts of what the log of a week holds. */
typedef struct LogStats
{
	int64_t		lines;
	int64_t		short_bsn;		/* lines with an 8-digit BSN */
	int64_t		invalid;		/* lines with an invalid identifier */
	int64_t		outside;		/* lines with a BSN outside the register */
	int64_t		logout;
	int64_t		app;
} LogStats;

/* A week of portal use. */
typedef struct Week
{
	int			number;			/* 0 for the week of 6 February 2017 */
	int64_t		end;			/* next Monday 00:00 local, seconds UTC */
	int64_t		n_user;
	int64_t		n_register_user;
	int64_t		n_outside;		/* valid BSNs not in the register */
	int64_t		n_visit;
	int64_t		n_gap;
	User	   *user;
	Visit	   *visit;
	uint16_t   *gap;			/* seconds between a visit's events */

	/* figures for the report */
	double		target_users;
	double		decile_shift;	/* published percent minus target percent */
	double		implied_users;	/* users the published percents imply */
	double		fit_error;		/* largest relative margin error */
	int			fit_rounds;
	double		base[N_VBAND + 1][N_SEX];	/* seconds an interval, pace 1 */
} Week;

/* rng.c */
extern uint64_t mix64(uint64_t x);
extern void rng_init(Rng *rng, uint64_t seed, uint64_t stream);
extern uint64_t rng_next(Rng *rng);
extern double rng_uniform(Rng *rng);
extern uint32_t rng_below(Rng *rng, uint32_t n);
extern double rng_normal(Rng *rng);
extern double rng_exponential(Rng *rng);
extern void rng_shuffle(Rng *rng, uint32_t *a, size_t n);
extern double weyl(uint64_t i, double alpha, double start);
extern int pick(const double *cum, int n, double u);
extern void cumulate(const double *weight, double *cum, int n);
extern void perm_init(Perm *perm, uint64_t n, uint64_t seed, uint64_t stream);
extern uint64_t perm_apply(const Perm *perm, uint64_t x);

/* assume.c: the assumptions, named */
extern const int TOP_AGE_YEARS;
extern const double W_NON_WESTERN[];
extern const double W_WESTERN[];
extern const double W_INSTITUTION[];
extern const double W_ALONE[N_SEX][AGE_STEPS];
extern const int64_t LONE_PARENT_HOUSEHOLDS;
extern const double W_LONE_PARENT[N_SEX][AGE_STEPS];
extern const double W_ADULT_CHILD[N_SEX][AGE_STEPS];
extern const double PARTNER_AGE_GAP;
extern const double PARTNER_AGE_NOISE;
extern const double CHILDREN_PER_PARENT_HOUSEHOLD;
extern const double CHILDREN_SHARE[MAX_CHILDREN];
extern const double W_FAMILY[];
extern const double PARENT_AGE_AT_BIRTH;
extern const double SIBLING_SPACING;
extern const double PARENT_AGE_NOISE;
extern const int INSTITUTION_MIN;
extern const int INSTITUTION_MAX;
extern const double INCOME_MEDIAN;
extern const double INCOME_SHIFT[HH_KINDS][3];
extern const double INCOME_SIGMA[HH_KINDS];
extern const double INCOME_NON_WESTERN;
extern const double UNKNOWN_INCOME_YOUNG_ALONE;
extern const double UNKNOWN_INCOME;
extern const double BELOW_MINIMUM_SHARE;
extern const double BELOW_MINIMUM_NOISE;
extern const double MUNI_EXPONENT;
extern const double USERS_WEEK;
extern const double RATE_UNKNOWN_INCOME;
extern const double RATE_INSTITUTION;
extern const double ODDS_WOMAN;
extern const double ODDS_MIG[N_MIG];
extern const double ODDS_BELOW_MINIMUM;
extern const double ODDS_UNDER_18;
extern const double MORE_VISITS[5];
extern const double ONE_PAGE_VISITS;
extern const double LOGOUT_SHARE;
extern const double APP_SHARE[N_BAND];
extern const double PACE_SIGMA;
extern const double MEN_LONGER;
extern const double DAY_WEIGHT[N_DOW];
extern const double HOUR_WEEKDAY[N_HOUR];
extern const double HOUR_WEEKEND[N_HOUR];
extern const int64_t VISIT_SEPARATION;
extern const int GAP_MAX;
extern const double OUTSIDE_REGISTER;
extern const double INVALID_CHECK;
extern const double INVALID_LENGTH;
extern const char *const PAGE_WEB[];
extern const double PAGE_WEB_WEIGHT[];
extern const int N_PAGE_WEB;
extern const char *const PAGE_APP[];
extern const double PAGE_APP_WEIGHT[];
extern const int N_PAGE_APP;
extern const char *const PAGE_LOGIN;
extern const char *const PAGE_LOGOUT;
extern double age_weight(const double *steps, int age);

/* input.c */
extern void read_inputs(Inputs *in, const char *data_dir,
						const char *study_dir);
extern bool parse_scale(const char *s, Scale *scale);
extern int64_t scale_round(int64_t n, Scale scale);
extern void fail(const char *fmt,...) __attribute__((format(printf, 1, 2),
													 noreturn));
extern void *xmalloc(size_t n);
extern void *xcalloc(size_t n, size_t size);

/* calendar.c */
extern int32_t days_from_civil(int y, int m, int d);
extern void civil_from_days(int32_t z, int *y, int *m, int *d);
extern int age_on(int32_t birth, int32_t day);
extern int amsterdam_offset(int64_t t);
extern int64_t amsterdam_to_utc(int32_t day, int second);

/* register.c */
extern void build_register(Register *reg, const Inputs *in, Scale scale,
						   uint64_t seed);
extern bool bsn_valid_prefix(uint32_t prefix8, uint32_t *check);
extern uint32_t next_bsn(Register *reg);
extern const char *muni_name(int i, char *buf);
extern int band_of(int age);
extern int vband_of(int age);

/* usage.c */
extern void build_week(Week *week, Register *reg, const Inputs *in,
					   int number);
extern void free_week(Week *week);

/* output.c */
extern void write_person(FILE *f, const Register *reg);
extern void write_household(FILE *f, const Register *reg);
extern void write_municipality(FILE *f);
extern int64_t write_portal_log(FILE *f, const Week *week, int64_t line_no,
								uint64_t seed, LogStats *stats, bool header);

#endif							/* DEMO_GEN_H */
