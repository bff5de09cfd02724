/*
 * validate.c — ismap.validate_application: fetch with SPI, judge in core
 *
 * Two queries bring in what one application needs: the head (the
 * application with its audit, service, audit body, lead auditor, the policy
 * and the disclosure: one row) and the rows (one result of tagged rows:
 * the statement, the results with those of additional audits, the control
 * tests, the audit body's selections, the auditor's qualifications, the
 * platforms, the open review findings, the overdue remediation plans).  The
 * reference lists (the standard's mandatory controls, the baseline) are
 * read once per snapshot and kept while it sees the same data; the
 * inherited controls only when the statement has some.
 * src/core/validate.c then evaluates every rule in memory and each finding
 * becomes a row.  The plans are made once per backend and kept (generic
 * plans: nothing is planned per call).
 */
#include "ismap.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "access/xact.h"
#include "storage/proc.h"
#include "utils/snapmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

#include "validate.h"

/* column n (1-based) of row r of the last SPI result */
static Datum
col(int r, int n, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, n, isnull);
}

static char *
col_text(int r, int n)
{
	bool		isnull;
	Datum		d = col(r, n, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static int32
col_date(int r, int n)
{
	bool		isnull;
	Datum		d = col(r, n, &isnull);

	return isnull ? VL_NO_DATE : (int32) DatumGetDateADT(d);
}

static int64
col_int(int r, int n)
{
	bool		isnull;
	Datum		d = col(r, n, &isnull);

	if (isnull)
		return 0;
	switch (SPI_gettypeid(SPI_tuptable->tupdesc, n))
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

static bool
col_bool(int r, int n)
{
	bool		isnull;
	Datum		d = col(r, n, &isnull);

	return !isnull && DatumGetBool(d);
}

static double
col_float(int r, int n)
{
	bool		isnull;
	Datum		d = col(r, n, &isnull);

	return isnull ? 0.0 : DatumGetFloat8(d);
}

/*
 * The queries are planned once per backend and kept (SPI_keepplan), as
 * generic plans (planning per call would cost more than the call); the plan
 * cache re-plans them when the objects they use change.
 */
enum
{
	Q_CALLER, Q_HEAD, Q_POLICY, Q_STATED, Q_RESULTS, Q_ROWS, Q_REFERENCE, Q_INHERITED, NQUERIES
};
static SPIPlanPtr plans[NQUERIES];

static void
run(int which, const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc;

	if (plans[which] == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "could not prepare validation query: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep validation query plan");
		plans[which] = plan;
	}
	rc = SPI_execute_plan(plans[which], values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "validation query failed: %s", SPI_result_code_string(rc));
}

/* $1 application: whether the person who acted sees it (see below) */
static const char q_caller[] =
"SELECT 1 FROM ismap.application a WHERE a.application_id OPERATOR(pg_catalog.=) $1";

/*
 * The policy parameters validation reads through ismap.policy_value (which
 * refuses a missing one with 42704): the head names the first one missing,
 * in this order.
 */
#define HEAD_POLICIES \
"ARRAY['audit_period_max', 'registration_validity', 'auditor_min_experience_years', 'auditor_nationality'," \
" 'control_standard', 'auditor_qualifications']"

/*
 * The policy, in one row: read in one pass over ismap.policy (v ->> name is
 * policy_value(name) #>> '{}'), the same for every application: kept per
 * snapshot with the reference lists (see policy_row).  Column 9 names the
 * first of HEAD_POLICIES missing.
 */
static const char q_policy[] =
"WITH pol AS (SELECT pg_catalog.jsonb_object_agg(p.name, p.value) AS v FROM ismap.policy p)"
"SELECT (pol.v OPERATOR(pg_catalog.->>) 'audit_period_max')::pg_catalog.interval,"
"       pol.v OPERATOR(pg_catalog.->>) 'audit_period_max',"
"       (pol.v OPERATOR(pg_catalog.->>) 'registration_validity')::pg_catalog.interval,"
"       (pol.v OPERATOR(pg_catalog.->>) 'auditor_min_experience_years')::pg_catalog.int4,"
"       pol.v OPERATOR(pg_catalog.->>) 'auditor_nationality',"
"       pol.v OPERATOR(pg_catalog.->>) 'control_standard',"
"       COALESCE((pol.v OPERATOR(pg_catalog.->>) 'sampling_tolerable_rate')::pg_catalog.float8, 0.10),"
"       COALESCE((pol.v OPERATOR(pg_catalog.->>) 'sampling_confidence')::pg_catalog.float8, 0.90),"
"       (SELECT u.n FROM pg_catalog.unnest(" HEAD_POLICIES ") WITH ORDINALITY u(n, o)"
"        WHERE NOT pol.v OPERATOR(pg_catalog.?) u.n ORDER BY u.o LIMIT 1),"
"       ARRAY(SELECT pg_catalog.jsonb_array_elements_text(pol.v OPERATOR(pg_catalog.->) 'auditor_qualifications'))"
" FROM pol";

/*
 * $1 application: one row.  The last column is
 * ismap_internal.disclosure_missing_items(service) joined with ", ",
 * written out here (keep the two in step): a SQL function with a SET clause
 * would be planned again on every call.
 */
static const char q_head[] =
"SELECT ap.requested_level, a.target_level, a.kind OPERATOR(pg_catalog.=) 'internal_review',"
"       ap.submitted_on, a.period_start, a.period_end, a.report_date,"
"       a.scope, s.scope, 'SaaS'::ismap.delivery_model OPERATOR(pg_catalog.=) ANY (s.delivery_models),"
"       b.name, au.name, au.nationality, au.experience_years,"
"       a.audit_id, a.audit_body_id, a.lead_auditor_id, a.framework_id,"
"       ap.service_id, ap.program,"
"       CASE WHEN d.service_id IS NULL THEN 'regions, governing_law, jurisdiction, capital_disclosure, third_party_tests'"
"       ELSE pg_catalog.array_to_string(pg_catalog.array_remove(ARRAY["
"            CASE WHEN COALESCE(pg_catalog.cardinality(d.regions), 0) OPERATOR(pg_catalog.=) 0 THEN 'regions' END,"
"            CASE WHEN d.governing_law IS NULL THEN 'governing_law' END,"
"            CASE WHEN d.jurisdiction IS NULL THEN 'jurisdiction' END,"
"            CASE WHEN d.capital_disclosure IS NULL THEN 'capital_disclosure' END,"
"            CASE WHEN d.third_party_tests IS NULL THEN 'third_party_tests' END], NULL), ', ') END"
" FROM ismap.application ap"
" JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) ap.audit_id"
" JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) ap.service_id"
" JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) a.audit_body_id"
" JOIN ismap.auditor au ON au.auditor_id OPERATOR(pg_catalog.=) a.lead_auditor_id"
" LEFT JOIN ismap.service_disclosure d ON d.service_id OPERATOR(pg_catalog.=) ap.service_id"
" WHERE ap.application_id OPERATOR(pg_catalog.=) $1";

/*
 * The statement and the audit's results, $1 the audit: the rows as they
 * are stored, every column in table order, so that the scan hands them
 * over without a projection (about a third of the executor's work per row
 * when they came through the tagged query below); rows_startup finds the
 * columns it reads by name.  They come in ctrlid order (the primary key).
 */
static const char q_stated[] =
"SELECT * FROM ismap.statement_item WHERE audit_id OPERATOR(pg_catalog.=) $1";
static const char q_results[] =
"SELECT * FROM ismap.audit_result WHERE audit_id OPERATOR(pg_catalog.=) $1";

/*
 * The rows: every other list validation reads, in one result of tagged
 * rows.  The lists of controls (the statement and the results above, the
 * additional audits' results here; the reference lists come from
 * q_reference) come as they are, without joins: each is put in ctrlid
 * order in C and merged there (one pass each; joining them in SQL cost
 * several hash tables per call).  Texts that only count when they say something (an exclusion's
 * reason, a rationale) come as they are and are judged in rows_receive
 * (btrim in SQL copied each).
 * The other lists are short and come in any order: each carries the
 * columns of its order and is sorted in C (row_number() windows cost a
 * sort and a window node each to set up on every call).  The order of the
 * rows in the result does not matter.
 *
 * $1 application, $2 audit, $3 audit body, $4 report date, $5 lead
 * auditor, $6 service.
 *
 * cover: for each control an additional audit superseding $2 has a result
 * for, the latest report's result and audit (DESIGN 3.13: the effective
 * result, and the control test behind it).  Usually empty.
 */
enum
{
	T_STATED = 1, T_RESULT, T_COVER, T_MANDATORY, T_REQUIRED,
	T_TEST, T_SELECTION, T_QUALIFICATION, T_DEPENDENCY, T_FINDING, T_REMEDIATION,
	NTAGS
};
#define T_LAST_CONTROL_LIST T_REQUIRED

/* the columns of the rows */
enum
{
	C_TAG = 1, C_KEY, C_T1, C_T2, C_T3, C_I1, C_I2, C_I3, C_I4, C_D1, C_D2, C_B1, C_B2
};

static const char q_rows[] =
"WITH cover AS MATERIALIZED ("
"  SELECT DISTINCT ON (r.control_id) r.control_id, x.audit_id, r.result, r.rationale"
"  FROM ismap.audit x JOIN ismap.audit_result r ON r.audit_id OPERATOR(pg_catalog.=) x.audit_id"
"  WHERE x.supersedes_audit_id OPERATOR(pg_catalog.=) $2"
"  ORDER BY r.control_id, x.report_date DESC, x.audit_id DESC),"
" tests AS ("
"  SELECT t.* FROM ismap.control_test t"
"  WHERE t.audit_id OPERATOR(pg_catalog.=) $2"
"    AND NOT EXISTS (SELECT 1 FROM cover c WHERE c.control_id OPERATOR(ismap.=) t.control_id)"
"  UNION ALL"
"  SELECT t.* FROM cover c CROSS JOIN LATERAL (SELECT * FROM ismap.control_test t"
"    WHERE t.audit_id OPERATOR(pg_catalog.=) c.audit_id AND t.control_id OPERATOR(ismap.=) c.control_id OFFSET 0) t)"
/* the additional audits' results that replace the audit's */
"SELECT 3 AS tag, e.control_id AS key,"
"       e.result AS t1, e.rationale AS t2, NULL::pg_catalog.text AS t3,"
"       NULL::pg_catalog.int8 AS i1, NULL::pg_catalog.int8 AS i2, NULL::pg_catalog.int8 AS i3, NULL::pg_catalog.int8 AS i4,"
"       NULL::pg_catalog.date AS d1, NULL::pg_catalog.date AS d2,"
"       NULL::pg_catalog.bool AS b1, NULL::pg_catalog.bool AS b2"
" FROM cover e"
/* the control tests behind the effective results (one per control), with
 * the sample table's minimum; whether the result behind each is effective
 * is read off the results in C, and the achieved limit is computed there
 * for the tests that need it (see test_upper_limit) */
" UNION ALL"
" SELECT 6, t.control_id,"
"       t.control_id::pg_catalog.text, t.frequency, NULL,"
"       COALESCE(t.population, -1), t.sample_size, t.deviations, COALESCE(st.min_sample, -1), NULL, NULL,"
"       NULL, NULL"
" FROM tests t"
" LEFT JOIN ismap.sampling_table st ON st.frequency OPERATOR(pg_catalog.=) t.frequency"
/* the audit body's selections, with the status in force on the report
 * date (their history, DESIGN 3.13; as ismap.selection_status_on) */
" UNION ALL"
" SELECT 7, NULL, x.status, NULL, NULL,"
"       s.selection_id, NULL, NULL, NULL, s.valid_from, s.valid_until, NULL, NULL"
" FROM ismap.audit_body_selection s"
" CROSS JOIN LATERAL (SELECT COALESCE((SELECT h.status FROM ismap.audit_body_selection_history h"
"      WHERE h.selection_id OPERATOR(pg_catalog.=) s.selection_id AND h.effective_on OPERATOR(pg_catalog.<=) $4"
"      ORDER BY h.effective_on DESC, h.history_id DESC LIMIT 1), 'active') AS status) x"
" WHERE s.audit_body_id OPERATOR(pg_catalog.=) $3"
/* the lead auditor's qualifications */
" UNION ALL"
" SELECT 8, NULL, q.qualification, NULL, NULL,"
"       NULL, NULL, NULL, NULL, q.valid_until, NULL, NULL, NULL"
" FROM ismap.auditor_qualification q WHERE q.auditor_id OPERATOR(pg_catalog.=) $5"
/* the platforms */
" UNION ALL"
" SELECT 9, NULL, bs.name, r.registration_number,"
"       (SELECT pg_catalog.to_char(pg_catalog.max(x.valid_until), 'YYYY-MM-DD') FROM ismap.platform_exemption x"
"        WHERE x.service_id OPERATOR(pg_catalog.=) d.service_id AND x.base_service_id OPERATOR(pg_catalog.=) d.base_service_id"
"          AND x.valid_until OPERATOR(pg_catalog.>=) CURRENT_DATE),"
"       d.base_service_id, COALESCE(r.level, 0), NULL, NULL, NULL, NULL,"
"       COALESCE(d.self_assessed_audit_id OPERATOR(pg_catalog.=) $2, false), NULL"
" FROM ismap.service_dependency d"
" JOIN ismap.service bs ON bs.service_id OPERATOR(pg_catalog.=) d.base_service_id"
" LEFT JOIN ismap.registration r ON r.service_id OPERATOR(pg_catalog.=) d.base_service_id"
"      AND r.status OPERATOR(pg_catalog.=) 'active'"
" WHERE d.service_id OPERATOR(pg_catalog.=) $6"
/* the unresolved review findings */
" UNION ALL"
" SELECT 10, NULL, f.control_id::pg_catalog.text, f.addressed_to, NULL,"
"       f.finding_id, NULL, NULL, NULL, f.raised_on, NULL, f.response IS NOT NULL, NULL"
" FROM ismap.review_finding f"
" WHERE f.application_id OPERATOR(pg_catalog.=) $1 AND f.resolved_on IS NULL"
/* the overdue remediation plans of the service's registrations (not one this application made) */
" UNION ALL"
" SELECT 11, NULL, m.control_id::pg_catalog.text, g.registration_number, NULL,"
"       m.remediation_id, NULL, NULL, NULL, m.due_on, NULL, NULL, NULL"
" FROM ismap.registration g"
" JOIN ismap.remediation m ON m.registration_id OPERATOR(pg_catalog.=) g.registration_id"
" WHERE g.service_id OPERATOR(pg_catalog.=) $6 AND g.application_id OPERATOR(pg_catalog.<>) $1"
"   AND m.status OPERATOR(pg_catalog.=) 'overdue'";

/*
 * Read only when the statement has an inherited control (rarely).
 * $1 audit: the inherited controls, with the platform's registration in
 * force on the report date and whether that registration's statement
 * selects the control; in ctrlid order
 */
static const char q_inherited[] =
"SELECT si.control_id::pg_catalog.text, si.inherited_from, pr.registration_number,"
"       EXISTS (SELECT 1 FROM ismap.service_dependency d WHERE d.service_id OPERATOR(pg_catalog.=) a.service_id"
"               AND d.base_service_id OPERATOR(pg_catalog.=) si.inherited_from"
"               AND d.self_assessed_audit_id OPERATOR(pg_catalog.=) a.audit_id),"
"       EXISTS (SELECT 1 FROM ismap.statement_item ps WHERE ps.audit_id OPERATOR(pg_catalog.=) pr.audit_id"
"               AND ps.control_id OPERATOR(ismap.=) si.control_id AND ps.selected)"
" FROM ismap.statement_item si"
" JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) si.audit_id"
" LEFT JOIN LATERAL (SELECT r.registration_number, r.audit_id FROM ismap.registration r"
"      WHERE r.service_id OPERATOR(pg_catalog.=) si.inherited_from AND r.registered_on OPERATOR(pg_catalog.<=) a.report_date"
"        AND r.valid_until OPERATOR(pg_catalog.>=) a.report_date"
"        AND (r.ended_on IS NULL OR r.ended_on OPERATOR(pg_catalog.>) a.report_date)"
"      ORDER BY r.registered_on DESC, r.registration_id DESC LIMIT 1) pr ON true"
" WHERE si.audit_id OPERATOR(pg_catalog.=) $1 AND si.responsibility OPERATOR(pg_catalog.=) 'inherited'"
" ORDER BY si.control_id USING OPERATOR(ismap.<)";


/* a result as the table has it (NULL: none), read in place */
/*
 * The reference lists: $1 the audit's standard: its mandatory controls
 * (tag 4); $2 the policy's standard, $3 level, $4 program: the baselines of
 * the program up to the level (tag 5; a control in several comes more than
 * once).  The same for every application of a standard, level and program:
 * read once per snapshot (see reference_lists).
 */
static const char q_reference[] =
"SELECT 4, c.control_id FROM ismap.control c"
" WHERE c.framework_id OPERATOR(pg_catalog.=) $1 AND c.mandatory"
" UNION ALL"
" SELECT 5, bc.control_id FROM ismap.baseline b"
" JOIN ismap.baseline_control bc ON bc.baseline_id OPERATOR(pg_catalog.=) b.baseline_id"
" WHERE b.framework_id OPERATOR(pg_catalog.=) $2 AND b.level OPERATOR(pg_catalog.<=) $3"
"   AND b.program OPERATOR(pg_catalog.=) $4";

static vl_result
parse_result(const struct varlena *t)
{
	Size		n;

	if (t == NULL)
		return VL_RESULT_NONE;
	n = VARSIZE_ANY_EXHDR(t);
	if (n == 9 && memcmp(VARDATA_ANY(t), "effective", 9) == 0)
		return VL_RESULT_EFFECTIVE;
	if (n == 11 && memcmp(VARDATA_ANY(t), "ineffective", 11) == 0)
		return VL_RESULT_INEFFECTIVE;
	return VL_RESULT_NOT_TESTED;
}

/*
 * Whether a text says something: COALESCE(btrim(t), '') <> '' (btrim takes
 * off spaces only), without copying it.
 */
static bool
has_text(const struct varlena *t)
{
	const char *p;
	Size		n;

	if (t == NULL)
		return false;
	p = VARDATA_ANY(t);
	n = VARSIZE_ANY_EXHDR(t);
	for (Size i = 0; i < n; i++)
		if (p[i] != ' ')
			return true;
	return false;
}

/* column c (1-based) of the row as a text read in place, or NULL */
static struct varlena *
row_text(Datum *v, bool *isnull, int c)
{
	return isnull[c - 1] ? NULL : (struct varlena *) PG_DETOAST_DATUM_PACKED(v[c - 1]);
}

/* a row of a list of controls: its key and what the list says of it */
typedef struct keyed_row
{
	const uint8 *key;
	size_t		keylen;
	const struct varlena *id;
	uint32		seq;			/* place in the result, for equal keys */
	bool		b1;				/* stated: selected; a result: its rationale */
	bool		b2;				/* stated: the exclusion's reason */
	vl_result	result;
} keyed_row;

static int
keyed_row_cmp(const void *a, const void *b)
{
	const keyed_row *x = (const keyed_row *) a;
	const keyed_row *y = (const keyed_row *) b;
	int			c = ctrlid_key_cmp(x->key, x->keylen, y->key, y->keylen);

	/* equal keys keep the result's order (the latest additional audit first) */
	return c != 0 ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* a row of another list: its columns, copied */
typedef struct list_row
{
	const uint8 *key;			/* a control test: its control's key */
	size_t		keylen;
	char	   *t1,
			   *t2,
			   *t3;
	int64		i1,
				i2,
				i3,
				i4;
	int32		d1,
				d2;
	bool		b1,
				b2;
} list_row;

/*
 * The rows of the result by list, read as they come (a DestReceiver: no
 * tuple is formed or kept).  A list of controls is keys[tag], in ctrlid
 * order once the result is read (sorted then unless it came so); another
 * list is rows[tag], sorted once read (list_row_cmp).  n[tag] is the
 * list's length.
 */
typedef struct row_lists
{
	DestReceiver pub;
	MemoryContext cxt;			/* where the lists live */
	int			table_tag;		/* T_STATED, T_RESULT: rows of q_stated,
								 * q_results; 0: tagged rows of q_rows */
	int			att[4];			/* of a table: the columns read (rows_startup) */
	int			natts;			/* the last of them */
	char	   *arena;			/* the keys' copies, carved from blocks of cxt */
	Size		arena_left;
	uint32		seq;
	uint64		ninherited;		/* stated controls inherited from a platform */
	keyed_row  *keys[NTAGS];
	list_row   *rows[NTAGS];
	uint64		n[NTAGS];
	uint64		cap[NTAGS];
} row_lists;

static char *
datum_text(Datum d, bool isnull)
{
	return isnull ? NULL : TextDatumGetCString(d);
}

/* a new row of list tag (grown as needed) */
static void *
next_row(row_lists *l, int tag)
{
	uint64		i = l->n[tag]++;

	if (i >= l->cap[tag])
	{
		/* the arrays are the backend's, kept from call to call (see below) */
		l->cap[tag] = l->cap[tag] ? 2 * l->cap[tag] : 64;
		if (tag <= T_LAST_CONTROL_LIST)
			l->keys[tag] = l->keys[tag] ? repalloc(l->keys[tag], sizeof(keyed_row) * l->cap[tag])
				: MemoryContextAlloc(TopMemoryContext, sizeof(keyed_row) * l->cap[tag]);
		else
			l->rows[tag] = l->rows[tag] ? repalloc(l->rows[tag], sizeof(list_row) * l->cap[tag])
				: MemoryContextAlloc(TopMemoryContext, sizeof(list_row) * l->cap[tag]);
	}
	return tag <= T_LAST_CONTROL_LIST ? (void *) &l->keys[tag][i] : (void *) &l->rows[tag][i];
}

/*
 * A copy of a control's identifier, read in place.  The copies are carved
 * from blocks of the call's context (thousands a call; a palloc each cost
 * half the copy), aligned as a varlena with a 4-byte header needs.
 */
#define KEY_BLOCK 32768

static const struct varlena *
copy_ctrlid(row_lists *l, Datum d)
{
	struct varlena *id = (struct varlena *) PG_DETOAST_DATUM_PACKED(d);
	Size		len = VARSIZE_ANY(id);
	Size		need = MAXALIGN(len);
	struct varlena *copy;

	if (need > l->arena_left)
	{
		Size		block = Max(need, KEY_BLOCK);

		l->arena = MemoryContextAlloc(l->cxt, block);
		l->arena_left = block;
	}
	copy = (struct varlena *) l->arena;
	l->arena += need;
	l->arena_left -= need;
	memcpy(copy, id, len);
	return copy;
}

/* a row of a list of controls, its key copied */
static keyed_row *
next_keyed_row(row_lists *l, int tag, Datum key)
{
	keyed_row  *k = next_row(l, tag);
	const struct varlena *copy = copy_ctrlid(l, key);

	k->id = copy;
	k->key = CTRLID_KEY(copy);
	k->keylen = CTRLID_KEYLEN(copy);
	k->seq = l->seq++;
	k->b1 = false;
	k->b2 = false;
	k->result = VL_RESULT_NONE;
	return k;
}

static bool
rows_receive(TupleTableSlot *slot, DestReceiver *self)
{
	row_lists  *l = (row_lists *) self;
	MemoryContext old = MemoryContextSwitchTo(l->cxt);
	Datum	   *v;
	bool	   *isnull;
	int			tag;

	if (l->table_tag != 0)
	{
		/* a statement item or a result as stored: att[0] is the control */
		keyed_row  *k;

		slot_getsomeattrs(slot, l->natts);
		v = slot->tts_values;
		isnull = slot->tts_isnull;
		k = next_keyed_row(l, l->table_tag, v[l->att[0] - 1]);
		if (l->table_tag == T_STATED)
		{
			/* selected, the exclusion's reason, the platform it is inherited from */
			k->b1 = !isnull[l->att[1] - 1] && DatumGetBool(v[l->att[1] - 1]);
			k->b2 = has_text(row_text(v, isnull, l->att[2]));
			if (!isnull[l->att[3] - 1])
				l->ninherited++;
		}
		else
		{
			/* the result, its rationale */
			k->result = parse_result(row_text(v, isnull, l->att[1]));
			k->b1 = has_text(row_text(v, isnull, l->att[2]));
		}
		MemoryContextSwitchTo(old);
		return true;
	}

	slot_getallattrs(slot);
	v = slot->tts_values;
	isnull = slot->tts_isnull;
	tag = DatumGetInt32(v[C_TAG - 1]);
	if (tag <= 0 || tag >= NTAGS || tag == T_STATED || tag == T_RESULT)
		elog(ERROR, "validation row of unknown list %d", tag);
	if (tag <= T_LAST_CONTROL_LIST)
	{
		keyed_row  *k = next_keyed_row(l, tag, v[C_KEY - 1]);

		if (tag == T_COVER)
		{
			/* t1 the result, t2 the rationale */
			k->result = parse_result(row_text(v, isnull, C_T1));
			k->b1 = has_text(row_text(v, isnull, C_T2));
		}
	}
	else
	{
		list_row   *r = next_row(l, tag);

		r->key = NULL;
		r->keylen = 0;
		if (!isnull[C_KEY - 1])
		{
			const struct varlena *copy = copy_ctrlid(l, v[C_KEY - 1]);

			r->key = CTRLID_KEY(copy);
			r->keylen = CTRLID_KEYLEN(copy);
		}
		r->t1 = datum_text(v[C_T1 - 1], isnull[C_T1 - 1]);
		r->t2 = datum_text(v[C_T2 - 1], isnull[C_T2 - 1]);
		r->t3 = datum_text(v[C_T3 - 1], isnull[C_T3 - 1]);
		r->i1 = isnull[C_I1 - 1] ? 0 : DatumGetInt64(v[C_I1 - 1]);
		r->i2 = isnull[C_I2 - 1] ? 0 : DatumGetInt64(v[C_I2 - 1]);
		r->i3 = isnull[C_I3 - 1] ? 0 : DatumGetInt64(v[C_I3 - 1]);
		r->i4 = isnull[C_I4 - 1] ? 0 : DatumGetInt64(v[C_I4 - 1]);
		r->d1 = isnull[C_D1 - 1] ? VL_NO_DATE : (int32) DatumGetDateADT(v[C_D1 - 1]);
		r->d2 = isnull[C_D2 - 1] ? VL_NO_DATE : (int32) DatumGetDateADT(v[C_D2 - 1]);
		r->b1 = !isnull[C_B1 - 1] && DatumGetBool(v[C_B1 - 1]);
		r->b2 = !isnull[C_B2 - 1] && DatumGetBool(v[C_B2 - 1]);
	}
	MemoryContextSwitchTo(old);
	return true;
}

/*
 * Before the rows of a table: the numbers of the columns read, by name
 * (an upgraded table may have them in another order than a new one).
 */
static void
rows_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	row_lists  *l = (row_lists *) self;
	static const char *const stated[] = {"control_id", "selected", "exclusion_reason", "inherited_from"};
	static const char *const result[] = {"control_id", "result", "rationale"};
	const char *const *names = l->table_tag == T_STATED ? stated : result;
	int			n = l->table_tag == T_STATED ? lengthof(stated) : lengthof(result);

	if (l->table_tag == 0)
		return;
	l->natts = 0;
	for (int i = 0; i < n; i++)
	{
		l->att[i] = 0;
		for (int a = 0; a < typeinfo->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(typeinfo, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), names[i]) == 0)
			{
				l->att[i] = a + 1;
				break;
			}
		}
		if (l->att[i] == 0)
			elog(ERROR, "validation: column \"%s\" is missing", names[i]);
		l->natts = Max(l->natts, l->att[i]);
	}
}

