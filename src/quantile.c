/*-------------------------------------------------------------------------
 *
 * quantile.c
 *	  Exact, optionally weighted quantile boundaries, and the assignment of
 *	  values to the groups those boundaries delimit (deciles and the like).
 *
 * Words used here:
 *
 *	  n			the number of groups, at least 2 (10 for deciles)
 *	  weight	what a value counts for; 1 when the aggregate has no weights
 *	  boundary	boundary k (k = 1 .. n-1) is the smallest value whose
 *				cumulative weight reaches k/n of the total weight: the
 *				weighted form of percentile_disc.  Unweighted, it is the
 *				value at position ceil(k * N / n) of the N values in order.
 *	  group		a value x belongs to group 1 + (the number of boundaries
 *				below x).  Boundary k is thus the largest value of group k,
 *				equal values always share a group, and a group may be empty
 *				when equal values fill more than one n-th.
 *	  item		a value and its weight as a state holds them: one row, or
 *				equal values of several rows with their weights summed
 *	  state		the items an aggregate has collected; the SQL type
 *				quantile_state
 *
 * Values are ordered as PostgreSQL orders float8: -0 equals 0 (and is
 * stored as 0), and NaN is greater than every number and equal to itself.
 *
 * Exactness.  "Reaches k/n of the total" is decided as n * C >= k * W, where
 * C is a cumulative weight and W the total weight, computed without
 * rounding: a positive float8 is an integer times a power of two, so all
 * weights are integer multiples of 2^scale, scale being the lowest set bit
 * among them, and their sums are kept as wide fixed-point integers (Wide)
 * of as many 64-bit limbs as the weights' range needs.  Unweighted, C and W
 * are counts.  Hence the boundaries never depend on the order in which rows
 * arrive, serial and parallel plans agree, and integer weights give what
 * repeating each row weight times would give.
 *
 * The boundaries depend on the total weight of each distinct value only, so
 * a state may hold equal values as one item whose weight is the sum of
 * theirs (a count, when the aggregate has no weights), as long as that sum
 * is exact.  Rows are appended to the state's arrays as they come, at the
 * cost of a store.  A state of COMPACT_MIN items or more is compacted, if
 * that at least halves its items, when it is written as text or binary (for
 * another node, or to be stored), and, if its rows have weights, when a
 * parallel worker hands it on: its items are sorted by value (a radix sort
 * over the bits of the values) and equal values summed into one item.
 * Incomes in whole euros, ages, counts have a few hundred thousand distinct
 * values among millions of rows.  Compacted, a worker hands on a few
 * megabytes instead of all its rows, and the leader's exact sums of weights,
 * which cost the selection more per item than the sort costs, run over few
 * items.  Without weights the leader's selection is cheap, and handing the
 * rows on through shared memory costs less than sorting them in the worker
 * (measured: 5 million rows of 100,000 values, 2 workers: 0.25 s handed on,
 * 0.28 s compacted); as text, every row would cost its digits and a parse.
 * Whether compacting halves the items a HyperLogLog sketch of the values
 * (lib/hyperloglog.h, one pass, a kilobyte) tells beforehand; values that
 * seldom repeat are left as they are.  A sum that would round is not made:
 * the value then keeps more than one item.
 *
 * The state is an expanded object (utils/expandeddatum.h) while an
 * aggregate collects into it: items are appended in place, and the
 * transition function returns the same pointer, so nodeAgg.c never copies
 * it.  Its flat form, for parallel workers, text and binary I/O, is
 * QuantileFlat.  The final function finds the boundaries by selection
 * rather than sorting:
 *
 *	1. Move the NaN values to the end: they are the largest.
 *	2. Find the scale of the weights and the total weight W.
 *	3. Boundaries that the numbers below the NaNs do not reach are NaN.
 *	4. Multiselect the rest in place: choose a pivot p in the range, split
 *	   the range into values < p, = p and > p, and place each boundary
 *	   sought there by the cumulative weight at the end of the first two
 *	   parts.  Boundaries in the middle part are p; recurse into the
 *	   others with only their own boundaries.  Invariant of a range
 *	   [lo, hi) with boundaries ka .. kb-1: each of them is not reached by
 *	   the weight before lo and is reached by the weight up to hi.
 *	5. Short ranges, and ranges past a recursion depth that only bad pivots
 *	   reach, are sorted, and their boundaries read off in one pass.
 *
 * Expected time is linear in the number of items for a fixed n.  The final
 * function and compaction only reorder and merge the items, so the state
 * stays valid for more rows and further final calls (as window aggregates
 * need).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/hyperloglog.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "mo_usage.h"

/* The number of groups an aggregate may ask for */
#define MIN_GROUPS		2
#define MAX_GROUPS		100000000

/*
 * The flat form of a quantile_state: on disk, on the wire, between workers.
 * data holds count values, then (for the flags below) count weights.
 */
typedef struct QuantileFlat
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		ngroups;
	int32		flags;			/* QUANTILE_WEIGHTED or QUANTILE_COUNTED or
								 * 0, and QUANTILE_SETTLED */
	int32		unused;			/* zero; keeps the values 8-aligned */
	int64		count;
	float8		data[FLEXIBLE_ARRAY_MEMBER];	/* values, then weights */
} QuantileFlat;

/* The rows have weights of their own (the aggregate with a weight) */
#define QUANTILE_WEIGHTED		0x0001
/* The rows weigh 1, and the items carry counts of rows */
#define QUANTILE_COUNTED		0x0002
/*
 * Compacting the state again would change nothing: it was compacted, or
 * found not worth it, with the items it has.  Only the flat form (a state
 * handed on between processes, or stored) carries it; text and binary forms
 * do not, and a state that takes more items loses it.
 */
#define QUANTILE_SETTLED		0x0004
#define QUANTILE_HAS_WEIGHTS(flags) \
	(((flags) & (QUANTILE_WEIGHTED | QUANTILE_COUNTED)) != 0)
#define QUANTILE_FLAT_HDRSZ		offsetof(QuantileFlat, data)

/* Largest count an item may carry: float8 holds every integer up to it */
#define MAX_EXACT_COUNT			9007199254740992.0	/* 2^53 */

/* A state of this many items or more may be compacted (see the header) */
#define COMPACT_MIN			1024

/* The expanded form, into which an aggregate collects rows */
typedef struct QuantileState
{
	ExpandedObjectHeader hdr;
	int32		ngroups;
	bool		weighted;		/* rows have weights (else each weighs 1) */
	int64		count;
	int64		capacity;		/* room in values (and weights) */
	int64		compacted;		/* count when last compacted or found not
								 * worth compacting, or -1 */
	float8	   *values;
	float8	   *weights;		/* NULL: every item weighs 1 */
} QuantileState;

#define INITIAL_CAPACITY	64

