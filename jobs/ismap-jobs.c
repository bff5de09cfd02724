/*
 * ismap-jobs — run the scheduled jobs of the ismap registry.
 *
 *   ismap-jobs [options] JOB|all
 *
 * A thin client on purpose (docs/jobs.md: psql and pg_cron call the same
 * functions and get the same result): the logic lives in SQL, and the jobs
 * are the rows of ismap.job (renewals, auditor-expiry, cascade, changes and
 * chain as shipped), so a job added there needs no change here.  This
 * program connects, checks that it talks to the extension version it was
 * built for, asks ismap.job which jobs exist (and their order for "all"),
 * records the run in ismap.job_run, calls ismap.run_job in one transaction
 * with that run's id, prints what it did and maps the outcome to an exit
 * code:
 *
 *   0  done (also: nothing to do, or connected to a hot standby)
 *   1  usage, connection or version mismatch
 *   2  a job failed during the run
 *   3  skipped: another run of the job holds its lock
 *
 * Why a running row is committed before the job: the job's own work and
 * its "succeeded" mark are one transaction, so a failure rolls both back.
 * The row committed first survives, and this program marks it failed or
 * skipped afterwards; if the program or the backend is killed, the next
 * run finds the row's session gone and marks it failed (stale).
 */
#include "common.h"
#include "publish.h"

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#ifndef ISMAP_JOBS_VERSION
#error "ISMAP_JOBS_VERSION is set by jobs/Makefile from ismap.control"
#endif

/* libpq 10 brought the SCRAM and target_session_attrs we rely on */
#define MIN_LIBPQ_VERSION	100000
#define MIN_SERVER_VERSION	150000

/* a row of ismap.job: the server says which jobs exist */
typedef struct JobDef
{
	char	   *name;			/* as on the command line and in job_run */
	char	   *description;
} JobDef;

/* how one run ended; the strings are the job_run statuses */
typedef enum RunStatus
{
	RUN_SUCCEEDED,
	RUN_FAILED,
	RUN_SKIPPED					/* another run holds the lock (55P03) */
} RunStatus;

static const char *
run_status_name(RunStatus status)
{
	switch (status)
	{
		case RUN_SUCCEEDED:
			return N_("succeeded");
		case RUN_FAILED:
			return N_("failed");
		case RUN_SKIPPED:
			return N_("skipped");
	}
	return N_("failed");
}

typedef enum OutputFormat
{
	FORMAT_TEXT,
	FORMAT_JSON
} OutputFormat;

typedef struct Options
{
	const char *dbname;
	const char *as_of;			/* NULL: the server's current date */
	bool		dry_run;
	bool		allow_future;	/* --allow-future-date */
	OutputFormat format;
	bool		quiet;
	bool		verbose;
	const char *out;			/* --out: the directory publish writes */
} Options;

/* counts per action name of one job; a job has a handful of actions */
#define MAX_ACTION_KINDS 16
typedef struct ActionCount
{
	char		name[64];
	long		count;
} ActionCount;

static Options opts;
static JobDef *jobs;			/* the rows of ismap.job, in run_order */
static int	njobs;
static bool json_first_job = true;
static double job_t0;			/* when the current job started, for -v */

static double now_seconds(void);