static void
rows_shutdown(DestReceiver *self)
{
}

static void
rows_destroy(DestReceiver *self)
{
}

/*
 * What one validation reads lives in a context of its own, kept for the
 * backend and reset at the start of each call: its first block (kept on
 * reset) holds a statement of a few thousand controls, so a call neither
 * mallocs nor frees (a fresh context each call cost page faults).
 */
static MemoryContext validation_cxt = NULL;

/* the lists' arrays (larger than the context's chunks): grown, never freed */
static keyed_row *kept_keys[NTAGS];
static list_row *kept_rows[NTAGS];
static uint64 kept_cap[NTAGS];
static vl_control *kept_controls;
static uint64 kept_ncontrols;

static MemoryContext
reset_validation_cxt(void)
{
	if (validation_cxt == NULL)
		validation_cxt = AllocSetContextCreate(TopMemoryContext, "ismap validation",
											   1024 * 1024, 1024 * 1024, ALLOCSET_DEFAULT_MAXSIZE);
	else
		MemoryContextReset(validation_cxt);
	return validation_cxt;
}

/*
 * The order of each short list (what the query's ORDER BY would say):
 * the control tests by control (one each); the selections by start and
 * id; the qualifications by name in the database's collation; the
 * platforms, findings and remediation plans by id.
 */
