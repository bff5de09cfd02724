/*
 * sampling.c — SQL functions for audit sampling (docs/sampling.md; the
 * scheme's sample table: docs/scheme.md §3.3.3(2)③)
 *
 * Thin wrappers over src/core/sampling.c: read the arguments, call the
 * core, turn a status into an error through errors.c.  The functions are
 * not STRICT where an argument has a meaningful NULL (population: "none");
 * a NULL in any other argument gives NULL, as a strict function would.
 */
#include "ismap.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "sampling.h"

/* Argument n as a population, NULL meaning "no population". */
static int64
population_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? SAMPLING_NO_POPULATION : PG_GETARG_INT64(n);
}

/*
 * ismap.attribute_sample_size(confidence float8, tolerable_rate float8,
 *     expected_rate float8 DEFAULT 0, population bigint DEFAULT NULL,
 *     model text DEFAULT 'binomial') int
 */
PG_FUNCTION_INFO_V1(ismap_attribute_sample_size);
Datum
ismap_attribute_sample_size(PG_FUNCTION_ARGS)
{
	ismap_sampling_args a = {0};
	sampling_model model;
	text	   *model_text;
	int64		n = 0;
	sampling_status st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(4))
		PG_RETURN_NULL();
	a.confidence = PG_GETARG_FLOAT8(0);
	a.tolerable_rate = PG_GETARG_FLOAT8(1);
	a.expected_rate = PG_GETARG_FLOAT8(2);
	a.population = population_arg(fcinfo, 3);
	model_text = PG_GETARG_TEXT_PP(4);
	if (!sampling_model_parse(VARDATA_ANY(model_text), VARSIZE_ANY_EXHDR(model_text), &model))
		ismap_sampling_model_error(text_to_cstring(model_text));

	st = sampling_attribute_sample_size(a.confidence, a.tolerable_rate, a.expected_rate,
										a.population, model, &n);
	if (st != SAMPLING_OK)
		ismap_sampling_error(st, &a);
	PG_RETURN_INT32((int32) n);
}

/*
 * ismap.upper_deviation_limit(sample_size int, deviations int,
 *     confidence float8, population bigint DEFAULT NULL) float8
 */
PG_FUNCTION_INFO_V1(ismap_upper_deviation_limit);
Datum
ismap_upper_deviation_limit(PG_FUNCTION_ARGS)
{
	ismap_sampling_args a = {0};
	double		limit = 0;
	sampling_status st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	a.sample_size = PG_GETARG_INT32(0);
	a.deviations = PG_GETARG_INT32(1);
	a.confidence = PG_GETARG_FLOAT8(2);
	a.population = population_arg(fcinfo, 3);

	st = sampling_upper_limit(a.sample_size, a.deviations, a.confidence, a.population, &limit);
	if (st != SAMPLING_OK)
		ismap_sampling_error(st, &a);
	PG_RETURN_FLOAT8(limit);
}

/* State of one draw_sample call: the sorted items and how many were returned. */
typedef struct draw_state
{
	int64	   *items;
	int64		n;
} draw_state;

/*
 * ismap.draw_sample(population bigint, n int, seed bigint) SETOF bigint
 *
 * The whole sample is drawn on the first call (it must be sorted anyway);
 * the workspace is freed at once, the items live until the last row.
 */
PG_FUNCTION_INFO_V1(ismap_draw_sample);
Datum
ismap_draw_sample(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	draw_state *ds;

	if (SRF_IS_FIRSTCALL())
	{
		ismap_sampling_args a = {0};
		MemoryContext oldcontext;
		sampling_slot *work;
		size_t		nslots;
		sampling_status st;

		a.draw = true;
		a.population = PG_GETARG_INT64(0);
		a.sample_size = PG_GETARG_INT32(1);

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		ds = (draw_state *) palloc0(sizeof(draw_state));
		/* validate before sizing anything by n */
		if (a.population < 0 || a.sample_size < 0 || a.sample_size > a.population ||
			a.sample_size > SAMPLING_DRAW_MAX_N)
			ismap_sampling_error(a.population < 0 ? SAMPLING_BAD_POPULATION :
								 a.sample_size < 0 ? SAMPLING_BAD_SAMPLE :
								 a.sample_size > a.population ? SAMPLING_SAMPLE_ABOVE_POPULATION :
								 SAMPLING_TOO_LARGE, &a);
		ds->n = a.sample_size;
		ds->items = (int64 *) palloc(sizeof(int64) * Max(ds->n, 1));
		nslots = sampling_draw_slots(ds->n);
		work = (sampling_slot *) palloc(sizeof(sampling_slot) * nslots);
		st = sampling_draw(a.population, ds->n, (uint64) PG_GETARG_INT64(2),
						   (int64_t *) ds->items, work, nslots);
		pfree(work);
		if (st != SAMPLING_OK)
			ismap_sampling_error(st, &a);
		funcctx->user_fctx = ds;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	ds = (draw_state *) funcctx->user_fctx;
	if ((int64) funcctx->call_cntr < ds->n)
	{
		/* SRF_RETURN_NEXT advances call_cntr before it reads its argument */
		Datum		item = Int64GetDatum(ds->items[funcctx->call_cntr]);

		SRF_RETURN_NEXT(funcctx, item);
	}
	SRF_RETURN_DONE(funcctx);
}