#define AssertQuantileState(s) \
	Assert((s)->ngroups >= MIN_GROUPS && (s)->ngroups <= MAX_GROUPS && \
		   (s)->count >= 0 && (s)->count <= (s)->capacity && \
		   (!(s)->weighted || (s)->weights != NULL))

/* Either form, read only */
typedef struct QuantileView
{
	int32		ngroups;
	bool		weighted;
	int64		count;
	float8	   *values;
	float8	   *weights;		/* NULL: every item weighs 1 */
	bool		settled;		/* compacting it again would not pay */
} QuantileView;

/*
 * A wide unsigned fixed-point number, in units of 2^scale.  The limbs cover
 * the bits of the largest weight down to the scale (at most 2098 bits for
 * float8), plus 64 bits for a sum of up to 2^64 weights and 32 bits for a
 * multiplier below 2^32.
 */
#define WIDE_LIMBS	36

typedef struct Wide
{
	uint64		limb[WIDE_LIMBS];
} Wide;

/* One run of the final function */
typedef struct Selection
{
	float8	   *values;
	float8	   *weights;		/* NULL: every value weighs 1 */
	int			nlimbs;			/* limbs in use in every Wide */
	int			scale;			/* every weight is a multiple of 2^scale */
	uint32		ngroups;
	Wide		total;			/* W, the total weight */
	float8	   *bounds;			/* bounds[k - 1] is boundary k */
} Selection;

/* Ranges this short are sorted rather than split */
#define SHORT_RANGE		16

/* What quantile_group keeps between calls at one call site */
typedef struct BoundsCache
{
	Size		keylen;
	char	   *key;			/* the boundaries datum as last passed */
	int			nbounds;
	int			nnumbers;		/* boundaries that are not NaN */
	float8	   *bounds;
} BoundsCache;

static Size quantile_get_flat_size(ExpandedObjectHeader *eohptr);
static void quantile_flatten_into(ExpandedObjectHeader *eohptr,
								  void *result, Size allocated_size);

static const ExpandedObjectMethods quantile_methods = {
	quantile_get_flat_size,
	quantile_flatten_into
};


/* ---------------------------------------------------------------------
 * Checks and normalisation shared by every way into a state
 * ---------------------------------------------------------------------
 */

static void
check_ngroups(int32 ngroups)
{
	if (ngroups < MIN_GROUPS || ngroups > MAX_GROUPS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of groups must be between %d and %d",
						MIN_GROUPS, MAX_GROUPS),
				 errdetail("The number of groups is %d.", ngroups)));
}

/*
 * A weight must be finite and not negative; NaN fails the comparison and so
 * fails too.
 */
static inline void
check_weight(float8 weight)
{
	if (unlikely(!(weight >= 0.0) || isinf(weight)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantile weight must be finite and not negative"),
				 errdetail("A weight is %s.", float8out_internal(weight))));
}

/*
 * Values are stored as PostgreSQL compares them: -0 as 0, and every NaN as
 * the one NaN, so that output never shows two spellings of one value.
 */
static inline float8
normalise_value(float8 value)
{
	if (unlikely(value == 0.0))
		return 0.0;
	if (unlikely(isnan(value)))
		return get_float8_nan();
	return value;
}

/*
 * Is a + b, both positive and finite, exactly the float8 sum?  (Knuth's
 * two-sum: the rounding error of the sum, computed without error.)
 */
static inline bool
sum_is_exact(float8 a, float8 b, float8 sum)
{
	float8		b_part = sum - a;
	float8		a_part = sum - b_part;

	return !isinf(sum) && (a - a_part) + (b - b_part) == 0.0;
}


/* ---------------------------------------------------------------------
 * The state and its flat form
 * ---------------------------------------------------------------------
 */

/*
 * A new, empty state in a memory context of its own below parent, with
 * room for capacity items.  Its arrays are huge allocations, so that a
 * serial aggregate is limited by memory only.  with_weights gives it a
 * weight for each item even when the rows have none (for counts).
 */
static QuantileState *
state_create(MemoryContext parent, int32 ngroups, bool weighted,
			 bool with_weights, int64 capacity)
{
	MemoryContext cxt;
	QuantileState *state;

	cxt = AllocSetContextCreate(parent, "quantile_state",
								ALLOCSET_SMALL_SIZES);
	state = MemoryContextAllocZero(cxt, sizeof(QuantileState));
	EOH_init_header(&state->hdr, &quantile_methods, cxt);

	state->ngroups = ngroups;
	state->weighted = weighted;
	state->capacity = Max(capacity, INITIAL_CAPACITY);
	state->compacted = -1;
	state->values = MemoryContextAllocHuge(cxt,
										   state->capacity * sizeof(float8));
	if (weighted || with_weights)
		state->weights = MemoryContextAllocHuge(cxt, state->capacity *
												sizeof(float8));
	return state;
}

/* Make room for extra more items, doubling so that appending stays cheap. */
static void
state_reserve(QuantileState *state, int64 extra)
{
	int64		capacity = state->capacity;

	if (state->count + extra <= capacity)
		return;
	while (capacity < state->count + extra)
		capacity *= 2;
	state->values = repalloc_huge(state->values, capacity * sizeof(float8));
	if (state->weights)
		state->weights = repalloc_huge(state->weights,
									   capacity * sizeof(float8));
	state->capacity = capacity;
}

/* Give a state without weights a weight of 1 for each item it holds. */
static void
state_add_weights(QuantileState *state)
{
	Assert(state->weights == NULL);
	state->weights = MemoryContextAllocHuge(state->hdr.eoh_context,
											state->capacity * sizeof(float8));
	for (int64 i = 0; i < state->count; i++)
		state->weights[i] = 1.0;
}

/*
 * Append an item: a value, normalised, and its weight, positive and finite
 * (1 for a row of the aggregate without weights).
 */
static inline void
state_append(QuantileState *state, float8 value, float8 weight)
{
	Assert(state->weights != NULL || weight == 1.0);
	if (unlikely(state->count == state->capacity))
		state_reserve(state, 1);
	state->values[state->count] = value;
	if (state->weights)
		state->weights[state->count] = weight;
	state->count++;
}

/*
 * A normalised float8 as an unsigned key that orders as PostgreSQL orders
 * float8: negative numbers below positive ones, NaN above +Infinity.
 */
static inline uint64
order_key(float8 value)
{
	uint64		bits;

	memcpy(&bits, &value, sizeof(bits));
	return (bits >> 63) ? ~bits : bits | (UINT64CONST(1) << 63);
}

static inline float8
key_value(uint64 key)
{
	uint64		bits = (key >> 63) ? key & ~(UINT64CONST(1) << 63) : ~key;
	float8		value;

	memcpy(&value, &bits, sizeof(value));
	return value;
}

/*
 * Sort n keys, and their weights along with them when weights is not NULL,
 * in ascending order: a least-significant-digit radix sort, a byte a pass,
 * that skips the bytes in which all keys agree (in whole numbers, the low
 * bytes of the mantissa; in values of one range, the exponent).  spare_keys
 * and spare_weights have room for n.  On return *keys and *weights point to
 * the sorted arrays, which are either the ones passed or the spares.
 */
