-------------------------------------------------------------------------------
-- cascading delistings (docs/scheme.md §3.3.4④)
-------------------------------------------------------------------------------

-- A platform "lapsed" when its newest registration ended (expired or
-- delisted) and no registration is live.  Once the policy cascade_grace
-- has passed since that end, every live registration built on it is
-- delisted, transitively, with the rules of ismap.delist: self-assessed
-- dependencies stop the walk, cycles are walked once, and a service
-- reached on several paths takes the shortest (then the lowest chain).
CREATE FUNCTION ismap_internal.job_cascade(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
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
	d pg_catalog.date := job_cascade.as_of;
	dry pg_catalog.bool := job_cascade.dry_run;
	run pg_catalog.int8 := job_cascade.run_id;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
		  -- a transitional exemption in force spares the service; once
		  -- it has ended the dependency is like any other
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption e
						  WHERE e.service_id = dep.service_id AND e.base_service_id = dep.base_service_id
							AND e.valid_until >= d)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via, run_id = run
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;

	-- the agencies whose procured services ended (these delistings, the
	-- registrar's, expiries): a notice per procurement, once
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: %s delisted; agency notices', n_delisted));
	RETURN QUERY SELECT * FROM ismap_internal.agency_notices(d, dry, run);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the cascade job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('cascade', 'ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 103, 'delist, transitively, services whose platform lost its registration (after the grace)', 30);

CREATE FUNCTION ismap.cascade_delistings(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('cascade', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'cascade job: delist, transitively, live registrations whose platform has had no registration for the policy cascade_grace (self-assessed dependencies excepted), with cascaded_from and cascade_path; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;

