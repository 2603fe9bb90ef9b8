/*-------------------------------------------------------------------------
 *
 * disclosure.c
 *	  k-anonymous counts, rounding, shares and cell suppression.
 *
 * A published table may show how many persons fall in a cell only when
 * that number reaches k (the setting mo_usage.k, or an argument): a
 * smaller number could single out the persons behind it.  Such a cell is
 * suppressed: it shows no number, and never 0.
 *
 * Words used here:
 *
 *	  person		a pseudonym (bigint); NULL is not a person
 *	  person set	the distinct persons seen so far in one cell
 *	  cell			one group of a table and its count of distinct persons
 *	  published		a cell's count when the cell is not suppressed
 *	  line			one row or column of a table with its total, an
 *					equation: the cells of the line add up to the total
 *	  primary		suppressed because the cell itself is below k
 *	  secondary		suppressed so that no suppressed cell can be worked
 *					out from the published cells by subtraction
 *	  base			the number published counts are rounded to a multiple of
 *
 * Person sets.  A person set (SQL type mo_usage.person_set) is a hash set
 * of 64-bit persons with open addressing and linear probing, stored in one
 * varlena, so that it is a real type that parallel workers pass back to
 * the leader as is and that Citus nodes exchange as text or binary.  The
 * slot value 0 marks an empty slot, so the person 0 is kept in a flag.
 * Invariants: capacity is 0 or a power of 2; count = occupied slots +
 * has_zero; count stays at most 3/4 of the capacity.
 *
 * A person's home slot is read off the top bits of the person itself
 * (in signed order), so that the slots keep the persons in ascending
 * order, cluster by cluster: pseudonyms are uniform already, and a table
 * read in person order then probes the set from its start to its end, one
 * cache line after the next, instead of jumping about a set of many
 * megabytes.  Persons that are not uniform (small sequential numbers, say)
 * would pile up in a few slots; the set counts the slots its insertions
 * step over, and once that is more than a few a person it lays itself out
 * again, for good, by a hash of the person ("mixed").  The aggregates
 * work like this:
 *
 *	  1. The initial state is the empty set '{}', copied into every group.
 *	  2. Each row inserts its person into the state in place and returns the
 *		 same pointer: nodeAgg.c copies a by-reference state only when the
 *		 transition function returns another pointer, so a row costs one
 *		 hash probe and no copy.
 *	  3. A set that would become fuller than 3/4 is rebuilt at twice the
 *		 capacity in the per-row memory and returned; nodeAgg.c copies that
 *		 into the aggregate's memory and frees the old state.  Growth is
 *		 geometric, so the copies cost O(1) per person.  A set laid out by
 *		 hash instead (see above) is rebuilt in the same way, once.
 *	  4. The combine function inserts the second set into the first: a
 *		 person seen by two workers counts once.  It reads the second set
 *		 slot by slot, so in a set in order the insertions move through
 *		 the first set from its start to its end as well.
 *	  5. The final function compares the number of persons with k.
 *
 * Secondary suppression.  Published totals let a reader subtract: in a
 * line with one suppressed cell, that cell is the total minus the others.
 * Each cell of a two-way table (inner cells and totals alike) lies on two
 * lines, its row and its column; the totals form the total row and the
 * total column.  Read the lines as vertices and the suppressed cells as
 * edges between their row and their column: a suppressed cell can be
 * worked out from the published cells exactly when it lies on no cycle of
 * suppressed cells (a bridge of that graph), since only a cycle lets
 * values move, +d and -d in turn, without changing any published number.
 * A line with exactly one suppressed cell is the simplest bridge.  So:
 *
 *	  1. Lay the cells out on a grid, rows and columns in order of first
 *		 appearance and the totals last; a missing cell counts 0, a missing
 *		 total the sum of its line.
 *	  2. Primary: suppress every cell, totals included, below k.
 *	  3. While some line has exactly one suppressed cell, suppress the
 *		 smallest published cell of such a line.
 *	  4. Two-way tables: while some suppressed cell is a bridge, suppress
 *		 the smallest published cell that closes a cycle through a bridge.
 *		 Its row and column already hold suppressed cells, so step 3 stays
 *		 satisfied.
 *
 * Ties in size go to the cell that comes first in the grid (row by row).
 * Each step suppresses one more cell, so the loop ends.  The method does
 * not seek the fewest suppressed persons, and it protects values only
 * from exact recomputation, not from bounds (a suppressed cell is at most
 * its line's total minus the published cells).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/selfuncs.h"
#include "utils/tuplestore.h"

#include "mo_usage.h"

/* The largest k a cell may ask for; the setting mo_usage.k has the same */
#define MO_K_MAX	1000000

/*
 * Share of rows that a person set computed only while the query runs is
 * taken to keep: such a set (the week's users, say) is mostly a small part
 * of the persons tested against it.  Too small a share would lead the
 * planner to nested loops over what are in fact many rows.
 */
#define MO_CONTAINS_SEL 0.05

/* Most decimals a share may have */
#define MO_SHARE_MAX_DECIMALS	15

/*
 * A person set.  The slots follow the header directly; the varlena is
 * exactly as long as its slots, so that datumCopy copies all of them.
 */
typedef struct PersonSet
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		k;				/* k given to the aggregate, 0 if none */
	int32		capacity;		/* number of slots: 0 or a power of 2 */
	int16		has_zero;		/* 1 when the person 0 is in the set */
	int16		mixed;			/* 1: home slots by person_hash(), 0: by order */
	int64		count;			/* distinct persons in the set */
	int64		puts;			/* persons put in since the set was laid out */
	int64		steps;			/* occupied slots those puts stepped over */
	int64		slots[FLEXIBLE_ARRAY_MEMBER];	/* 0: an empty slot */
} PersonSet;

#define PS_HDRSZ		offsetof(PersonSet, slots)
#define PS_SIZE(cap)	(PS_HDRSZ + (Size) (cap) * sizeof(int64))
#define PS_MIN_CAPACITY 16
/* Slots of the largest set that stays below MaxAllocSize */
#define PS_MAX_CAPACITY (1 << 26)
/* Most persons a set of cap slots may hold */
#define PS_LIMIT(cap)	((int64) (cap) / 4 * 3)
/*
 * Most slots that n puts into a set in order may step over before it is
 * laid out by hash.  Uniform persons step over 1.5 slots a person at the
 * fullest (3/4), in any order of arrival (with linear probing the total is
 * the same for every order), persons that are there already fewer; so only
 * persons that pile up reach 4 a put.
 */
