/*-------------------------------------------------------------------------
 *
 * assume.c
 *	  The assumptions of the demo generator, in one place.
 *
 * The register's counts come from CBS (persons by sex and age, migration
 * background, households) and the behaviour's targets from the study's
 * published figures; both are read at run time.  Everything else that
 * shapes the data is an assumption, named here with its value and listed in
 * the README: plausible for the Netherlands in 2017, without a published
 * source the generator could read.
 *
 * Age weights are step functions: pairs (from age, weight), ascending,
 * ended by AGE_END; a person's weight is that of the last pair whose age
 * is at most the person's.
 *
 *-------------------------------------------------------------------------
 */
#include "gen.h"

/* ---- register ---- */

/* Persons of the top CBS class "105 or older" are 105, 106 or 107. */
const int	TOP_AGE_YEARS = 3;

/* Share of each background by age, before scaling to the CBS totals. */
const double W_NON_WESTERN[] = {
	0, .18, 10, .17, 20, .19, 30, .18, 40, .15, 50, .10, 60, .06, 70, .03,
	80, .015, AGE_END
};
const double W_WESTERN[] = {
	0, .08, 20, .11, 30, .12, 40, .10, 50, .09, 60, .10, 70, .11, 80, .10,
	AGE_END
};

/* Weight of living in an institution (care homes, prisons and the like). */
const double W_INSTITUTION[] = {
	0, .002, 18, .010, 25, .006, 65, .010, 75, .025, 80, .06, 85, .13,
	90, .25, 95, .40, AGE_END
};

/* Weight of living alone, men and women. */
const double W_ALONE[N_SEX][AGE_STEPS] = {
	{0, 0, 18, .03, 20, .12, 23, .20, 25, .26, 30, .22, 35, .17, 45, .16,
	55, .17, 65, .17, 75, .22, 85, .35, AGE_END},
	{0, 0, 18, .04, 20, .16, 23, .22, 25, .20, 30, .13, 35, .10, 45, .12,
	55, .17, 65, .26, 75, .45, 85, .65, AGE_END}
};

/* Lone-parent households, and the weight of being a lone parent. */
const int64_t LONE_PARENT_HOUSEHOLDS = 560000;
const double W_LONE_PARENT[N_SEX][AGE_STEPS] = {
	{0, 0, 25, .005, 30, .012, 35, .02, 45, .022, 50, .016, 55, .01,
	60, .005, 65, .002, 75, 0, AGE_END},
	{0, 0, 20, .02, 25, .04, 30, .07, 35, .10, 45, .09, 50, .06, 55, .03,
	60, .015, 65, .005, 75, 0, AGE_END}
};

/*
 * Weight of an adult still living with a parent.  How many do is not
 * assumed: it is what is left when the CBS household counts are met.
 */
const double W_ADULT_CHILD[N_SEX][AGE_STEPS] = {
	{0, 0, 18, .95, 19, .92, 20, .85, 21, .76, 22, .65, 23, .54, 24, .43,
	25, .33, 26, .25, 27, .18, 28, .13, 29, .09, 30, .05, 35, .015, 45, 0,
	AGE_END},
	{0, 0, 18, .93, 19, .87, 20, .76, 21, .64, 22, .52, 23, .40, 24, .30,
	25, .21, 26, .15, 27, .10, 28, .07, 29, .05, 30, .03, 35, .01, 45, 0,
	AGE_END}
};

/* Partners: the woman's age plus this, with noise, ranks like the man's. */
const double PARTNER_AGE_GAP = 2.5;
const double PARTNER_AGE_NOISE = 3.0;

/*
 * Children (under 18, or adults at home) per parent household; the shares
 * of parent households with 1 .. MAX_CHILDREN of them (which the total
 * then adjusts); the weight of a couple having them, by the younger
 * partner's age.
 */
const double CHILDREN_PER_PARENT_HOUSEHOLD = 1.85;
const double CHILDREN_SHARE[MAX_CHILDREN] = {40, 40, 15, 4, 1, 0.3};
const double W_FAMILY[] = {
	0, .2, 20, .3, 25, .45, 30, .75, 35, .9, 40, .92, 45, .85, 50, .65,
	55, .35, 60, .12, 65, .03, AGE_END
};

/* Parent's age at a child's birth: mean, years between siblings, noise. */
const double PARENT_AGE_AT_BIRTH = 31.0;
const double SIBLING_SPACING = 2.5;
const double PARENT_AGE_NOISE = 2.5;

/* Institutions hold persons of similar age, this many each. */
const int	INSTITUTION_MIN = 8;
const int	INSTITUTION_MAX = 52;

/*
 * Standardised disposable household income: lognormal around the median,
 * shifted (on the log scale) by kind of household and the age class of
 * its oldest member (under 25, 25 to 64, 65 or older), and for households
 * whose oldest member has a non-western background.
 */
const double INCOME_MEDIAN = 26000.0;
const double INCOME_SHIFT[HH_KINDS][3] = {
	{0, 0, 0},					/* institutions: no income */
	{-0.50, -0.12, -0.22},		/* alone */
	{-0.10, 0.20, -0.02},		/* couple */
	{-0.25, 0.00, 0.00},		/* couple with children */
	{-0.55, -0.38, -0.20}		/* lone parent */
};
const double INCOME_SIGMA[HH_KINDS] = {0, 0.45, 0.40, 0.38, 0.40};
const double INCOME_NON_WESTERN = -0.25;

