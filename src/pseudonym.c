/*-------------------------------------------------------------------------
 *
 * pseudonym.c
 *	  Keyed pseudonyms (HMAC-SHA-256 under a secret key) and the checks of
 *	  the Dutch citizen service number (BSN).
 *
 * Words used here:
 *
 *	  key file		the file named by mo_usage.key_file, read by the server
 *					process itself; one key a line: a key version, then the
 *					key in hexadecimal digits
 *	  key version	the number of a key; new pseudonyms use the version named
 *					by mo_usage.key_version (0: the highest in the file), and
 *					a function may ask for any version explicitly, so that an
 *					old key keeps serving old data while a new one comes in
 *	  context		a label such as "person" or "household" for the kind of
 *					thing an identifier names; the same number in two
 *					contexts gets two unrelated pseudonyms
 *	  digest		HMAC-SHA-256(key, context || 0x00 || identifier), where
 *					identifier is the UTF-8 text of the normalised identifier
 *	  pseudonym		the first 8 bytes of the digest as a big-endian bigint
 *	  elfproef		the BSN's check: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a
 *					multiple of 11
 *
 * The context is one or more of [a-z0-9_] and starts with a letter, so it
 * never holds 0x00 and the separator makes the HMAC input unambiguous: no
 * (context, identifier) pair gives the bytes of another pair.
 *
 * Keys.  A backend reads the key file when a query first needs a key and
 * keeps the keys in TopMemoryContext.  Each later query opens the file
 * again and compares its identity and times (fstat) with those of the copy
 * it holds; a changed setting or a changed file is read again.  Key bytes
 * are wiped (explicit_bzero) before their memory is given back, also when
 * the file proves bad halfway through: the parser only records what is
 * wrong, and the error is raised after the wipe.  No message quotes a line
 * of the key file or names the file: non-superusers see these messages.
 *
 * Speed.  HMAC-SHA-256 is SHA-256 twice: the inner hash of the key padded
 * to a block (ipad) then the message, the outer hash of the key padded
 * another way (opad) then the inner digest.  The two padded key blocks are
 * the same for every message, so each call site hashes them once, when it
 * is keyed, and keeps the two SHA-256 states they leave (OpenSSL's
 * SHA256_CTX, plain structs); it keeps a third, the inner state with the
 * context label and its separator taken in as well.  A row then costs a
 * copy of a state, the blocks of its own identifier and one block for the
 * outer hash, and no allocation.  OpenSSL's HMAC_CTX gives the same digest
 * but restarts through the provider layer, duplicating a digest context
 * each call: 58 to 62 % slower per HMAC of a BSN, measured in a C loop
 * (EVP_MAC, which OpenSSL 3 prefers, was slower still).  The states are
 * key material: a reset callback on the memory context of fn_extra wipes
 * them, and a rekeyed call site overwrites them.
 *
 * BSN.  A BSN is checked in this order, and the first failure is the
 * reason given: (1) surrounding white space is dropped; (2) what is left
 * must be digits only, (3) 8 or 9 of them, an 8-digit BSN being padded
 * with a leading 0; (4) not 000000000, the usual placeholder, which passes
 * the elfproef; (5) the elfproef.  A bigint is checked as its decimal text.
 * An invalid BSN never yields a pseudonym: the lenient functions return
 * NULL, the strict ones raise an error that gives the reason but never the
 * value, which is personal data as much as a valid BSN is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "port/pg_bswap.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "mo_usage.h"

#define DIGEST_LEN		32		/* bytes of an HMAC-SHA-256 */
#define MIN_KEY_LEN		32		/* bytes: as long as the digest */
#define KEY_FILE_MAX	65536	/* bytes; a key file holds a few lines */
#define CONTEXT_MAX		63		/* bytes of a context label */
#define KEY_CHECK_LEN	8		/* bytes of a key check value */
#define BSN_LEN			9

/* One key of the key file */
typedef struct PseudonymKey
{
	int32		version;
	int			len;
	uint8	   *bytes;
} PseudonymKey;

/* The keys of the key file, and which state of which file they came from */
typedef struct KeySet
{
	MemoryContext cxt;			/* holds this struct, the path and the keys */
	char	   *path;			/* mo_usage.key_file when it was read */
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec mtime;
	struct timespec ctime;
	int			nkeys;
	PseudonymKey *keys;			/* ascending by version, at least one */
} KeySet;