static int	list_sort_tag;

static int
cmp_int64(int64 a, int64 b)
{
	return a < b ? -1 : a > b;
}

static int
list_row_cmp(const void *a, const void *b)
{
	const list_row *x = (const list_row *) a;
	const list_row *y = (const list_row *) b;
	int			c;

	switch (list_sort_tag)
	{
		case T_TEST:
			return ctrlid_key_cmp(x->key, x->keylen, y->key, y->keylen);
		case T_SELECTION:
			c = cmp_int64(x->d1, y->d1);
			return c != 0 ? c : cmp_int64(x->i1, y->i1);
		case T_QUALIFICATION:
			return varstr_cmp(x->t1, strlen(x->t1), y->t1, strlen(y->t1), DEFAULT_COLLATION_OID);
		default:
			return cmp_int64(x->i1, y->i1);
	}
}

/* run the rows query into l, then put each list in its order */
static void
read_into(row_lists *l, int which, const char *sql, int table_tag, int nargs, Oid *types, Datum *values)
{
	SPIExecuteOptions options;
	ParamListInfo params = makeParamList(nargs);
	int			rc;

	for (int i = 0; i < nargs; i++)
	{
		params->params[i].value = values[i];
		params->params[i].isnull = false;
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = types[i];
	}
	if (plans[which] == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "could not prepare validation query: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep validation query plan");
		plans[which] = plan;
	}
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = &l->pub;
	l->table_tag = table_tag;
	rc = SPI_execute_plan_extended(plans[which], &options);
	/* SPI says UTILITY for a SELECT whose rows went to a receiver of its own */
	if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
		elog(ERROR, "validation query failed: %s", SPI_result_code_string(rc));
}

