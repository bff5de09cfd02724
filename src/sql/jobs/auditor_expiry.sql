-------------------------------------------------------------------------------
-- audit-body selections (docs/scheme.md §3.3.2(2)③, §3.3.3(4))
-------------------------------------------------------------------------------
CREATE FUNCTION ismap_internal.job_auditor_expiry(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_auditor_expiry.as_of;
	dry pg_catalog.bool := job_auditor_expiry.dry_run;
	run pg_catalog.int8 := job_auditor_expiry.run_id;
	report_interval pg_catalog.interval := (ismap.policy_value('audit_body_report_interval') #>> '{}')::pg_catalog.interval;
	sel_id pg_catalog.int8;
	sel_name pg_catalog.text;
	sel_from pg_catalog.date;
	sel_until pg_catalog.date;
	sel_status pg_catalog.text;
	n_overdue pg_catalog.int8;
	n_apps pg_catalog.int8;
BEGIN

	-- 1. selections whose term ended (active or suspended) expire, from
	-- the day after the term (history row and event each)
	FOR sel_id, sel_name, sel_from, sel_until, sel_status IN
		SELECT s.selection_id, b.name, s.valid_from, s.valid_until, s.status
		FROM ismap.audit_body_selection s JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		WHERE s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']) AND s.valid_until OPERATOR(pg_catalog.<) d
		ORDER BY s.selection_id
		FOR UPDATE OF s
	LOOP
		IF NOT dry THEN
			PERFORM ismap_internal.record_selection_status(sel_id, 'expired', sel_until OPERATOR(pg_catalog.+) 1,
				pg_catalog.format('term ended on %s (was %s)', sel_until, sel_status));
		END IF;
		action := 'expired';
		object_id := sel_id;
		detail := pg_catalog.format('%s: selection %s to %s (%s) expired', sel_name, sel_from, sel_until, sel_status);
		RETURN NEXT;
	END LOOP;

	-- 2. monitoring reports overdue: flagged once per due date (a report
	-- received moves next_report_due, and a new date can be flagged again)
	RETURN QUERY
	WITH overdue AS (
		SELECT s.selection_id, b.name, x.due
		FROM ismap.audit_body_selection s
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		CROSS JOIN LATERAL (SELECT COALESCE(s.next_report_due, (s.valid_from OPERATOR(pg_catalog.+) report_interval)::pg_catalog.date) AS due) x
		WHERE s.status OPERATOR(pg_catalog.=) 'active' AND s.valid_until OPERATOR(pg_catalog.>=) d
		  AND x.due OPERATOR(pg_catalog.<) d
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'report_overdue' AND n.object_id OPERATOR(pg_catalog.=) s.selection_id
							AND n.occasion OPERATOR(pg_catalog.=) x.due)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'report_overdue', o.selection_id, o.due, d,
			   pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due), run
		FROM overdue o WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'report_overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'report_overdue', o.selection_id, pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due)
	FROM overdue o WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_overdue = ROW_COUNT;

	-- 3. open applications whose audit was reported by a body that was not
	-- selected on the report date (a formal defect, §3.3.3(4)): no
	-- selection's term covers that day with a status in force then (its
	-- history) of active or expired.  A suspension or revocation counts
	-- from its date only.
	RETURN QUERY
	WITH bad AS (
		SELECT ap.application_id, ap.service_id, au.audit_id, au.report_date, b.name
		FROM ismap.application ap
		JOIN ismap.audit au ON au.audit_id OPERATOR(pg_catalog.=) ap.audit_id
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
		WHERE ap.status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']) AND ap.submitted_on OPERATOR(pg_catalog.<=) d
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.audit_body_selection s
			WHERE s.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
			  AND au.report_date OPERATOR(pg_catalog.>=) s.valid_from AND au.report_date OPERATOR(pg_catalog.<=) s.valid_until
			  AND ismap.selection_status_on(s.selection_id, au.report_date) OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'expired']))
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'body_not_selected' AND n.object_id OPERATOR(pg_catalog.=) ap.application_id
							AND n.occasion OPERATOR(pg_catalog.=) au.report_date)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'body_not_selected', x.application_id, x.report_date, d,
			   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
				   x.application_id, x.service_id, x.audit_id, x.report_date, x.name), run
		FROM bad x WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'body_not_selected', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'body_not_selected', x.application_id,
		   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
			   x.application_id, x.service_id, x.audit_id, x.report_date, x.name)
	FROM bad x WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_apps = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the auditor-expiry job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('auditor-expiry', 'ismap_internal.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 102, 'expire audit-body selections, flag overdue monitoring reports and audits by unselected bodies', 20);

CREATE FUNCTION ismap.expire_audit_body_selections(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('auditor-expiry', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'audit-body job: expire selections whose term ended, flag overdue monitoring reports and open applications whose audit body was not selected at the report date, once each; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;