/* What is wrong with a key file; the parser records it, the caller raises */
typedef enum KeyFileProblem
{
	KF_OK,
	KF_TOO_LARGE,
	KF_BAD_VERSION,				/* line: version not a number 1..INT32_MAX */
	KF_EMPTY_KEY,				/* line: a version without a key */
	KF_BAD_HEX,					/* line: not an even number of hex digits */
	KF_EXTRA_TEXT,				/* line: something after the key */
	KF_SHORT_KEY,				/* version: fewer than MIN_KEY_LEN bytes */
	KF_DUPLICATE,				/* version: on two lines */
	KF_NO_KEYS					/* file: no key at all */
} KeyFileProblem;

typedef struct KeyFileError
{
	KeyFileProblem problem;
	int			line;
	int32		version;
	int			key_len;
} KeyFileError;

/* The keys this backend holds, or NULL before the first use */
static KeySet *key_set = NULL;

/*
 * A call site's keyed HMAC, in fn_extra: the SHA-256 states after the
 * padded key blocks, and the inner state after the context label as well
 */
typedef struct HmacCache
{
	SHA256_CTX	inner;			/* after key ^ ipad */
	SHA256_CTX	outer;			/* after key ^ opad */
	SHA256_CTX	labelled;		/* after key ^ ipad, label, 0x00 */
	int			label_len;		/* bytes of label; -1: none taken in */
	char		label[CONTEXT_MAX];
	int32		version;		/* the key version it holds; 0: none yet */
	int32		requested;		/* the key_version argument it was keyed for */
	int32		setting;		/* mo_usage.key_version at that time */
	MemoryContextCallback cleanup;
} HmacCache;

/* Why a BSN is invalid, in the order of the checks */
typedef enum BsnVerdict
{
	BSN_VALID,
	BSN_EMPTY,
	BSN_NOT_DIGITS,
	BSN_LENGTH,
	BSN_ZERO,
	BSN_ELFPROEF
} BsnVerdict;

typedef struct Bsn
{
	BsnVerdict	verdict;
	int			ndigits;		/* digits given, for BSN_LENGTH */
	char		digits[BSN_LEN];	/* the normal form when valid */
} Bsn;


/*
 * Release a key set, wiping the key bytes first: memory given back may be
 * handed out again, or stay in the process image.
 */
static void
key_set_free(KeySet *ks)
{
	for (int i = 0; i < ks->nkeys; i++)
		explicit_bzero(ks->keys[i].bytes, ks->keys[i].len);
	MemoryContextDelete(ks->cxt);
}

static int
key_version_cmp(const void *a, const void *b)
{
	int32		va = ((const PseudonymKey *) a)->version;
	int32		vb = ((const PseudonymKey *) b)->version;

	return (va > vb) - (va < vb);
}

static inline int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* White space as the C locale knows it, whatever the server's locale */
static inline bool
is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool
key_file_fail(KeyFileError *err, KeyFileProblem problem)
{
	err->problem = problem;
	return false;
}

/*
 * Parse the text of a key file into ks->keys.  Returns false and fills
 * *err at the first problem; never raises an error itself, so that the
 * caller can wipe what was read before it reports.  Neither the problem
 * nor anything else this records holds key material.
 */