static void
radix_sort(uint64 **keys, float8 **weights, uint64 *spare_keys,
		   float8 *spare_weights, int64 n)
{
	int64	   *counts = palloc0(8 * 256 * sizeof(int64));
	uint64	   *src = *keys;
	uint64	   *dst = spare_keys;
	float8	   *wsrc = *weights;
	float8	   *wdst = spare_weights;
	uint64		differ = 0;

	/* The bytes in which some key differs from the first */
	for (int64 i = 0; i < n; i++)
		differ |= src[i] ^ src[0];

	for (int d = 0; d < 8; d++)
	{
		int64	   *count = counts + d * 256;
		int			shift = 8 * d;
		int64		offset = 0;
		uint64	   *tk;
		float8	   *tw;

		if (((differ >> shift) & 0xFF) == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xFF]++;
		for (int b = 0; b < 256; b++)
		{
			int64		c = count[b];

			count[b] = offset;
			offset += c;
		}
		if (wsrc)
		{
			for (int64 i = 0; i < n; i++)
			{
				int64		to = count[(src[i] >> shift) & 0xFF]++;

				dst[to] = src[i];
				wdst[to] = wsrc[i];
			}
		}
		else
		{
			for (int64 i = 0; i < n; i++)
				dst[count[(src[i] >> shift) & 0xFF]++] = src[i];
		}
		tk = src, src = dst, dst = tk;
		tw = wsrc, wsrc = wdst, wdst = tw;
	}
	pfree(counts);
	*keys = src;
	*weights = wsrc;
}

/*
 * Would compacting at least halve the items?  A HyperLogLog sketch of 2^10
 * registers estimates the distinct values to within a few per cent.
 */
static bool
compaction_pays(const QuantileState *state)
{
	hyperLogLogState sketch;
	bool		pays;

	initHyperLogLog(&sketch, 10);
	for (int64 i = 0; i < state->count; i++)
	{
		uint64		bits;
		uint32		folded;

		memcpy(&bits, &state->values[i], sizeof(bits));
		folded = (uint32) bits ^ (uint32) (bits >> 32);
		addHyperLogLog(&sketch, murmurhash32(folded));
	}
	pays = estimateHyperLogLog(&sketch) * 2 <= (double) state->count;
	freeHyperLogLog(&sketch);
	return pays;
}

/*
 * Sort the state's items by value and sum equal values into one item,
 * where the sum is exact, if that at least halves them.  The state keeps
 * its meaning, and its capacity.
 */
static void
state_compact(QuantileState *state)
{
	int64		n = state->count;
	uint64	   *keys;
	uint64	   *spare_keys;
	float8	   *weights = NULL;
	float8	   *spare_weights = NULL;
	uint64	   *sorted;
	float8	   *sorted_weights;
	bool		had_weights = (state->weights != NULL);
	bool		all_ones = true;
	int64		j = -1;

	if (n == 0 || n == state->compacted)
		return;
	if (!compaction_pays(state))
	{
		state->compacted = n;
		return;
	}

	/*
	 * The sort works on copies, and may be cancelled: the state's own
	 * arrays change only below, all at once.
	 */
	keys = palloc_extended(n * sizeof(uint64), MCXT_ALLOC_HUGE);
	spare_keys = palloc_extended(n * sizeof(uint64), MCXT_ALLOC_HUGE);
	if (had_weights)
	{
		weights = palloc_extended(n * sizeof(float8), MCXT_ALLOC_HUGE);
		spare_weights = palloc_extended(n * sizeof(float8), MCXT_ALLOC_HUGE);
		memcpy(weights, state->weights, n * sizeof(float8));
	}
	for (int64 i = 0; i < n; i++)
		keys[i] = order_key(state->values[i]);
	sorted = keys;
	sorted_weights = weights;
	radix_sort(&sorted, &sorted_weights, spare_keys, spare_weights, n);
	if (!had_weights)
		state_add_weights(state);

	/*
	 * Write the items back in order, a run of equal values at a time, j the
	 * last item written.  A run becomes one item when its weights, summed
	 * in their order, never round; else it stays as it was, so that
	 * compacting a compacted state changes nothing (and its text reads back
	 * as the same text).
	 */
	for (int64 run = 0, end; run < n; run = end)
	{
		float8		sum = had_weights ? sorted_weights[run] : 1.0;
		bool		exact = true;

		for (end = run + 1; end < n && sorted[end] == sorted[run]; end++)
		{
			float8		weight = had_weights ? sorted_weights[end] : 1.0;
			float8		next = sum + weight;

			exact = exact && sum_is_exact(sum, weight, next) &&
				(state->weighted || next <= MAX_EXACT_COUNT);
			sum = next;
		}
		if (exact)
		{
			state->values[++j] = key_value(sorted[run]);
			state->weights[j] = sum;
			all_ones &= (sum == 1.0);
			continue;
		}
		for (int64 i = run; i < end; i++)
		{
			state->values[++j] = key_value(sorted[i]);
			state->weights[j] = had_weights ? sorted_weights[i] : 1.0;
			all_ones &= (state->weights[j] == 1.0);
		}
	}
	state->count = j + 1;
	state->compacted = state->count;

	/* Rows without weights that were all distinct need no counts. */
	if (!state->weighted && all_ones)
	{
		pfree(state->weights);
		state->weights = NULL;
	}
	pfree(keys);
	pfree(spare_keys);
	if (had_weights)
	{
		pfree(weights);
		pfree(spare_weights);
	}
}

/* What the weights of a state's items are, as its flat and binary forms say */
static inline int32
weight_flags(bool weighted, const float8 *weights)
{
	if (weighted)
		return QUANTILE_WEIGHTED;
	return weights ? QUANTILE_COUNTED : 0;
}

static Size
flat_size(int64 count, bool with_weights)
{
	return QUANTILE_FLAT_HDRSZ + count * sizeof(float8) * (with_weights ? 2 : 1);
}

/*
 * The flat form must fit a varlena.  That limits what a parallel worker can
 * hand on (about 134 million items, or 67 million with weights), not what a
 * serial aggregate can collect.  A state of many items with weights is
 * compacted first (see the header for why only those).
 */
static Size
quantile_get_flat_size(ExpandedObjectHeader *eohptr)
{
	QuantileState *state = (QuantileState *) eohptr;
	Size		size;

	AssertQuantileState(state);
	if (state->weighted && state->count >= COMPACT_MIN)
		state_compact(state);
	size = flat_size(state->count, state->weights != NULL);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("quantile_state of %lld values is too large to pass on",
						(long long) state->count),
				 errhint("Disable parallel query for this aggregate, or split the input into groups.")));
	return size;
}

