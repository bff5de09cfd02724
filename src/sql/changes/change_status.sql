-- The state of each change reported by as_of.  An audit covers a material
-- change when its audited period ends on or after the effective date and a
-- registration was made from it by as_of (renewal or new registration):
-- that is the "new audit" of footnote 26.  A scope extension asks more:
-- the audited scope must contain the extension (ismap.scope_contains), or
-- the audit saw the service without it (DESIGN 3.14).  A scope extension
-- reported before 0.3.0 states none (extension null) and keeps the rule
-- of its time (docs/upgrading.md).
CREATE FUNCTION ismap.change_status(as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE (change_id pg_catalog.int8, service_id pg_catalog.int8, kind pg_catalog.text, material pg_catalog.bool,
	effective_on pg_catalog.date, due_on pg_catalog.date, covered_by pg_catalog.int8, covered_on pg_catalog.date,
	status pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.change_id, c.service_id, c.kind, c.material, c.effective_on,
		   CASE WHEN c.material THEN (c.effective_on OPERATOR(pg_catalog.+) w.win)::pg_catalog.date END,
		   cov.registration_id, cov.registered_on,
		   CASE WHEN NOT c.material THEN 'recorded'
				WHEN cov.registration_id IS NOT NULL THEN 'covered'
				WHEN (c.effective_on OPERATOR(pg_catalog.+) w.win)::pg_catalog.date OPERATOR(pg_catalog.<) $1 THEN 'overdue'
				ELSE 'audit_required' END
	FROM ismap.service_change c
	CROSS JOIN (SELECT (ismap.policy_value('change_audit_window') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval AS win) w
	LEFT JOIN LATERAL (
		SELECT r.registration_id, r.registered_on
		FROM ismap.registration r
		JOIN ismap.application a ON a.application_id OPERATOR(pg_catalog.=) r.application_id
		JOIN ismap.audit au ON au.audit_id OPERATOR(pg_catalog.=) a.audit_id
		WHERE c.material AND r.service_id OPERATOR(pg_catalog.=) c.service_id
		  AND r.registered_on OPERATOR(pg_catalog.<=) $1
		  AND au.period_end OPERATOR(pg_catalog.>=) c.effective_on
		  AND (c.extension IS NULL OR ismap.scope_contains(au.scope, c.extension))
		ORDER BY r.registered_on, r.registration_id
		LIMIT 1) cov ON true
	WHERE c.reported_on OPERATOR(pg_catalog.<=) $1
$$;
COMMENT ON FUNCTION ismap.change_status(pg_catalog.date) IS 'each change reported by as_of: due_on (effective_on plus the policy change_audit_window, material changes), the registration whose audit covers it (its audited period ends on or after effective_on; for a scope extension its scope also contains the extension), and status recorded (minor), audit_required, overdue or covered';