static bool
key_file_parse(const char *text, int len, KeySet *ks, KeyFileError *err)
{
	const char *p = text;
	const char *end = text + len;
	int			allocated = 4;

	ks->keys = MemoryContextAlloc(ks->cxt, allocated * sizeof(PseudonymKey));
	ks->nkeys = 0;
	err->line = 0;

	while (p < end)
	{
		const char *eol = memchr(p, '\n', end - p);
		int64		version = 0;
		const char *hex;
		int			nhex = 0;
		PseudonymKey *key;

		if (eol == NULL)
			eol = end;
		err->line++;

		/* Blank lines and comments */
		while (p < eol && is_blank(*p))
			p++;
		if (p == eol || *p == '#')
		{
			p = eol + 1;
			continue;
		}

		/* The version: digits, then a blank or the end of the line */
		if (!is_digit(*p))
			return key_file_fail(err, KF_BAD_VERSION);
		while (p < eol && is_digit(*p))
		{
			version = version * 10 + (*p++ - '0');
			if (version > PG_INT32_MAX)
				return key_file_fail(err, KF_BAD_VERSION);
		}
		if (version == 0 || (p < eol && !is_blank(*p)))
			return key_file_fail(err, KF_BAD_VERSION);
		err->version = (int32) version;

		/* The key: an even number of hex digits, then only blanks */
		while (p < eol && is_blank(*p))
			p++;
		if (p == eol)
			return key_file_fail(err, KF_EMPTY_KEY);
		hex = p;
		while (p < eol && !is_blank(*p))
		{
			if (hex_value(*p++) < 0)
				return key_file_fail(err, KF_BAD_HEX);
			nhex++;
		}
		if (nhex % 2 != 0)
			return key_file_fail(err, KF_BAD_HEX);
		while (p < eol && is_blank(*p))
			p++;
		if (p != eol)
			return key_file_fail(err, KF_EXTRA_TEXT);
		if (nhex / 2 < MIN_KEY_LEN)
		{
			err->key_len = nhex / 2;
			return key_file_fail(err, KF_SHORT_KEY);
		}

		/* Keep it */
		if (ks->nkeys == allocated)
		{
			allocated *= 2;
			ks->keys = repalloc(ks->keys, allocated * sizeof(PseudonymKey));
		}
		key = &ks->keys[ks->nkeys++];
		key->version = (int32) version;
		key->len = nhex / 2;
		key->bytes = MemoryContextAlloc(ks->cxt, key->len);
		for (int i = 0; i < key->len; i++)
			key->bytes[i] = (hex_value(hex[2 * i]) << 4) |
				hex_value(hex[2 * i + 1]);

		p = eol + 1;
	}

	if (ks->nkeys == 0)
		return key_file_fail(err, KF_NO_KEYS);

	/* Versions ascending, each once */
	qsort(ks->keys, ks->nkeys, sizeof(PseudonymKey), key_version_cmp);
	for (int i = 1; i < ks->nkeys; i++)
	{
		if (ks->keys[i].version == ks->keys[i - 1].version)
		{
			err->version = ks->keys[i].version;
			return key_file_fail(err, KF_DUPLICATE);
		}
	}

	err->problem = KF_OK;
	return true;
}

/* Raise the error that a failed key_file_parse recorded */
static void
key_file_report(const KeyFileError *err)
{
	switch (err->problem)
	{
		case KF_TOO_LARGE:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("pseudonym key file is too large"),
					 errdetail("A key file may have at most %d bytes.",
							   KEY_FILE_MAX)));
			break;
		case KF_BAD_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("invalid key version on line %d of pseudonym key file",
							err->line),
					 errdetail("A line starts with a key version, a whole number from 1 to 2147483647.")));
			break;
		case KF_EMPTY_KEY:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("pseudonym key version %d is empty", err->version),
					 errdetail("Line %d of the key file has no key after the version.",
							   err->line)));
			break;
		case KF_BAD_HEX:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("invalid key on line %d of pseudonym key file",
							err->line),
					 errdetail("A key is written as an even number of hexadecimal digits.")));
			break;
		case KF_EXTRA_TEXT:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("invalid line %d in pseudonym key file", err->line),
					 errdetail("A line holds a key version and a key, separated by blanks, and nothing after the key.")));
			break;
		case KF_SHORT_KEY:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("pseudonym key version %d is too short",
							err->version),
					 errdetail("The key has %d bytes; a key needs at least %d.",
							   err->key_len, MIN_KEY_LEN)));
			break;
		case KF_DUPLICATE:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("pseudonym key version %d appears more than once in the key file",
							err->version)));
			break;
		case KF_NO_KEYS:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("pseudonym key file holds no keys")));
			break;
		case KF_OK:
			break;
	}
	elog(ERROR, "unexpected key file problem %d", (int) err->problem);
}

/*
 * Refuse a key file that others could read, like the server refuses such a
 * private key for SSL: owned by the server's user with no group or world
 * access, or owned by root with at most group read access.
 */
static void
key_file_check_access(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("pseudonym key file is not a regular file")));

	if (st->st_uid != geteuid() && st->st_uid != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("pseudonym key file must be owned by the database user or root")));

	if ((st->st_uid == geteuid() && (st->st_mode & (S_IRWXG | S_IRWXO))) ||
		(st->st_uid == 0 &&
		 (st->st_mode & (S_IWGRP | S_IXGRP | S_IRWXO))))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("pseudonym key file has group or world access"),
				 errdetail("The file must have permissions u=rw (0600) or less if owned by the database user, or permissions u=rw,g=r (0640) or less if owned by root.")));
}

