/*-------------------------------------------------------------------------
 *
 * rng.c
 *	  Random numbers of the demo generator: seeded streams, the
 *	  distributions the model draws from, low-discrepancy sequences and a
 *	  keyed permutation.
 *
 * Every random choice comes from a stream: xoshiro256** (Blackman and
 * Vigna, 2018) whose state splitmix64 fills from the seed and a stream
 * number.  Each part of the model has a stream of its own, so that a change
 * in one part does not shift the numbers of another, and the output depends
 * on nothing but the seed and the scale.
 *
 * A Weyl sequence frac(start + i * alpha), alpha irrational, fills [0, 1)
 * more evenly than independent draws: n values of it put n * p +- O(log n)
 * of them in any interval of length p.  The generator uses it where a total
 * must follow a distribution closely even at a small scale.
 *
 * The permutation maps 0 .. n-1 onto itself in a key-dependent order: a
 * four-round Feistel network on the smallest even number of bits whose
 * range covers n, applied again while the result is n or more ("cycle
 * walking"), which keeps it a bijection of 0 .. n-1.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>

#include "gen.h"

/* splitmix64's output function: a strong 64-bit mixer, also a hash. */
uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void
rng_init(Rng *rng, uint64_t seed, uint64_t stream)
{
	uint64_t	x = mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ULL);

	for (int i = 0; i < 4; i++)
	{
		x += 0x9e3779b97f4a7c15ULL;
		rng->s[i] = mix64(x);
	}
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_next(Rng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform on [0, 1), 53 bits. */
double
rng_uniform(Rng *rng)
{
	return (rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform on 0 .. n-1 (Lemire's multiply-shift; bias below 2^-32). */
uint32_t
rng_below(Rng *rng, uint32_t n)
{
	return (uint32_t) (((rng_next(rng) >> 32) * (uint64_t) n) >> 32);
}

/* Standard normal, by Box and Muller (one of the pair). */
double
rng_normal(Rng *rng)
{
	double		u = 1.0 - rng_uniform(rng);
	double		v = rng_uniform(rng);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Exponential with mean 1. */
double
rng_exponential(Rng *rng)
{
	return -log(1.0 - rng_uniform(rng));
}

/* Fisher-Yates. */
void
rng_shuffle(Rng *rng, uint32_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--)
	{
		size_t		j = rng_below(rng, (uint32_t) i);
		uint32_t	t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

double
weyl(uint64_t i, double alpha, double start)
{
	double		x = start + (double) i * alpha;

	return x - floor(x);
}

/* Running sums of n weights, so that pick() can invert them. */
void
cumulate(const double *weight, double *cum, int n)
{
	double		sum = 0.0;

	for (int i = 0; i < n; i++)
		cum[i] = (sum += weight[i]);
}

/* The index whose share of the running sums contains u in [0, 1). */
int
pick(const double *cum, int n, double u)
{
	double		x = u * cum[n - 1];
	int			lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (x < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void
perm_init(Perm *perm, uint64_t n, uint64_t seed, uint64_t stream)
{
	int			bits = 2;
	Rng			rng;

	while ((1ULL << bits) < n)
		bits += 2;
	perm->n = n;
	perm->half_bits = bits / 2;
	rng_init(&rng, seed, stream);
	for (int i = 0; i < 4; i++)
		perm->key[i] = rng_next(&rng);
}

uint64_t
perm_apply(const Perm *perm, uint64_t x)
{
	uint64_t	mask = (1ULL << perm->half_bits) - 1;

	do
	{
		uint64_t	left = x >> perm->half_bits;
		uint64_t	right = x & mask;

		for (int r = 0; r < 4; r++)
		{
			uint64_t	t = right;

			right = left ^ (mix64(right ^ perm->key[r]) & mask);
			left = t;
		}
		x = (left << perm->half_bits) | right;
	} while (x >= perm->n);
	return x;
}