/* Share of private households whose income is unknown. */
const double UNKNOWN_INCOME_YOUNG_ALONE = 0.12;
const double UNKNOWN_INCOME = 0.025;

/*
 * Below the social minimum: the lowest share of private households with a
 * known income, ranked by log income plus normal noise (the minimum
 * depends on more than standardised income).
 */
const double BELOW_MINIMUM_SHARE = 0.08;
const double BELOW_MINIMUM_NOISE = 0.15;

/* Municipality sizes fall with rank as rank^-exponent (Zipf-like). */
const double MUNI_EXPONENT = 0.95;

/* ---- use of the portal ---- */

/* Register users in the week: "ruim 1,3 miljoen", a little over 1.3 M. */
const double USERS_WEEK = 1315000.0;

/* Share using among persons outside the decile groups. */
const double RATE_UNKNOWN_INCOME = 0.06;
const double RATE_INSTITUTION = 0.015;

/* Odds of use relative to men, Dutch background, not below the minimum. */
const double ODDS_WOMAN = 0.85;
const double ODDS_MIG[N_MIG] = {1.0, 0.90, 0.62};
const double ODDS_BELOW_MINIMUM = 0.60;

/* Odds of a 14- to 17-year-old relative to an 18- to 24-year-old. */
const double ODDS_UNDER_18 = 0.35;

/* Users with 2, 3, 4, 5, 6 visits, relative to each other. */
const double MORE_VISITS[5] = {16.0, 4.2, 1.2, 0.4, 0.2};

/* Share of visits of one page (a login and no more). */
const double ONE_PAGE_VISITS = 0.06;

/* Share of visits that end with a logout. */
const double LOGOUT_SHARE = 0.30;

/* Share of visits through the app, by band. */
const double APP_SHARE[N_BAND] = {.20, .18, .15, .12, .08, .05, .03};

/*
 * Pace: a visit's seconds between events are its pace (lognormal, mean 1)
 * times its band's and sex's base; men's visits last this much longer than
 * women's of the same band.
 */
const double PACE_SIGMA = 0.6;
const double MEN_LONGER = 1.10;

/* Visits by day of the week, Monday first, and by local hour. */
const double DAY_WEIGHT[N_DOW] = {16.0, 19.5, 15.5, 15.0, 14.0, 10.5, 9.5};
const double HOUR_WEEKDAY[N_HOUR] = {
	0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 2.5, 4.5, 6.5, 7.5, 7.5,
	6.5, 6.5, 6.8, 6.5, 6.0, 5.5, 5.5, 6.8, 7.2, 6.0, 3.5, 1.5
};
const double HOUR_WEEKEND[N_HOUR] = {
	0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.5, 7.0, 11.0, 12.5,
	11.0, 10.5, 9.5, 6.0, 4.5, 3.5, 3.0, 3.5, 3.5, 2.5, 1.5, 0.8
};

/* A user's visits are this many seconds apart, end to start, at least. */
const int64_t VISIT_SEPARATION = 7200;

/* The longest gap between two events of one visit: the 30-minute rule. */
const int	GAP_MAX = 1800;

/*
 * Identifiers that do not link: valid BSNs outside the register (per
 * register user), and visits under an invalid one, failing the check digit
 * or of the wrong length (per visit).
 */
const double OUTSIDE_REGISTER = 0.005;
const double INVALID_CHECK = 0.001;
const double INVALID_LENGTH = 0.0003;

/* The site: pages of the website and of the app, and their weights. */
const char *const PAGE_WEB[] = {
	"/berichtenbox", "/berichtenbox/bericht", "/berichtenbox/archief",
	"/overzicht", "/persoonlijke-gegevens",
	"/persoonlijke-gegevens/basisregistratie-personen",
	"/persoonlijke-gegevens/reisdocumenten", "/voertuigen", "/inkomen",
	"/inkomen/uwv", "/pensioen", "/woz", "/onderwijs", "/lopende-zaken",
	"/instellingen", "/instellingen/e-mailadres", "/help"
};
const double PAGE_WEB_WEIGHT[] = {
	22, 26, 4, 8, 6, 5, 2, 5, 6, 2, 3, 3, 2, 4, 2, 1, 2
};
const int	N_PAGE_WEB = sizeof(PAGE_WEB_WEIGHT) / sizeof(double);

const char *const PAGE_APP[] = {
	"/berichtenbox", "/berichtenbox/bericht", "/berichtenbox/archief"
};
const double PAGE_APP_WEIGHT[] = {40, 52, 8};
const int	N_PAGE_APP = sizeof(PAGE_APP_WEIGHT) / sizeof(double);

/* The page of a login (the landing page) and of a logout. */
const char *const PAGE_LOGIN = "/";
const char *const PAGE_LOGOUT = "/uitloggen";

double
age_weight(const double *steps, int age)
{
	double		w = 0.0;

	for (int i = 0; steps[i] != AGE_END && steps[i] <= age; i += 2)
		w = steps[i + 1];
	return w;
}