static bool
key_set_is_of(const KeySet *ks, const struct stat *st)
{
	return strcmp(ks->path, mo_key_file) == 0 &&
		ks->dev == st->st_dev && ks->ino == st->st_ino &&
		ks->size == st->st_size &&
		ks->mtime.tv_sec == st->st_mtim.tv_sec &&
		ks->mtime.tv_nsec == st->st_mtim.tv_nsec &&
		ks->ctime.tv_sec == st->st_ctim.tv_sec &&
		ks->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/*
 * Read and parse the open key file into a new key set.  The file's text is
 * wiped as soon as it is parsed; on a bad file the new key set is wiped and
 * dropped before the error is raised.
 */
static KeySet *
key_set_read(int fd, const struct stat *st)
{
	MemoryContext cxt;
	KeySet	   *ks;
	char	   *text;
	int			len = 0;
	int			n;
	KeyFileError err = {0};

	cxt = AllocSetContextCreate(TopMemoryContext, "mo_usage pseudonym keys",
								ALLOCSET_SMALL_SIZES);
	ks = MemoryContextAllocZero(cxt, sizeof(KeySet));
	ks->cxt = cxt;

	/* One byte more than allowed, to see whether the file is too large */
	text = MemoryContextAlloc(cxt, KEY_FILE_MAX + 1);
	while (len <= KEY_FILE_MAX &&
		   (n = read(fd, text + len, KEY_FILE_MAX + 1 - len)) != 0)
	{
		if (n < 0)
		{
			int			save_errno = errno;

			explicit_bzero(text, len);
			key_set_free(ks);
			errno = save_errno;
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read pseudonym key file: %m")));
		}
		len += n;
	}

	if (len > KEY_FILE_MAX)
		err.problem = KF_TOO_LARGE;
	else
		key_file_parse(text, len, ks, &err);
	explicit_bzero(text, len);
	pfree(text);

	if (err.problem != KF_OK)
	{
		key_set_free(ks);
		key_file_report(&err);
	}

	ks->path = MemoryContextStrdup(cxt, mo_key_file);
	ks->dev = st->st_dev;
	ks->ino = st->st_ino;
	ks->size = st->st_size;
	ks->mtime = st->st_mtim;
	ks->ctime = st->st_ctim;
	return ks;
}

/*
 * The keys of the key file as it is now: the copy this backend holds when
 * neither the setting nor the file changed since it was read, else a fresh
 * reading.  Costs an open and an fstat, so callers do it once a query.
 */
static KeySet *
key_set_current(void)
{
	int			fd;
	struct stat st;

	if (mo_key_file == NULL || mo_key_file[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("no pseudonym key file is set"),
				 errhint("Name the key file in the setting mo_usage.key_file in postgresql.conf.")));

	fd = OpenTransientFile(mo_key_file, O_RDONLY | PG_BINARY);
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open pseudonym key file: %m")));
	if (fstat(fd, &st) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat pseudonym key file: %m")));
	key_file_check_access(&st);

	if (key_set == NULL || !key_set_is_of(key_set, &st))
	{
		KeySet	   *fresh = key_set_read(fd, &st);

		if (key_set != NULL)
			key_set_free(key_set);
		key_set = fresh;
	}

	CloseTransientFile(fd);
	return key_set;
}

/*
 * The version a key_version argument stands for: itself, or when 0 the
 * setting mo_usage.key_version, or when that is 0 too the highest version
 * in the file.  Returns NULL when the file has no such version.
 */
static const PseudonymKey *
key_find(const KeySet *ks, int32 requested)
{
	int32		version = requested != 0 ? requested : mo_key_version;

	if (version == 0)
		return &ks->keys[ks->nkeys - 1];
	for (int i = 0; i < ks->nkeys; i++)
	{
		if (ks->keys[i].version == version)
			return &ks->keys[i];
	}
	return NULL;
}

static const PseudonymKey *
key_get(const KeySet *ks, int32 requested)
{
	const PseudonymKey *key = key_find(ks, requested);

	if (key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pseudonym key version %d does not exist",
						requested != 0 ? requested : mo_key_version),
				 errhint("pseudonym_key_versions() lists the key versions in the key file.")));
	return key;
}


static void
openssl_failure(const char *what)
{
	unsigned long code = ERR_get_error();

	ERR_clear_error();
	elog(ERROR, "%s failed: %s", what,
		 code ? ERR_reason_error_string(code) : "no reason given");
}