static void
quantile_flatten_into(ExpandedObjectHeader *eohptr, void *result,
					  Size allocated_size)
{
	QuantileState *state = (QuantileState *) eohptr;
	QuantileFlat *flat = (QuantileFlat *) result;

	Assert(allocated_size == flat_size(state->count, state->weights != NULL));
	memset(flat, 0, QUANTILE_FLAT_HDRSZ);
	SET_VARSIZE(flat, allocated_size);
	flat->ngroups = state->ngroups;
	flat->flags = weight_flags(state->weighted, state->weights) |
		(state->compacted == state->count ? QUANTILE_SETTLED : 0);
	flat->count = state->count;
	memcpy(flat->data, state->values, state->count * sizeof(float8));
	if (state->weights)
		memcpy(flat->data + state->count, state->weights,
			   state->count * sizeof(float8));
}

/* Is the datum an expanded quantile_state (read-write or read-only)? */
static inline bool
is_expanded_state(Datum datum)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &quantile_methods;
}

/* Read either form of a state without changing it. */
static void
view_state(Datum datum, QuantileView *view)
{
	if (is_expanded_state(datum))
	{
		QuantileState *state = (QuantileState *) DatumGetEOHP(datum);

		AssertQuantileState(state);
		view->ngroups = state->ngroups;
		view->weighted = state->weighted;
		view->count = state->count;
		view->values = state->values;
		view->weights = state->weights;
		view->settled = (state->compacted == state->count);
	}
	else
	{
		QuantileFlat *flat = (QuantileFlat *) PG_DETOAST_DATUM(datum);
		bool		with_weights = QUANTILE_HAS_WEIGHTS(flat->flags);

		if (VARSIZE(flat) != flat_size(flat->count, with_weights))
			elog(ERROR, "quantile_state of %lld values has %u bytes",
				 (long long) flat->count, VARSIZE(flat));
		view->ngroups = flat->ngroups;
		view->weighted = (flat->flags & QUANTILE_WEIGHTED) != 0;
		view->settled = (flat->flags & QUANTILE_SETTLED) != 0;
		view->count = flat->count;
		view->values = flat->data;
		view->weights = with_weights ? flat->data + flat->count : NULL;
	}
}

/* An expanded state with the items of a view, in a context below cxt */
static QuantileState *
state_copy(const QuantileView *view, MemoryContext cxt)
{
	QuantileState *state;

	state = state_create(cxt, view->ngroups, view->weighted,
						 view->weights != NULL, view->count);
	memcpy(state->values, view->values, view->count * sizeof(float8));
	if (view->weights)
		memcpy(state->weights, view->weights, view->count * sizeof(float8));
	state->count = view->count;
	if (view->settled)
		state->compacted = state->count;
	return state;
}

/*
 * The state an aggregate may add to: the argument itself when it is a
 * read-write expanded state, otherwise an expanded copy in the aggregate
 * context (nodeAgg.c then frees the argument).
 */
static QuantileState *
state_for_update(Datum datum, MemoryContext aggcontext)
{
	QuantileView view;

	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(datum)) &&
		is_expanded_state(datum))
		return (QuantileState *) DatumGetEOHP(datum);

	view_state(datum, &view);
	return state_copy(&view, aggcontext);
}

/*
 * Read a state to write it as text or binary, compacted first when it has
 * many items: an expanded state in place (its meaning stays), a flat one
 * through a copy, which is returned for the caller to free (else NULL).
 */
static QuantileState *
view_compacted(Datum datum, QuantileView *view)
{
	QuantileState *state;
	QuantileState *copy = NULL;

	view_state(datum, view);
	if (view->count < COMPACT_MIN || view->settled)
		return NULL;
	if (is_expanded_state(datum))
		state = (QuantileState *) DatumGetEOHP(datum);
	else
		state = copy = state_copy(view, CurrentMemoryContext);
	state_compact(state);
	view->count = state->count;
	view->values = state->values;
	view->weights = state->weights;
	view->settled = true;
	return copy;
}


/* ---------------------------------------------------------------------
 * The aggregate: transition, combine and final functions
 * ---------------------------------------------------------------------
 */

/*
 * quantile_state_add(state quantile_state, value float8, n integer)
 * quantile_state_add(state quantile_state, value float8, weight float8,
 *					  n integer)
 *		returns the state with the value (and its weight) added
 *
 * A NULL value or weight leaves the row out, and so does a zero weight,
 * which could never change a boundary.  n is checked on every row, so a
 * mistake shows even when the values are all NULL.
 */
PG_FUNCTION_INFO_V1(mo_quantile_add);
Datum
mo_quantile_add(PG_FUNCTION_ARGS)
{
	bool		weighted = (PG_NARGS() == 4);
	int			ngroups_arg = weighted ? 3 : 2;
	MemoryContext aggcontext;
	QuantileState *state = NULL;
	int32		ngroups;
	float8		weight = 1.0;
	bool		skip = false;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("quantile_state_add called in non-aggregate context")));

	if (PG_ARGISNULL(ngroups_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("number of groups must not be null")));
	ngroups = PG_GETARG_INT32(ngroups_arg);
	if (!PG_ARGISNULL(0))
	{
		state = state_for_update(PG_GETARG_DATUM(0), aggcontext);
		if (unlikely(state->ngroups != ngroups))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("number of groups must be the same in every row"),
					 errdetail("Rows ask for %d and for %d groups.",
							   state->ngroups, ngroups)));
		if (unlikely(state->weighted != weighted))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 weighted ?
					 errmsg("cannot add weighted rows to an unweighted quantile_state") :
					 errmsg("cannot add unweighted rows to a weighted quantile_state")));
	}
	else
		check_ngroups(ngroups);

	/* NULL values and weights, and zero weights, cannot move a boundary. */
	if (PG_ARGISNULL(1) || (weighted && PG_ARGISNULL(2)))
		skip = true;
	else if (weighted)
	{
		weight = PG_GETARG_FLOAT8(2);
		check_weight(weight);
		skip = (weight == 0.0);
	}

	if (!skip)
	{
		if (state == NULL)
			state = state_create(aggcontext, ngroups, weighted, false, 0);
		state_append(state, normalise_value(PG_GETARG_FLOAT8(1)), weight);
	}

	if (state == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}

/*
 * quantile_state_merge(a quantile_state, b quantile_state)
 *		returns a with the items of b added; the combine function
 */