#define PS_STEP_LIMIT(n)	(4 * (n) + 4096)

/* The status of a cell after suppression */
#define CELL_PUBLISHED	0
#define CELL_PRIMARY	1
#define CELL_SECONDARY	2

/*
 * A table to protect: a grid of nrows x ncols cells, row by row, its
 * totals in the last row and the last column.  A one-way table is one row
 * whose last cell is its total; only a two-way table has column lines.
 */
typedef struct CellGrid
{
	int			nrows;
	int			ncols;
	bool		two_way;
	int64	   *count;			/* nrows * ncols counts */
	bool	   *given;			/* the cell was in the input */
	char	   *status;			/* CELL_PUBLISHED, _PRIMARY or _SECONDARY */
} CellGrid;


/*
 * Mixes the bits of a person: the finaliser of MurmurHash3, a bijection, so
 * that sequential persons spread over the slots as well as random
 * pseudonyms do.
 */
static inline uint64
person_hash(int64 person)
{
	uint64		h = (uint64) person;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/*
 * The home slot of a person in a set of more than 0 slots: the top bits of
 * the person with its sign bit flipped (so that slot order is the order of
 * bigint), or of its hash in a mixed set.
 */
static inline uint32
person_home(const PersonSet *set, int64 person)
{
	uint64		h;

	Assert(set->capacity > 0);
	h = set->mixed ? person_hash(person) :
		(uint64) person ^ (UINT64CONST(1) << 63);
	return (uint32) (h >> (64 - pg_leftmost_one_pos32((uint32) set->capacity)));
}

/* An empty person set with the given number of slots, in current memory */
static PersonSet *
person_set_new(int32 capacity, int32 k)
{
	PersonSet  *set = palloc0(PS_SIZE(capacity));

	SET_VARSIZE(set, PS_SIZE(capacity));
	set->k = k;
	set->capacity = capacity;
	return set;
}

#ifdef USE_ASSERT_CHECKING
static void
person_set_check(const PersonSet *set)
{
	int64		used = 0;

	Assert(VARSIZE(set) == PS_SIZE(set->capacity));
	Assert(set->capacity == 0 ||
		   (set->capacity & (set->capacity - 1)) == 0);
	Assert(set->has_zero == 0 || set->has_zero == 1);
	Assert(set->mixed == 0 || set->mixed == 1);
	Assert(set->k >= 0 && set->k <= MO_K_MAX);
	for (int32 i = 0; i < set->capacity; i++)
		used += (set->slots[i] != 0);
	Assert(set->count == used + set->has_zero);
	Assert(set->count <= PS_LIMIT(set->capacity) + set->has_zero);
}
#else
#define person_set_check(set)	((void) 0)
#endif

/*
 * Puts a non-zero person into a set that has room for it; does nothing
 * when the person is there already.
 */
static inline void
person_set_put(PersonSet *set, int64 person)
{
	uint32		mask = (uint32) set->capacity - 1;
	uint32		i = person_home(set, person);
	int64		steps = 0;

	Assert(person != 0 && set->count < set->capacity);
	set->puts++;
	while (set->slots[i] != 0)
	{
		if (set->slots[i] == person)
		{
			set->steps += steps;
			return;
		}
		i = (i + 1) & mask;
		steps++;
	}
	set->slots[i] = person;
	set->count++;
	set->steps += steps;
}

/*
 * A copy of the set with room for at least "persons" persons, in current
 * memory, laid out by a hash when "mixed" is true and else as the set is.
 */
static PersonSet *
person_set_grow(const PersonSet *set, int64 persons, bool mixed)
{
	int32		capacity = PS_MIN_CAPACITY;
	PersonSet  *grown;

	while (PS_LIMIT(capacity) < persons)
	{
		if (capacity >= PS_MAX_CAPACITY)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct persons in one cell"),
					 errdetail("A cell can count at most " INT64_FORMAT " distinct persons.",
							   PS_LIMIT(PS_MAX_CAPACITY))));
		capacity *= 2;
	}

	grown = person_set_new(capacity, set->k);
	grown->mixed = (mixed || set->mixed);
	for (int32 i = 0; i < set->capacity; i++)
	{
		if (set->slots[i] != 0)
			person_set_put(grown, set->slots[i]);
	}
	grown->has_zero = set->has_zero;
	grown->count += set->has_zero;
	return grown;
}

/*
 * Adds a person to the set, in place when there is room; returns the set,
 * which is a new one when it had to grow or be laid out anew.
 */
static inline PersonSet *
person_set_add(PersonSet *set, int64 person)
{
	if (person == 0)
	{
		set->count += 1 - set->has_zero;
		set->has_zero = 1;
		return set;
	}
	if (set->count >= PS_LIMIT(set->capacity))
		set = person_set_grow(set, set->count + 1, false);
	person_set_put(set, person);
	if (!set->mixed && set->steps > PS_STEP_LIMIT(set->puts))
		set = person_set_grow(set, set->count, true);
	return set;
}

/* Whether the set holds the person */
static bool
person_set_has(const PersonSet *set, int64 person)
{
	uint32		mask;
	uint32		i;

	if (person == 0)
		return set->has_zero;
	if (set->capacity == 0)
		return false;

	mask = (uint32) set->capacity - 1;
	i = person_home(set, person);
	while (set->slots[i] != 0)
	{
		if (set->slots[i] == person)
			return true;
		i = (i + 1) & mask;
	}
	return false;
}

/*
 * Refuses a person set whose header does not fit its length: a value of
 * another layout or a damaged one, which would otherwise be read past its
 * end.  Only what costs nothing is checked; the slots are trusted.
 */