static void
hmac_cache_free(void *arg)
{
	HmacCache  *cache = (HmacCache *) arg;

	explicit_bzero(cache, offsetof(HmacCache, cleanup));
}

/*
 * The HMAC of a call site, made on its first call, unkeyed.  It lives as
 * long as the memory context of fn_extra, whose reset wipes it.
 */
static HmacCache *
hmac_cache(FmgrInfo *flinfo)
{
	HmacCache  *cache = (HmacCache *) flinfo->fn_extra;

	if (cache != NULL)
		return cache;

	cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(HmacCache));
	cache->label_len = -1;
	cache->cleanup.func = hmac_cache_free;
	cache->cleanup.arg = cache;
	MemoryContextRegisterResetCallback(flinfo->fn_mcxt, &cache->cleanup);
	flinfo->fn_extra = cache;
	return cache;
}

/* The SHA-256 state after one block: the key xor'ed with pad, zero-padded */
static void
hmac_pad_state(SHA256_CTX *state, const uint8 *key, int len, uint8 pad)
{
	uint8		block[SHA256_CBLOCK];

	memset(block, pad, sizeof(block));
	for (int i = 0; i < len; i++)
		block[i] ^= key[i];
	if (!SHA256_Init(state) || !SHA256_Update(state, block, sizeof(block)))
		openssl_failure("SHA-256");
	explicit_bzero(block, sizeof(block));
}

/*
 * Key a call site's HMAC: the key schedule, done once per key.  A key
 * longer than a block is hashed first, as HMAC prescribes (RFC 2104).
 */
static void
hmac_set_key(HmacCache *cache, const uint8 *key, int len)
{
	uint8		hashed[DIGEST_LEN];

	if (len > SHA256_CBLOCK)
	{
		SHA256(key, len, hashed);
		key = hashed;
		len = DIGEST_LEN;
	}
	hmac_pad_state(&cache->inner, key, len, 0x36);
	hmac_pad_state(&cache->outer, key, len, 0x5c);
	explicit_bzero(hashed, sizeof(hashed));
	cache->label_len = -1;
}

/*
 * Finish an HMAC: the inner state given (keyed, perhaps with a prefix taken
 * in), then message; the outer hash of the inner digest into digest.
 */
static void
hmac_finish(const HmacCache *cache, const SHA256_CTX *started,
			const uint8 *message, size_t message_len, uint8 *digest)
{
	SHA256_CTX	state = *started;
	uint8		inner[DIGEST_LEN];

	if (!SHA256_Update(&state, message, message_len) ||
		!SHA256_Final(inner, &state))
		openssl_failure("SHA-256");
	state = cache->outer;
	if (!SHA256_Update(&state, inner, sizeof(inner)) ||
		!SHA256_Final(digest, &state))
		openssl_failure("SHA-256");
}

/*
 * A pseudonym function's call site, keyed with the version its
 * key_version argument asks for.  The key file is looked at on the first
 * row and when the argument or the setting changes, so that a query uses
 * one key throughout.
 */
static HmacCache *
pseudonym_hmac(FunctionCallInfo fcinfo, int32 requested)
{
	HmacCache  *cache = hmac_cache(fcinfo->flinfo);

	if (cache->version == 0 || cache->requested != requested ||
		(requested == 0 && cache->setting != mo_key_version))
	{
		const PseudonymKey *key = key_get(key_set_current(), requested);

		hmac_set_key(cache, key->bytes, key->len);
		cache->version = key->version;
		cache->requested = requested;
		cache->setting = mo_key_version;
	}
	return cache;
}

/*
 * The inner state of a keyed call site with the context label and its
 * separator taken in.  The label is checked, and taken in, when it
 * differs from the one before: on a column of one context, once.
 */
static const SHA256_CTX *
hmac_labelled(HmacCache *cache, const char *label, int label_len)
{
	static const uint8 separator = 0x00;
	bool		label_ok;

	if (label_len == cache->label_len &&
		memcmp(label, cache->label, label_len) == 0)
		return &cache->labelled;

	/* A context is a lower-case word, never echoed: it may be misplaced data */
	label_ok = label_len >= 1 && label_len <= CONTEXT_MAX &&
		label[0] >= 'a' && label[0] <= 'z';
	for (int i = 1; label_ok && i < label_len; i++)
		label_ok = (label[i] >= 'a' && label[i] <= 'z') ||
			(label[i] >= '0' && label[i] <= '9') || label[i] == '_';
	if (!label_ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid pseudonym context"),
				 errdetail("A context is 1 to %d lower-case letters, digits and underscores, starting with a letter.",
						   CONTEXT_MAX)));

	cache->labelled = cache->inner;
	if (!SHA256_Update(&cache->labelled, label, label_len) ||
		!SHA256_Update(&cache->labelled, &separator, 1))
		openssl_failure("SHA-256");
	memcpy(cache->label, label, label_len);
	cache->label_len = label_len;
	return &cache->labelled;
}

