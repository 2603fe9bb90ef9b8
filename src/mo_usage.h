/*-------------------------------------------------------------------------
 *
 * mo_usage.h
 *	  Declarations shared by the C files of mo_usage.
 *
 * mo_usage answers "who uses the portal, how, and who stays away" in SQL.
 * Its C core has one file per feature family:
 *
 *	  pseudonym.c	keyed pseudonyms (HMAC-SHA-256) and BSN checks
 *	  session.c		visits from one person's timed events
 *	  session_trail.c	the hit trail, the visits aggregate's state
 *	  quantile.c	quantile boundaries and group assignment
 *	  disclosure.c	k-anonymous counts, rounding and suppression
 *	  logparse.c	access-log lines into typed columns (with
 *					logparse_layout.c and logparse_file.c)
 *
 * and mo_usage.c, which starts the module and defines its settings.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MO_USAGE_H
#define MO_USAGE_H

/* Settings (see mo_usage.c for their descriptions and ranges) */
extern int	mo_k_threshold;
extern int	mo_rounding_base;
extern char *mo_key_file;
extern int	mo_key_version;
extern int	mo_max_line_length;
extern char *mo_asset_extensions;
extern char *mo_bot_pattern;

#endif							/* MO_USAGE_H */