static void
person_set_check_size(const struct varlena *v)
{
	const PersonSet *set = (const PersonSet *) v;

	if (VARSIZE(v) < PS_HDRSZ ||
		set->capacity < 0 || set->capacity > PS_MAX_CAPACITY ||
		(set->capacity & (set->capacity - 1)) != 0 ||
		VARSIZE(v) != PS_SIZE(set->capacity) ||
		(set->has_zero & ~1) != 0 || (set->mixed & ~1) != 0 ||
		set->count < 0 || set->count > PS_LIMIT(set->capacity) + set->has_zero)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid \"%s\" value", "person_set"),
				 errdetail("Its length does not match its number of slots.")));
}

/*
 * A person set argument, detoasted, checked, and copied when it does not
 * sit on an 8-byte boundary (a value read straight from a tuple need not).
 */
static PersonSet *
person_set_arg(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (!PointerIsAligned(v, int64))
	{
		struct varlena *copy = palloc(VARSIZE(v));

		memcpy(copy, v, VARSIZE(v));
		v = copy;
	}
	person_set_check_size(v);
	return (PersonSet *) v;
}

/* Checks a k given as an argument or in a person set */
static void
check_k(int64 k)
{
	if (k < 1 || k > MO_K_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and %d", MO_K_MAX)));
}

/* The k a function was given, or mo_usage.k when that is NULL */
static int32
k_arg(FunctionCallInfo fcinfo, int argno)
{
	int32		k;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return mo_k_threshold;
	k = PG_GETARG_INT32(argno);
	check_k(k);
	return k;
}

/* Checks that a count is not negative */
static void
check_count(int64 n)
{
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("count must not be negative")));
}

/* The aggregate context check every transition and final function makes */
static void
check_aggregate(FunctionCallInfo fcinfo, const char *name)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", name)));
}


/* ---------- The person set type ---------- */

static int
compare_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static void
person_set_syntax_error(const char *str)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					"person_set", str)));
}

/*
 * Reads an integer at *p into *value, skipping white space before it, and
 * moves *p past it.
 */
static void
person_set_read_int(const char *str, const char **p, int64 *value)
{
	char	   *end;

	while (isspace((unsigned char) **p))
		(*p)++;
	if (**p != '-' && **p != '+' && !isdigit((unsigned char) **p))
		person_set_syntax_error(str);

	errno = 0;
	*value = strtoi64(*p, &end, 10);
	if (end == *p)
		person_set_syntax_error(str);
	if (errno == ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%.*s\" is out of range for type %s",
						(int) (end - *p), *p, "bigint")));
	*p = end;
}

/* Skips white space; true when *p is then at the character c, moved past */
static bool
person_set_expect(const char **p, char c)
{
	while (isspace((unsigned char) **p))
		(*p)++;
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/*
 * person_set_in(cstring) returns person_set
 *
 * Text form: the persons in braces, separated by commas ("{3,17,42}"),
 * led by "k=N " when the set carries a k of its own.  Repeated persons are
 * counted once.
 */
PG_FUNCTION_INFO_V1(mo_person_set_in);
Datum
mo_person_set_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p = str;
	int64		k = 0;
	PersonSet  *set;

	while (isspace((unsigned char) *p))
		p++;
	if (*p == 'k')
	{
		p++;
		if (!person_set_expect(&p, '='))
			person_set_syntax_error(str);
		person_set_read_int(str, &p, &k);
		check_k(k);
	}

	if (!person_set_expect(&p, '{'))
		person_set_syntax_error(str);
	set = person_set_new(0, (int32) k);
	if (!person_set_expect(&p, '}'))
	{
		do
		{
			int64		person;

			person_set_read_int(str, &p, &person);
			set = person_set_add(set, person);
		} while (person_set_expect(&p, ','));
		if (!person_set_expect(&p, '}'))
			person_set_syntax_error(str);
	}
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		person_set_syntax_error(str);

	person_set_check(set);
	PG_RETURN_POINTER(set);
}

/*
 * person_set_out(person_set) returns cstring
 *
 * The persons in ascending order, so that equal sets read the same.
 */
PG_FUNCTION_INFO_V1(mo_person_set_out);
Datum
mo_person_set_out(PG_FUNCTION_ARGS)
{
	PersonSet  *set = person_set_arg(fcinfo, 0);
	int64	   *persons = palloc(Max(set->count, 1) * sizeof(int64));
	int64		n = 0;
	StringInfoData out;

	person_set_check(set);
	if (set->has_zero)
		persons[n++] = 0;
	for (int32 i = 0; i < set->capacity; i++)
	{
		if (set->slots[i] != 0)
			persons[n++] = set->slots[i];
	}
	qsort(persons, n, sizeof(int64), compare_int64);

	initStringInfo(&out);
	if (set->k != 0)
		appendStringInfo(&out, "k=%d ", set->k);
	appendStringInfoChar(&out, '{');
	for (int64 i = 0; i < n; i++)
	{
		char		digits[MAXINT8LEN + 1];

		if (i > 0)
			appendStringInfoChar(&out, ',');
		appendBinaryStringInfo(&out, digits, pg_lltoa(persons[i], digits));
	}
	appendStringInfoChar(&out, '}');
	PG_RETURN_CSTRING(out.data);
}

/*
 * person_set_send(person_set) returns bytea
 *
 * Binary form: k (int4), the number of persons (int8), then each person
 * (int8) in no particular order.
 */
PG_FUNCTION_INFO_V1(mo_person_set_send);
Datum
mo_person_set_send(PG_FUNCTION_ARGS)
{
	PersonSet  *set = person_set_arg(fcinfo, 0);
	StringInfoData buf;

	person_set_check(set);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, set->k);
	pq_sendint64(&buf, set->count);
	if (set->has_zero)
		pq_sendint64(&buf, 0);
	for (int32 i = 0; i < set->capacity; i++)
	{
		if (set->slots[i] != 0)
			pq_sendint64(&buf, set->slots[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * person_set_recv(internal) returns person_set
 */
PG_FUNCTION_INFO_V1(mo_person_set_recv);
Datum
mo_person_set_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		k = pq_getmsgint(buf, sizeof(int32));
	int64		count = pq_getmsgint64(buf);
	PersonSet  *set;

	if (k != 0)
		check_k(k);
	if (count < 0 ||
		count > (buf->len - buf->cursor) / (int64) sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external \"%s\" value", "person_set"),
				 errdetail("The number of persons does not match the length.")));

	set = person_set_grow(person_set_new(0, k), count, false);
	for (int64 i = 0; i < count; i++)
		set = person_set_add(set, pq_getmsgint64(buf));
	if (set->count != count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external \"%s\" value", "person_set"),
				 errdetail("A person occurs more than once.")));

	person_set_check(set);
	PG_RETURN_POINTER(set);
}