PG_FUNCTION_INFO_V1(mo_quantile_merge);
Datum
mo_quantile_merge(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	QuantileState *state;
	QuantileView other;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("quantile_state_merge called in non-aggregate context")));

	/* A worker that saw no rows hands on NULL. */
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(EOHPGetRWDatum(&state_for_update(PG_GETARG_DATUM(0),
														 aggcontext)->hdr));
	}
	if (PG_ARGISNULL(0))
	{
		state = state_for_update(PG_GETARG_DATUM(1), aggcontext);
		PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
	}

	state = state_for_update(PG_GETARG_DATUM(0), aggcontext);
	view_state(PG_GETARG_DATUM(1), &other);
	if (other.ngroups != state->ngroups)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of groups must be the same in every row"),
				 errdetail("Rows ask for %d and for %d groups.",
						   state->ngroups, other.ngroups)));
	if (other.weighted != state->weighted)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge a weighted and an unweighted quantile_state")));

	state_reserve(state, other.count);
	if (other.weights != NULL && state->weights == NULL)
		state_add_weights(state);
	memcpy(state->values + state->count, other.values,
		   other.count * sizeof(float8));
	if (other.weights)
		memcpy(state->weights + state->count, other.weights,
			   other.count * sizeof(float8));
	else
		for (int64 i = 0; state->weights && i < other.count; i++)
			state->weights[state->count + i] = 1.0;
	state->count += other.count;
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}


/* ---------------------------------------------------------------------
 * Wide fixed-point sums of weights
 * ---------------------------------------------------------------------
 */

/* A positive finite float8 as mantissa * 2^exponent, mantissa odd. */
static inline void
weight_parts(float8 weight, uint64 *mantissa, int *exponent)
{
	uint64		bits;
	int			biased;
	uint64		m;

	memcpy(&bits, &weight, sizeof(bits));
	biased = (int) (bits >> 52);
	m = bits & ((UINT64CONST(1) << 52) - 1);
	if (biased == 0)
		biased = 1;				/* subnormal */
	else
		m |= UINT64CONST(1) << 52;
	Assert(m != 0);
	*exponent = biased - 1075 + pg_rightmost_one_pos64(m);
	*mantissa = m >> pg_rightmost_one_pos64(m);
}

/* Add a 64-bit number shifted left by shift bits. */
static inline void
wide_add_shifted(Wide *sum, int nlimbs PG_USED_FOR_ASSERTS_ONLY, uint64 x,
				 int shift)
{
	int			i = shift / 64;
	int			bit = shift % 64;
	uint64		carry;

	sum->limb[i] += x << bit;
	carry = sum->limb[i] < (x << bit);
	if (bit > 0)
		carry += x >> (64 - bit);
	for (i++; carry != 0; i++)
	{
		Assert(i < nlimbs);
		sum->limb[i] += carry;
		carry = sum->limb[i] < carry;
	}
}

/* product = x * m, in 32-bit halves so that no product overflows */
static void
wide_mul(Wide *product, const Wide *x, uint32 m, int nlimbs)
{
	uint64		carry = 0;

	for (int i = 0; i < nlimbs; i++)
	{
		uint64		low = (x->limb[i] & 0xFFFFFFFF) * m + carry;
		uint64		high = (x->limb[i] >> 32) * m + (low >> 32);

		product->limb[i] = (high << 32) | (low & 0xFFFFFFFF);
		carry = high >> 32;
	}
	Assert(carry == 0);
}

static int
wide_cmp(const Wide *a, const Wide *b, int nlimbs)
{
	for (int i = nlimbs - 1; i >= 0; i--)
	{
		if (a->limb[i] != b->limb[i])
			return a->limb[i] < b->limb[i] ? -1 : 1;
	}
	return 0;
}

/* Add the weight of the values in [lo, hi) to sum. */
static void
add_range_weight(const Selection *sel, Wide *sum, int64 lo, int64 hi)
{
	if (sel->weights == NULL)
	{
		wide_add_shifted(sum, sel->nlimbs, (uint64) (hi - lo), 0);
		return;
	}
	for (int64 i = lo; i < hi; i++)
	{
		uint64		mantissa;
		int			exponent;

		weight_parts(sel->weights[i], &mantissa, &exponent);
		wide_add_shifted(sum, sel->nlimbs, mantissa, exponent - sel->scale);
	}
}

/* Does the cumulative weight cum reach k/n of the total: n * cum >= k * W? */
static bool
reaches(const Selection *sel, const Wide *cum, uint32 k)
{
	Wide		left;
	Wide		right;

	wide_mul(&left, cum, sel->ngroups, sel->nlimbs);
	wide_mul(&right, &sel->total, k, sel->nlimbs);
	return wide_cmp(&left, &right, sel->nlimbs) >= 0;
}

/*
 * Fix the scale and the width of the sums for the weights of the first
 * count values.
 */
static void
prepare_sums(Selection *sel, int64 count)
{
	int			lowest = 0;
	int			highest = 0;

	if (sel->weights)
	{
		lowest = INT_MAX;
		highest = INT_MIN;
	}
	for (int64 i = 0; sel->weights && i < count; i++)
	{
		uint64		mantissa;
		int			exponent;

		weight_parts(sel->weights[i], &mantissa, &exponent);
		lowest = Min(lowest, exponent);
		highest = Max(highest, exponent + pg_leftmost_one_pos64(mantissa));
	}
	sel->scale = lowest;
	sel->nlimbs = (highest - lowest) / 64 + 1 + 2;
	Assert(sel->nlimbs <= WIDE_LIMBS);
}


/* ---------------------------------------------------------------------
 * Selection
 * ---------------------------------------------------------------------
 */

static inline void
swap_items(Selection *sel, int64 i, int64 j)
{
	float8		t = sel->values[i];

	sel->values[i] = sel->values[j];
	sel->values[j] = t;
	if (sel->weights)
	{
		t = sel->weights[i];
		sel->weights[i] = sel->weights[j];
		sel->weights[j] = t;
	}
}

static void
sift_down(Selection *sel, int64 lo, int64 root, int64 end)
{
	for (;;)
	{
		int64		child = 2 * (root - lo) + 1 + lo;

		if (child >= end)
			return;
		if (child + 1 < end && sel->values[child + 1] > sel->values[child])
			child++;
		if (sel->values[root] >= sel->values[child])
			return;
		swap_items(sel, root, child);
		root = child;
	}
}

/*
 * Sort [lo, hi): insertion sort when short, else heapsort, which needs no
 * memory and has no bad cases.  There are no NaNs left to order.
 */
static void
sort_range(Selection *sel, int64 lo, int64 hi)
{
	if (hi - lo <= SHORT_RANGE)
	{
		for (int64 i = lo + 1; i < hi; i++)
			for (int64 j = i; j > lo && sel->values[j - 1] > sel->values[j];
				 j--)
				swap_items(sel, j - 1, j);
		return;
	}
	for (int64 root = lo + (hi - lo) / 2 - 1; root >= lo; root--)
		sift_down(sel, lo, root, hi);
	for (int64 end = hi - 1; end > lo; end--)
	{
		swap_items(sel, lo, end);
		sift_down(sel, lo, lo, end);
	}
}

static inline float8
median3(float8 a, float8 b, float8 c)
{
	if (a < b)
		return b < c ? b : (a < c ? c : a);
	return a < c ? a : (b < c ? c : b);
}

/*
 * A pivot from [lo, hi): the median of three values, or for long ranges the
 * median of three such medians; always a value of the range.
 */
