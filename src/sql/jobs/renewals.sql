-------------------------------------------------------------------------------
-- renewals (docs/scheme.md §3.3.3(5); a registration stays valid while a filed renewal is open)
-------------------------------------------------------------------------------

-- A renewal is pending for a registration on a day when the service filed
-- a renewal application on or before both that day and the registration's
-- valid_until, and it was not decided by that day.
CREATE FUNCTION ismap_internal.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
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
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_past pg_catalog.int8;
	n_notices pg_catalog.int8;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	RETURN QUERY
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = ANY (ARRAY['submitted', 'accepted', 'in_review']) OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2;
	GET DIAGNOSTICS n_past = ROW_COUNT;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s registrations expired or kept; writing notices at %s days before expiry', n_past, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']) OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 3. remediation plans past their due date (DESIGN 3.13): overdue, one
	-- notice each; validation of the service's next application reports
	-- REMEDIATION_OVERDUE for them
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s notices; remediation plans due before %s', n_notices, d));
	RETURN QUERY
	WITH due AS (
		SELECT m.remediation_id, m.due_on,
			   pg_catalog.format('%s: remediation %s of control %s was due on %s', g.registration_number,
				   m.remediation_id, m.control_id, m.due_on) AS what
		FROM ismap.remediation m JOIN ismap.registration g ON g.registration_id = m.registration_id
		WHERE m.status = 'open' AND m.due_on < d
	),
	upd AS (
		UPDATE ismap.remediation m SET status = 'overdue', overdue_run_id = run
		FROM due x
		WHERE NOT dry AND m.remediation_id = x.remediation_id AND m.status = 'open'
		RETURNING m.remediation_id
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'remediation_overdue', x.remediation_id, x.due_on, d, x.what, run
		FROM due x JOIN upd u ON u.remediation_id = x.remediation_id
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'overdue', x.remediation_id, x.what FROM due x WHERE dry
	ORDER BY 2, 3;

	-- 4. platform level drift (DESIGN 3.14): a platform whose registration
	-- in force (made by d) is at a lower level than the registration in
	-- force of a service built on it (not self-assessed) -- a renewal at a
	-- lower level -- gets the dependent one notice per platform
	-- registration; the cascade and changes jobs tell its agencies
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s renewal notices; platforms below their dependents'' level', n_notices));
	RETURN QUERY
	WITH drift AS (
		SELECT r.registration_id, r.registration_number, r.level, r.service_id,
			   p.registration_number AS base_number, p.level AS base_level, p.service_id AS base_service_id,
			   p.registered_on AS occasion
		FROM ismap.registration p
		JOIN ismap.service_dependency dep ON dep.base_service_id OPERATOR(pg_catalog.=) p.service_id
			AND dep.self_assessed_audit_id IS NULL
		JOIN ismap.registration r ON r.service_id OPERATOR(pg_catalog.=) dep.service_id
			AND r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		WHERE p.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND p.registered_on OPERATOR(pg_catalog.<=) d AND p.level OPERATOR(pg_catalog.<) r.level
	),
	fresh AS (
		SELECT x.*, pg_catalog.format('%s (service %s, level %s): its platform %s (service %s) is registered at level %s since %s',
				   x.registration_number, x.service_id, x.level, x.base_number, x.base_service_id, x.base_level, x.occasion) AS what
		FROM drift x
		WHERE NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'platform_level_drift' AND n.object_id OPERATOR(pg_catalog.=) x.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) x.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'platform_level_drift', f.registration_id, f.occasion, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'level_drift', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'level_drift', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2, 3;

	-- 5. transitional exemptions (ismap.platform_exemption) about to end:
	-- a notice at the latest window reached, once per exemption and window,
	-- as for a registration
	RETURN QUERY
	WITH cand AS (
		SELECT e.exemption_id, e.service_id, e.base_service_id, e.valid_until, w.days,
			   (e.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.platform_exemption e
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (e.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE e.valid_until OPERATOR(pg_catalog.>=) d
		  AND e.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  -- a later exemption of the same dependency carries it on
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption n
						  WHERE n.service_id OPERATOR(pg_catalog.=) e.service_id
							AND n.base_service_id OPERATOR(pg_catalog.=) e.base_service_id
							AND n.valid_until OPERATOR(pg_catalog.>) e.valid_until)
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('exemption %s: service %s may stand on unregistered platform %s until %s (%s days); %s-day notice',
				   c.exemption_id, c.service_id, c.base_service_id, c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'exemption_ending' AND n.object_id OPERATOR(pg_catalog.=) c.exemption_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'exemption_ending', f.exemption_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'exemption_ending', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'exemption_ending', f.exemption_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('renewals', 'ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 101, 'expire registrations past their validity, keep those a pending renewal holds, write renewal notices', 10);

CREATE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('renewals', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each, a notice for a registration whose platform is registered at a lower level, and notices before a transitional platform exemption ends; idempotent';

-- Only the owner (and roles it grants, e.g. ismap_jobs) runs the jobs.
REVOKE EXECUTE ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;