static void
read_rows(row_lists *l, int nargs, Oid *types, Datum *values)
{
	memset(l, 0, sizeof(*l));
	l->pub.receiveSlot = rows_receive;
	l->pub.rStartup = rows_startup;
	l->pub.rShutdown = rows_shutdown;
	l->pub.rDestroy = rows_destroy;
	l->pub.mydest = DestNone;
	l->cxt = reset_validation_cxt();
	memcpy(l->keys, kept_keys, sizeof(kept_keys));
	memcpy(l->rows, kept_rows, sizeof(kept_rows));
	memcpy(l->cap, kept_cap, sizeof(kept_cap));
	PG_TRY();
	{
		/* the statement and the results of the audit ($2), then the rest */
		read_into(l, Q_STATED, q_stated, T_STATED, 1, types + 1, values + 1);
		read_into(l, Q_RESULTS, q_results, T_RESULT, 1, types + 1, values + 1);
		read_into(l, Q_ROWS, q_rows, 0, nargs, types, values);
	}
	PG_FINALLY();
	{
		/* grown arrays stay the backend's, also after an error */
		memcpy(kept_keys, l->keys, sizeof(kept_keys));
		memcpy(kept_rows, l->rows, sizeof(kept_rows));
		memcpy(kept_cap, l->cap, sizeof(kept_cap));
	}
	PG_END_TRY();

	for (int t = 1; t < NTAGS; t++)
	{
		if (t <= T_LAST_CONTROL_LIST)
		{
			keyed_row  *k = l->keys[t];

			for (uint64 i = 1; i < l->n[t]; i++)
				if (keyed_row_cmp(&k[i - 1], &k[i]) > 0)
				{
					qsort(k, l->n[t], sizeof(keyed_row), keyed_row_cmp);
					break;
				}
		}
		else if (l->n[t] > 1)
		{
			list_sort_tag = t;
			qsort(l->rows[t], l->n[t], sizeof(list_row), list_row_cmp);
		}
	}
}