/*
 * The digest of an identifier: reads the context (argument 1) and the key
 * version (argument 2) of the calling function.  The identifier is given
 * in the database encoding and hashed as UTF-8.
 */
static void
pseudonym_digest_of(FunctionCallInfo fcinfo, const char *id, int id_len,
					uint8 *digest)
{
	text	   *context = PG_GETARG_TEXT_PP(1);
	int32		requested = PG_GETARG_INT32(2);
	HmacCache  *cache = pseudonym_hmac(fcinfo, requested);
	const SHA256_CTX *started;
	const char *utf8;

	started = hmac_labelled(cache, VARDATA_ANY(context),
							VARSIZE_ANY_EXHDR(context));
	utf8 = pg_server_to_any(id, id_len, PG_UTF8);
	if (utf8 != id)
		id_len = strlen(utf8);
	hmac_finish(cache, started, (const uint8 *) utf8, id_len, digest);
}

/* The compact pseudonym: the digest's first 8 bytes, big-endian */
static int64
pseudonym_of(FunctionCallInfo fcinfo, const char *id, int id_len)
{
	uint8		digest[DIGEST_LEN];
	uint64		first;

	pseudonym_digest_of(fcinfo, id, id_len, digest);
	memcpy(&first, digest, sizeof(first));
	return (int64) pg_ntoh64(first);
}


/*
 * Check a BSN given as text.  See the file header for the order of the
 * checks; on success bsn->digits holds the 9-digit normal form.
 */
static bool
bsn_check(const char *s, int len, Bsn *bsn)
{
	static const int weight[BSN_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, -1};
	int			sum = 0;
	int			pad;

	while (len > 0 && is_space(*s))
		s++, len--;
	while (len > 0 && is_space(s[len - 1]))
		len--;
	bsn->ndigits = len;

	if (len == 0)
		bsn->verdict = BSN_EMPTY;
	else
	{
		bsn->verdict = BSN_VALID;
		for (int i = 0; i < len; i++)
		{
			if (!is_digit(s[i]))
			{
				bsn->verdict = BSN_NOT_DIGITS;
				break;
			}
		}
		if (bsn->verdict == BSN_VALID && len != BSN_LEN && len != BSN_LEN - 1)
			bsn->verdict = BSN_LENGTH;
	}
	if (bsn->verdict != BSN_VALID)
		return false;

	pad = BSN_LEN - len;
	memset(bsn->digits, '0', pad);
	memcpy(bsn->digits + pad, s, len);
	for (int i = 0; i < BSN_LEN; i++)
		sum += weight[i] * (bsn->digits[i] - '0');

	if (memcmp(bsn->digits, "000000000", BSN_LEN) == 0)
		bsn->verdict = BSN_ZERO;
	else if (sum % 11 != 0)
		bsn->verdict = BSN_ELFPROEF;
	return bsn->verdict == BSN_VALID;
}

static bool
bsn_check_text(const text *t, Bsn *bsn)
{
	return bsn_check(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), bsn);
}

/* A bigint BSN is checked as its decimal text: leading zeros are gone */
static bool
bsn_check_int8(int64 n, Bsn *bsn)
{
	char		buf[MAXINT8LEN + 1];

	return bsn_check(buf, pg_lltoa(n, buf), bsn);
}

/* Why a BSN is invalid, in words that never quote it */
static char *
bsn_reason(const Bsn *bsn)
{
	switch (bsn->verdict)
	{
		case BSN_EMPTY:
			return pstrdup("is empty");
		case BSN_NOT_DIGITS:
			return pstrdup("contains a character other than a digit");
		case BSN_LENGTH:
			return psprintf(bsn->ndigits == 1 ? "has %d digit, not 8 or 9" :
							"has %d digits, not 8 or 9", bsn->ndigits);
		case BSN_ZERO:
			return pstrdup("is all zeros");
		case BSN_ELFPROEF:
			return pstrdup("fails the elfproef");
		case BSN_VALID:
			break;
	}
	elog(ERROR, "a valid BSN has no reason to be invalid");
	return NULL;				/* keep the compiler quiet */
}

