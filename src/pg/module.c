/*
 * module.c — the one PG_MODULE_MAGIC of ismap.so, and the module's settings
 */
#include "ismap.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Transaction-local context that the registry functions hand to the event
 * trigger (ismap.event_context, JSON) and the acknowledgements of an
 * approval (ismap.acknowledged, JSON array).  They are real settings so
 * that they work whether or not this library was loaded first, and so that
 * the "ismap" prefix can be reserved.  Not meant to be set by hand.
 */
static char *event_context = NULL;
static char *acknowledged = NULL;

/*
 * Set by ismap-jobs -v for progress messages (ismap.job_progress); it only
 * changes what is printed, never what a job does or records (the run a job
 * adopts is an argument of ismap.run_job); see docs/jobs.md.
 */
static bool job_progress = false;

void
_PG_init(void)
{
	/* error messages in the language of lc_messages (po/, "make install") */
	pg_bindtextdomain(TEXTDOMAIN);
	ismap_install_message_hook();
	/*
	 * The largest OSCAL document the importers accept, checked before the
	 * document is parsed (or even decompressed).  The rev4 catalog is 3.5 MB.
	 * Superuser-only: it guards the server's memory.
	 */
	DefineCustomIntVariable("ismap.max_document_size",
							"Largest OSCAL document the importers accept.",
							"Larger documents are refused before parsing.",
							&ismap_max_document_size,
							64 * 1024, 1, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomStringVariable("ismap.event_context",
							   "Context the registry functions add to registry events (internal).",
							   NULL, &event_context, "",
							   PGC_USERSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("ismap.acknowledged",
							   "Query codes acknowledged by the approval in progress (internal).",
							   NULL, &acknowledged, "",
							   PGC_USERSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	DefineCustomBoolVariable("ismap.job_progress",
							 "Batch functions report their progress as NOTICE messages.",
							 NULL, &job_progress, false,
							 PGC_USERSET, GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("ismap");
}