/* ---------- The aggregates ---------- */

/*
 * person_set_add(person_set, bigint) returns person_set
 *
 * Transition function of k_persons(bigint), distinct_persons(bigint) and
 * person_set_agg(bigint): the set with the person added, in place.
 * STRICT, so NULL persons never get here.
 */
PG_FUNCTION_INFO_V1(mo_person_set_add);
Datum
mo_person_set_add(PG_FUNCTION_ARGS)
{
	PersonSet  *set;

	check_aggregate(fcinfo, "person_set_add");
	set = (PersonSet *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	PG_RETURN_POINTER(person_set_add(set, PG_GETARG_INT64(1)));
}

/*
 * person_set_add(person_set, bigint, integer) returns person_set
 *
 * Transition function of k_persons(bigint, integer): the set with the
 * person added and k recorded.  A NULL person is skipped; a NULL k means
 * mo_usage.k.
 */
PG_FUNCTION_INFO_V1(mo_person_set_add_k);
Datum
mo_person_set_add_k(PG_FUNCTION_ARGS)
{
	PersonSet  *set;

	check_aggregate(fcinfo, "person_set_add");
	set = (PersonSet *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	if (!PG_ARGISNULL(2))
	{
		int32		k = PG_GETARG_INT32(2);

		if (k != set->k || k == 0)
		{
			check_k(k);
			if (set->k != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("k differs between rows of one cell: %d and %d",
								set->k, k)));
			set->k = k;
		}
	}
	if (!PG_ARGISNULL(1))
		set = person_set_add(set, PG_GETARG_INT64(1));
	PG_RETURN_POINTER(set);
}

/*
 * person_set_union(person_set, person_set) returns person_set
 *
 * Combine function: the first set with the persons of the second added, in
 * place.
 */
PG_FUNCTION_INFO_V1(mo_person_set_union);
Datum
mo_person_set_union(PG_FUNCTION_ARGS)
{
	PersonSet  *set;
	PersonSet  *other;
	bool		grown = false;

	check_aggregate(fcinfo, "person_set_union");
	set = (PersonSet *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	other = person_set_arg(fcinfo, 1);
	person_set_check(set);
	person_set_check(other);

	if (set->k != other->k && set->k != 0 && other->k != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k differs between rows of one cell: %d and %d",
						set->k, other->k)));

	/* A worker that saw no rows of the cell: keep the other set as it is */
	if (set->count == 0 && (set->k == other->k || set->k == 0))
		PG_RETURN_POINTER(other);
	if (set->k == 0)
		set->k = other->k;

	/*
	 * Room for both sets before the first insertion: a set in order hands
	 * over its persons in ascending order, and poured into a set without
	 * room for all of them they would pile up in one run of slots that
	 * moves ahead of them.  When the two shared many persons, the set is
	 * made small again afterwards.
	 */
	if (set->count + other->count > PS_LIMIT(set->capacity))
	{
		set = person_set_grow(set, set->count + other->count, false);
		grown = true;
	}
	if (other->has_zero)
		set = person_set_add(set, 0);
	for (int32 i = 0; i < other->capacity; i++)
	{
		if (other->slots[i] != 0)
			set = person_set_add(set, other->slots[i]);
	}
	if (grown && set->count <= PS_LIMIT(set->capacity / 2))
		set = person_set_grow(set, set->count, false);
	PG_RETURN_POINTER(set);
}

/*
 * person_set_k_count(person_set) returns bigint
 *
 * Final function of k_persons: the number of persons when it reaches k (the
 * set's own, or else mo_usage.k), NULL otherwise.
 */
PG_FUNCTION_INFO_V1(mo_person_set_k_count);
Datum
mo_person_set_k_count(PG_FUNCTION_ARGS)
{
	PersonSet  *set;

	check_aggregate(fcinfo, "person_set_k_count");
	set = person_set_arg(fcinfo, 0);
	person_set_check(set);

	if (set->count < (set->k != 0 ? set->k : mo_k_threshold))
		PG_RETURN_NULL();
	PG_RETURN_INT64(set->count);
}

/*
 * person_set_count(person_set) returns bigint
 *
 * Final function of distinct_persons: the number of persons, unsuppressed.
 */
PG_FUNCTION_INFO_V1(mo_person_set_count);
Datum
mo_person_set_count(PG_FUNCTION_ARGS)
{
	PersonSet  *set;

	check_aggregate(fcinfo, "person_set_count");
	set = person_set_arg(fcinfo, 0);
	person_set_check(set);
	PG_RETURN_INT64(set->count);
}

/*
 * The sets a call site probes, when they were stored out of line (a set
 * large enough to matter always is): each detoasted once and kept in
 * fn_extra with the TOAST pointer it came from.  A stored value never
 * changes, so the same pointer is the same set; probing a stored set for
 * every row of a table then costs a lookup a row, not a fetch of the whole
 * set a row.  A few sets are kept, so that a join probing each row against
 * some stored sets in turn does not fetch them again and again; past that,
 * the oldest is dropped.
 */
#define PS_PROBE_SETS	4

typedef struct PersonSetProbe
{
	int			next;			/* the slot to take for a new set */
	struct varatt_external pointer[PS_PROBE_SETS];
	PersonSet  *set[PS_PROBE_SETS];
} PersonSetProbe;