typedef struct emit_state
{
	Tuplestorestate *store;
	TupleDesc	desc;
} emit_state;

static void
emit_row(void *arg, vl_code code, vl_severity severity, const char *control_id,
		 const char *message)
{
	emit_state *st = (emit_state *) arg;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	values[0] = CStringGetTextDatum(vl_code_name(code));
	values[1] = CStringGetTextDatum(vl_severity_name(severity));
	if (control_id != NULL)
		values[2] = PointerGetDatum(ismap_ctrlid_from_text(control_id, strlen(control_id)));
	else
		nulls[2] = true;
	values[3] = CStringGetTextDatum(message);
	tuplestore_putvalues(st->store, st->desc, values, nulls);
}

/* the findings' messages follow lc_messages, in the extension's catalogue */
static const char *
translate_message(const char *msgid)
{
	return ISMAP_T(msgid);
}


/*
 * The function has the owner's rights, so that a provider or an auditor can
 * validate its own application although the rules read what is not granted
 * to it (the audit body's selections, the auditor's record, the platforms).
 * Whether it may validate this application is decided with the rights of the
 * person who acted -- the role set with SET ROLE, else the login role, as
 * the events record it: the application must be visible to that role under
 * its privileges and row-level policies.  One it may not see "does not
 * exist", the answer for an id never used, so the error tells nothing about
 * another party.
 */