static void
bsn_reject(const Bsn *bsn)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid BSN: %s", bsn_reason(bsn)),
			 errdetail("The value is not shown: an invalid BSN is personal data too.")));
}


/*
 * mo_usage.hmac_sha256(data bytea, key bytea) RETURNS bytea
 *		The HMAC-SHA-256 of data under key, through the same code as the
 *		pseudonyms; it exists for the known-answer tests of RFC 4231.
 */
PG_FUNCTION_INFO_V1(mo_hmac_sha256);
Datum
mo_hmac_sha256(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	bytea	   *key = PG_GETARG_BYTEA_PP(1);
	HmacCache  *cache = hmac_cache(fcinfo->flinfo);
	bytea	   *result = palloc(VARHDRSZ + DIGEST_LEN);

	hmac_set_key(cache, (uint8 *) VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
	hmac_finish(cache, &cache->inner, (uint8 *) VARDATA_ANY(data),
				VARSIZE_ANY_EXHDR(data), (uint8 *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + DIGEST_LEN);
	PG_RETURN_BYTEA_P(result);
}

/*
 * mo_usage.pseudonym(id text, context text, key_version integer)
 *		RETURNS bigint
 *		The pseudonym of id in context: the first 8 bytes of its digest.
 */
PG_FUNCTION_INFO_V1(mo_pseudonym);
Datum
mo_pseudonym(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);

	PG_RETURN_INT64(pseudonym_of(fcinfo, VARDATA_ANY(id),
								 VARSIZE_ANY_EXHDR(id)));
}

/*
 * mo_usage.pseudonym_digest(id text, context text, key_version integer)
 *		RETURNS bytea
 *		The full 32-byte digest of id in context.
 */
PG_FUNCTION_INFO_V1(mo_pseudonym_digest);
Datum
mo_pseudonym_digest(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	bytea	   *result = palloc(VARHDRSZ + DIGEST_LEN);

	pseudonym_digest_of(fcinfo, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id),
						(uint8 *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + DIGEST_LEN);
	PG_RETURN_BYTEA_P(result);
}

/*
 * mo_usage.pseudonym_key_version() RETURNS integer
 *		The key version that new pseudonyms use now.
 */
PG_FUNCTION_INFO_V1(mo_pseudonym_key_version);
Datum
mo_pseudonym_key_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(key_get(key_set_current(), 0)->version);
}

/*
 * mo_usage.pseudonym_key_versions()
 *		RETURNS TABLE (version integer, is_current boolean, key_check text)
 *		The versions in the key file, never the keys.  key_check is the hex
 *		of the first 8 bytes of the HMAC of the empty message under the key:
 *		no pseudonym's input is empty, and two servers whose checks agree
 *		hold the same key.
 */
PG_FUNCTION_INFO_V1(mo_pseudonym_key_versions);
Datum
mo_pseudonym_key_versions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const KeySet *ks;
	const PseudonymKey *current;
	HmacCache  *cache;

	InitMaterializedSRF(fcinfo, 0);
	ks = key_set_current();
	current = key_find(ks, 0);
	cache = hmac_cache(fcinfo->flinfo);

	for (int i = 0; i < ks->nkeys; i++)
	{
		const PseudonymKey *key = &ks->keys[i];
		uint8		digest[DIGEST_LEN];
		char		check[2 * KEY_CHECK_LEN + 1];
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		hmac_set_key(cache, key->bytes, key->len);
		hmac_finish(cache, &cache->inner, NULL, 0, digest);
		check[hex_encode((char *) digest, KEY_CHECK_LEN, check)] = '\0';

		values[0] = Int32GetDatum(key->version);
		values[1] = BoolGetDatum(key == current);
		values[2] = CStringGetTextDatum(check);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
	}
	return (Datum) 0;
}

/*
 * mo_usage.bsn_is_valid(bsn text) RETURNS boolean
 *		Whether bsn is a valid BSN.
 */
PG_FUNCTION_INFO_V1(mo_bsn_is_valid);
Datum
mo_bsn_is_valid(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	PG_RETURN_BOOL(bsn_check_text(PG_GETARG_TEXT_PP(0), &bsn));
}

