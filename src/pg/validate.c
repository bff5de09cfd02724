/*
 * validate.c — ismap.validate_application: fetch with SPI, judge in core
 *
 * A handful of set-based queries bring in what one application needs (the
 * application with its audit, service, lead auditor and the policy; the
 * audit body's selections; the auditor's qualifications; one row per
 * control that is required or stated, with its result; the control tests;
 * the platforms), then src/core/validate.c evaluates every rule in memory
 * and each finding becomes a row.
 */
#include "ismap.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/tuplestore.h"

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
 * The queries are planned once per backend and kept (SPI_keepplan); the plan
 * cache re-plans them when the objects they use change.
 */
enum
{
	Q_APPLICATION, Q_ACCEPTED, Q_SELECTIONS, Q_QUALIFICATIONS, Q_STATED,
	Q_REQUIRED, Q_TESTS, Q_DEPS, Q_FINDINGS, Q_ADDITIONAL, Q_REMEDIATION, Q_INHERITED, Q_DISCLOSURE, NQUERIES
};
static SPIPlanPtr plans[NQUERIES];

static void
run(int which, const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc;

	if (plans[which] == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

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

static const char q_application[] =
"SELECT ap.requested_level, a.target_level, a.kind OPERATOR(pg_catalog.=) 'internal_review',"
"       ap.submitted_on, a.period_start, a.period_end, a.report_date,"
"       (a.period_start OPERATOR(pg_catalog.+) (ismap.policy_value('audit_period_max') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval)::pg_catalog.date OPERATOR(pg_catalog.-) 1,"
"       ismap.policy_value('audit_period_max') OPERATOR(pg_catalog.#>>) '{}',"
"       (a.period_end OPERATOR(pg_catalog.+) (ismap.policy_value('registration_validity') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval)::pg_catalog.date,"
"       a.scope, s.scope, 'SaaS'::ismap.delivery_model OPERATOR(pg_catalog.=) ANY (s.delivery_models),"
"       b.name, au.name, au.nationality, au.experience_years,"
"       (ismap.policy_value('auditor_min_experience_years') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.int4,"
"       ismap.policy_value('auditor_nationality') OPERATOR(pg_catalog.#>>) '{}',"
"       a.audit_id, a.audit_body_id, a.lead_auditor_id, a.framework_id,"
"       ismap.policy_value('control_standard') OPERATOR(pg_catalog.#>>) '{}',"
"       COALESCE((SELECT (p.value OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 FROM ismap.policy p"
"                 WHERE p.name OPERATOR(pg_catalog.=) 'sampling_tolerable_rate'), 0.10),"
"       COALESCE((SELECT (p.value OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 FROM ismap.policy p"
"                 WHERE p.name OPERATOR(pg_catalog.=) 'sampling_confidence'), 0.90),"
"       ap.service_id, ap.program"
" FROM ismap.application ap"
" JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) ap.audit_id"
" JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) ap.service_id"
" JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) a.audit_body_id"
" JOIN ismap.auditor au ON au.auditor_id OPERATOR(pg_catalog.=) a.lead_auditor_id"
" WHERE ap.application_id OPERATOR(pg_catalog.=) $1";

static const char q_accepted[] =
"SELECT q FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('auditor_qualifications')) AS q";

/*
 * $1 audit body, $2 report date: its selections with the status in force on
 * the report date (their history, DESIGN 3.13: a suspension or revocation
 * counts from its date only)
 */
static const char q_selections[] =
"SELECT s.valid_from, s.valid_until, x.status OPERATOR(pg_catalog.=) ANY ('{active,expired}'::pg_catalog.text[]), x.status"
" FROM ismap.audit_body_selection s"
" CROSS JOIN LATERAL (SELECT ismap.selection_status_on(s.selection_id, $2) AS status) x"
" WHERE s.audit_body_id OPERATOR(pg_catalog.=) $1"
" ORDER BY s.valid_from, s.selection_id";

static const char q_qualifications[] =
"SELECT qualification, valid_until FROM ismap.auditor_qualification"
" WHERE auditor_id OPERATOR(pg_catalog.=) $1 ORDER BY qualification";

/* the statement: $1 audit; in ctrlid order */
static const char q_stated[] =
"SELECT si.control_id, COALESCE(c.mandatory, false), si.selected,"
"       COALESCE(pg_catalog.btrim(si.exclusion_reason), '') OPERATOR(pg_catalog.<>) '',"
"       r.result, COALESCE(pg_catalog.btrim(r.rationale), '') OPERATOR(pg_catalog.<>) ''"
" FROM ismap.statement_item si"
" LEFT JOIN ismap.audit_result r ON r.audit_id OPERATOR(pg_catalog.=) si.audit_id"
"      AND r.control_id OPERATOR(ismap.=) si.control_id"
" LEFT JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) si.framework_id"
"      AND c.control_id OPERATOR(ismap.=) si.control_id"
" WHERE si.audit_id OPERATOR(pg_catalog.=) $1"
" ORDER BY si.control_id USING OPERATOR(ismap.<)";

/* the baseline: $1 the policy standard, $2 level, $3 the application's
 * program (ISMAP, ISMAP-LIU: each program has its own level baselines); in
 * ctrlid order (a control in several baselines comes more than once) */
static const char q_required[] =
"SELECT bc.control_id, COALESCE(c.mandatory, false)"
" FROM ismap.baseline b"
" JOIN ismap.baseline_control bc ON bc.baseline_id OPERATOR(pg_catalog.=) b.baseline_id"
" LEFT JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) bc.framework_id"
"      AND c.control_id OPERATOR(ismap.=) bc.control_id"
" WHERE b.framework_id OPERATOR(pg_catalog.=) $1 AND b.level OPERATOR(pg_catalog.<=) $2"
"   AND b.program OPERATOR(pg_catalog.=) $3"
" ORDER BY bc.control_id USING OPERATOR(ismap.<)";

/*
 * $1 audit, $2 confidence: the control tests behind the effective results
 * -- for a control an additional audit superseding $1 has a result for,
 * that audit's test (the latest report), else $1's (DESIGN 3.13)
 */
static const char q_tests[] =
"WITH cover AS ("
"  SELECT DISTINCT ON (r.control_id) r.control_id, x.audit_id"
"  FROM ismap.audit x JOIN ismap.audit_result r ON r.audit_id OPERATOR(pg_catalog.=) x.audit_id"
"  WHERE x.supersedes_audit_id OPERATOR(pg_catalog.=) $1"
"  ORDER BY r.control_id, x.report_date DESC, x.audit_id DESC),"
" tests AS ("
"  SELECT t.* FROM ismap.control_test t"
"  WHERE t.audit_id OPERATOR(pg_catalog.=) $1"
"    AND NOT EXISTS (SELECT 1 FROM cover c WHERE c.control_id OPERATOR(ismap.=) t.control_id)"
"  UNION ALL"
"  SELECT t.* FROM cover c JOIN ismap.control_test t"
"    ON t.audit_id OPERATOR(pg_catalog.=) c.audit_id AND t.control_id OPERATOR(ismap.=) c.control_id)"
"SELECT t.control_id::pg_catalog.text, t.frequency, COALESCE(t.population, -1), t.sample_size, t.deviations,"
"       COALESCE(st.min_sample, -1),"
"       ismap.upper_deviation_limit(t.sample_size, t.deviations, $2, t.population),"
"       COALESCE(r.result OPERATOR(pg_catalog.=) 'effective', false)"
" FROM tests t"
" LEFT JOIN ismap.sampling_table st ON st.frequency OPERATOR(pg_catalog.=) t.frequency"
" LEFT JOIN ismap.audit_result r ON r.audit_id OPERATOR(pg_catalog.=) t.audit_id AND r.control_id OPERATOR(ismap.=) t.control_id"
" ORDER BY t.control_id USING OPERATOR(ismap.<), t.frequency";

/* $1 service, $2 audit */
static const char q_deps[] =
"SELECT d.base_service_id, bs.name, COALESCE(d.self_assessed_audit_id OPERATOR(pg_catalog.=) $2, false), COALESCE(r.level, 0), r.registration_number,"
"  (SELECT pg_catalog.to_char(pg_catalog.max(e.valid_until), 'YYYY-MM-DD') FROM ismap.platform_exemption e"
"   WHERE e.service_id OPERATOR(pg_catalog.=) d.service_id AND e.base_service_id OPERATOR(pg_catalog.=) d.base_service_id"
"     AND e.valid_until OPERATOR(pg_catalog.>=) CURRENT_DATE)"
" FROM ismap.service_dependency d"
" JOIN ismap.service bs ON bs.service_id OPERATOR(pg_catalog.=) d.base_service_id"
" LEFT JOIN ismap.registration r ON r.service_id OPERATOR(pg_catalog.=) d.base_service_id"
"      AND r.status OPERATOR(pg_catalog.=) 'active'"
" WHERE d.service_id OPERATOR(pg_catalog.=) $1"
" ORDER BY d.base_service_id";

/*
 * $1 audit: the results of the additional audits superseding it, in ctrlid
 * order, the latest report first for each control (DESIGN 3.13: they
 * replace the audit's results for the controls they cover).  Usually none.
 */
static const char q_additional[] =
"SELECT r.control_id, r.result, COALESCE(pg_catalog.btrim(r.rationale), '') OPERATOR(pg_catalog.<>) ''"
" FROM ismap.audit x"
" JOIN ismap.audit_result r ON r.audit_id OPERATOR(pg_catalog.=) x.audit_id"
" WHERE x.supersedes_audit_id OPERATOR(pg_catalog.=) $1"
" ORDER BY r.control_id USING OPERATOR(ismap.<), x.report_date DESC, x.audit_id DESC";

/* $1 service, $2 application: the overdue remediation plans of the
 * service's registrations (not one this application made) */
static const char q_remediation[] =
"SELECT m.remediation_id, m.control_id::pg_catalog.text, m.due_on, g.registration_number"
" FROM ismap.registration g"
" JOIN ismap.remediation m ON m.registration_id OPERATOR(pg_catalog.=) g.registration_id"
" WHERE g.service_id OPERATOR(pg_catalog.=) $1 AND g.application_id OPERATOR(pg_catalog.<>) $2"
"   AND m.status OPERATOR(pg_catalog.=) 'overdue'"
" ORDER BY m.remediation_id";

/* $1 application: the unresolved review findings */
static const char q_findings[] =
"SELECT f.finding_id, f.control_id::pg_catalog.text, f.addressed_to, f.raised_on, f.response IS NOT NULL"
" FROM ismap.review_finding f"
" WHERE f.application_id OPERATOR(pg_catalog.=) $1 AND f.resolved_on IS NULL"
" ORDER BY f.finding_id";

/*
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

/* $1 service: the missing items of its disclosure */
static const char q_disclosure[] =
"SELECT pg_catalog.array_to_string(ismap_internal.disclosure_missing_items($1), ', ')";

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

static vl_result
parse_result(const char *s)
{
	if (s == NULL)
		return VL_RESULT_NONE;
	if (strcmp(s, "effective") == 0)
		return VL_RESULT_EFFECTIVE;
	if (strcmp(s, "ineffective") == 0)
		return VL_RESULT_INEFFECTIVE;
	return VL_RESULT_NOT_TESTED;
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
		int			rc = SPI_execute_with_args("SELECT 1 FROM ismap.application a"
											   " WHERE a.application_id OPERATOR(pg_catalog.=) $1",
											   1, types, values, NULL, true, 1);

		if (rc != SPI_OK_SELECT)
			elog(ERROR, "validation query failed: %s", SPI_result_code_string(rc));
		seen = SPI_processed > 0;
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	return seen;
}

PG_FUNCTION_INFO_V1(ismap_validate_application);
Datum
ismap_validate_application(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		application_id = PG_GETARG_INT64(0);
	vl_input	in;
	emit_state	st;
	Oid			types[4];
	Datum		values[4];
	int64		audit_id,
				audit_body_id,
				lead_id,
				service_id;
	char	   *audit_fw,
			   *policy_fw,
			   *program;
	uint64		n;

	InitMaterializedSRF(fcinfo, 0);
	st.store = rsinfo->setResult;
	st.desc = rsinfo->setDesc;
	memset(&in, 0, sizeof(in));
	in.translate = translate_message;

	SPI_connect();

	types[0] = INT8OID;
	values[0] = Int64GetDatum(application_id);
	if (!ismap_caller_sees_application(application_id))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("application %lld does not exist", (long long) application_id)));
	run(Q_APPLICATION, q_application, 1, types, values);
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
	in.period_limit_end = col_date(0, 8);
	in.period_max = col_text(0, 9);
	in.registration_end = col_date(0, 10);
	in.audit_scope = col_text(0, 11);
	in.service_scope = col_text(0, 12);
	in.saas = col_bool(0, 13);
	in.audit_body = col_text(0, 14);
	in.auditor = col_text(0, 15);
	in.nationality = col_text(0, 16);
	in.experience_years = (int) col_int(0, 17);
	in.min_experience = (int) col_int(0, 18);
	in.required_nationality = col_text(0, 19);
	audit_id = col_int(0, 20);
	audit_body_id = col_int(0, 21);
	lead_id = col_int(0, 22);
	audit_fw = col_text(0, 23);
	policy_fw = col_text(0, 24);
	if (policy_fw == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("policy parameter \"control_standard\" must name a framework"),
				 errhint("UPDATE ismap.policy SET value = '\"ismap\"' WHERE name = 'control_standard'")));
	if (in.period_max == NULL)
		in.period_max = "(no maximum)";
	in.tolerable_rate = col_float(0, 25);
	in.confidence = col_float(0, 26);
	service_id = col_int(0, 27);
	program = col_text(0, 28);

	/* accepted qualifications */
	run(Q_ACCEPTED, q_accepted, 0, NULL, NULL);
	n = SPI_processed;
	{
		const char **acc = palloc0(sizeof(char *) * (n + 1));

		int			k = 0;

		/* a JSON null in the list names no qualification */
		for (uint64 i = 0; i < n; i++)
		{
			char	   *q = col_text(i, 1);

			if (q != NULL)
				acc[k++] = q;
		}
		in.accepted = acc;
		in.naccepted = k;
	}

	/* selections of the audit body */
	{
		Oid			stypes[2] = {INT8OID, DATEOID};
		Datum		svalues[2];

		svalues[0] = Int64GetDatum(audit_body_id);
		svalues[1] = DateADTGetDatum((DateADT) in.report_date);
		run(Q_SELECTIONS, q_selections, 2, stypes, svalues);
	}
	n = SPI_processed;
	{
		vl_selection *sel = palloc0(sizeof(vl_selection) * (n + 1));

		for (uint64 i = 0; i < n; i++)
		{
			sel[i].valid_from = col_date(i, 1);
			sel[i].valid_until = col_date(i, 2);
			sel[i].counts = col_bool(i, 3);
			sel[i].status = col_text(i, 4);
		}
		in.selections = sel;
		in.nselections = (int) n;
	}

	/* the lead auditor's qualifications */
	values[0] = Int64GetDatum(lead_id);
	run(Q_QUALIFICATIONS, q_qualifications, 1, types, values);
	n = SPI_processed;
	{
		vl_qualification *q = palloc0(sizeof(vl_qualification) * (n + 1));

		for (uint64 i = 0; i < n; i++)
		{
			q[i].name = col_text(i, 1);
			q[i].valid_until = col_date(i, 2);
		}
		in.qualifications = q;
		in.nqualifications = (int) n;
	}

	/*
	 * One entry per control that is stated or required: the statement and
	 * the baseline, each in ctrlid order, merged on their keys.
	 */
	{
		SPITupleTable *stated;
		uint64		nstated,
					nrequired,
					i = 0,
					j = 0,
					k = 0;
		vl_control *c;
		bool		same_standard = strcmp(audit_fw, policy_fw) == 0;

		types[0] = INT8OID;
		values[0] = Int64GetDatum(audit_id);
		run(Q_STATED, q_stated, 1, types, values);
		stated = SPI_tuptable;
		nstated = SPI_processed;

		/* an audit against another framework states none of the standard's controls */
		types[0] = TEXTOID;
		values[0] = CStringGetTextDatum(policy_fw);
		types[1] = INT4OID;
		values[1] = Int32GetDatum(in.requested_level);
		types[2] = TEXTOID;
		values[2] = CStringGetTextDatum(program);
		run(Q_REQUIRED, q_required, 3, types, values);
		nrequired = SPI_processed;

		c = palloc0(sizeof(vl_control) * (nstated + nrequired + 1));
		while (i < nstated || j < nrequired)
		{
			struct varlena *si = NULL,
					   *rq = NULL;
			bool		isnull;
			int			cmp;

			if (i < nstated)
				si = (struct varlena *) PG_DETOAST_DATUM_PACKED(
					SPI_getbinval(stated->vals[i], stated->tupdesc, 1, &isnull));
			if (j < nrequired)
				rq = (struct varlena *) PG_DETOAST_DATUM_PACKED(col(j, 1, &isnull));
			if (si == NULL)
				cmp = 1;
			else if (rq == NULL)
				cmp = -1;
			else
				cmp = ctrlid_key_cmp(CTRLID_KEY(si), CTRLID_KEYLEN(si), CTRLID_KEY(rq), CTRLID_KEYLEN(rq));

			if (cmp <= 0)
			{
				/* a stated control, required when the baseline has it too */
				HeapTuple	tup = stated->vals[i];
				TupleDesc	td = stated->tupdesc;
				Datum		d;

				c[k].key = CTRLID_KEY(si);
				c[k].keylen = CTRLID_KEYLEN(si);
				c[k].depth = CTRLID_NSEG(si);
				c[k].id = pnstrdup(CTRLID_TEXT(si), CTRLID_TEXTLEN(si));
				c[k].stated = true;
				d = SPI_getbinval(tup, td, 2, &isnull);
				c[k].mandatory = !isnull && DatumGetBool(d);
				d = SPI_getbinval(tup, td, 3, &isnull);
				c[k].selected = !isnull && DatumGetBool(d);
				d = SPI_getbinval(tup, td, 4, &isnull);
				c[k].has_reason = !isnull && DatumGetBool(d);
				d = SPI_getbinval(tup, td, 5, &isnull);
				c[k].result = isnull ? VL_RESULT_NONE : parse_result(TextDatumGetCString(d));
				d = SPI_getbinval(tup, td, 6, &isnull);
				c[k].has_rationale = !isnull && DatumGetBool(d);
				c[k].required = (cmp == 0 && same_standard);
				i++;
			}
			else if (same_standard)
			{
				/* a required control missing from the statement */
				c[k].key = CTRLID_KEY(rq);
				c[k].keylen = CTRLID_KEYLEN(rq);
				c[k].depth = CTRLID_NSEG(rq);
				c[k].id = pnstrdup(CTRLID_TEXT(rq), CTRLID_TEXTLEN(rq));
				c[k].mandatory = col_bool(j, 2);
				c[k].required = true;
			}
			else
				k--;			/* another framework: nothing required from it */
			if (cmp >= 0)
			{
				/* skip the baseline rows of this key (it may be in several baselines) */
				struct varlena *cur = rq;

				while (j < nrequired)
				{
					struct varlena *next = (struct varlena *) PG_DETOAST_DATUM_PACKED(col(j, 1, &isnull));

					if (ctrlid_key_cmp(CTRLID_KEY(next), CTRLID_KEYLEN(next),
									   CTRLID_KEY(cur), CTRLID_KEYLEN(cur)) != 0)
						break;
					j++;
				}
			}
			k++;
		}
		in.controls = c;
		in.ncontrols = (int) k;

		/*
		 * The effective result of each stated control: an additional
		 * audit's, when one covers it, else the audit's own.  Both lists
		 * are in ctrlid order: one merge; the first row of a key is the
		 * latest additional audit's.
		 */
		types[0] = INT8OID;
		values[0] = Int64GetDatum(audit_id);
		run(Q_ADDITIONAL, q_additional, 1, types, values);
		for (uint64 a = 0, m = 0; a < SPI_processed && m < k; )
		{
			bool		isnull;
			struct varlena *ad = (struct varlena *) PG_DETOAST_DATUM_PACKED(col(a, 1, &isnull));
			int			cmp = ctrlid_key_cmp(CTRLID_KEY(ad), CTRLID_KEYLEN(ad), c[m].key, c[m].keylen);

			if (cmp < 0)
				a++;
			else if (cmp > 0)
				m++;
			else
			{
				if (c[m].stated)
				{
					c[m].result = parse_result(col_text(a, 2));
					c[m].has_rationale = col_bool(a, 3);
				}
				m++;
				/* the older additional audits' rows of this key */
				while (++a < SPI_processed)
				{
					struct varlena *next = (struct varlena *) PG_DETOAST_DATUM_PACKED(col(a, 1, &isnull));

					if (ctrlid_key_cmp(CTRLID_KEY(next), CTRLID_KEYLEN(next),
									   CTRLID_KEY(ad), CTRLID_KEYLEN(ad)) != 0)
						break;
				}
			}
		}
	}

	/* control tests, with the sample table's minimum and the achieved limit */
	types[0] = INT8OID;
	values[0] = Int64GetDatum(audit_id);
	types[1] = FLOAT8OID;
	values[1] = Float8GetDatum(in.confidence);
	run(Q_TESTS, q_tests, 2, types, values);
	n = SPI_processed;
	{
		vl_test    *t = palloc0(sizeof(vl_test) * (n + 1));

		for (uint64 i = 0; i < n; i++)
		{
			t[i].control_id = col_text(i, 1);
			t[i].frequency = col_text(i, 2);
			t[i].population = col_int(i, 3);
			t[i].sample_size = (int32) col_int(i, 4);
			t[i].deviations = (int32) col_int(i, 5);
			t[i].min_sample = (int32) col_int(i, 6);
			t[i].upper_limit = col_float(i, 7);
			t[i].result_effective = col_bool(i, 8);
		}
		in.tests = t;
		in.ntests = (int) n;
	}

	/* platforms */
	values[0] = Int64GetDatum(service_id);
	types[1] = INT8OID;
	values[1] = Int64GetDatum(audit_id);
	run(Q_DEPS, q_deps, 2, types, values);
	n = SPI_processed;
	{
		vl_dependency *d = palloc0(sizeof(vl_dependency) * (n + 1));

		for (uint64 i = 0; i < n; i++)
		{
			d[i].base_service_id = col_int(i, 1);
			d[i].base_name = col_text(i, 2);
			d[i].self_assessed = col_bool(i, 3);
			d[i].base_level = (int) col_int(i, 4);
			d[i].base_number = col_text(i, 5);
			d[i].exempt_until = col_text(i, 6);
		}
		in.deps = d;
		in.ndeps = (int) n;
	}

	/* unresolved review findings */
	types[0] = INT8OID;
	values[0] = Int64GetDatum(application_id);
	run(Q_FINDINGS, q_findings, 1, types, values);
	n = SPI_processed;
	{
		vl_finding *f = palloc0(sizeof(vl_finding) * (n + 1));

		for (uint64 i = 0; i < n; i++)
		{
			f[i].finding_id = col_int(i, 1);
			f[i].control_id = col_text(i, 2);
			f[i].addressed_to = col_text(i, 3);
			f[i].raised_on = col_date(i, 4);
			f[i].responded = col_bool(i, 5);
		}
		in.findings = f;
		in.nfindings = (int) n;
	}

	/* overdue remediation plans */
	types[0] = INT8OID;
	values[0] = Int64GetDatum(service_id);
	types[1] = INT8OID;
	values[1] = Int64GetDatum(application_id);
	run(Q_REMEDIATION, q_remediation, 2, types, values);
	n = SPI_processed;
	{
		vl_remediation *m = palloc0(sizeof(vl_remediation) * (n + 1));

		for (uint64 i = 0; i < n; i++)
		{
			m[i].remediation_id = col_int(i, 1);
			m[i].control_id = col_text(i, 2);
			m[i].due_on = col_date(i, 3);
			m[i].registration_number = col_text(i, 4);
		}
		in.remediations = m;
		in.nremediations = (int) n;
	}

	/* inherited controls */
	types[0] = INT8OID;
	values[0] = Int64GetDatum(audit_id);
	run(Q_INHERITED, q_inherited, 1, types, values);
	n = SPI_processed;
	{
		vl_inherited *h = palloc0(sizeof(vl_inherited) * (n + 1));

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

	/* the disclosure */
	values[0] = Int64GetDatum(service_id);
	run(Q_DISCLOSURE, q_disclosure, 1, types, values);
	in.disclosure_missing = SPI_processed > 0 ? col_text(0, 1) : NULL;

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
