/*
 * jobs/common.h — helpers of ismap-jobs that know nothing of the jobs:
 * PostgreSQL-client-style messages, JSON string output, date checks.
 */
#ifndef ISMAP_JOBS_COMMON_H
#define ISMAP_JOBS_COMMON_H

#include <libintl.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Messages for people follow LANG / LC_MESSAGES through gettext, in the
 * text domain "ismap-jobs" (the .po files of jobs/po, installed under PostgreSQL's
 * locale directory).  What scripts read stays untranslated: the TSV and
 * JSON output, action names, SQLSTATEs and exit codes.  The log_* and
 * usage_error functions translate their format themselves; other texts
 * are marked with _().
 */
#define ISMAP_JOBS_TEXTDOMAIN "ismap-jobs"
#define _(s) gettext(s)
#define N_(s) (s)

/* bind the text domain and take the locale from the environment */
void		init_nls(void);

/* exit codes, as docs/jobs.md ("Exit codes") documents them for cron and systemd */
#define EXIT_DONE		0	/* done, nothing to do, or a hot standby */
#define EXIT_USAGE		1	/* usage, connection or version mismatch */
#define EXIT_FAILED		2	/* a job failed during the run */
#define EXIT_LOCKED		3	/* skipped: another run holds the lock */

extern const char *progname;

/* "ismap-jobs: error: ..." and friends, on stderr */
void		log_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		log_detail(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		log_hint(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		log_warning(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		log_info(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* a server message without its trailing newline, for log_* */
const char *trim_message(const char *msg, char *buf, size_t size);

/* s as a JSON string literal, quotes included */
void		json_string(FILE *out, const char *s);

/* true when s is a calendar date written YYYY-MM-DD */
bool		valid_iso_date(const char *s);

#endif
