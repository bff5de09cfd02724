/*
 * csv.c — ismap.parse_csv(document text): CSV records as rows
 *
 * The loaders of spreadsheet-published control standards and mapping tables
 * are PL/pgSQL over this one set-returning function, so the parsing (and its
 * limits) lives once, in src/core/csv.c, unit-tested and fuzzed.
 */
#include "ismap.h"

#include "csv.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/*
 * ismap.parse_csv(document text) returns table (line int, fields text[]):
 * one row per record, line = the line on which it starts.
 */
PG_FUNCTION_INFO_V1(ismap_parse_csv);
Datum
ismap_parse_csv(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	csv_reader	r;
	csv_record *rec;
	csv_status	st;
	long		errline = 0;
	size_t		errpos = 0;
	Datum	   *elems;

	InitMaterializedSRF(fcinfo, 0);

	/* about 64 kB: on the heap, not the stack */
	rec = palloc(sizeof(csv_record));
	elems = palloc(sizeof(Datum) * CSV_MAX_FIELDS);
	csv_reader_init(&r, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc));

	while ((st = csv_next(&r, rec, &errline, &errpos)) == CSV_OK)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		int			i;

		for (i = 0; i < rec->nfields; i++)
			elems[i] = PointerGetDatum(cstring_to_text_with_len(rec->text + rec->start[i],
																rec->end[i] - rec->start[i]));
		values[0] = Int32GetDatum((int32) Min(rec->line, PG_INT32_MAX));
		values[1] = PointerGetDatum(construct_array(elems, rec->nfields, TEXTOID, -1, false, TYPALIGN_INT));
		/* the tuplestore keeps its own copy: free ours as we go */
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(DatumGetPointer(values[1]));
		for (i = 0; i < rec->nfields; i++)
			pfree(DatumGetPointer(elems[i]));
	}
	if (st != CSV_END)
		ismap_csv_error(st, errline);

	pfree(rec);
	pfree(elems);
	return (Datum) 0;
}