/*
 * mo_usage.bsn_is_valid(bsn bigint) RETURNS boolean
 *		Whether the decimal text of bsn is a valid BSN.
 */
PG_FUNCTION_INFO_V1(mo_bsn_is_valid_int8);
Datum
mo_bsn_is_valid_int8(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	PG_RETURN_BOOL(bsn_check_int8(PG_GETARG_INT64(0), &bsn));
}

/*
 * mo_usage.bsn_invalid_reason(bsn text) RETURNS text
 *		Why bsn is not a valid BSN, or NULL when it is.
 */
PG_FUNCTION_INFO_V1(mo_bsn_invalid_reason);
Datum
mo_bsn_invalid_reason(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (bsn_check_text(PG_GETARG_TEXT_PP(0), &bsn))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(bsn_reason(&bsn)));
}

/*
 * mo_usage.bsn_invalid_reason(bsn bigint) RETURNS text
 *		Why bsn is not a valid BSN, or NULL when it is.
 */
PG_FUNCTION_INFO_V1(mo_bsn_invalid_reason_int8);
Datum
mo_bsn_invalid_reason_int8(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (bsn_check_int8(PG_GETARG_INT64(0), &bsn))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(bsn_reason(&bsn)));
}

/*
 * mo_usage.bsn_normalise(bsn text) RETURNS text
 *		The 9-digit form of a valid BSN, or NULL when it is invalid.
 */
PG_FUNCTION_INFO_V1(mo_bsn_normalise);
Datum
mo_bsn_normalise(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (!bsn_check_text(PG_GETARG_TEXT_PP(0), &bsn))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(bsn.digits, BSN_LEN));
}

/*
 * mo_usage.bsn_normalise(bsn bigint) RETURNS text
 *		The 9-digit form of a valid BSN, or NULL when it is invalid.
 */
PG_FUNCTION_INFO_V1(mo_bsn_normalise_int8);
Datum
mo_bsn_normalise_int8(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (!bsn_check_int8(PG_GETARG_INT64(0), &bsn))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(bsn.digits, BSN_LEN));
}

/*
 * mo_usage.bsn_pseudonym(bsn text, context text, key_version integer)
 *		RETURNS bigint
 *		The pseudonym of a valid BSN's 9-digit form, or NULL when invalid.
 */
PG_FUNCTION_INFO_V1(mo_bsn_pseudonym);
Datum
mo_bsn_pseudonym(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (!bsn_check_text(PG_GETARG_TEXT_PP(0), &bsn))
		PG_RETURN_NULL();
	PG_RETURN_INT64(pseudonym_of(fcinfo, bsn.digits, BSN_LEN));
}

/*
 * mo_usage.bsn_pseudonym(bsn bigint, context text, key_version integer)
 *		RETURNS bigint
 *		The pseudonym of a valid BSN's 9-digit form, or NULL when invalid.
 */
PG_FUNCTION_INFO_V1(mo_bsn_pseudonym_int8);
Datum
mo_bsn_pseudonym_int8(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (!bsn_check_int8(PG_GETARG_INT64(0), &bsn))
		PG_RETURN_NULL();
	PG_RETURN_INT64(pseudonym_of(fcinfo, bsn.digits, BSN_LEN));
}

/*
 * mo_usage.bsn_pseudonym_strict(bsn text, context text, key_version integer)
 *		RETURNS bigint
 *		The pseudonym of a valid BSN; an error for an invalid one.
 */
PG_FUNCTION_INFO_V1(mo_bsn_pseudonym_strict);
Datum
mo_bsn_pseudonym_strict(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (!bsn_check_text(PG_GETARG_TEXT_PP(0), &bsn))
		bsn_reject(&bsn);
	PG_RETURN_INT64(pseudonym_of(fcinfo, bsn.digits, BSN_LEN));
}

/*
 * mo_usage.bsn_pseudonym_strict(bsn bigint, context text, key_version integer)
 *		RETURNS bigint
 *		The pseudonym of a valid BSN; an error for an invalid one.
 */
PG_FUNCTION_INFO_V1(mo_bsn_pseudonym_strict_int8);
Datum
mo_bsn_pseudonym_strict_int8(PG_FUNCTION_ARGS)
{
	Bsn			bsn;

	if (!bsn_check_int8(PG_GETARG_INT64(0), &bsn))
		bsn_reject(&bsn);
	PG_RETURN_INT64(pseudonym_of(fcinfo, bsn.digits, BSN_LEN));
}