static float8
choose_pivot(const float8 *v, int64 lo, int64 hi)
{
	int64		mid = lo + (hi - lo) / 2;
	int64		step = (hi - lo) / 8;

	if (hi - lo < 128)
		return median3(v[lo], v[mid], v[hi - 1]);
	return median3(median3(v[lo], v[lo + step], v[lo + 2 * step]),
				   median3(v[mid - step], v[mid], v[mid + step]),
				   median3(v[hi - 1 - 2 * step], v[hi - 1 - step], v[hi - 1]));
}

/*
 * Move the values below p (or not above p, if or_equal) to the front of
 * [lo, hi) and return where they end.  The swap is unconditional so that the
 * loop has no branch on the data.
 */
static pg_attribute_always_inline int64
partition(Selection *sel, int64 lo, int64 hi, float8 p, bool or_equal)
{
	float8	   *v = sel->values;
	float8	   *w = sel->weights;
	int64		j = lo;

	if (w == NULL)
	{
		for (int64 i = lo; i < hi; i++)
		{
			float8		x = v[i];

			v[i] = v[j];
			v[j] = x;
			j += or_equal ? (x <= p) : (x < p);
		}
	}
	else
	{
		for (int64 i = lo; i < hi; i++)
		{
			float8		x = v[i];
			float8		y = w[i];

			v[i] = v[j];
			v[j] = x;
			w[i] = w[j];
			w[j] = y;
			j += or_equal ? (x <= p) : (x < p);
		}
	}
	return j;
}

/*
 * Sort [lo, hi) and read off boundaries ka .. kb-1, before being the weight
 * of the values below lo.
 */
static void
select_by_sorting(Selection *sel, int64 lo, int64 hi, uint32 ka, uint32 kb,
				  const Wide *before)
{
	Wide		cum = *before;
	uint32		k = ka;

	sort_range(sel, lo, hi);
	for (int64 i = lo; i < hi && k < kb; i++)
	{
		add_range_weight(sel, &cum, i, i + 1);
		while (k < kb && reaches(sel, &cum, k))
			sel->bounds[k++ - 1] = sel->values[i];
	}
	Assert(k == kb);
}

/*
 * Find boundaries ka .. kb-1, all of which lie in [lo, hi), before being the
 * weight of the values below lo (step 4 of the header).  The parts are
 * [lo, lt), below the pivot, and [lt, hi), not below it.
 */
static void
select_range(Selection *sel, int64 lo, int64 hi, uint32 ka, uint32 kb,
			 const Wide *before, int depth)
{
	float8		p;
	int64		lt;
	Wide		cum;
	uint32		k;

	CHECK_FOR_INTERRUPTS();
	if (hi - lo <= SHORT_RANGE || depth == 0)
	{
		select_by_sorting(sel, lo, hi, ka, kb, before);
		return;
	}

	/*
	 * When no value is below the pivot, the pivot is the least value of the
	 * range: take out the values equal to it, whose boundaries it is.  This
	 * second pass is needed only then, and guarantees progress on ranges
	 * full of equal values.
	 */
	p = choose_pivot(sel->values, lo, hi);
	lt = partition(sel, lo, hi, p, false);
	cum = *before;
	if (lt == lo)
	{
		lt = partition(sel, lo, hi, p, true);
		add_range_weight(sel, &cum, lo, lt);
		for (k = ka; k < kb && reaches(sel, &cum, k); k++)
			sel->bounds[k - 1] = p;
		if (k < kb)
			select_range(sel, lt, hi, k, kb, &cum, depth - 1);
		return;
	}

	/* Otherwise both parts are shorter than the range. */
	add_range_weight(sel, &cum, lo, lt);
	for (k = ka; k < kb && reaches(sel, &cum, k); k++)
		;
	if (k > ka)
		select_range(sel, lo, lt, ka, k, before, depth - 1);
	if (k < kb)
		select_range(sel, lt, hi, k, kb, &cum, depth - 1);
}

/*
 * Fill bounds[0 .. ngroups-2] with the boundaries of the count values (and
 * weights), reordering them in place (steps 1 to 5 of the header).
 */
static void
find_bounds(float8 *values, float8 *weights, int64 count, int32 ngroups,
			float8 *bounds)
{
	Selection	sel;
	Wide		numbers;
	Wide		zero;
	int64		nnumbers = count;
	uint32		k;

	Assert(count > 0);
	sel.values = values;
	sel.weights = weights;
	sel.ngroups = ngroups;
	sel.bounds = bounds;

	for (int64 i = 0; i < nnumbers;)
	{
		if (isnan(values[i]))
			swap_items(&sel, i, --nnumbers);
		else
			i++;
	}

	prepare_sums(&sel, count);
	memset(&numbers, 0, sizeof(Wide));
	add_range_weight(&sel, &numbers, 0, nnumbers);
	sel.total = numbers;
	add_range_weight(&sel, &sel.total, nnumbers, count);
	for (k = 1; k < (uint32) ngroups && reaches(&sel, &numbers, k); k++)
		;
	for (uint32 nan_k = k; nan_k < (uint32) ngroups; nan_k++)
		bounds[nan_k - 1] = get_float8_nan();

	memset(&zero, 0, sizeof(Wide));
	if (k > 1)
		select_range(&sel, 0, nnumbers, 1, k, &zero,
					 2 * pg_leftmost_one_pos64((uint64) nnumbers) + 4);
}

/*
 * quantile_state_bounds(state quantile_state) returns float8[]
 *		the n - 1 boundaries of the collected values, NULL when there are
 *		none; the final function
 *
 * Called by an aggregate, it reorders the collected items in place (which
 * leaves the state's meaning unchanged); called on a stored state, it works
 * on a copy.
 */
PG_FUNCTION_INFO_V1(mo_quantile_bounds);
Datum
mo_quantile_bounds(PG_FUNCTION_ARGS)
{
	Datum		datum = PG_GETARG_DATUM(0);
	bool		in_place = AggCheckCallContext(fcinfo, NULL) != 0 &&
		is_expanded_state(datum);
	QuantileView view;
	float8	   *values;
	float8	   *weights = NULL;
	ArrayType  *result;
	Size		nbytes;
	int			nbounds;

	view_state(datum, &view);
	if (view.count == 0)
		PG_RETURN_NULL();

	if (in_place)
	{
		values = view.values;
		weights = view.weights;
	}
	else
	{
		values = palloc_extended(view.count * sizeof(float8), MCXT_ALLOC_HUGE);
		memcpy(values, view.values, view.count * sizeof(float8));
		if (view.weights)
		{
			weights = palloc_extended(view.count * sizeof(float8),
									  MCXT_ALLOC_HUGE);
			memcpy(weights, view.weights, view.count * sizeof(float8));
		}
	}

	/*
	 * The boundaries are written straight into the result array, a float8[]
	 * without nulls, so that a large n costs one array and no copies.
	 */
	nbounds = view.ngroups - 1;
	nbytes = ARR_OVERHEAD_NONULLS(1) + (Size) nbounds * sizeof(float8);
	result = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(result, nbytes);
	result->ndim = 1;
	result->dataoffset = 0;
	result->elemtype = FLOAT8OID;
	ARR_DIMS(result)[0] = nbounds;
	ARR_LBOUND(result)[0] = 1;
	find_bounds(values, weights, view.count, view.ngroups,
				(float8 *) ARR_DATA_PTR(result));
	PG_RETURN_ARRAYTYPE_P(result);
}


