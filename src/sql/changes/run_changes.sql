-------------------------------------------------------------------------------
-- the changes job
-------------------------------------------------------------------------------

-- In this order: evidence partitions ahead; the reported events waiting
-- to be chained (ismap_internal.pending_event); changes newly covered by an
-- audit (an event each); suspensions lifted and registrations reinstated
-- once no uncovered change holds them; material changes past their window
-- suspend the service's live registration and, with the walk of
-- ismap.delisting_impact, every live registration built on it; notices
-- before a window ends; controls crossing the limit and back.  The ledger
-- (covered_by, change_suspension, registration status, notice, the open
-- control_crossing) is written in the same transaction, so a rerun with
-- the same date does nothing.
CREATE FUNCTION ismap_internal.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
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
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_chained pg_catalog.int8;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 1b. the reported events committed so far (change reports, dependency
	-- changes: queued without the chain lock) go into the event log; the
	-- coverage events of step 2 follow them
	IF NOT dry THEN
		PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
		n_chained := ismap_internal.chain_pending_events();
	ELSE
		SELECT pg_catalog.count(*) INTO n_chained FROM ismap_internal.pending_event;
	END IF;
	IF n_chained > 0 THEN
		action := 'events_chained'; object_id := NULL;
		detail := pg_catalog.format('%s reported event(s) chained into the event log', n_chained);
		RETURN NEXT;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   CASE WHEN p.depth > 0
				THEN pg_catalog.format('%s (service %s): %s ; chain %s', p.registration_number, p.service_id, p.reason,
					pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
				ELSE pg_catalog.format('%s (service %s): %s', p.registration_number, p.service_id, p.reason) END
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;

	-- the agencies whose procured services were suspended: a notice per
	-- procurement, once (ismap_internal.agency_notices)
	RETURN QUERY SELECT * FROM ismap_internal.agency_notices(d, dry, run);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('changes', 'ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 104, 'suspend services with a material change left unaudited, watch control evidence, create evidence partitions ahead', 40);

CREATE FUNCTION ismap.run_changes(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('changes', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'changes job: make evidence partitions ahead, record changes an audit covers, reinstate what they held, suspend (with the delisting walk) registrations whose service has a material change past the policy change_audit_window, write notices before the window ends and one notice per crossing of the control-evidence limit; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;