static void
usage(void)
{
	printf(_("%s runs the scheduled jobs of the ismap registry.\n\n"), progname);
	printf(_("Usage:\n  %s [OPTION]... JOB\n\n"), progname);
	printf(_("Jobs:\n"));
	printf(_("  JOB is a job_name of the table ismap.job in the database; as shipped:\n"));
	printf(_("  renewals, auditor-expiry, cascade, changes, chain and publish.  An unknown name\n"));
	printf(_("  lists the database's jobs.\n"));
	printf(_("  publish         write the published list as files into --out DIR\n"));
	printf(_("  all             every job of ismap.job, in its run_order (publish only with --out)\n\n"));
	printf(_("Options:\n"));
	printf(_("  -d, --dbname=CONNSTR   database to connect to (a name or a connection string)\n"));
	printf(_("      --as-of=DATE       run as of DATE (YYYY-MM-DD; default: the server's current date)\n"));
	printf(_("  -n, --dry-run          show what the job would do, change nothing\n"));
	printf(_("      --allow-future-date  run as of a date more than the policy's\n"
			 "                         max_as_of_ahead (7 days) after today\n"));
	printf(_("      --format=FORMAT    output format: text (default) or json\n"));
	printf(_("  -o, --out=DIR          publish: the directory to write (replaced at once)\n"));
	printf(_("  -q, --quiet            print nothing but errors\n"));
	printf(_("  -v, --verbose          print progress\n"));
	printf(_("  -V, --version          output version information, then exit\n"));
	printf(_("  -?, --help             show this help, then exit\n\n"));
	printf(_("Connection options come from the connection string and the PG* environment\n"));
	printf(_("variables (PGHOST, PGPORT, PGUSER, PGDATABASE, ...).\n\n"));
	printf(_("Exit status: 0 done or nothing to do (also on a hot standby, which is left\n"));
	printf(_("unchanged), 1 usage, connection or version error, 2 a job failed,\n"));
	printf(_("3 skipped because another run holds the job's lock.\n"));
}

static void usage_error(const char *fmt,...) __attribute__((format(printf, 1, 2), noreturn));

static void
usage_error(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s: %s", progname, _("error: "));
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
	log_hint("Try \"%s --help\" for more information.", progname);
	exit(EXIT_USAGE);
}

/*
 * Notices from the server: the batch functions send their progress as
 * DEBUG1 messages, which only -v asks for (client_min_messages); warnings
 * always show.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (severity != NULL && strcmp(severity, "WARNING") == 0)
		log_warning("%s", msg ? msg : "");
	else if (opts.verbose)
		fprintf(stderr, _("%s: progress: [%.3f s] %s\n"), progname, now_seconds() - job_t0, msg ? msg : "");
}

/* Run a query that must succeed (setup); on error report and exit 1. */
static PGresult *
must_query(PGconn *conn, const char *what, const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	char		buf[1024];

	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		log_error("%s failed: %s", what, trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
		PQclear(res);
		PQfinish(conn);
		exit(EXIT_USAGE);
	}
	return res;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
count_action(ActionCount *counts, int *ncounts, const char *action)
{
	int			i;

	for (i = 0; i < *ncounts; i++)
		if (strcmp(counts[i].name, action) == 0)
		{
			counts[i].count++;
			return;
		}
	if (*ncounts < MAX_ACTION_KINDS)
	{
		snprintf(counts[*ncounts].name, sizeof(counts[*ncounts].name), "%s", action);
		counts[*ncounts].count = 1;
		(*ncounts)++;
	}
}

/*
 * The actions of the shipped jobs, for the summary line (a person reads it;
 * the action lines and the JSON keep the names, which scripts read).  An
 * action of a job added later is printed by its name.
 */
static const char *const action_labels[] = {
	N_("expired"), N_("kept"), N_("notice"), N_("overdue"), N_("level_drift"),
	N_("exemption_ending"), N_("report_overdue"), N_("body_not_selected"),
	N_("delisted"), N_("agency_notice"), N_("partition_created"), N_("events_chained"),
	N_("covered"), N_("reinstated"), N_("suspended"), N_("limit_exceeded"),
	N_("limit_cleared"), N_("sealed"), N_("resealed"), N_("listing_repaired"),
	N_("listing_repair_deferred"), N_("listed"), N_("listed_liu"), N_("added"),
	N_("removed"), N_("changed")
};

static const char *
action_label(const char *action)
{
	size_t		i;

	for (i = 0; i < sizeof(action_labels) / sizeof(action_labels[0]); i++)
		if (strcmp(action, action_labels[i]) == 0)
			return _(action_labels[i]);
	return action;
}

/* "2 expired, 4 kept" or "nothing to do" */
static void
print_summary(FILE *out, const ActionCount *counts, int ncounts)
{
	int			i;

	if (ncounts == 0)
	{
		fputs(_("nothing to do"), out);
		return;
	}
	for (i = 0; i < ncounts; i++)
	{
		if (i)
			fputs(_(", "), out);
		/* TRANSLATORS: a count and an action of the summary line */
		fprintf(out, _("%ld %s"), counts[i].count, action_label(counts[i].name));
	}
}

/*
 * One language for what a run prints.  The server's sentences (the jobs'
 * details, a job's error) follow the session's lc_messages, this program's
 * own texts its locale.  A Japanese locale here (LANG=ja_JP.UTF-8) sets
 * lc_messages for the session (the roles of the extension may:
 * create_roles grants SET on it); a session that is Japanese already
 * (ALTER ROLE ... SET lc_messages) makes this program Japanese too when
 * its own locale was left at C.  Nothing fails when neither can be done.
 */
static void
match_languages(PGconn *conn)
{
	const char *mine = setlocale(LC_MESSAGES, NULL);
	const char *params[1];
	PGresult   *res;

	if (mine == NULL)
		return;
	if (strncmp(mine, "ja", 2) == 0)
	{
		const char *names[2] = {mine, "ja_JP.UTF-8"};
		int			i;

		for (i = 0; i < 2; i++)
		{
			params[0] = names[i];
			res = PQexecParams(conn, "SELECT pg_catalog.set_config('lc_messages', $1, false)",
							   1, NULL, params, NULL, NULL, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK)
			{
				PQclear(res);
				return;
			}
			PQclear(res);
		}
		if (opts.verbose)
			fprintf(stderr, _("%s: progress: the session's lc_messages stays as it is (it could not be set to %s)\n"),
					progname, mine);
		return;
	}
	if (strcmp(mine, "C") != 0 && strcmp(mine, "POSIX") != 0 && strncmp(mine, "C.", 2) != 0)
		return;
	res = PQexec(conn, "SELECT pg_catalog.current_setting('lc_messages')");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		strncmp(PQgetvalue(res, 0, 0), "ja", 2) == 0)
	{
		if (setlocale(LC_MESSAGES, PQgetvalue(res, 0, 0)) == NULL)
			setlocale(LC_MESSAGES, "ja_JP.UTF-8");
	}
	PQclear(res);
}