/* ---------------------------------------------------------------------
 * Group assignment
 * ---------------------------------------------------------------------
 */

/*
 * The boundaries of a quantile_group call, checked and cached at the call
 * site (fn_extra), so that assigning millions of rows reads and checks them
 * once.  The cache is keyed by the datum's bytes as passed, not its address:
 * an address can be reused for other boundaries.  An expanded or indirect
 * datum is flattened to make the key.
 */
static BoundsCache *
bounds_lookup(FunctionCallInfo fcinfo, Datum datum)
{
	BoundsCache *cache = fcinfo->flinfo->fn_extra;
	struct varlena *key = (struct varlena *) DatumGetPointer(datum);
	Size		keylen;
	ArrayType  *array;
	float8	   *bounds;
	int			nbounds;

	if (VARATT_IS_EXTERNAL_EXPANDED(key) || VARATT_IS_EXTERNAL_INDIRECT(key))
		key = PG_DETOAST_DATUM(datum);
	keylen = VARSIZE_ANY(key);
	if (cache && cache->keylen == keylen &&
		memcmp(cache->key, key, keylen) == 0)
		return cache;

	array = DatumGetArrayTypeP(datum);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("quantile boundaries must be a one-dimensional array")));
	if (array_contains_nulls(array))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("quantile boundaries must not contain nulls")));
	nbounds = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	bounds = (float8 *) ARR_DATA_PTR(array);
	for (int i = 1; i < nbounds; i++)
	{
		if (float8_gt(bounds[i - 1], bounds[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("quantile boundaries must be in ascending order"),
					 errdetail("Boundary %d (%s) is greater than boundary %d (%s).",
							   i, float8out_internal(bounds[i - 1]),
							   i + 1, float8out_internal(bounds[i]))));
	}

	if (cache == NULL)
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(BoundsCache));
	else
	{
		pfree(cache->key);
		pfree(cache->bounds);
	}
	cache->keylen = keylen;
	cache->key = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, keylen);
	memcpy(cache->key, key, keylen);
	cache->nbounds = nbounds;
	cache->bounds = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
									   Max(nbounds, 1) * sizeof(float8));
	memcpy(cache->bounds, bounds, nbounds * sizeof(float8));
	for (cache->nnumbers = nbounds;
		 cache->nnumbers > 0 && isnan(bounds[cache->nnumbers - 1]);
		 cache->nnumbers--)
		;
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/*
 * quantile_group(value float8, boundaries float8[]) returns integer
 *		the group of value: 1 + the number of boundaries below it
 *
 * A NaN value is above every number and equal to NaN boundaries, as
 * PostgreSQL orders float8.
 */
PG_FUNCTION_INFO_V1(mo_quantile_group);
Datum
mo_quantile_group(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	BoundsCache *cache = bounds_lookup(fcinfo, PG_GETARG_DATUM(1));
	const float8 *base = cache->bounds;
	int			len = cache->nnumbers;

	if (isnan(value))
		PG_RETURN_INT32(cache->nnumbers + 1);
	if (len == 0)
		PG_RETURN_INT32(1);

	/*
	 * Count the boundaries below the value by a binary search whose steps
	 * are conditional moves, not branches, which random values would
	 * mispredict.  The count lies in [base, base + len] throughout.
	 */
	while (len > 1)
	{
		int			half = len / 2;

		base += (base[half - 1] < value) ? half : 0;
		len -= half;
	}
	PG_RETURN_INT32((int32) (base - cache->bounds) + (base[0] < value) + 1);
}


/* ---------------------------------------------------------------------
 * quantile_state input and output
 * ---------------------------------------------------------------------
 */

/* A count, as written, that is not a whole number from 1 to 2^53 */
static pg_attribute_noreturn() void
bad_count(const char *text, int len)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("counts in a quantile_state must be whole numbers from 1 to 2^53"),
			 errdetail("A count is \"%.*s\".", len, text)));
}

/*
 * A flat state from parsed or received parts, checked as the transition
 * function checks rows: weights positive and finite, counts whole numbers
 * from 1 to 2^53.  flags says what weights holds (NULL when 0).
 */
static QuantileFlat *
flat_build(int32 ngroups, int32 flags, int64 count, const float8 *values,
		   const float8 *weights)
{
	Size		size = flat_size(count, flags != 0);
	QuantileFlat *flat;

	Assert((flags != 0) == (weights != NULL));
	check_ngroups(ngroups);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("quantile_state of %lld values is too large",
						(long long) count)));
	flat = palloc0(size);
	SET_VARSIZE(flat, size);
	flat->ngroups = ngroups;
	flat->flags = flags;
	flat->count = count;
	for (int64 i = 0; i < count; i++)
		flat->data[i] = normalise_value(values[i]);
	for (int64 i = 0; weights && i < count; i++)
	{
		if (flags == QUANTILE_COUNTED)
		{
			if (!(weights[i] >= 1.0 && weights[i] <= MAX_EXACT_COUNT &&
				  weights[i] == floor(weights[i])))
			{
				char	   *shown = float8out_internal(weights[i]);

				bad_count(shown, strlen(shown));
			}
		}
		else
		{
			check_weight(weights[i]);
			if (weights[i] == 0.0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("weights in a quantile_state must not be zero")));
		}
		flat->data[count + i] = weights[i];
	}
	return flat;
}

static void
append_float8(StringInfo buf, float8 x)
{
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			len = double_to_shortest_decimal_buf(x, digits);

	appendBinaryStringInfo(buf, digits, len);
}

/* " name={x,...}"; counts (whole numbers up to 2^53) in digits */
static void
append_list(StringInfo buf, const char *name, const float8 *x, int64 count,
			bool counts)
{
	appendStringInfo(buf, " %s={", name);
	for (int64 i = 0; i < count; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		if (counts)
			appendStringInfo(buf, INT64_FORMAT, (int64) x[i]);
		else
			append_float8(buf, x[i]);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * quantile_state_out(quantile_state) returns cstring
 *		"groups=N values={v,...}", then " weights={w,...}" when the rows
 *		have weights, or " counts={c,...}" when items stand for several
 *		rows of weight 1; every number in the shortest form that reads back
 *		bit-identical, whatever extra_float_digits says
 */
PG_FUNCTION_INFO_V1(mo_quantile_state_out);
Datum
mo_quantile_state_out(PG_FUNCTION_ARGS)
{
	QuantileView view;
	QuantileState *copy;
	StringInfoData buf;

	copy = view_compacted(PG_GETARG_DATUM(0), &view);
	initStringInfo(&buf);
	appendStringInfo(&buf, "groups=%d", view.ngroups);
	append_list(&buf, "values", view.values, view.count, false);
	if (view.weights)
		append_list(&buf, view.weighted ? "weights" : "counts",
					view.weights, view.count, !view.weighted);
	if (copy)
		MemoryContextDelete(copy->hdr.eoh_context);
	PG_RETURN_CSTRING(buf.data);
}

static pg_attribute_noreturn() void
syntax_error(const char *input, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					"quantile_state", input),
			 errdetail("Expected %s.", expected)));
}

