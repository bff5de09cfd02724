/*
 * module.c — the one PG_MODULE_MAGIC of ismap.so, and its settings
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

void
_PG_init(void)
{
	/* error messages in the language of lc_messages (po/, "make install") */
	pg_bindtextdomain(TEXTDOMAIN);
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
	MarkGUCPrefixReserved("ismap");
}