static PersonSet *
person_set_probed(FunctionCallInfo fcinfo)
{
	struct varlena *raw = (struct varlena *) PG_GETARG_POINTER(0);
	PersonSetProbe *probe = (PersonSetProbe *) fcinfo->flinfo->fn_extra;
	struct varatt_external pointer;
	PersonSet  *fetched;
	MemoryContext old;
	int			i;

	if (!VARATT_IS_EXTERNAL_ONDISK(raw))
		return person_set_arg(fcinfo, 0);

	VARATT_EXTERNAL_GET_POINTER(pointer, raw);
	if (probe == NULL)
	{
		probe = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(PersonSetProbe));
		fcinfo->flinfo->fn_extra = probe;
	}
	for (i = 0; i < PS_PROBE_SETS; i++)
	{
		if (probe->set[i] != NULL &&
			memcmp(&probe->pointer[i], &pointer, sizeof(pointer)) == 0)
			return probe->set[i];
	}

	i = probe->next;
	probe->next = (i + 1) % PS_PROBE_SETS;
	if (probe->set[i] != NULL)
	{
		pfree(probe->set[i]);
		probe->set[i] = NULL;
	}
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	fetched = (PersonSet *) detoast_attr(raw);
	MemoryContextSwitchTo(old);
	Assert(PointerIsAligned(fetched, int64));
	person_set_check_size((struct varlena *) fetched);
	probe->set[i] = fetched;
	probe->pointer[i] = pointer;
	return fetched;
}

/*
 * person_set_contains(person_set, bigint) returns boolean
 *
 * Whether the person is in the set (the operator @>).
 */
PG_FUNCTION_INFO_V1(mo_person_set_contains);
Datum
mo_person_set_contains(PG_FUNCTION_ARGS)
{
	PersonSet  *set = person_set_probed(fcinfo);

	PG_RETURN_BOOL(person_set_has(set, PG_GETARG_INT64(1)));
}


/*
 * person_set_contains_sel(internal, oid, internal, integer) returns float8
 *
 * Restriction selectivity of @>: for a set known when planning, its number
 * of persons over the number of distinct persons the column holds; for a
 * set computed while the query runs (a subquery's result), a default.
 */
PG_FUNCTION_INFO_V1(mo_person_set_contains_sel);
Datum
mo_person_set_contains_sel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	int			varRelid = PG_GETARG_INT32(3);
	VariableStatData vardata;
	Node	   *other;
	bool		varonleft;
	double		selectivity = MO_CONTAINS_SEL;

	if (!get_restriction_variable(root, args, varRelid, &vardata, &other,
								  &varonleft))
		PG_RETURN_FLOAT8(selectivity);

	if (!varonleft && IsA(other, Const) && !((Const *) other)->constisnull)
	{
		PersonSet  *set = (PersonSet *)
		PG_DETOAST_DATUM(((Const *) other)->constvalue);
		bool		isdefault;
		double		persons = get_variable_numdistinct(&vardata, &isdefault);

		selectivity = (double) set->count / Max(persons, 1.0);
		CLAMP_PROBABILITY(selectivity);
	}
	ReleaseVariableStats(vardata);
	PG_RETURN_FLOAT8(selectivity);
}


/* ---------- Published counts ---------- */

/*
 * k_suppress(n bigint [, k integer]) returns bigint
 *
 * The count when it reaches k, NULL otherwise: primary suppression of a
 * count of rows that are distinct persons already.
 */
PG_FUNCTION_INFO_V1(mo_k_suppress);
Datum
mo_k_suppress(PG_FUNCTION_ARGS)
{
	int64		n;
	int32		k;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	n = PG_GETARG_INT64(0);
	k = k_arg(fcinfo, 1);
	check_count(n);

	if (n < k)
		PG_RETURN_NULL();
	PG_RETURN_INT64(n);
}

/*
 * k_round(n bigint [, base integer]) returns bigint
 *
 * The count rounded to a multiple of the base, halves up (15 -> 20 at base
 * 10).  Integer arithmetic: rounding through a float would send some
 * halves to the even neighbour.  Without a base, mo_usage.rounding_base
 * (0 or 1: no rounding), which must not be larger than mo_usage.k.
 */
PG_FUNCTION_INFO_V1(mo_k_round);
Datum
mo_k_round(PG_FUNCTION_ARGS)
{
	int64		n = PG_GETARG_INT64(0);
	int64		base;
	int64		multiple;
	int64		result;

	if (PG_NARGS() > 1)
	{
		base = PG_GETARG_INT32(1);
		if (base < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rounding base must be a positive integer")));
	}
	else
	{
		/*
		 * The settings' base must not exceed k: a count of k or more would
		 * otherwise be published as 0 (or as a count below k).
		 */
		if (mo_rounding_base > mo_k_threshold)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mo_usage.rounding_base (%d) must not be larger than mo_usage.k (%d)",
							mo_rounding_base, mo_k_threshold),
					 errhint("Set mo_usage.rounding_base to at most mo_usage.k, or raise mo_usage.k.")));
		base = Max(mo_rounding_base, 1);
	}
	check_count(n);

	/* n = multiple * base + rest; a rest of half the base or more rounds up */
	multiple = n / base;
	if (2 * (n % base) >= base)
		multiple++;
	if (pg_mul_s64_overflow(multiple, base, &result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
	PG_RETURN_INT64(result);
}

/* numeric arithmetic through the SQL-callable functions */
static Numeric
num_op(PGFunction op, Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(op, NumericGetDatum(a),
											   NumericGetDatum(b)));
}

/*
 * k_share(part bigint, whole bigint, decimals integer) returns numeric
 *
 * The part as a percentage of the whole, rounded halves up to the given
 * number of decimals; NULL when either count is NULL (suppressed).  Exact:
 * the rounded quotient is taken in integers, scaled by 10^decimals, so no
 * intermediate rounding can shift a half.
 */
PG_FUNCTION_INFO_V1(mo_k_share);
Datum
mo_k_share(PG_FUNCTION_ARGS)
{
	int64		part = PG_GETARG_INT64(0);
	int64		whole = PG_GETARG_INT64(1);
	int32		decimals = PG_GETARG_INT32(2);
	int64		scale = 1;
	Numeric		q;

	if (decimals < 0 || decimals > MO_SHARE_MAX_DECIMALS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("decimals must be between 0 and %d",
						MO_SHARE_MAX_DECIMALS)));
	check_count(part);
	check_count(whole);
	if (whole == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("division by zero")));
	for (int i = 0; i < decimals; i++)
		scale *= 10;

	/* q = floor((200 * 10^decimals * part + whole) / (2 * whole)) */
	q = num_op(numeric_mul, int64_to_numeric(200 * scale),
			   int64_to_numeric(part));
	q = num_op(numeric_add, q, int64_to_numeric(whole));
	q = num_op(numeric_div_trunc, q,
			   num_op(numeric_mul, int64_to_numeric(2),
					  int64_to_numeric(whole)));

	/* q / 10^decimals: a product keeps the sum of the scales, exactly */
	PG_RETURN_NUMERIC(num_op(numeric_mul, q,
							 int64_div_fast_to_numeric(1, decimals)));
}