static bool
ismap_caller_sees_application(int64 application_id)
{
	Oid			save_userid;
	int			save_sec_context;
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	bool		seen = false;

	values[0] = Int64GetDatum(application_id);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(GetOuterUserId(), save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		/* the kept plan is re-planned when the role differs (its policies) */
		run(Q_CALLER, q_caller, 1, types, values);
		seen = SPI_processed > 0;
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	return seen;
}

/* a NUL-terminated copy of n bytes in cxt */
static char *
MemoryContextStrdupN(MemoryContext cxt, const char *p, size_t n)
{
	char	   *r = MemoryContextAlloc(cxt, n + 1);

	memcpy(r, p, n);
	r[n] = '\0';
	return r;
}

/* what a list of controls sets on the control of the same key */
typedef void (*control_setter) (vl_control *c, const keyed_row *row);

static void
set_result(vl_control *c, const keyed_row *row)
{
	/* the result of a stated control (a result needs a statement item) */
	if (c->stated)
	{
		c->result = row->result;
		c->has_rationale = row->b1;
	}
}

static void
set_mandatory(vl_control *c, const keyed_row *row)
{
	c->mandatory = true;
}

/*
 * Walk a list of controls in ctrlid order along the merged controls (in
 * the same order) and apply set to each control of the same key; of
 * several rows of a key only the first counts.
 */
static void
merge_onto(vl_control *c, int nc, const keyed_row *k, uint64 n, control_setter set)
{
	uint64		a = 0;
	int			m = 0;

	while (a < n && m < nc)
	{
		int			cmp = ctrlid_key_cmp(k[a].key, k[a].keylen, c[m].key, c[m].keylen);

		if (cmp < 0)
			a++;
		else if (cmp > 0)
			m++;
		else
		{
			set(&c[m], &k[a]);
			m++;
			while (++a < n && ctrlid_key_cmp(k[a].key, k[a].keylen, k[a - 1].key, k[a - 1].keylen) == 0)
				;
		}
	}
}

/*
 * The reference lists (the mandatory controls, the baseline) are the same
 * for every application of a standard, level and program, and validating
 * many applications in one query read them again for each.  They are kept
 * for the snapshot they were read with: reading them again under a
 * snapshot of the same transaction, subtransaction, role and command,
 * with the same transactions in progress and finished (xmin, xmax and the
 * xids in progress), returns the same rows -- any write, commit or abort in
 * between changes one of these, and the lists are read again.
 */
typedef struct snapshot_key
{
	LocalTransactionId lxid;
	SubTransactionId subxid;
	Oid			userid;
	CommandId	curcid;
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	bool		recovery;
	TransactionId *xids;		/* xip then subxip */
} snapshot_key;

typedef struct reference_entry
{
	char	   *audit_fw;
	char	   *policy_fw;
	int			level;
	char	   *program;
	keyed_row  *mandatory;
	uint64		nmandatory;
	keyed_row  *required;
	uint64		nrequired;
} reference_entry;

#define MAX_REFERENCE_ENTRIES 16
static MemoryContext reference_cxt = NULL;
static bool reference_valid = false;
static snapshot_key reference_key;
static reference_entry reference_entries[MAX_REFERENCE_ENTRIES];
static int	nreference = 0;

/* the policy as q_policy reads it (in reference_cxt, kept with the lists) */
typedef struct policy_entry
{
	bool		has_period_max;
	Interval	period_max;
	char	   *period_max_text;
	bool		has_validity;
	Interval	validity;
	int			min_experience;
	char	   *nationality;
	char	   *control_standard;
	double		tolerable_rate;
	double		confidence;
	char	   *missing;		/* the first parameter missing, or NULL */
	const char **accepted;
	int			naccepted;
} policy_entry;
static bool policy_valid = false;
static policy_entry policy;

static bool
same_snapshot(const snapshot_key *k, Snapshot snap)
{
	return k->lxid == MyProc->lxid &&
		k->subxid == GetCurrentSubTransactionId() &&
		k->userid == GetUserId() &&
		k->curcid == snap->curcid &&
		k->xmin == snap->xmin &&
		k->xmax == snap->xmax &&
		k->xcnt == snap->xcnt &&
		k->subxcnt == snap->subxcnt &&
		k->suboverflowed == snap->suboverflowed &&
		k->recovery == snap->takenDuringRecovery &&
		(snap->xcnt == 0 ||
		 memcmp(k->xids, snap->xip, sizeof(TransactionId) * snap->xcnt) == 0) &&
		(snap->subxcnt <= 0 ||
		 memcmp(k->xids + snap->xcnt, snap->subxip, sizeof(TransactionId) * snap->subxcnt) == 0);
}

/* forget every list and keep the snapshot's key */
static void
reference_reset(Snapshot snap)
{
	snapshot_key *k = &reference_key;
	int32		nsub = snap->subxcnt > 0 ? snap->subxcnt : 0;

	if (reference_cxt == NULL)
		reference_cxt = AllocSetContextCreate(TopMemoryContext, "ismap validation reference lists",
											  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(reference_cxt);
	reference_valid = false;
	nreference = 0;
	policy_valid = false;
	k->lxid = MyProc->lxid;
	k->subxid = GetCurrentSubTransactionId();
	k->userid = GetUserId();
	k->curcid = snap->curcid;
	k->xmin = snap->xmin;
	k->xmax = snap->xmax;
	k->xcnt = snap->xcnt;
	k->subxcnt = snap->subxcnt;
	k->suboverflowed = snap->suboverflowed;
	k->recovery = snap->takenDuringRecovery;
	k->xids = MemoryContextAlloc(reference_cxt, sizeof(TransactionId) * (snap->xcnt + nsub + 1));
	if (snap->xcnt > 0)
		memcpy(k->xids, snap->xip, sizeof(TransactionId) * snap->xcnt);
	if (nsub > 0)
		memcpy(k->xids + snap->xcnt, snap->subxip, sizeof(TransactionId) * nsub);
	reference_valid = true;
}

static inline bool
same_text(const char *a, const char *b)
{
	return (a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0);
}

static char *
reference_strdup(const char *s)
{
	return s == NULL ? NULL : MemoryContextStrdup(reference_cxt, s);
}

/* the reference lists of an application, each in ctrlid order */
static const reference_entry *
reference_lists(const char *audit_fw, const char *policy_fw, int level, const char *program)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	reference_entry *e;
	Oid			types[4] = {TEXTOID, TEXTOID, INT4OID, TEXTOID};
	Datum		values[4];
	uint64		n,
				nm = 0,
				nr = 0;

	if (snap == NULL)
		elog(ERROR, "validation needs an active snapshot");
	if (!reference_valid || !same_snapshot(&reference_key, snap) || nreference == MAX_REFERENCE_ENTRIES)
		reference_reset(snap);
	for (int i = 0; i < nreference; i++)
	{
		e = &reference_entries[i];
		if (e->level == level && same_text(e->audit_fw, audit_fw) &&
			same_text(e->policy_fw, policy_fw) && same_text(e->program, program))
			return e;
	}

	values[0] = CStringGetTextDatum(audit_fw);
	values[1] = CStringGetTextDatum(policy_fw);
	values[2] = Int32GetDatum(level);
	values[3] = CStringGetTextDatum(program);
	run(Q_REFERENCE, q_reference, 4, types, values);
	n = SPI_processed;

	e = &reference_entries[nreference];
	e->audit_fw = reference_strdup(audit_fw);
	e->policy_fw = reference_strdup(policy_fw);
	e->level = level;
	e->program = reference_strdup(program);
	e->mandatory = MemoryContextAlloc(reference_cxt, sizeof(keyed_row) * (n + 1));
	e->required = MemoryContextAlloc(reference_cxt, sizeof(keyed_row) * (n + 1));
	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;
		int			tag = (int) col_int(i, 1);
		struct varlena *id = (struct varlena *) PG_DETOAST_DATUM_PACKED(col(i, 2, &isnull));
		Size		len = VARSIZE_ANY(id);
		struct varlena *copy = MemoryContextAlloc(reference_cxt, len);
		keyed_row  *k = tag == T_MANDATORY ? &e->mandatory[nm++] : &e->required[nr++];

		memcpy(copy, id, len);
		k->id = copy;
		k->key = CTRLID_KEY(copy);
		k->keylen = CTRLID_KEYLEN(copy);
		k->seq = (uint32) i;
		k->b1 = false;
		k->b2 = false;
		k->result = VL_RESULT_NONE;
	}
	qsort(e->mandatory, nm, sizeof(keyed_row), keyed_row_cmp);
	qsort(e->required, nr, sizeof(keyed_row), keyed_row_cmp);
	e->nmandatory = nm;
	e->nrequired = nr;
	nreference++;
	return e;
}

/* the policy under the active snapshot (read once per snapshot) */
static const policy_entry *
policy_row(void)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	policy_entry *p = &policy;
	MemoryContext old;

	if (snap == NULL)
		elog(ERROR, "validation needs an active snapshot");
	if (!reference_valid || !same_snapshot(&reference_key, snap))
		reference_reset(snap);
	if (policy_valid)
		return p;

	run(Q_POLICY, q_policy, 0, NULL, NULL);
	if (SPI_processed != 1)
		elog(ERROR, "validation could not read the policy");
	old = MemoryContextSwitchTo(reference_cxt);
	memset(p, 0, sizeof(*p));
	{
		bool		isnull;
		Datum		d = col(0, 1, &isnull);

		p->has_period_max = !isnull;
		if (!isnull)
			p->period_max = *DatumGetIntervalP(d);
		d = col(0, 3, &isnull);
		p->has_validity = !isnull;
		if (!isnull)
			p->validity = *DatumGetIntervalP(d);
	}
	p->period_max_text = col_text(0, 2);
	p->min_experience = (int) col_int(0, 4);
	p->nationality = col_text(0, 5);
	p->control_standard = col_text(0, 6);
	p->tolerable_rate = col_float(0, 7);
	p->confidence = col_float(0, 8);
	p->missing = col_text(0, 9);
	/* the accepted qualifications (a JSON null in the list names none) */
	{
		bool		isnull;
		Datum		d = col(0, 10, &isnull);
		Datum	   *elems;
		bool	   *enulls;
		int			nelems,
					k = 0;
		const char **acc;

		deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &enulls, &nelems);
		acc = palloc0(sizeof(char *) * (nelems + 1));
		for (int i = 0; i < nelems; i++)
			if (!enulls[i])
				acc[k++] = TextDatumGetCString(elems[i]);
		p->accepted = acc;
		p->naccepted = k;
	}
	MemoryContextSwitchTo(old);
	policy_valid = true;
	return p;
}

