/*
 * drop_guard.c — DROP EXTENSION ismap (or DROP SCHEMA ismap) is refused
 * while the registry holds anything, unless a superuser asked for it.
 *
 * A registry is a public record: its registrations and hash-chained events
 * must not disappear by a routine "DROP EXTENSION" (without CASCADE it
 * would still delete every table of the extension).  The extension owns an
 * event trigger on ddl_command_start for DROP EXTENSION and DROP SCHEMA; it
 * calls ismap_drop_guard(), which reads the statement's parse tree (so it
 * knows which object is named, with no guessing from query text) and, when
 * ismap is about to go, counts registrations and events.  The switch
 * ismap.allow_drop (superuser only, never from a configuration file) lets
 * the drop through; docs/security.md, "Dangerous operations".
 */
#include "ismap.h"

#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"

bool		ismap_allow_drop = false;

/* does the DROP statement name the extension or its schema? */
static bool
drop_names_ismap(DropStmt *stmt)
{
	ListCell   *lc;

	if (stmt->removeType != OBJECT_EXTENSION && stmt->removeType != OBJECT_SCHEMA)
		return false;
	foreach(lc, stmt->objects)
	{
		Node	   *obj = (Node *) lfirst(lc);

		if (IsA(obj, String) && strcmp(strVal(obj), "ismap") == 0)
			return true;
	}
	return false;
}

/* registrations and events in the registry, or -1 when its tables are gone */
static void
count_registry(int64 *registrations, int64 *events)
{
	bool		isnull;

	*registrations = *events = -1;
	SPI_connect();
	if (SPI_execute("SELECT (SELECT pg_catalog.count(*) FROM ismap.registration),"
					" (SELECT pg_catalog.count(*) FROM ismap.registry_event)"
					" WHERE pg_catalog.to_regclass('ismap.registration') IS NOT NULL"
					"   AND pg_catalog.to_regclass('ismap.registry_event') IS NOT NULL",
					true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		*registrations = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		*events = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	}
	SPI_finish();
}

PG_FUNCTION_INFO_V1(ismap_drop_guard);
Datum
ismap_drop_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	int64		registrations;
	int64		events;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("ismap_drop_guard() may only be called as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	if (ismap_allow_drop || trigdata->parsetree == NULL || !IsA(trigdata->parsetree, DropStmt)
		|| !drop_names_ismap((DropStmt *) trigdata->parsetree))
		PG_RETURN_VOID();

	count_registry(&registrations, &events);
	if (registrations > 0 || events > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"ismap\" holds a registry and is not dropped"),
				 errdetail("%lld registrations and %lld events would be deleted.",
						   (long long) registrations, (long long) events),
				 errhint("Take a pg_dump first; to drop it anyway, a superuser sets ismap.allow_drop = on in the same session.")));
	PG_RETURN_VOID();
}