/* ---------- Secondary suppression ---------- */

/* Label comparison for sorting label numbers: by bytes, then by position */
typedef struct LabelRef
{
	const char *data;
	int			len;
	int			pos;
} LabelRef;

static int
compare_labels(const void *a, const void *b)
{
	const LabelRef *x = a;
	const LabelRef *y = b;
	int			c = memcmp(x->data, y->data, Min(x->len, y->len));

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Numbers the distinct labels 0, 1, ... in order of first appearance and
 * writes each element's number to ids (a NULL label, the total, gets
 * nlabels).  Returns nlabels; *firsts gets, per number, the position of its
 * first appearance.
 */
static int
number_labels(Datum *labels, bool *nulls, int n, int *ids, int **firsts)
{
	LabelRef   *refs = palloc(Max(n, 1) * sizeof(LabelRef));
	int		   *first_of = palloc(Max(n, 1) * sizeof(int));
	int			nrefs = 0;
	int			nlabels = 0;

	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			continue;
		t = DatumGetTextPP(labels[i]);
		refs[nrefs].data = VARDATA_ANY(t);
		refs[nrefs].len = VARSIZE_ANY_EXHDR(t);
		refs[nrefs].pos = i;
		nrefs++;
	}
	qsort(refs, nrefs, sizeof(LabelRef), compare_labels);

	/* Equal labels sort together, the first appearance leading */
	for (int i = 0; i < n; i++)
		first_of[i] = -1;
	for (int i = 0; i < nrefs; i++)
	{
		bool		same = i > 0 && refs[i].len == refs[i - 1].len &&
			memcmp(refs[i].data, refs[i - 1].data, refs[i].len) == 0;

		first_of[refs[i].pos] = same ? first_of[refs[i - 1].pos] : refs[i].pos;
	}

	/* Number the first appearances in input order, then the others alike */
	*firsts = palloc(Max(n, 1) * sizeof(int));
	for (int i = 0; i < n; i++)
	{
		if (first_of[i] == i)
		{
			(*firsts)[nlabels] = i;
			ids[i] = nlabels++;
		}
	}
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ids[i] = nlabels;
		else
			ids[i] = ids[first_of[i]];
	}
	pfree(refs);
	pfree(first_of);
	return nlabels;
}

/* The elements of a one-dimensional array argument, NULL for none */
static int
array_arg(FunctionCallInfo fcinfo, int argno, Oid elemtype,
		  Datum **values, bool **nulls)
{
	ArrayType  *array;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n;

	if (PG_ARGISNULL(argno))
	{
		*values = NULL;
		*nulls = NULL;
		return 0;
	}
	array = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array must be one-dimensional")));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign,
					  values, nulls, &n);
	return n;
}

/* Adds b to *a, reporting an overflow as core's bigint arithmetic does */
static void
add_count(int64 *a, int64 b)
{
	if (pg_add_s64_overflow(*a, b, a))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
}

/* A label for messages: quoted, or NULL (the total's) */
static char *
label_name(const Datum *labels, const bool *nulls, int i)
{
	if (nulls[i])
		return "NULL";
	return psprintf("\"%s\"", TextDatumGetCString(labels[i]));
}

/*
 * Lays out the input cells on the grid (step 1): counts of cells that are
 * not in the input are 0, totals that are not in the input are the sums
 * of their lines.  rows is NULL for a one-way table.
 */
static void
grid_fill(CellGrid *grid, int n, const int *rows, const int *cols,
		  const Datum *counts, const bool *count_nulls,
		  const Datum *rlabels, const bool *rnulls,
		  const Datum *clabels, const bool *cnulls)
{
	int			R = grid->nrows - 1;
	int			C = grid->ncols - 1;

	for (int i = 0; i < n; i++)
	{
		int			cell = (rows ? rows[i] * grid->ncols : 0) + cols[i];
		int64		v;

		if (count_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("count must not be null"),
					 errhint("Pass the counts before suppression.")));
		v = DatumGetInt64(counts[i]);
		check_count(v);
		if (grid->given[cell] && rows)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("more than one count for one cell"),
					 errdetail("Row %s, column %s occurs twice.",
							   label_name(rlabels, rnulls, i),
							   label_name(clabels, cnulls, i))));
		if (grid->given[cell])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("more than one count for one cell"),
					 errdetail("Label %s occurs twice.",
							   label_name(clabels, cnulls, i))));
		grid->given[cell] = true;
		grid->count[cell] = v;
	}

	/* Missing row totals (and for one-way tables, the total) */
	for (int r = 0; r < grid->nrows; r++)
	{
		int64		sum = 0;

		if (grid->given[r * grid->ncols + C] || (grid->two_way && r == R))
			continue;
		for (int c = 0; c < C; c++)
			add_count(&sum, grid->count[r * grid->ncols + c]);
		grid->count[r * grid->ncols + C] = sum;
	}

	/* Missing column totals, and the grand total from the inner cells */
	if (grid->two_way)
	{
		for (int c = 0; c <= C; c++)
		{
			int64		sum = 0;

			if (grid->given[R * grid->ncols + c])
				continue;
			for (int r = 0; r < R; r++)
			{
				if (c < C)
					add_count(&sum, grid->count[r * grid->ncols + c]);
				else
				{
					for (int j = 0; j < C; j++)
						add_count(&sum, grid->count[r * grid->ncols + j]);
				}
			}
			grid->count[R * grid->ncols + c] = sum;
		}
	}
}

/* The number of suppressed cells on row r / column c */
static int
row_suppressed(const CellGrid *grid, int r)
{
	int			n = 0;

	for (int c = 0; c < grid->ncols; c++)
		n += (grid->status[r * grid->ncols + c] != CELL_PUBLISHED);
	return n;
}

