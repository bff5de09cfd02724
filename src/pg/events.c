/*
 * events.c — checking the hash chain of the registry's event log
 *
 * Each event's hash is sha256(previous hash || canonical bytes), the
 * canonical bytes being ismap.event_digest_input(e):
 *
 *     event_id|occurred_at (UTC, YYYY-MM-DDTHH:MI:SS.USZ)|kind|
 *     registration_id|service_id|payload (jsonb text)|actor
 *
 * joined with concat_ws, so a NULL field is left out together with its
 * separator, and converted to UTF-8.  Checking the chain means walking the
 * log in event order and recomputing every hash; done in PL/pgSQL it spent
 * most of its time in the per-row SQL calls, so it is done here, with the
 * same bytes (sql/registry.sql checks the two against each other,
 * timestamps far from today included).
 *
 * The log is read through SPI, so row-level security and the caller's
 * privileges apply as they did to the PL/pgSQL version; the rows go to a
 * DestReceiver of ours and are never copied.
 *
 * Recomputing every hash costs about 3 µs an event (printing the payload as
 * JSON text is most of it), so a ten-year log of 200,000 events takes over
 * half a second.  The chain job (ismap.seal_event_chain) therefore records,
 * after a full check, a seal: the newest event, its hash, and a fingerprint
 * of the events up to it — of each event's id and row version (xmin and
 * ctid), which needs no column but the id, and not even the events in
 * order (fp_add), so that it is an aggregate (PostgreSQL could run it in
 * parallel; verify_event_chain runs it in one process).
 * verify_event_chain() then checks the sealed part by its fingerprint and
 * recomputes the hashes only after it.  Any UPDATE, DELETE or INSERT of a
 * sealed event changes the fingerprint and falls back to the full check,
 * which names the first bad event; if the full check passes but the sealed
 * event is gone or has another hash, the log was cut or rewritten after the
 * seal and that event is reported.  The answer is the full check's, or
 * stricter.  A change below SQL (a data file edited, a storage fault) keeps
 * the fingerprint: the nightly job's full check is what finds it.
 */
#include "ismap.h"

#include "access/xact.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "storage/itemptr.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* the columns of check_query, 0-based as in a slot */
enum
{
	EV_ID, EV_AT, EV_KIND, EV_REG, EV_SERVICE, EV_PAYLOAD, EV_ACTOR,
	EV_PREV, EV_HASH, EV_XMIN, EV_CTID, EV_NCOLS
};


#define DIGEST_LEN PG_SHA256_DIGEST_LENGTH
/* the seed of the fingerprint's row hashes ("seal") */
#define FP_SEED UINT64CONST(0x7365616c)

/*
 * the events after a given one, to recompute their hashes; actor as text
 * (a name before 0.3.0: the library may meet either during an upgrade)
 */
static const char *const check_query =
"SELECT event_id, occurred_at, kind, registration_id, service_id, payload, actor::pg_catalog.text, prev_hash, hash, xmin, ctid"
" FROM ismap.registry_event WHERE event_id > $1 ORDER BY event_id";

/* the fingerprint of the events up to the seal, and whether the sealed
 * event is there with the sealed hash (by the primary key) */
static const char *const sealed_query =
"SELECT ismap.event_chain_fingerprint(event_id, xmin, ctid),"
" EXISTS (SELECT FROM ismap.registry_event WHERE event_id = $1 AND hash = $2)"
" FROM ismap.registry_event WHERE event_id <= $1";

/*
 * to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), byte for
 * byte: YYYY is the year without era (1 BC is 0001), at least four digits.
 * Returns false where to_char returns NULL (infinite timestamps), so the
 * field is left out as concat_ws leaves out a NULL.
 */
static bool
append_utc_time(StringInfo buf, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			year;

	if (TIMESTAMP_NOT_FINITE(ts))
		return false;
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	year = tm.tm_year <= 0 ? 1 - tm.tm_year : tm.tm_year;
	appendStringInfo(buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
					 year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
					 tm.tm_sec, (int) fsec);
	return true;
}

