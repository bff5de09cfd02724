/*
 * jobs/publish.h — the files of "ismap-jobs publish --out DIR" (publish.c)
 */
#ifndef ISMAP_JOBS_PUBLISH_H
#define ISMAP_JOBS_PUBLISH_H

#include "common.h"

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

/* the name of the job whose run writes files */
#define PUBLISH_JOB "publish"

/* can DIR be published to (not an existing non-directory nor a symbolic link, its name not too long, parent writable)? */
bool		publish_check_out(const char *out, char *err, size_t errsize);

/*
 * Read both programs' lists inside the caller's transaction, make the new
 * sibling of out (its path into staged) and start writing the workbooks
 * there in threads of their own, so that they overlap what the caller
 * does next on the connection; publish_build then writes the rest, and
 * publish_discard drops it.  On failure nothing is left behind.
 */
bool		publish_prepare(PGconn *conn, const char *out, const char *as_of, char *staged,
							size_t stagedsize, char *err, size_t errsize);

/*
 * Write both programs' files into the sibling publish_prepare made (made
 * here when it was not called), reading inside the caller's transaction;
 * on failure nothing is left behind.
 */
bool		publish_build(PGconn *conn, const char *out, const char *as_of, const char *run_id,
						  char *staged, size_t stagedsize, int *count, int *count_liu,
						  char *err, size_t errsize);

/* replace out by staged at once (the old set is then removed) */
bool		publish_swap(const char *staged, const char *out, char *err, size_t errsize);

/* remove a staged set that will not be published (its threads awaited) */
void		publish_discard(const char *staged);

#endif