static int
col_suppressed(const CellGrid *grid, int c)
{
	int			n = 0;

	for (int r = 0; r < grid->nrows; r++)
		n += (grid->status[r * grid->ncols + c] != CELL_PUBLISHED);
	return n;
}

/* Whether cell a comes before cell b: the smaller, then the earlier */
static inline bool
smaller_cell(const CellGrid *grid, int a, int b)
{
	return b < 0 || grid->count[a] < grid->count[b] ||
		(grid->count[a] == grid->count[b] && a < b);
}

/*
 * Step 3: the smallest published cell on a line with exactly one
 * suppressed cell, or -1 when no line has exactly one.
 */
static int
lonely_line_candidate(const CellGrid *grid)
{
	int		   *rown = palloc(grid->nrows * sizeof(int));
	int		   *coln = palloc(grid->ncols * sizeof(int));
	int			best = -1;

	for (int r = 0; r < grid->nrows; r++)
		rown[r] = row_suppressed(grid, r);
	for (int c = 0; c < grid->ncols; c++)
		coln[c] = grid->two_way ? col_suppressed(grid, c) : 0;

	for (int cell = 0; cell < grid->nrows * grid->ncols; cell++)
	{
		int			r = cell / grid->ncols;
		int			c = cell % grid->ncols;

		if (grid->status[cell] == CELL_PUBLISHED &&
			(rown[r] == 1 || coln[c] == 1) && smaller_cell(grid, cell, best))
			best = cell;
	}
	pfree(rown);
	pfree(coln);
	return best;
}

/*
 * Step 4: the smallest published cell that closes a cycle through a bridge
 * of the suppressed cells, or -1 when there is no bridge.
 *
 * Vertices are the rows 0 .. nrows-1 and the columns, numbered nrows ..
 * nrows+ncols-1; suppressed cells are the edges.  One depth-first search
 * (Tarjan's low-link) numbers the vertices in visiting order (tin), marks
 * the end of each subtree (tout) and finds the bridges: an edge from p to
 * its child w is a bridge when nothing in w's subtree reaches above w
 * (low[w] > tin[p]).  A published cell closes a cycle through that bridge
 * when its row and column lie in the bridge's component, one inside w's
 * subtree and one outside.
 */
static int
bridge_candidate(const CellGrid *grid)
{
	int			nv = grid->nrows + grid->ncols;
	int		   *tin = palloc(nv * sizeof(int));
	int		   *tout = palloc(nv * sizeof(int));
	int		   *low = palloc(nv * sizeof(int));
	int		   *parent = palloc(nv * sizeof(int));
	int		   *next = palloc(nv * sizeof(int));
	int		   *comp = palloc(nv * sizeof(int));
	int		   *stack = palloc(nv * sizeof(int));
	int		   *bridges = palloc(nv * sizeof(int));
	int			nbridges = 0;
	int			timer = 0;
	int			best = -1;

	for (int v = 0; v < nv; v++)
		tin[v] = -1;

	for (int s = 0; s < nv; s++)
	{
		int			depth = 0;

		if (tin[s] >= 0)
			continue;
		tin[s] = low[s] = timer++;
		parent[s] = -1;
		next[s] = 0;
		comp[s] = s;
		stack[depth++] = s;

		while (depth > 0)
		{
			int			u = stack[depth - 1];
			int			w = -1;

			/* The next neighbour of u: a suppressed cell on its line */
			while (w < 0 && next[u] < (u < grid->nrows ? grid->ncols
									   : grid->nrows))
			{
				int			i = next[u]++;
				int			cell = u < grid->nrows ?
					u * grid->ncols + i :
					i * grid->ncols + (u - grid->nrows);

				if (grid->status[cell] != CELL_PUBLISHED)
					w = u < grid->nrows ? grid->nrows + i : i;
			}

			if (w >= 0)
			{
				if (w == parent[u])
					continue;
				if (tin[w] < 0)
				{
					tin[w] = low[w] = timer++;
					parent[w] = u;
					next[w] = 0;
					comp[w] = s;
					stack[depth++] = w;
				}
				else
					low[u] = Min(low[u], tin[w]);
				continue;
			}

			/* u is done: its subtree is numbered tin[u] .. timer - 1 */
			depth--;
			tout[u] = timer - 1;
			if (parent[u] >= 0)
			{
				int			p = parent[u];

				low[p] = Min(low[p], low[u]);
				if (low[u] > tin[p])
					bridges[nbridges++] = u;
			}
		}
	}

	for (int b = 0; b < nbridges; b++)
	{
		int			w = bridges[b];

		CHECK_FOR_INTERRUPTS();

		for (int cell = 0; cell < grid->nrows * grid->ncols; cell++)
		{
			int			r = cell / grid->ncols;
			int			c = grid->nrows + cell % grid->ncols;
			bool		r_in = tin[r] >= tin[w] && tin[r] <= tout[w];
			bool		c_in = tin[c] >= tin[w] && tin[c] <= tout[w];

			if (grid->status[cell] == CELL_PUBLISHED &&
				comp[r] == comp[w] && comp[c] == comp[w] && r_in != c_in &&
				smaller_cell(grid, cell, best))
				best = cell;
		}
	}
	return best;
}

/*
 * Steps 2 to 4 on a filled grid; reports the suppressed cells in a NOTICE.
 */
static void
grid_suppress(CellGrid *grid, int32 k)
{
	int			ncells = grid->nrows * grid->ncols;
	int			primary = 0;
	int			lonely = 0;
	int			bridged = 0;
	int			secondary;
	int			cell;

	for (cell = 0; cell < ncells; cell++)
	{
		grid->status[cell] = grid->count[cell] < k ? CELL_PRIMARY
			: CELL_PUBLISHED;
		primary += (grid->status[cell] == CELL_PRIMARY);
	}

	/*
	 * A large table may take many rounds, each a pass over the grid: let a
	 * cancel or a statement timeout stop it.
	 */
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if ((cell = lonely_line_candidate(grid)) >= 0)
			lonely++;
		else if (grid->two_way && (cell = bridge_candidate(grid)) >= 0)
			bridged++;
		else
			break;
		grid->status[cell] = CELL_SECONDARY;
	}
	secondary = lonely + bridged;
	ereport(DEBUG1,
			(errmsg_internal("suppressed %d cells below k, %d on lines of one, %d to close cycles",
							 primary, lonely, bridged)));

	if (primary > 0)
		ereport(NOTICE,
				(errmsg("%d of %d cells suppressed: %d below k = %d, %d more to protect them",
						primary + secondary, ncells, primary, k, secondary),
				 errhint("A suppressed cell has a NULL count; publish it as suppressed, never as 0.")));
}