static void
append_int8(StringInfo buf, int64 v)
{
	char		digits[MAXINT8LEN + 1];
	int			len = pg_lltoa(v, digits);

	appendBinaryStringInfo(buf, digits, len);
}

/* concat_ws('|', ...): a separator before every field present but the first */
static void
append_sep(StringInfo buf)
{
	appendStringInfoChar(buf, '|');
}

/* bytea datum equal to a digest (a NULL bytea equals nothing) */
static bool
bytea_equals(Datum d, bool isnull, const uint8 *bytes, int len)
{
	bytea	   *b;

	if (isnull)
		return false;
	b = DatumGetByteaPP(d);
	return VARSIZE_ANY_EXHDR(b) == len && memcmp(VARDATA_ANY(b), bytes, len) == 0;
}

static void
hash_or_die(int rc, pg_cryptohash_ctx *ctx)
{
	if (rc < 0)
		elog(ERROR, "could not compute a SHA-256 digest: %s", pg_cryptohash_error(ctx));
}

/*
 * The fingerprint of a set of events: two sums of 64-bit row hashes (one
 * added, one xor-ed), the count and the largest event id.  Its 32 bytes, in
 * this order, are what a seal stores.  Order-independent and combinable, so
 * that ismap.event_chain_fingerprint() can be a parallel aggregate.
 */
typedef struct FpState
{
	uint64		sum;
	uint64		xor;
	int64		count;
	int64		max;
} FpState;

StaticAssertDecl(sizeof(FpState) == DIGEST_LEN, "a fingerprint is 32 bytes");

static void
fp_init(FpState *st)
{
	st->sum = st->xor = 0;
	st->count = 0;
	st->max = PG_INT64_MIN;
}

/*
 * One event's part of the fingerprint: its id and the row version that
 * holds it (xmin and ctid).  Any UPDATE, DELETE or INSERT makes a new row
 * version or removes one, so a change made through SQL changes the
 * fingerprint without a column being read; VACUUM and freezing keep xmin
 * and ctid.  The 64-bit row hash (PostgreSQL's hash_bytes) is added to one
 * total and, rotated, xor-ed into the other.  It is a change detector, not
 * a commitment: whoever can rewrite events can rewrite the seal too, as he
 * can recompute the chain; against him only a published head helps
 * (docs/registry.md).  A change below SQL (a data file edited, a storage
 * fault) keeps the fingerprint and is the nightly full check's to find.
 */
static void
fp_add(FpState *st, int64 id, TransactionId xmin, ItemPointer tid)
{
	unsigned char rec[sizeof(int64) + sizeof(TransactionId) + sizeof(ItemPointerData)];
	uint64		h;

	memcpy(rec, &id, sizeof(id));
	memcpy(rec + sizeof(id), &xmin, sizeof(xmin));
	memcpy(rec + sizeof(id) + sizeof(xmin), tid, sizeof(ItemPointerData));
	h = hash_bytes_extended(rec, sizeof(rec), FP_SEED);
	st->sum += h;
	st->xor ^= (h << 29) | (h >> 35);
	st->count++;
	st->max = Max(st->max, id);
}

/* The state of one pass over the log: a DestReceiver with our fields. */
typedef struct ChainPass
{
	DestReceiver pub;

	/* the newest seal, if any */
	bool		have_seal;
	int64		seal_event;
	uint8		seal_hash[DIGEST_LEN];
	uint8		seal_fp[DIGEST_LEN];

	/* what the current pass does */
	bool		full;			/* check_query from the start: fingerprint too */

	/* results */
	int64		bad;			/* first bad event, or -1 */
	bool		seen_sealed_event;	/* the seal's event exists */
	bool		sealed_event_hash_ok;	/* ... with the sealed hash */
	int64		head_event;		/* the newest event, -1 for none */
	int64		rehashed;		/* events whose hash was recomputed */

	/* the link: hash of the previous event */
	uint8		prev[DIGEST_LEN];
	bool		have_prev;

	/* fingerprint of the events passed (a full pass) */
	FpState		fp;

	pg_cryptohash_ctx *sha;
	StringInfoData buf;
	bool		utf8;
	MemoryContext rowcxt;
} ChainPass;