/* Skip white space, then the word, or fail. */
static void
expect_word(char **p, const char *word, const char *input)
{
	while (isspace((unsigned char) **p))
		(*p)++;
	if (strncmp(*p, word, strlen(word)) != 0)
		syntax_error(input, psprintf("\"%s\"", word));
	*p += strlen(word);
}

/*
 * A count at *p: digits only, from 1 to 2^53, so that every count read is
 * the count written (a float8 would round 2^53 + 1 to 2^53).  A number of
 * another kind (1.5, -1, 1e3) is refused as a count (22023); anything else,
 * or nothing, as malformed (22P02).
 */
static float8
parse_count(char **p, const char *input)
{
	char	   *start;
	int			len;
	int64		count = 0;
	bool		digits_only;

	while (isspace((unsigned char) **p))
		(*p)++;
	start = *p;
	len = (int) strcspn(start, ",} \t\n\r\f\v");
	digits_only = (len > 0 && (int) strspn(start, "0123456789") >= len);
	if (!digits_only)
	{
		char	   *end;

		(void) strtod(start, &end);
		if (len == 0 || end != start + len)
			syntax_error(input, "a count");
		bad_count(start, len);
	}
	for (int i = 0; i < len; i++)
	{
		count = count * 10 + (start[i] - '0');
		if (count > (INT64CONST(1) << 53))
			bad_count(start, len);
	}
	if (count < 1)
		bad_count(start, len);
	*p = start + len;
	while (isspace((unsigned char) **p))
		(*p)++;
	return (float8) count;
}

/*
 * "{x,...}" into a palloc'd array; returns the number of elements.  counts:
 * whole numbers, else float8 as float8in reads them.
 */
static int64
parse_list(char **p, float8 **list, const char *input, bool counts)
{
	int64		count = 0;
	int64		room = 64;

	*list = palloc(room * sizeof(float8));
	expect_word(p, "{", input);
	while (isspace((unsigned char) **p))
		(*p)++;
	if (**p == '}')
	{
		(*p)++;
		return 0;
	}
	for (;;)
	{
		if (count == room)
		{
			room *= 2;
			*list = repalloc_huge(*list, room * sizeof(float8));
		}
		(*list)[count++] = counts ? parse_count(p, input) :
			float8in_internal(*p, p, "quantile_state", input);
		if (**p == '}')
		{
			(*p)++;
			return count;
		}
		if (**p != ',')
			syntax_error(input, "\",\" or \"}\"");
		(*p)++;
	}
}

/*
 * quantile_state_in(cstring) returns quantile_state
 *		reads what quantile_state_out writes
 */
PG_FUNCTION_INFO_V1(mo_quantile_state_in);
Datum
mo_quantile_state_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	char	   *p = input;
	char	   *end;
	long		ngroups;
	float8	   *values;
	float8	   *weights = NULL;
	int32		flags = 0;
	int64		count;

	expect_word(&p, "groups=", input);
	errno = 0;
	ngroups = strtol(p, &end, 10);
	if (end == p || errno != 0 || ngroups < PG_INT32_MIN ||
		ngroups > PG_INT32_MAX)
		syntax_error(input, "the number of groups");
	p = end;

	expect_word(&p, "values=", input);
	count = parse_list(&p, &values, input, false);
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
	{
		if (strncmp(p, "counts=", 7) == 0)
		{
			expect_word(&p, "counts=", input);
			flags = QUANTILE_COUNTED;
		}
		else
		{
			expect_word(&p, "weights=", input);
			flags = QUANTILE_WEIGHTED;
		}
		if (parse_list(&p, &weights, input, flags == QUANTILE_COUNTED) != count)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							"quantile_state", input),
					 errdetail("There must be as many %s as values.",
							   flags == QUANTILE_COUNTED ? "counts" : "weights")));
		while (isspace((unsigned char) *p))
			p++;
		if (*p != '\0')
			syntax_error(input, "the end of the input");
	}

	PG_RETURN_POINTER(flat_build((int32) ngroups, flags, count, values,
								 weights));
}

/*
 * quantile_state_send(quantile_state) returns bytea
 *		int32 n, int32 flags (1: weights, 2: counts), int64 count, the
 *		values as float8, then as many weights or counts
 */
PG_FUNCTION_INFO_V1(mo_quantile_state_send);
Datum
mo_quantile_state_send(PG_FUNCTION_ARGS)
{
	QuantileView view;
	QuantileState *copy;
	StringInfoData buf;

	copy = view_compacted(PG_GETARG_DATUM(0), &view);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, view.ngroups);
	pq_sendint32(&buf, weight_flags(view.weighted, view.weights));
	pq_sendint64(&buf, view.count);
	for (int64 i = 0; i < view.count; i++)
		pq_sendfloat8(&buf, view.values[i]);
	for (int64 i = 0; view.weights && i < view.count; i++)
		pq_sendfloat8(&buf, view.weights[i]);
	if (copy)
		MemoryContextDelete(copy->hdr.eoh_context);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * quantile_state_recv(internal) returns quantile_state
 *		reads what quantile_state_send writes
 */
PG_FUNCTION_INFO_V1(mo_quantile_state_recv);
Datum
mo_quantile_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		ngroups = pq_getmsgint(buf, 4);
	int32		flags = pq_getmsgint(buf, 4);
	int64		count = pq_getmsgint64(buf);
	int			width = (flags != 0) ? 2 : 1;
	float8	   *values;
	float8	   *weights = NULL;

	if ((flags != 0 && flags != QUANTILE_WEIGHTED &&
		 flags != QUANTILE_COUNTED) || count < 0 ||
		count > (buf->len - buf->cursor) / (int64) (width * sizeof(float8)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external quantile_state")));

	values = palloc_extended(Max(count, 1) * sizeof(float8),
							 MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < count; i++)
		values[i] = pq_getmsgfloat8(buf);
	if (flags != 0)
	{
		weights = palloc_extended(Max(count, 1) * sizeof(float8),
								  MCXT_ALLOC_HUGE);
		for (int64 i = 0; i < count; i++)
			weights[i] = pq_getmsgfloat8(buf);
	}
	PG_RETURN_POINTER(flat_build(ngroups, flags, count, values, weights));
}
