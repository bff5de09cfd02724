-------------------------------------------------------------------------------
-- the agencies' notices (docs/jobs.md; DESIGN 3.14)
-------------------------------------------------------------------------------

-- The agencies' notices (kind agency_notice, one per procurement and
-- event): a registration of a procured service expired (not replaced by
-- its renewal), was delisted (by the registrar or the cascade) or was
-- suspended, or its platform is registered at a lower level than it
-- (platform level drift), or it was renewed at a level below the one the
-- procuring system needs, while the procurement was in use or before a
-- planned one begins (a procurement is recorded ahead of its from_date
-- when the service is eligible on that day).  Called by the cascade and
-- changes jobs; the notice ledger makes every run after the first write
-- nothing.  Driven by the procurements, which are few beside the
-- registrations.
CREATE FUNCTION ismap_internal.agency_notices(d pg_catalog.date, dry pg_catalog.bool, run pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH ev AS (
		SELECT p.procurement_id, p.system_id, sys.org_id, r.registration_number, r.service_id, e.what, e.occasion, e.reason
		FROM ismap.procurement p
		JOIN ismap.information_system sys ON sys.system_id = p.system_id
		JOIN ismap.registration r ON r.service_id = p.service_id
		CROSS JOIN LATERAL (
			SELECT r.status AS what, r.ended_on AS occasion,
				   CASE WHEN r.cascade_path IS NULL OR r.end_reason IS NULL THEN r.end_reason
					   ELSE pg_catalog.format('%s (chain %s)', r.end_reason,
						   pg_catalog.array_to_string(r.cascade_path || r.service_id, ' -> ')) END AS reason
			WHERE r.status IN ('expired', 'delisted')
			  -- a renewal ends the registration it replaces: not an event for the agency
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration n
							  WHERE n.service_id = r.service_id AND n.registration_id <> r.registration_id
								AND n.registered_on = r.ended_on)
			UNION ALL
			SELECT 'suspended', pg_catalog.min(c.suspended_on), r.end_reason
			FROM ismap.change_suspension c
			WHERE r.status = 'suspended' AND c.registration_id = r.registration_id AND c.lifted_on IS NULL
			HAVING pg_catalog.min(c.suspended_on) IS NOT NULL
			UNION ALL
			-- its platform is now registered at a lower level (a renewal)
			SELECT 'is on a platform below its level', p.registered_on,
				   pg_catalog.format('platform %s (service %s) is registered at level %s, below level %s', p.registration_number,
					   p.service_id, p.level, r.level)
			FROM ismap.service_dependency dep
			JOIN ismap.registration p ON p.service_id = dep.base_service_id AND p.status IN ('active', 'suspended')
			WHERE r.status IN ('active', 'suspended') AND dep.service_id = r.service_id
			  AND dep.self_assessed_audit_id IS NULL AND p.level < r.level
			UNION ALL
			-- renewed at a level below the one the system needs
			SELECT 'renewed below the level the system needs', r.registered_on,
				   pg_catalog.format('registered at level %s, system %s needs level %s', r.level, p.system_id,
					   ismap.required_level(p.system_id))
			WHERE r.status IN ('active', 'suspended') AND r.level < ismap.required_level(p.system_id)
			  AND EXISTS (SELECT 1 FROM ismap.registration o
						  WHERE o.service_id = r.service_id AND o.registration_id <> r.registration_id
							AND o.ended_on = r.registered_on)) e
		WHERE e.occasion <= d
		  AND (p.until_date IS NULL OR p.until_date >= e.occasion)
		  -- in use on the day of the event, or yet to begin and resting on
		  -- the registration it concerns or a later one of the service (a
		  -- use planned on a registration that then ended, was suspended or
		  -- renewed below the system's level is reached too; an event of a
		  -- registration before the one it rests on is not its business).
		  -- A procurement without its registration (restored so) rests on
		  -- the service's latest registration made by its from_date
		  AND (p.from_date <= e.occasion
			   OR r.registered_on >= COALESCE((SELECT pr.registered_on FROM ismap.registration pr
											   WHERE pr.registration_id = p.registration_id),
											  (SELECT pg_catalog.max(pr.registered_on) FROM ismap.registration pr
											   WHERE p.registration_id IS NULL AND pr.service_id = p.service_id
												 AND pr.registered_on <= p.from_date)))
	),
	fresh AS (
		SELECT ev.*, pg_catalog.format('agency %s, system %s, procurement %s: service %s (%s) %s on %s: %s',
				   ev.org_id, ev.system_id, ev.procurement_id, ev.service_id, ev.registration_number, ev.what,
				   ev.occasion, COALESCE(ev.reason, 'no reason recorded')) AS what_text
		FROM ev
		WHERE NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'agency_notice' AND n.object_id = ev.procurement_id AND n.occasion = ev.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'agency_notice', f.procurement_id, f.occasion, d, f.what_text, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'agency_notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'agency_notice', f.procurement_id, f.what_text FROM fresh f WHERE dry
	ORDER BY 2, 3
$$;
COMMENT ON FUNCTION ismap_internal.agency_notices(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'used by the cascade and changes jobs: one agency_notice per procurement in use (or yet to begin on that registration or a later one) when its service''s registration expired, was delisted or suspended, or it was renewed below the level the system needs, or its platform came to be registered at a lower level (on or before d), once';
REVOKE EXECUTE ON FUNCTION ismap_internal.agency_notices(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
