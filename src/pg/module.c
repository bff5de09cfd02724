/*
 * module.c — the one PG_MODULE_MAGIC of ismap.so, and the module's settings
 */
#include "ismap.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

/* PostgreSQL 15's fmgr.h does not declare it: exported by hand */
extern PGDLLEXPORT void _PG_init(void);

/*
 * No setting carries facts into the record: since 0.3.0 the registry events
 * take their context from the rows (docs/registry.md) and the
 * acknowledgements of an approval are an argument recorded on the
 * application.  ismap.event_context and ismap.acknowledged are still
 * defined, and read by nothing, only so that the SQL of 0.1.0 and 0.2.0
 * (which sets them) keeps working with this library until ALTER EXTENSION
 * ismap UPDATE: the "ismap" prefix is reserved, and setting an undefined
 * ismap.* name is an error.
 */
static char *event_context = NULL;
static char *acknowledged = NULL;

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
							   "Ignored since 0.3.0 (set by the SQL of earlier versions).",
							   NULL, &event_context, "",
							   PGC_USERSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("ismap.acknowledged",
							   "Ignored since 0.3.0 (set by the SQL of earlier versions).",
							   NULL, &acknowledged, "",
							   PGC_USERSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	/*
	 * DROP EXTENSION ismap on a registry that holds registrations or events
	 * is refused unless this is on (drop_guard.c).  Superuser only, and
	 * never from a configuration file: an intent stated in the session.
	 */
	DefineCustomBoolVariable("ismap.allow_drop",
							 "Lets DROP EXTENSION ismap delete a registry that holds registrations or events.",
							 NULL, &ismap_allow_drop, false,
							 PGC_SUSET, GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("ismap");
}
