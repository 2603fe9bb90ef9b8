/*-------------------------------------------------------------------------
 *
 * mo_usage.c
 *	  Module start-up and the settings of mo_usage.
 *
 * Every setting lives under the prefix "mo_usage.", which is reserved
 * when the module loads, so that a mistyped name is reported instead of
 * silently creating a placeholder.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "mo_usage.h"

PG_MODULE_MAGIC;

/* mo_usage.k: the smallest number of distinct persons a cell may show */
int			mo_k_threshold = 10;

/* mo_usage.rounding_base: published counts are rounded to its multiples */
int			mo_rounding_base = 1;

/* mo_usage.key_file: where the server reads the pseudonym keys from */
char	   *mo_key_file = NULL;

/* mo_usage.key_version: the key version new pseudonyms use; 0: the highest */
int			mo_key_version = 0;
/* mo_usage.max_line_length: the longest access-log line read, in bytes */
int			mo_max_line_length = 1024 * 1024;

/* mo_usage.asset_extensions: paths that are images, style sheets, scripts */
char	   *mo_asset_extensions = NULL;

/* mo_usage.bot_pattern: user agents that mark a client as a crawler */
char	   *mo_bot_pattern = NULL;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("mo_usage.k",
							"Smallest number of distinct persons a published cell may show.",
							"Cells below it are suppressed, never shown as 0.",
							&mo_k_threshold,
							10, 1, 1000000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("mo_usage.rounding_base",
							"Base that k_round rounds published counts to a multiple of.",
							"0 or 1: no rounding; 5 and 10 are usual.",
							&mo_rounding_base,
							1, 0, 1000000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	/*
	 * The key file is named in postgresql.conf, never in SQL: only a
	 * superuser may see or change where the keys are, and the keys
	 * themselves never pass through a setting at all.
	 */
	DefineCustomStringVariable("mo_usage.key_file",
							   "File the server reads the pseudonym keys from.",
							   "One key a line: a version number, then the key in hex (at least 32 bytes).",
							   &mo_key_file,
							   "",
							   PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	/*
	 * Which key new pseudonyms use.  Rotating keys means adding a version
	 * to the key file and moving this setting to it; functions that take
	 * an explicit version keep serving data pseudonymised under older ones.
	 */
	DefineCustomIntVariable("mo_usage.key_version",
							"Key version that new pseudonyms use; 0 means the highest version in the key file.",
							NULL,
							&mo_key_version,
							0, 0, INT_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("mo_usage.max_line_length",
							"Longest access-log line the log reader parses.",
							"Longer lines are rejected; their first bytes are kept with the reject.",
							&mo_max_line_length,
							1024 * 1024, 1024, 256 * 1024 * 1024,
							PGC_USERSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomStringVariable("mo_usage.asset_extensions",
							   "File name extensions of requests that are not pages.",
							   "Comma-separated, matched without regard to case; such requests are loaded as technical requests, which visits leave out.",
							   &mo_asset_extensions,
							   "css,js,gif,jpg,jpeg,png,ico,svg,bmp,webp,xbm,tif,tiff,woff,woff2,ttf,otf,eot",
							   PGC_USERSET,
							   GUC_LIST_INPUT,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("mo_usage.bot_pattern",
							   "Regular expression for the user agents of crawlers.",
							   "Matched without regard to case; a client with one such request is marked as a crawler.",
							   &mo_bot_pattern,
							   "bot|crawl|spider|slurp",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);

	MarkGUCPrefixReserved("mo_usage");
}