static void
fingerprint_row(ChainPass *p, TupleTableSlot *slot)
{
	int64		id = DatumGetInt64(slot->tts_values[EV_ID]);

	fp_add(&p->fp, id, DatumGetTransactionId(slot->tts_values[EV_XMIN]),
		   (ItemPointer) DatumGetPointer(slot->tts_values[EV_CTID]));
	if (p->have_seal && id == p->seal_event)
	{
		p->seen_sealed_event = true;
		p->sealed_event_hash_ok =
			bytea_equals(slot->tts_values[EV_HASH], slot->tts_isnull[EV_HASH],
						 p->seal_hash, DIGEST_LEN);
	}
}

/* Recompute one event's hash and check its link; false if it is bad. */
static bool
check_row(ChainPass *p, TupleTableSlot *slot)
{
	StringInfo	buf = &p->buf;
	Datum	   *values = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	const char *bytes;
	int			nbytes;
	uint8		digest[DIGEST_LEN];

	/* the link: prev_hash IS NOT DISTINCT FROM the previous hash */
	if (p->have_prev ? !bytea_equals(values[EV_PREV], nulls[EV_PREV], p->prev, DIGEST_LEN)
		: !nulls[EV_PREV])
		return false;

	/* concat_ws('|', ...) of event_digest_input; a NULL is left out */
	resetStringInfo(buf);
	append_int8(buf, DatumGetInt64(values[EV_ID]));
	if (!nulls[EV_AT])
	{
		int			mark = buf->len;

		append_sep(buf);
		if (!append_utc_time(buf, DatumGetTimestampTz(values[EV_AT])))
		{
			buf->len = mark;
			buf->data[mark] = '\0';
		}
	}
	if (!nulls[EV_KIND])
	{
		text	   *t = DatumGetTextPP(values[EV_KIND]);

		append_sep(buf);
		appendBinaryStringInfo(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	if (!nulls[EV_REG])
	{
		append_sep(buf);
		append_int8(buf, DatumGetInt64(values[EV_REG]));
	}
	if (!nulls[EV_SERVICE])
	{
		append_sep(buf);
		append_int8(buf, DatumGetInt64(values[EV_SERVICE]));
	}
	if (!nulls[EV_PAYLOAD])
	{
		Jsonb	   *jb = DatumGetJsonbP(values[EV_PAYLOAD]);

		append_sep(buf);
		(void) JsonbToCString(buf, &jb->root, VARSIZE(jb));
	}
	if (!nulls[EV_ACTOR])
	{
		text	   *actor = DatumGetTextPP(values[EV_ACTOR]);

		append_sep(buf);
		appendBinaryStringInfo(buf, VARDATA_ANY(actor), VARSIZE_ANY_EXHDR(actor));
	}

	/* convert_to(..., 'UTF8') */
	bytes = buf->data;
	nbytes = buf->len;
	if (!p->utf8)
	{
		char	   *conv = pg_server_to_any(buf->data, buf->len, PG_UTF8);

		if (conv != buf->data)
		{
			bytes = conv;
			nbytes = strlen(conv);
		}
	}

	/* hash = sha256(COALESCE(prev_hash, '') || bytes) */
	hash_or_die(pg_cryptohash_init(p->sha), p->sha);
	if (p->have_prev)
		hash_or_die(pg_cryptohash_update(p->sha, p->prev, DIGEST_LEN), p->sha);
	hash_or_die(pg_cryptohash_update(p->sha, (const uint8 *) bytes, nbytes), p->sha);
	hash_or_die(pg_cryptohash_final(p->sha, digest, DIGEST_LEN), p->sha);
	p->rehashed++;
	if (!bytea_equals(values[EV_HASH], nulls[EV_HASH], digest, DIGEST_LEN))
		return false;
	memcpy(p->prev, digest, DIGEST_LEN);
	p->have_prev = true;
	return true;
}

static bool
chain_receive(TupleTableSlot *slot, DestReceiver *self)
{
	ChainPass  *p = (ChainPass *) self;
	MemoryContext oldcxt;
	int64		event_id;
	bool		go_on = true;

	slot_getallattrs(slot);
	oldcxt = MemoryContextSwitchTo(p->rowcxt);
	event_id = DatumGetInt64(slot->tts_values[EV_ID]);
	p->head_event = event_id;
	if (p->full)
		fingerprint_row(p, slot);
	if (!check_row(p, slot))
	{
		p->bad = event_id;
		go_on = false;
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(p->rowcxt);
	return go_on;
}

static void
chain_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	if (typeinfo->natts != EV_NCOLS)
		elog(ERROR, "unexpected shape of the event query");
}

static void
chain_noop(DestReceiver *self)
{
}

/* The newest seal, if there is one (and the caller may read it). */
static bool
read_seal(ChainPass *p)
{
	bool		isnull;
	Datum		d;
	bytea	   *b;

	if (SPI_execute("SELECT event_id, hash, fingerprint FROM ismap.event_chain_seal"
					" ORDER BY event_id DESC LIMIT 1", true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the event chain seal");
	if (SPI_processed == 0)
		return false;
	p->seal_event = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	b = DatumGetByteaPP(d);
	if (VARSIZE_ANY_EXHDR(b) != DIGEST_LEN)
		elog(ERROR, "malformed event chain seal");
	memcpy(p->seal_hash, VARDATA_ANY(b), DIGEST_LEN);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
	b = DatumGetByteaPP(d);
	if (VARSIZE_ANY_EXHDR(b) != DIGEST_LEN)
		elog(ERROR, "malformed event chain seal");
	memcpy(p->seal_fp, VARDATA_ANY(b), DIGEST_LEN);
	SPI_freetuptable(SPI_tuptable);
	return true;
}

/* One pass over the events after (or up to) "from", in event order. */
static void
run_pass(ChainPass *p, SPIPlanPtr plan, int64 from)
{
	SPIExecuteOptions options;
	ParamListInfo params = makeParamList(1);

	params->params[0].value = Int64GetDatum(from);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = INT8OID;

	fp_init(&p->fp);
	p->seen_sealed_event = p->sealed_event_hash_ok = false;

	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = &p->pub;
	if (SPI_execute_plan_extended(plan, &options) < 0)
		elog(ERROR, "could not read the registry events");
}

static SPIPlanPtr
prepare(const char *query)
{
	Oid			argtypes[1] = {INT8OID};
	SPIPlanPtr	plan = SPI_prepare(query, 1, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	return plan;
}

/*
 * The events up to the seal, by their fingerprint: one aggregate over a
 * scan in any order.  Planned without parallel workers: the scan is as fast
 * as the table's pages come, and on a small machine starting the workers
 * (each a new process that maps the pages it reads for the first time) took
 * longer than the half of the scan they did (docs/benchmarks.md).  True
 * when the fingerprint is the sealed one and the sealed event is there with
 * the sealed hash.
 */
static bool
sealed_part_unchanged(ChainPass *p)
{
	Oid			argtypes[2] = {INT8OID, BYTEAOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	bool		isnull;
	Datum		d;
	bytea	   *fp;
	bytea	   *h = palloc(VARHDRSZ + DIGEST_LEN);

	SET_VARSIZE(h, VARHDRSZ + DIGEST_LEN);
	memcpy(VARDATA(h), p->seal_hash, DIGEST_LEN);
	values[0] = Int64GetDatum(p->seal_event);
	values[1] = PointerGetDatum(h);
	plan = SPI_prepare(sealed_query, 2, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not fingerprint the sealed events");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	if (isnull || !DatumGetBool(d))
		return false;			/* the sealed event is gone or changed */
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	fp = DatumGetByteaPP(d);
	return VARSIZE_ANY_EXHDR(fp) == DIGEST_LEN &&
		memcmp(VARDATA_ANY(fp), p->seal_fp, DIGEST_LEN) == 0;
}

/*
 * Check the chain: from the newest seal unless full; on return p holds the
 * answer (bad < 0: intact) and, after a full pass that found it intact, the
 * newest event and the fingerprint up to it.
 */
static void
check_chain(ChainPass *p, bool full)
{
	memset(p, 0, sizeof(*p));
	p->pub.receiveSlot = chain_receive;
	p->pub.rStartup = chain_startup;
	p->pub.rShutdown = chain_noop;
	p->pub.rDestroy = chain_noop;
	p->pub.mydest = DestNone;
	p->utf8 = GetDatabaseEncoding() == PG_UTF8;
	p->bad = -1;
	p->head_event = -1;
	initStringInfo(&p->buf);
	p->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "ismap event row",
									  ALLOCSET_DEFAULT_SIZES);
	p->sha = pg_cryptohash_create(PG_SHA256);
	if (p->sha == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	p->have_seal = read_seal(p);

	if (p->have_seal && !full && sealed_part_unchanged(p))
	{
		/* recompute the hashes after the seal only */
		memcpy(p->prev, p->seal_hash, DIGEST_LEN);
		p->have_prev = true;
		p->head_event = p->seal_event;
		run_pass(p, prepare(check_query), p->seal_event);
		goto out;
	}

	/* every hash, from the first event */
	p->full = true;
	p->have_prev = false;
	p->head_event = -1;
	run_pass(p, prepare(check_query), PG_INT64_MIN);
	/* intact as a chain, yet the sealed event is gone or changed its hash */
	if (p->bad < 0 && p->have_seal && !(p->seen_sealed_event && p->sealed_event_hash_ok))
		p->bad = p->seal_event;
out:
	SPI_finish();
	pg_cryptohash_free(p->sha);
	p->sha = NULL;
}

/*
 * ismap.verify_event_chain(OUT ok bool, OUT first_bad_event int8): true and
 * NULL when every event links to the one before it and its hash covers its
 * content; else false and the first event whose content, link or order was
 * altered, or whose predecessor was removed (or the sealed event, when the
 * log was cut or rewritten after the newest seal).
 */
PG_FUNCTION_INFO_V1(ismap_verify_event_chain);
Datum
ismap_verify_event_chain(PG_FUNCTION_ARGS)
{
	TupleDesc	resdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	ChainPass	p;

	if (get_call_result_type(fcinfo, NULL, &resdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	resdesc = BlessTupleDesc(resdesc);

	check_chain(&p, false);

	values[0] = BoolGetDatum(p.bad < 0);
	if (p.bad < 0)
		nulls[1] = true;
	else
		values[1] = Int64GetDatum(p.bad);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(resdesc, values, nulls)));
}

/*
 * ismap.event_chain_full_check(OUT ok bool, OUT first_bad_event int8,
 * OUT events_checked int8, OUT head_event int8, OUT head_hash bytea,
 * OUT fingerprint bytea): every hash recomputed, seal or not; when intact,
 * the newest event, its hash and the fingerprint up to it, for a new seal.
 */
PG_FUNCTION_INFO_V1(ismap_event_chain_full_check);
Datum
ismap_event_chain_full_check(PG_FUNCTION_ARGS)
{
	TupleDesc	resdesc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, true, true, true};
	ChainPass	p;

	if (get_call_result_type(fcinfo, NULL, &resdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	resdesc = BlessTupleDesc(resdesc);

	check_chain(&p, true);

	values[0] = BoolGetDatum(p.bad < 0);
	if (p.bad < 0)
		nulls[1] = true;
	else
		values[1] = Int64GetDatum(p.bad);
	values[2] = Int64GetDatum(p.rehashed);
	if (p.bad < 0 && p.head_event >= 0)
	{
		bytea	   *h = palloc(VARHDRSZ + DIGEST_LEN);
		bytea	   *f = palloc(VARHDRSZ + DIGEST_LEN);

		SET_VARSIZE(h, VARHDRSZ + DIGEST_LEN);
		memcpy(VARDATA(h), p.prev, DIGEST_LEN);
		SET_VARSIZE(f, VARHDRSZ + DIGEST_LEN);
		memcpy(VARDATA(f), &p.fp, DIGEST_LEN);
		values[3] = Int64GetDatum(p.head_event);
		values[4] = PointerGetDatum(h);
		values[5] = PointerGetDatum(f);
		nulls[3] = nulls[4] = nulls[5] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(resdesc, values, nulls)));
}

/*
 * ismap.event_chain_fingerprint(event_id, xmin, ctid): the fingerprint
 * (FpState, as bytea) of the events aggregated.  The transition function
 * updates its state in place when called as an aggregate.
 */
PG_FUNCTION_INFO_V1(ismap_event_fingerprint_step);
Datum
ismap_event_fingerprint_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	bytea	   *state;
	FpState		st;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "ismap_event_fingerprint_step called outside an aggregate");
	if (PG_ARGISNULL(0))
	{
		state = MemoryContextAlloc(aggcxt, VARHDRSZ + DIGEST_LEN);
		SET_VARSIZE(state, VARHDRSZ + DIGEST_LEN);
		fp_init(&st);
	}
	else
	{
		state = PG_GETARG_BYTEA_P(0);
		memcpy(&st, VARDATA(state), DIGEST_LEN);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		elog(ERROR, "event id, xmin and ctid must not be null");
	fp_add(&st, PG_GETARG_INT64(1), DatumGetTransactionId(PG_GETARG_DATUM(2)),
		   (ItemPointer) PG_GETARG_POINTER(3));
	memcpy(VARDATA(state), &st, DIGEST_LEN);
	PG_RETURN_BYTEA_P(state);
}

/* two partial fingerprints (parallel workers) into one */
PG_FUNCTION_INFO_V1(ismap_event_fingerprint_combine);
Datum
ismap_event_fingerprint_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	FpState		a;
	FpState		b;
	bytea	   *out;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "ismap_event_fingerprint_combine called outside an aggregate");
	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	fp_init(&a);
	fp_init(&b);
	if (!PG_ARGISNULL(0))
		memcpy(&a, VARDATA(PG_GETARG_BYTEA_P(0)), DIGEST_LEN);
	if (!PG_ARGISNULL(1))
		memcpy(&b, VARDATA(PG_GETARG_BYTEA_P(1)), DIGEST_LEN);
	a.sum += b.sum;
	a.xor ^= b.xor;
	a.count += b.count;
	a.max = Max(a.max, b.max);
	out = MemoryContextAlloc(aggcxt, VARHDRSZ + DIGEST_LEN);
	SET_VARSIZE(out, VARHDRSZ + DIGEST_LEN);
	memcpy(VARDATA(out), &a, DIGEST_LEN);
	PG_RETURN_BYTEA_P(out);
}

/*
 * Whether a transaction id is the current transaction's or one of its
 * subtransactions' still in progress: the event chain's append asks it of
 * its lock row's xmax, to know whether this transaction already holds the
 * lock (then the queue was chained at its first append, and a reported
 * event may go straight into the log).
 */
PG_FUNCTION_INFO_V1(ismap_xid_is_current);
Datum
ismap_xid_is_current(PG_FUNCTION_ARGS)
{
	TransactionId xid = DatumGetTransactionId(PG_GETARG_DATUM(0));

	PG_RETURN_BOOL(TransactionIdIsNormal(xid) && TransactionIdIsCurrentTransactionId(xid));
}