/*
 * Adds the cell to the result: its labels (NULL for a total), then count,
 * suppressed and reason.
 */
static void
put_cell(ReturnSetInfo *rsinfo, const CellGrid *grid, int cell,
		 const Datum *labels, const bool *label_nulls, int nlabels)
{
	Datum		values[5];
	bool		nulls[5];
	char		status = grid->status[cell];

	for (int i = 0; i < nlabels; i++)
	{
		values[i] = labels[i];
		nulls[i] = label_nulls[i];
	}
	values[nlabels] = Int64GetDatum(grid->count[cell]);
	nulls[nlabels] = (status != CELL_PUBLISHED);
	values[nlabels + 1] = BoolGetDatum(status != CELL_PUBLISHED);
	nulls[nlabels + 1] = false;
	values[nlabels + 2] = status == CELL_PUBLISHED ? (Datum) 0 :
		CStringGetTextDatum(status == CELL_PRIMARY ? "primary" : "secondary");
	nulls[nlabels + 2] = (status == CELL_PUBLISHED);

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * suppress_one_way(label text[], count bigint[], k integer)
 *		returns table (label text, count bigint, suppressed boolean,
 *					   reason text)
 *
 * The cells of a one-way table and its total (the NULL label), after
 * primary and secondary suppression.
 */
PG_FUNCTION_INFO_V1(mo_suppress_one_way);
Datum
mo_suppress_one_way(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		k = k_arg(fcinfo, 2);
	Datum	   *labels;
	bool	   *label_nulls;
	Datum	   *counts;
	bool	   *count_nulls;
	int			n = array_arg(fcinfo, 0, TEXTOID, &labels, &label_nulls);
	int			ncounts = array_arg(fcinfo, 1, INT8OID, &counts, &count_nulls);
	int		   *ids;
	int		   *firsts;
	CellGrid	grid;

	InitMaterializedSRF(fcinfo, 0);
	if (n != ncounts)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("label and count arrays must have the same length")));
	if (n == 0)
		return (Datum) 0;

	ids = palloc(n * sizeof(int));
	grid.nrows = 1;
	grid.ncols = number_labels(labels, label_nulls, n, ids, &firsts) + 1;
	grid.two_way = false;
	grid.count = palloc0(grid.ncols * sizeof(int64));
	grid.given = palloc0(grid.ncols * sizeof(bool));
	grid.status = palloc0(grid.ncols);
	grid_fill(&grid, n, NULL, ids, counts, count_nulls, NULL, NULL,
			  labels, label_nulls);
	grid_suppress(&grid, k);

	for (int c = 0; c < grid.ncols; c++)
	{
		bool		total = (c == grid.ncols - 1);
		Datum		label = total ? (Datum) 0 : labels[firsts[c]];

		put_cell(rsinfo, &grid, c, &label, &total, 1);
	}
	return (Datum) 0;
}

/*
 * suppress_two_way(row_label text[], col_label text[], count bigint[],
 *					k integer)
 *		returns table (row_label text, col_label text, count bigint,
 *					   suppressed boolean, reason text)
 *
 * The cells of a two-way table with its row totals (NULL column label),
 * column totals (NULL row label) and grand total, after primary and
 * secondary suppression.
 */
PG_FUNCTION_INFO_V1(mo_suppress_two_way);
Datum
mo_suppress_two_way(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		k = k_arg(fcinfo, 3);
	Datum	   *rlabels;
	bool	   *rnulls;
	Datum	   *clabels;
	bool	   *cnulls;
	Datum	   *counts;
	bool	   *count_nulls;
	int			n = array_arg(fcinfo, 0, TEXTOID, &rlabels, &rnulls);
	int			ncl = array_arg(fcinfo, 1, TEXTOID, &clabels, &cnulls);
	int			ncounts = array_arg(fcinfo, 2, INT8OID, &counts, &count_nulls);
	int		   *rows;
	int		   *cols;
	int		   *rfirsts;
	int		   *cfirsts;
	CellGrid	grid;
	Size		ncells;

	InitMaterializedSRF(fcinfo, 0);
	if (n != ncl || n != ncounts)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("label and count arrays must have the same length")));
	if (n == 0)
		return (Datum) 0;

	rows = palloc(n * sizeof(int));
	cols = palloc(n * sizeof(int));
	grid.nrows = number_labels(rlabels, rnulls, n, rows, &rfirsts) + 1;
	grid.ncols = number_labels(clabels, cnulls, n, cols, &cfirsts) + 1;
	grid.two_way = true;
	ncells = (Size) grid.nrows * grid.ncols;
	if (ncells > MaxAllocSize / sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("table of %d rows and %d columns is too large",
						grid.nrows - 1, grid.ncols - 1)));
	grid.count = palloc0(ncells * sizeof(int64));
	grid.given = palloc0(ncells * sizeof(bool));
	grid.status = palloc0(ncells);
	grid_fill(&grid, n, rows, cols, counts, count_nulls, rlabels, rnulls,
			  clabels, cnulls);
	grid_suppress(&grid, k);

	for (int cell = 0; cell < (int) ncells; cell++)
	{
		int			r = cell / grid.ncols;
		int			c = cell % grid.ncols;
		bool		totals[2];
		Datum		labels[2];

		totals[0] = (r == grid.nrows - 1);
		totals[1] = (c == grid.ncols - 1);
		labels[0] = totals[0] ? (Datum) 0 : rlabels[rfirsts[r]];
		labels[1] = totals[1] ? (Datum) 0 : clabels[cfirsts[c]];
		put_cell(rsinfo, &grid, cell, labels, totals, 2);
	}
	return (Datum) 0;
}