/* (d + i)::date [- 1], as SQL computes it; VL_NO_DATE when either is missing */
static int32
date_plus(int32 d, bool has, const Interval *i, int minus)
{
	Datum		r;

	if (!has || d == VL_NO_DATE)
		return VL_NO_DATE;
	r = DirectFunctionCall2(date_pl_interval, DateADTGetDatum((DateADT) d), IntervalPGetDatum(i));
	r = DirectFunctionCall1(timestamp_date, r);
	if (minus)
		r = DirectFunctionCall2(date_mii, r, Int32GetDatum(minus));
	return (int32) DatumGetDateADT(r);
}

/*
 * The merged controls: one entry per control that is stated or required
 * (the statement and the baseline merged on their keys), then the results
 * (the audit's, then the additional audits' over them: the effective
 * result) and the mandatory flags put on them.  An audit against another
 * framework than the policy's states none of the standard's controls:
 * nothing is required of it.
 */
static vl_control *
read_controls(const row_lists *l, bool same_standard, int *ncontrols)
{
	const keyed_row *st = l->keys[T_STATED],
			   *rq = l->keys[T_REQUIRED];
	uint64		nstated = l->n[T_STATED],
				nrequired = l->n[T_REQUIRED],
				i = 0,
				j = 0;
	int			k = 0;
	vl_control *c;

	if (kept_ncontrols < nstated + nrequired + 1)
	{
		if (kept_controls != NULL)
			pfree(kept_controls);
		kept_ncontrols = nstated + nrequired + 1;
		kept_controls = MemoryContextAlloc(TopMemoryContext, sizeof(vl_control) * kept_ncontrols);
	}
	c = kept_controls;
	memset(c, 0, sizeof(vl_control) * (nstated + nrequired + 1));

	if (!same_standard)
		nrequired = 0;
	while (i < nstated || j < nrequired)
	{
		int			cmp;

		if (i >= nstated)
			cmp = 1;
		else if (j >= nrequired)
			cmp = -1;
		else
			cmp = ctrlid_key_cmp(st[i].key, st[i].keylen, rq[j].key, rq[j].keylen);

		if (cmp <= 0)
		{
			/* a stated control, required when the baseline has it too */
			const struct varlena *id = st[i].id;

			c[k].key = st[i].key;
			c[k].keylen = st[i].keylen;
			c[k].depth = CTRLID_NSEG(id);
			c[k].id = MemoryContextStrdupN(l->cxt, CTRLID_TEXT(id), CTRLID_TEXTLEN(id));
			c[k].stated = true;
			c[k].selected = st[i].b1;
			c[k].has_reason = st[i].b2;
			c[k].required = (cmp == 0);
			i++;
		}
		else
		{
			/* a required control missing from the statement */
			const struct varlena *id = rq[j].id;

			c[k].key = rq[j].key;
			c[k].keylen = rq[j].keylen;
			c[k].depth = CTRLID_NSEG(id);
			c[k].id = MemoryContextStrdupN(l->cxt, CTRLID_TEXT(id), CTRLID_TEXTLEN(id));
			c[k].required = true;
		}
		k++;
		if (cmp >= 0)
		{
			/* the baseline rows of this key (it may be in several baselines) */
			uint64		first = j;

			while (++j < nrequired && ctrlid_key_cmp(rq[j].key, rq[j].keylen, rq[first].key, rq[first].keylen) == 0)
				;
		}
	}
	merge_onto(c, k, l->keys[T_RESULT], l->n[T_RESULT], set_result);
	merge_onto(c, k, l->keys[T_COVER], l->n[T_COVER], set_result);
	merge_onto(c, k, l->keys[T_MANDATORY], l->n[T_MANDATORY], set_mandatory);
	*ncontrols = k;
	return c;
}

/*
 * The result a control test stands behind: an additional audit's for a
 * control it covers (its tests replace the original's), else the audit's;
 * NONE when there is none.  Binary search of the two lists in ctrlid order.
 */