/* Finish a recorded run as failed or skipped, in its own transaction. */
static void
finish_run(PGconn *conn, const char *run_id, RunStatus status, const char *message)
{
	const char *params[3] = {run_id, run_status_name(status), message};
	PGresult   *res;
	char		buf[1024];

	if (run_id == NULL || PQstatus(conn) != CONNECTION_OK)
		return;
	res = PQexecParams(conn, "SELECT ismap.job_finish($1::pg_catalog.int8, $2, $3)",
					   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		log_warning("could not record the run as %s: %s", run_status_name(status),
					trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
	PQclear(res);
}

/*
 * Run one job; returns its exit code.  Rows stream in single-row mode, so
 * a run that expires a million registrations does not need them all in
 * memory here, and -v can count them as they come.
 */
static int
run_job(PGconn *conn, const JobDef *job, const char *as_of)
{
	char		buf[2048];
	char	   *run_id = NULL;
	const char *params[5];
	PGresult   *res;
	ActionCount counts[MAX_ACTION_KINDS];
	int			ncounts = 0;
	long		nrows = 0;
	int			rc = EXIT_DONE;
	RunStatus	status = RUN_SUCCEEDED;
	char		sqlstate[6] = "";
	char		errmsg[1024] = "";
	char		errdetail[1024] = "";
	char		staged[4096] = "";
	char		perr[1024];
	bool		prepared = false;
	double		t0 = now_seconds();

	job_t0 = t0;

	if (opts.verbose)
		fprintf(stderr, opts.dry_run ? _("%s: progress: %s: starting (as of %s, dry run)\n")
				: _("%s: progress: %s: starting (as of %s)\n"), progname, job->name, as_of);

	/* 1. a committed running row (a dry run records nothing) */
	if (!opts.dry_run)
	{
		params[0] = job->name;
		params[1] = as_of;
		res = PQexecParams(conn, "SELECT ismap.job_start($1, $2::pg_catalog.date)",
						   2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			log_error("%s: could not record the run: %s", job->name,
					  trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
			PQclear(res);
			return EXIT_FAILED;
		}
		run_id = strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
		if (run_id == NULL)
		{
			log_error("out of memory");
			return EXIT_FAILED;
		}
	}

	/*
	 * 2. the job in one transaction: ismap.run_job adopts the running row,
	 * whose id is an argument (never a session setting).  publish reads
	 * in several statements (the lists, its step, the changes, the
	 * matrices): one snapshot for all of them (REPEATABLE READ), so that
	 * its files and its recorded run agree with each other even when a
	 * registration changes while it runs
	 */
	res = PQexec(conn, strcmp(job->name, PUBLISH_JOB) == 0 ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		snprintf(errmsg, sizeof(errmsg), "%s", trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
		status = RUN_FAILED;
	}
	PQclear(res);
	/*
	 * publish: the lists read and the workbooks begun in the job's
	 * transaction before its step, which they overlap (the files are
	 * finished in 2b, or dropped if the step does not succeed)
	 */
	if (status != RUN_FAILED && !opts.dry_run && strcmp(job->name, PUBLISH_JOB) == 0)
	{
		if (publish_prepare(conn, opts.out, as_of, staged, sizeof(staged), perr, sizeof(perr)))
			prepared = true;
		else
		{
			snprintf(errmsg, sizeof(errmsg), "%s", perr);
			status = RUN_FAILED;
		}
	}
	params[0] = job->name;
	params[1] = as_of;
	params[2] = opts.dry_run ? "true" : "false";
	params[3] = run_id;			/* NULL for a dry run */
	params[4] = opts.allow_future ? "true" : "false";
	if (status != RUN_FAILED &&
		(!PQsendQueryParams(conn,
							"SELECT action, object_id, detail FROM ismap.run_job($1, $2::pg_catalog.date, "
							"$3::pg_catalog.bool, $4::pg_catalog.int8, $5::pg_catalog.bool)",
							5, NULL, params, NULL, NULL, 0) || !PQsetSingleRowMode(conn)))
	{
		snprintf(errmsg, sizeof(errmsg), "%s", trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
		status = RUN_FAILED;
	}

	if (opts.format == FORMAT_JSON)
	{
		printf("%s\n  {\"job\": ", json_first_job ? "" : ",");
		json_first_job = false;
		json_string(stdout, job->name);
		printf(", \"actions\": [");
	}

	while (status != RUN_FAILED && (res = PQgetResult(conn)) != NULL)
	{
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE)
		{
			const char *action = PQgetvalue(res, 0, 0);
			const char *object_id = PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1);
			const char *detail = PQgetvalue(res, 0, 2);

			count_action(counts, &ncounts, action);
			if (opts.format == FORMAT_JSON)
			{
				printf("%s\n    {\"action\": ", nrows ? "," : "");
				json_string(stdout, action);
				printf(", \"object_id\": %s, \"detail\": ", object_id ? object_id : "null");
				json_string(stdout, detail);
				putchar('}');
			}
			else if (!opts.quiet)
				printf("%s\t%s\t%s\t%s\n", job->name, action, object_id ? object_id : "", detail);
			nrows++;
			if (opts.verbose && nrows % 100000 == 0)
				fprintf(stderr, _("%s: progress: %s: %ld actions so far\n"), progname, job->name, nrows);
		}
		else if (st != PGRES_TUPLES_OK)
		{
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);

			snprintf(sqlstate, sizeof(sqlstate), "%s", state ? state : "");
			snprintf(errmsg, sizeof(errmsg), "%s",
					 primary ? primary : trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
			snprintf(errdetail, sizeof(errdetail), "%s", detail ? detail : "");
			status = strcmp(sqlstate, "55P03") == 0 ? RUN_SKIPPED : RUN_FAILED;
		}
		PQclear(res);
	}
	/* drain whatever is left after an error */
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);

	/*
	 * 2b. publish: the files, read in the job's transaction, written into a
	 * sibling directory and swapped in before the commit (a failed commit
	 * leaves a publication the ledger does not know: the next changes.csv
	 * then counts from the publish before, a superset)
	 */
	if (prepared && status != RUN_SUCCEEDED)
		publish_discard(staged);
	else if (status == RUN_SUCCEEDED && !opts.dry_run && strcmp(job->name, PUBLISH_JOB) == 0)
	{
		int			count = 0,
					count_liu = 0;

		if (!publish_build(conn, opts.out, as_of, run_id, staged, sizeof(staged), &count, &count_liu,
						   perr, sizeof(perr)) ||
			!publish_swap(staged, opts.out, perr, sizeof(perr)))
		{
			snprintf(errmsg, sizeof(errmsg), "%s", perr);
			status = RUN_FAILED;
		}
		else if (opts.verbose)
			fprintf(stderr, _("%s: progress: %s: %d registrations (ISMAP-LIU: %d) written to %s\n"),
					progname, job->name, count, count_liu, opts.out);
	}

	/* 3. commit, or roll back and record why */
	if (status == RUN_SUCCEEDED)
	{
		res = PQexec(conn, opts.dry_run ? "ROLLBACK" : "COMMIT");
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			snprintf(errmsg, sizeof(errmsg), "%s", trim_message(PQerrorMessage(conn), buf, sizeof(buf)));
			status = RUN_FAILED;
		}
		PQclear(res);
	}
	else if (PQstatus(conn) == CONNECTION_OK)
	{
		res = PQexec(conn, "ROLLBACK");
		PQclear(res);
	}

	if (status == RUN_SKIPPED)
	{
		rc = EXIT_LOCKED;
		if (!opts.quiet)
		{
			log_info("%s: skipped: %s", job->name, errmsg);
			if (errdetail[0])
				log_detail("%s", errdetail);
		}
		finish_run(conn, run_id, RUN_SKIPPED, errmsg);
	}
	else if (status == RUN_FAILED)
	{
		rc = EXIT_FAILED;
		if (sqlstate[0])
			log_error("%s failed: %s (SQLSTATE %s)", job->name, errmsg, sqlstate);
		else
			log_error("%s failed: %s", job->name, errmsg);
		if (errdetail[0])
			log_detail("%s", errdetail);
		if (PQstatus(conn) != CONNECTION_OK)
			log_detail("The connection was lost; the next run marks this run failed and does its work again.");
		finish_run(conn, run_id, RUN_FAILED, errmsg);
	}

	if (opts.format == FORMAT_JSON)
	{
		int			i;

		printf("%s], \"status\": ", nrows ? "\n  " : "");
		json_string(stdout, opts.dry_run && rc == EXIT_DONE ? "dry run" : run_status_name(status));
		printf(", \"run_id\": %s, \"counts\": {", run_id ? run_id : "null");
		for (i = 0; i < ncounts; i++)
		{
			printf("%s", i ? ", " : "");
			json_string(stdout, counts[i].name);
			printf(": %ld", counts[i].count);
		}
		putchar('}');
		if (rc != EXIT_DONE)
		{
			printf(", \"sqlstate\": ");
			if (sqlstate[0])
				json_string(stdout, sqlstate);
			else
				printf("null");
			printf(", \"error\": ");
			json_string(stdout, errmsg);
		}
		printf(", \"seconds\": %.3f}", now_seconds() - t0);
	}
	else if (rc == EXIT_DONE && !opts.quiet)
	{
		printf("%s: ", job->name);
		print_summary(stdout, counts, ncounts);
		if (opts.dry_run)
			printf(_(" (dry run as of %s: nothing was changed)\n"), as_of);
		else
			printf(_(" (as of %s, run %s)\n"), as_of, run_id);
	}
	if (opts.verbose)
		fprintf(stderr, _("%s: progress: %s: %s after %.3f s\n"), progname, job->name, _(run_status_name(status)),
				now_seconds() - t0);
	free(run_id);
	return rc;
}

/*
 * Read the jobs from ismap.job, in the order "all" runs them, and check
 * that the job asked for is one of them; an unknown name is a usage error
 * (exit 1) that lists the database's jobs.
 */
static void
load_jobs(PGconn *conn, const char *jobname)
{
	PGresult   *res;
	bool		found = false;
	int			i;

	res = must_query(conn, "reading the jobs",
					 "SELECT job_name, description FROM ismap.job ORDER BY run_order, job_name", 0, NULL);
	njobs = PQntuples(res);
	jobs = calloc((size_t) (njobs > 0 ? njobs : 1), sizeof(JobDef));
	if (jobs == NULL)
	{
		log_error("out of memory");
		PQclear(res);
		PQfinish(conn);
		exit(EXIT_USAGE);
	}
	for (i = 0; i < njobs; i++)
	{
		jobs[i].name = strdup(PQgetvalue(res, i, 0));
		jobs[i].description = strdup(PQgetvalue(res, i, 1));
		if (jobs[i].name == NULL || jobs[i].description == NULL)
		{
			log_error("out of memory");
			PQclear(res);
			PQfinish(conn);
			exit(EXIT_USAGE);
		}
		if (strcmp(jobname, jobs[i].name) == 0)
			found = true;
	}
	PQclear(res);
	if (found || strcmp(jobname, "all") == 0)
		return;

	fprintf(stderr, "%s: %s", progname, _("error: "));
	fprintf(stderr, _("unknown job \"%s\": database \"%s\" has these jobs (table ismap.job):\n"),
			jobname, PQdb(conn));
	for (i = 0; i < njobs; i++)
		fprintf(stderr, "  %-16s %s\n", jobs[i].name, jobs[i].description);
	fprintf(stderr, "  %-16s %s\n", "all", _("every job above, in this order"));
	log_hint("Try \"%s --help\" for more information.", progname);
	PQfinish(conn);
	exit(EXIT_USAGE);
}

/* Major and minor ("0.3" of "0.3.1") must match; the patch level may differ. */
static bool
versions_compatible(const char *a, const char *b)
{
	const char *pa = strchr(a, '.');
	const char *pb = strchr(b, '.');

	if (pa == NULL || pb == NULL)
		return strcmp(a, b) == 0;
	pa = strchr(pa + 1, '.');
	pb = strchr(pb + 1, '.');
	if (pa == NULL)
		pa = a + strlen(a);
	if (pb == NULL)
		pb = b + strlen(b);
	return (pa - a) == (pb - b) && strncmp(a, b, (size_t) (pa - a)) == 0;
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"as-of", required_argument, NULL, 'a'},
		{"dry-run", no_argument, NULL, 'n'},
		{"allow-future-date", no_argument, NULL, 'F'},
		{"format", required_argument, NULL, 'f'},
		{"out", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, '?'},
		{NULL, 0, NULL, 0}
	};
	const char *keywords[3];
	const char *values[3];
	const char *jobname;
	const char *params[1];
	PGconn	   *conn;
	PGresult   *res;
	char		as_of[16];
	char		buf[1024];
	int			c;
	int			i;
	int			rc = EXIT_DONE;
	bool		any_failed = false;
	bool		any_skipped = false;

	init_nls();

	/* --help and --version work alone, like the PostgreSQL programs */
	if (argc > 1)
	{
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0)
		{
			usage();
			return EXIT_DONE;
		}
		if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		{
			printf("%s (pg_ismap) %s\n", progname, ISMAP_JOBS_VERSION);
			return EXIT_DONE;
		}
	}

	opts.format = FORMAT_TEXT;
	opterr = 0;					/* our own messages, in our own style */
	while ((c = getopt_long(argc, argv, "d:no:qvV?", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				opts.dbname = optarg;
				break;
			case 'a':
				if (!valid_iso_date(optarg))
					usage_error("invalid date \"%s\" for --as-of: use YYYY-MM-DD", optarg);
				opts.as_of = optarg;
				break;
			case 'n':
				opts.dry_run = true;
				break;
			case 'F':
				opts.allow_future = true;
				break;
			case 'f':
				if (strcmp(optarg, "text") == 0)
					opts.format = FORMAT_TEXT;
				else if (strcmp(optarg, "json") == 0)
					opts.format = FORMAT_JSON;
				else
					usage_error("invalid output format \"%s\": use text or json", optarg);
				break;
			case 'o':
				opts.out = optarg;
				break;
			case 'q':
				opts.quiet = true;
				break;
			case 'v':
				opts.verbose = true;
				break;
			case 'V':
				printf("%s (pg_ismap) %s\n", progname, ISMAP_JOBS_VERSION);
				return EXIT_DONE;
			case '?':
				if (optopt == 0 && strcmp(argv[optind - 1], "-?") == 0)
				{
					usage();
					return EXIT_DONE;
				}
				if (optopt == 0 && strcmp(argv[optind - 1], "--help") == 0)
				{
					usage();
					return EXIT_DONE;
				}
				if (optopt == 'd')
					usage_error("%s", "option -d/--dbname needs an argument");
				if (optopt == 'a')
					usage_error("%s", "option --as-of needs an argument");
				if (optopt == 'f')
					usage_error("%s", "option --format needs an argument");
				if (optopt == 'o')
					usage_error("option -o/--out needs an argument");
				if (optopt != 0)
					usage_error("invalid option -- '%c'", optopt);
				usage_error("invalid or incomplete option \"%s\"", argv[optind - 1]);
			default:
				log_hint("Try \"%s --help\" for more information.", progname);
				return EXIT_USAGE;
		}
	}
	if (opts.quiet && opts.verbose)
		usage_error("%s", "options -q/--quiet and -v/--verbose cannot be used together");
	if (optind >= argc)
		usage_error("%s", "no job given: use a job of the table ismap.job, or all");
	if (optind + 1 < argc)
		usage_error("too many command-line arguments (first is \"%s\")", argv[optind + 1]);
	jobname = argv[optind];
	if (strcmp(jobname, PUBLISH_JOB) == 0 && opts.out == NULL)
		usage_error("publish needs --out DIR");
	if (opts.out != NULL && strcmp(jobname, PUBLISH_JOB) != 0 && strcmp(jobname, "all") != 0)
		usage_error("option --out is for publish (or all) only");
	if (opts.out != NULL)
	{
		char		err[1024];

		/* refused before anything runs: the previous publication stays */
		if (!publish_check_out(opts.out, err, sizeof(err)))
		{
			log_error("%s", err);
			return EXIT_USAGE;
		}
	}

	if (PQlibVersion() < MIN_LIBPQ_VERSION)
	{
		log_error("libpq version %d is too old", PQlibVersion());
		log_detail("This program needs libpq %d or later.", MIN_LIBPQ_VERSION);
		return EXIT_USAGE;
	}

	/* connect: a conninfo or a name in -d, the rest from PG* variables */
	keywords[0] = "dbname";
	values[0] = opts.dbname;
	keywords[1] = "fallback_application_name";
	values[1] = progname;
	keywords[2] = NULL;
	values[2] = NULL;
	conn = PQconnectdbParams(keywords, values, true);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		log_error("connection to database failed: %s",
				  trim_message(conn ? PQerrorMessage(conn) : "out of memory", buf, sizeof(buf)));
		PQfinish(conn);
		return EXIT_USAGE;
	}
	PQsetNoticeReceiver(conn, notice_receiver, NULL);

	/* nothing the session's search_path holds can stand in for our objects */
	res = must_query(conn, "emptying search_path",
					 "SELECT pg_catalog.set_config('search_path', '', false)", 0, NULL);
	PQclear(res);
	match_languages(conn);

	if (PQserverVersion(conn) < MIN_SERVER_VERSION)
	{
		log_error("server version %d is not supported", PQserverVersion(conn));
		log_detail("This program needs PostgreSQL 15 or later.");
		PQfinish(conn);
		return EXIT_USAGE;
	}

	/* the version handshake: the extension this program was built for */
	res = must_query(conn, "reading the extension version",
					 "SELECT extversion FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'ismap'",
					 0, NULL);
	if (PQntuples(res) == 0)
	{
		log_error("extension \"ismap\" is not installed in database \"%s\"", PQdb(conn));
		log_hint("Run CREATE EXTENSION ismap, or connect to the registry's database with -d.");
		PQclear(res);
		PQfinish(conn);
		return EXIT_USAGE;
	}
	if (!versions_compatible(PQgetvalue(res, 0, 0), ISMAP_JOBS_VERSION))
	{
		log_error("extension \"ismap\" version %s does not match %s version %s",
				  PQgetvalue(res, 0, 0), progname, ISMAP_JOBS_VERSION);
		log_hint("Install the ismap-jobs built with the extension, or ALTER EXTENSION ismap UPDATE.");
		PQclear(res);
		PQfinish(conn);
		return EXIT_USAGE;
	}
	PQclear(res);

	/* the jobs are the server's rows (an unknown name is a usage error) */
	load_jobs(conn, jobname);

	/* one date for every job of this invocation */
	params[0] = opts.as_of;
	res = must_query(conn, "resolving the date",
					 "SELECT COALESCE($1::pg_catalog.date, CURRENT_DATE)::pg_catalog.text, pg_catalog.pg_is_in_recovery()",
					 1, params);
	snprintf(as_of, sizeof(as_of), "%s", PQgetvalue(res, 0, 0));

	/* a hot standby: no row can be locked there and every write fails */
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0)
	{
		PQclear(res);
		if (opts.format == FORMAT_JSON)
		{
			printf("{\"as_of\": ");
			json_string(stdout, as_of);
			printf(", \"dry_run\": %s, \"standby\": true, \"jobs\": []}\n", opts.dry_run ? "true" : "false");
		}
		else if (!opts.quiet)
			printf(_("%s: connected to a hot standby (server in recovery): nothing was changed\n"), progname);
		PQfinish(conn);
		return EXIT_DONE;
	}
	PQclear(res);

	/*
	 * A mistyped year (2207 for 2027) would end every registration at once:
	 * a date past the policy's max_as_of_ahead needs --allow-future-date.
	 * ismap.run_job refuses it too; checking here first records no failed
	 * runs and names the option.
	 */
	if (!opts.allow_future)
	{
		const char *p1[1];

		p1[0] = as_of;
		res = must_query(conn, "checking the date",
						 "SELECT $1::pg_catalog.date > CURRENT_DATE + (ismap.policy_value('max_as_of_ahead') #>> '{}')::pg_catalog.interval, "
						 "ismap.policy_value('max_as_of_ahead') #>> '{}'",
						 1, p1);
		if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		{
			log_error("--as-of=%s is more than %s after today", as_of, PQgetvalue(res, 0, 1));
			log_hint("Check the date; to run ahead on purpose, add --allow-future-date.");
			PQclear(res);
			PQfinish(conn);
			return EXIT_USAGE;
		}
		PQclear(res);
	}

	if (opts.verbose)
	{
		res = must_query(conn, "enabling progress messages",
						 "SELECT pg_catalog.set_config('client_min_messages', 'debug1', false)", 0, NULL);
		PQclear(res);
		/* what this invocation is about to do, before it does it */
		fprintf(stderr, opts.dry_run ? _("%s: plan: as of %s, dry run:") : _("%s: plan: as of %s:"),
				progname, as_of);
		for (i = 0; i < njobs; i++)
			if ((strcmp(jobname, "all") == 0 || strcmp(jobname, jobs[i].name) == 0)
				&& (opts.out != NULL || strcmp(jobs[i].name, PUBLISH_JOB) != 0))
				fprintf(stderr, " %s", jobs[i].name);
		fprintf(stderr, "\n");
	}

	if (opts.format == FORMAT_JSON)
	{
		printf("{\"as_of\": ");
		json_string(stdout, as_of);
		printf(", \"dry_run\": %s, \"standby\": false, \"jobs\": [", opts.dry_run ? "true" : "false");
	}
	for (i = 0; i < njobs; i++)
	{
		int			job_rc;

		if (strcmp(jobname, "all") != 0 && strcmp(jobname, jobs[i].name) != 0)
			continue;
		/* all publishes only when told where */
		if (strcmp(jobs[i].name, PUBLISH_JOB) == 0 && opts.out == NULL)
			continue;
		job_rc = run_job(conn, &jobs[i], as_of);
		if (job_rc == EXIT_FAILED)
			any_failed = true;
		else if (job_rc == EXIT_LOCKED)
			any_skipped = true;
		/* without a connection the remaining jobs cannot run */
		if (PQstatus(conn) != CONNECTION_OK)
			break;
	}
	if (opts.format == FORMAT_JSON)
		printf("\n]}\n");
	fflush(stdout);
	PQfinish(conn);

	/* a failure outranks a skip: both mean the work was not done */
	if (any_failed)
		rc = EXIT_FAILED;
	else if (any_skipped)
		rc = EXIT_LOCKED;
	return rc;
}