static const keyed_row *
find_key(const keyed_row *k, uint64 n, const uint8 *key, size_t keylen)
{
	uint64		lo = 0,
				hi = n;

	while (lo < hi)
	{
		uint64		mid = lo + (hi - lo) / 2;
		int			c = ctrlid_key_cmp(k[mid].key, k[mid].keylen, key, keylen);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the first row of the key: the latest additional audit's */
	if (lo < n && ctrlid_key_cmp(k[lo].key, k[lo].keylen, key, keylen) == 0)
		return &k[lo];
	return NULL;
}

static vl_result
effective_result(const row_lists *l, const uint8 *key, size_t keylen)
{
	const keyed_row *r = find_key(l->keys[T_COVER], l->n[T_COVER], key, keylen);

	if (r == NULL)
		r = find_key(l->keys[T_RESULT], l->n[T_RESULT], key, keylen);
	return r == NULL ? VL_RESULT_NONE : r->result;
}

/*
 * The achieved upper deviation limit of a test, as
 * ismap.upper_deviation_limit computes it.  Validation judges it only for
 * an effective result with deviations (SAMPLE_DEVIATIONS), so only those
 * are computed.
 */
static double
test_upper_limit(const vl_test *t, double confidence)
{
	ismap_sampling_args a = {0};
	double		limit = 0;
	sampling_status st;

	a.sample_size = t->sample_size;
	a.deviations = t->deviations;
	a.confidence = confidence;
	a.population = t->population >= 0 ? t->population : SAMPLING_NO_POPULATION;
	st = sampling_upper_limit(a.sample_size, a.deviations, a.confidence, a.population, &limit);
	if (st != SAMPLING_OK)
		ismap_sampling_error(st, &a);
	return limit;
}

PG_FUNCTION_INFO_V1(ismap_validate_application);
Datum
ismap_validate_application(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		application_id = PG_GETARG_INT64(0);
	vl_input	in;
	emit_state	st;
	row_lists	l;
	Oid			types[11];
	Datum		values[11];
	int64		audit_id,
				audit_body_id,
				lead_id,
				service_id;
	char	   *audit_fw,
			   *policy_fw,
			   *program,
			   *missing_policy;

	InitMaterializedSRF(fcinfo, 0);
	st.store = rsinfo->setResult;
	st.desc = rsinfo->setDesc;
	memset(&in, 0, sizeof(in));
	in.translate = translate_message;

	SPI_connect();

	if (!ismap_caller_sees_application(application_id))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("application %lld does not exist", (long long) application_id)));

	/* the head: one row */
	types[0] = INT8OID;
	values[0] = Int64GetDatum(application_id);
	run(Q_HEAD, q_head, 1, types, values);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("application %lld does not exist", (long long) application_id)));
	in.requested_level = (int) col_int(0, 1);
	in.target_level = (int) col_int(0, 2);
	in.internal_review = col_bool(0, 3);
	in.submitted_on = col_date(0, 4);
	in.period_start = col_date(0, 5);
	in.period_end = col_date(0, 6);
	in.report_date = col_date(0, 7);
	in.audit_scope = col_text(0, 8);
	in.service_scope = col_text(0, 9);
	in.saas = col_bool(0, 10);
	in.audit_body = col_text(0, 11);
	in.auditor = col_text(0, 12);
	in.nationality = col_text(0, 13);
	in.experience_years = (int) col_int(0, 14);
	audit_id = col_int(0, 15);
	audit_body_id = col_int(0, 16);
	lead_id = col_int(0, 17);
	audit_fw = col_text(0, 18);
	service_id = col_int(0, 19);
	program = col_text(0, 20);
	in.disclosure_missing = col_text(0, 21);

	/*
	 * The policy (after the head: a missing application is reported first).
	 * Its strings are copied: the kept lists may be forgotten below.
	 */
	{
		const policy_entry *p = policy_row();
		const char **acc;

		missing_policy = p->missing;
		if (missing_policy != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("policy parameter \"%s\" does not exist", missing_policy),
					 errhint("See ismap.policy for the parameters.")));
		in.period_limit_end = date_plus(in.period_start, p->has_period_max, &p->period_max, 1);
		in.period_max = p->period_max_text ? pstrdup(p->period_max_text) : NULL;
		in.registration_end = date_plus(in.period_end, p->has_validity, &p->validity, 0);
		in.min_experience = p->min_experience;
		in.required_nationality = p->nationality ? pstrdup(p->nationality) : NULL;
		policy_fw = p->control_standard ? pstrdup(p->control_standard) : NULL;
		in.tolerable_rate = p->tolerable_rate;
		in.confidence = p->confidence;
		acc = palloc0(sizeof(char *) * (p->naccepted + 1));
		for (int i = 0; i < p->naccepted; i++)
			acc[i] = pstrdup(p->accepted[i]);
		in.accepted = acc;
		in.naccepted = p->naccepted;
	}
	if (policy_fw == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("policy parameter \"control_standard\" must name a framework"),
				 errhint("UPDATE ismap.policy SET value = '\"ismap\"' WHERE name = 'control_standard'")));
	if (in.period_max == NULL)
		in.period_max = "(no maximum)";

	/* the rows: every list, in one result */
	types[0] = INT8OID;
	values[0] = Int64GetDatum(application_id);
	types[1] = INT8OID;
	values[1] = Int64GetDatum(audit_id);
	types[2] = INT8OID;
	values[2] = Int64GetDatum(audit_body_id);
	types[3] = DATEOID;
	values[3] = DateADTGetDatum((DateADT) in.report_date);
	types[4] = INT8OID;
	values[4] = Int64GetDatum(lead_id);
	types[5] = INT8OID;
	values[5] = Int64GetDatum(service_id);
	read_rows(&l, 6, types, values);
	{
		/* an audit against another framework states none of the standard's controls: see read_controls */
		const reference_entry *ref = reference_lists(audit_fw, policy_fw, in.requested_level, program);

		l.keys[T_MANDATORY] = ref->mandatory;
		l.n[T_MANDATORY] = ref->nmandatory;
		l.keys[T_REQUIRED] = ref->required;
		l.n[T_REQUIRED] = ref->nrequired;
	}

	in.controls = read_controls(&l, strcmp(audit_fw, policy_fw) == 0, &in.ncontrols);

	{
		vl_test    *t = palloc0(sizeof(vl_test) * (l.n[T_TEST] + 1));

		for (uint64 i = 0; i < l.n[T_TEST]; i++)
		{
			const list_row *r = &l.rows[T_TEST][i];

			t[i].control_id = r->t1;
			t[i].frequency = r->t2;
			t[i].population = r->i1;
			t[i].sample_size = (int32) r->i2;
			t[i].deviations = (int32) r->i3;
			t[i].min_sample = (int32) r->i4;
			t[i].result_effective = effective_result(&l, r->key, r->keylen) == VL_RESULT_EFFECTIVE;
			t[i].upper_limit = t[i].result_effective && t[i].deviations > 0
				? test_upper_limit(&t[i], in.confidence) : 0.0;
		}
		in.tests = t;
		in.ntests = (int) l.n[T_TEST];
	}
	{
		vl_selection *s = palloc0(sizeof(vl_selection) * (l.n[T_SELECTION] + 1));

		for (uint64 i = 0; i < l.n[T_SELECTION]; i++)
		{
			const list_row *r = &l.rows[T_SELECTION][i];

			s[i].valid_from = r->d1;
			s[i].valid_until = r->d2;
			/* a suspension or revocation in force: the selection does not count */
			s[i].counts = r->t1 != NULL && (strcmp(r->t1, "active") == 0 || strcmp(r->t1, "expired") == 0);
			s[i].status = r->t1;
		}
		in.selections = s;
		in.nselections = (int) l.n[T_SELECTION];
	}
	{
		vl_qualification *q = palloc0(sizeof(vl_qualification) * (l.n[T_QUALIFICATION] + 1));

		for (uint64 i = 0; i < l.n[T_QUALIFICATION]; i++)
		{
			const list_row *r = &l.rows[T_QUALIFICATION][i];

			q[i].name = r->t1;
			q[i].valid_until = r->d1;
		}
		in.qualifications = q;
		in.nqualifications = (int) l.n[T_QUALIFICATION];
	}
	{
		vl_dependency *d = palloc0(sizeof(vl_dependency) * (l.n[T_DEPENDENCY] + 1));

		for (uint64 i = 0; i < l.n[T_DEPENDENCY]; i++)
		{
			const list_row *r = &l.rows[T_DEPENDENCY][i];

			d[i].base_service_id = r->i1;
			d[i].base_name = r->t1;
			d[i].self_assessed = r->b1;
			d[i].base_level = (int) r->i2;
			d[i].base_number = r->t2;
			d[i].exempt_until = r->t3;
		}
		in.deps = d;
		in.ndeps = (int) l.n[T_DEPENDENCY];
	}
	{
		vl_finding *f = palloc0(sizeof(vl_finding) * (l.n[T_FINDING] + 1));

		for (uint64 i = 0; i < l.n[T_FINDING]; i++)
		{
			const list_row *r = &l.rows[T_FINDING][i];

			f[i].finding_id = r->i1;
			f[i].control_id = r->t1;
			f[i].addressed_to = r->t2;
			f[i].raised_on = r->d1;
			f[i].responded = r->b1;
		}
		in.findings = f;
		in.nfindings = (int) l.n[T_FINDING];
	}
	{
		vl_remediation *m = palloc0(sizeof(vl_remediation) * (l.n[T_REMEDIATION] + 1));

		for (uint64 i = 0; i < l.n[T_REMEDIATION]; i++)
		{
			const list_row *r = &l.rows[T_REMEDIATION][i];

			m[i].remediation_id = r->i1;
			m[i].control_id = r->t1;
			m[i].due_on = r->d1;
			m[i].registration_number = r->t2;
		}
		in.remediations = m;
		in.nremediations = (int) l.n[T_REMEDIATION];
	}
	in.inherited = NULL;
	in.ninherited = 0;
	if (l.ninherited > 0)
	{
		/* the inherited controls (the statement has some) */
		uint64		n;
		vl_inherited *h;

		types[0] = INT8OID;
		values[0] = Int64GetDatum(audit_id);
		run(Q_INHERITED, q_inherited, 1, types, values);
		n = SPI_processed;
		h = palloc0(sizeof(vl_inherited) * (n + 1));
		for (uint64 i = 0; i < n; i++)
		{
			h[i].control_id = col_text(i, 1);
			h[i].platform_id = col_int(i, 2);
			h[i].platform_number = col_text(i, 3);
			h[i].self_assessed = col_bool(i, 4);
			h[i].platform_states = col_bool(i, 5);
		}
		in.inherited = h;
		in.ninherited = (int) n;
	}

	vl_validate(&in, emit_row, &st);

	SPI_finish();
	return (Datum) 0;
}

/*
 * ismap.validation_rules(): the codes, their usual severity and meaning (in
 * the session's language, like the findings)
 */
PG_FUNCTION_INFO_V1(ismap_validation_rules);
Datum
ismap_validation_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int c = 0; c < VL_NCODES; c++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(vl_code_name((vl_code) c));
		values[1] = CStringGetTextDatum(vl_severity_name(vl_code_severity((vl_code) c)));
		values[2] = CStringGetTextDatum(ISMAP_T(vl_code_description((vl_code) c)));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
