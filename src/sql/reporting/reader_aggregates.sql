-- ==== Reader-safe aggregates ====
-------------------------------------------------------------------------------
-- Aggregates over what is not public, for the questions of the analyst
-- cookbook that the reader role could not otherwise answer (docs/security.md,
-- "Reader-safe aggregates").  Each has the owner's rights (the reader sees no
-- audit result, statement or procurement), takes no argument (a filter is a
-- way to narrow a group to one service), counts only registered services,
-- and shows a group only when it is large enough to hide its members: the
-- k-anonymity threshold is 5 (at least 5 services, or 5 systems, from at
-- least 3 providers, or 3 agencies); a smaller group is left out, not
-- rounded.  The same rule as application_stage_medians, written once:
-- ismap_internal.reader_group_shown (reporting/reader_threshold.sql).
-------------------------------------------------------------------------------

-- The controls audits found ineffective, per year of registration.  Only
-- the audits a registration rests on, and only calendar years that have
-- ended: a year still running would change the day a service is
-- registered, and the difference would be that service's results.  Besides
-- the threshold, a group is shown only when at least 5 of the year's
-- registrations that had to state the control (their level's baselines
-- hold it and they did not exclude it) were not found ineffective: else
-- "every one of them" would be read from the count.  The counts per year,
-- framework and control (registrations found, their distinct services and
-- providers, registrations that left the control out) and the
-- registrations per year, framework and level are kept by triggers in
-- ismap.control_tally and ismap.level_tally (reporting/control_tally.sql):
-- the function reads a few hundred rows, not every registration's results.
CREATE FUNCTION ismap.ineffective_control_counts()
RETURNS TABLE (year pg_catalog.int4, framework_id pg_catalog.text, control_id ismap.ctrlid, title pg_catalog.text,
			   services pg_catalog.int8, providers pg_catalog.int8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t.year, t.framework_id, t.control_id, c.title, t.services, t.providers
	FROM ismap.control_tally t
	JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) t.framework_id AND c.control_id OPERATOR(ismap.=) t.control_id
	-- the registrations of the year that had to state the control
	CROSS JOIN LATERAL (
		SELECT COALESCE(pg_catalog.sum(l.registrations), 0) AS registrations FROM ismap.level_tally l
		WHERE l.year OPERATOR(pg_catalog.=) t.year AND l.framework_id OPERATOR(pg_catalog.=) t.framework_id
		  AND l.level OPERATOR(pg_catalog.>=) (
			SELECT pg_catalog.min(b.level) FROM ismap.baseline b
			JOIN ismap.baseline_control bc ON bc.baseline_id OPERATOR(pg_catalog.=) b.baseline_id
			WHERE b.framework_id OPERATOR(pg_catalog.=) t.framework_id AND bc.control_id OPERATOR(ismap.=) t.control_id)) due
	WHERE t.year OPERATOR(pg_catalog.<) pg_catalog.date_part('year', CURRENT_DATE)::pg_catalog.int4
	  AND ismap_internal.reader_group_shown(t.services, t.providers)
	  -- and the rest of those due (not found ineffective) at least the
	  -- threshold's 5 members: a group of its own, whose owners are not counted
	  AND due.registrations OPERATOR(pg_catalog.-) t.excluded OPERATOR(pg_catalog.-) t.registrations OPERATOR(pg_catalog.>=) 5
	ORDER BY t.year, t.services DESC, t.framework_id, t.control_id
$$;
COMMENT ON FUNCTION ismap.ineffective_control_counts() IS 'per calendar year that has ended and control, the registered services whose registration''s audit found it ineffective, and their providers; only groups of at least 5 services from at least 3 providers, with at least 5 of the year''s registrations due to state the control not found ineffective (the rest is left out), so every role may run it';
REVOKE EXECUTE ON FUNCTION ismap.ineffective_control_counts() FROM PUBLIC;

-- The controls left out of the statements of the registrations in force.
-- What a registered statement selects is published with the registration
-- (registered_content.responsibility_matrix); the reasons are the
-- providers' own words and are not shown.
CREATE FUNCTION ismap.control_exclusion_counts()
RETURNS TABLE (framework_id pg_catalog.text, control_id ismap.ctrlid, title pg_catalog.text,
			   services pg_catalog.int8, providers pg_catalog.int8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT si.framework_id, si.control_id, c.title, pg_catalog.count(DISTINCT r.service_id),
		   pg_catalog.count(DISTINCT s.csp_id)
	FROM ismap.statement_item si
	JOIN ismap.registration r ON r.audit_id OPERATOR(pg_catalog.=) si.audit_id AND r.status OPERATOR(pg_catalog.=) 'active'
	JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) r.service_id
	JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) si.framework_id AND c.control_id OPERATOR(ismap.=) si.control_id
	WHERE NOT si.selected
	GROUP BY si.framework_id, si.control_id, c.title
	HAVING ismap_internal.reader_group_shown(pg_catalog.count(DISTINCT r.service_id), pg_catalog.count(DISTINCT s.csp_id))
	ORDER BY 4 DESC, si.framework_id, si.control_id
$$;
COMMENT ON FUNCTION ismap.control_exclusion_counts() IS 'per control, the services registered now whose statement leaves it out, and their providers (no reasons); only groups of at least 5 services from at least 3 providers, so every role may run it';
REVOKE EXECUTE ON FUNCTION ismap.control_exclusion_counts() FROM PUBLIC;

-- How many agencies' systems rely on each registered service: they procure
-- it, or a service that runs on it (the cascade's dependencies, not the
-- self-assessed ones), in a procurement in use today.  Which agency uses
-- what is the agencies' business; the count of at least 5 systems from at
-- least 3 agencies is not.
--
-- Both forms of ismap.agency_reliance below find the (service, system)
-- pairs of reliance, each by its own walk, and hand them to this one
-- function, which counts and applies the threshold: the rows of the two
-- forms are made in one place.  The pairs are made distinct here (a system
-- counts once for a service, whatever the walk found), so a service's
-- systems are the sum of its per-agency counts and its agencies the number
-- of those: two hashed groupings, no count(DISTINCT) sort; the groups are
-- of services (a service has at most one active registration, and an
-- active number one service), and only the groups kept look up their
-- registration and name.  The pairs come as two arrays of the same length
-- (the i-th service with the i-th system; a pair with a NULL counts
-- nothing).  PL/pgSQL planned afresh for each call (a custom plan): the
-- planner sees how many pairs there are, and hashes the thousands of the
-- whole list as it looks up the few hundred of query 16 (as SQL, a
-- generic plan would guess 10 pairs and look up each of them).  In
-- ismap_internal: no role may call it, so nobody hands it pairs of their
-- own; the two forms are what every role runs.
--
-- An agency is a member of the groups it counts in, and records its own
-- procurements: were its systems counted toward the threshold, three of
-- its own would lift a hidden group of two other agencies' systems to "5
-- systems of 3 agencies" and tell it how many others rely on the service.
-- So the threshold is met by the other agencies' systems alone: those of
-- the agencies bound to the session's login or to the role it set (the
-- caller, which a SECURITY DEFINER function sees only so: current_user is
-- the owner here) are left out of the test, not of the figures shown.
-- For every other role the set is empty and the rule is the one above.
CREATE FUNCTION ismap_internal.agency_reliance_of(p_service_ids pg_catalog.int8[], p_system_ids pg_catalog.int8[])
RETURNS TABLE (registration_number pg_catalog.text, service_name pg_catalog.text,
			   systems pg_catalog.int8, agencies pg_catalog.int8)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	-- the caller's own agencies ('none' when no role was set: no role has that name)
	own pg_catalog.int8[] := ARRAY(SELECT b.org_id FROM ismap.principal_binding b
		WHERE b.org_id IS NOT NULL
		  AND b.role_name OPERATOR(pg_catalog.=) ANY (ARRAY[SESSION_USER, pg_catalog.current_setting('role')::pg_catalog.name]));
BEGIN
	RETURN QUERY
	WITH relied AS (
		SELECT DISTINCT t.service_id, t.system_id
		FROM ROWS FROM (pg_catalog.unnest(p_service_ids), pg_catalog.unnest(p_system_ids)) t(service_id, system_id)
	),
	per_agency AS (
		SELECT u.service_id, sys.org_id, pg_catalog.count(*) AS systems
		FROM relied u
		JOIN ismap.information_system sys ON sys.system_id OPERATOR(pg_catalog.=) u.system_id
		GROUP BY u.service_id, sys.org_id
	),
	counted AS (
		SELECT a.service_id, pg_catalog.sum(a.systems)::pg_catalog.int8 AS systems, pg_catalog.count(*) AS agencies
		FROM per_agency a
		GROUP BY a.service_id
		HAVING ismap_internal.reader_group_shown(
			COALESCE(pg_catalog.sum(a.systems) FILTER (WHERE a.org_id OPERATOR(pg_catalog.<>) ALL (own)), 0)::pg_catalog.int8,
			pg_catalog.count(*) FILTER (WHERE a.org_id OPERATOR(pg_catalog.<>) ALL (own)))
	)
	SELECT r.registration_number, s.name, c.systems, c.agencies
	FROM counted c
	JOIN ismap.registration r ON r.service_id OPERATOR(pg_catalog.=) c.service_id AND r.status OPERATOR(pg_catalog.=) 'active'
	JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) c.service_id
	ORDER BY 3 DESC, 1;
END
$$;
COMMENT ON FUNCTION ismap_internal.agency_reliance_of(pg_catalog.int8[], pg_catalog.int8[]) IS 'the rows of agency_reliance for the (service, system) pairs given (the i-th elements of the two arrays), counted and cut at the reader-safe threshold; the one definition both forms of ismap.agency_reliance read';

-- Every service: up from every procurement in use today, along the
-- services it runs on.
CREATE FUNCTION ismap.agency_reliance()
RETURNS TABLE (registration_number pg_catalog.text, service_name pg_catalog.text,
			   systems pg_catalog.int8, agencies pg_catalog.int8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE relied(system_id, service_id) AS (
		SELECT p.system_id, p.service_id FROM ismap.procurement p
		WHERE p.from_date OPERATOR(pg_catalog.<=) CURRENT_DATE
		  AND (p.until_date IS NULL OR p.until_date OPERATOR(pg_catalog.>=) CURRENT_DATE)
		UNION
		SELECT u.system_id, d.base_service_id FROM relied u
		JOIN ismap.service_dependency d ON d.service_id OPERATOR(pg_catalog.=) u.service_id
			AND d.self_assessed_audit_id IS NULL
	)
	SELECT x.registration_number, x.service_name, x.systems, x.agencies
	FROM (SELECT pg_catalog.array_agg(u.service_id) AS services, pg_catalog.array_agg(u.system_id) AS systems
		  FROM relied u) p
	CROSS JOIN LATERAL ismap_internal.agency_reliance_of(p.services, p.systems) x
$$;
COMMENT ON FUNCTION ismap.agency_reliance() IS 'per active registration, the agencies'' systems that procure the service or one built on it (procurements in use today) and their agencies; only groups of at least 5 systems from at least 3 agencies, so every role may run it';
REVOKE EXECUTE ON FUNCTION ismap.agency_reliance() FROM PUBLIC;

-- The same rows for the services named, each exactly as agency_reliance()
-- gives it: the argument chooses which services' rows come back, never
-- which systems count (every system that relies on a named service counts,
-- whoever asks), so it tells nothing the rows of agency_reliance() do not.
-- It walks down from each named service to the services built on it
-- (the same dependencies, not the self-assessed ones), then to their
-- procurements in use today, instead of up from every procurement: the
-- cookbook's query 16 asks it of the services a delisting would reach.
-- The pairs (named service, system) go to the same count as
-- agency_reliance()'s.
CREATE FUNCTION ismap.agency_reliance(p_service_ids pg_catalog.int8[])
RETURNS TABLE (registration_number pg_catalog.text, service_name pg_catalog.text,
			   systems pg_catalog.int8, agencies pg_catalog.int8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE below(target, service_id) AS (
		SELECT DISTINCT t.id, t.id FROM pg_catalog.unnest(p_service_ids) t(id) WHERE t.id IS NOT NULL
		UNION
		-- by the index of base services, a lookup per service reached
		-- (OFFSET 0 keeps it one: a join would hash every dependency)
		SELECT b.target, d.service_id FROM below b
		CROSS JOIN LATERAL (SELECT d.service_id FROM ismap.service_dependency d
							WHERE d.base_service_id OPERATOR(pg_catalog.=) b.service_id
							  AND d.self_assessed_audit_id IS NULL
							OFFSET 0) d
	)
	SELECT x.registration_number, x.service_name, x.systems, x.agencies
	FROM (SELECT pg_catalog.array_agg(b.target) AS services, pg_catalog.array_agg(p.system_id) AS systems
		  FROM below b
		  JOIN ismap.procurement p ON p.service_id OPERATOR(pg_catalog.=) b.service_id
		  WHERE p.from_date OPERATOR(pg_catalog.<=) CURRENT_DATE
			AND (p.until_date IS NULL OR p.until_date OPERATOR(pg_catalog.>=) CURRENT_DATE)) p
	CROSS JOIN LATERAL ismap_internal.agency_reliance_of(p.services, p.systems) x
$$;
COMMENT ON FUNCTION ismap.agency_reliance(pg_catalog.int8[]) IS 'the rows of agency_reliance() for the services named (each row as agency_reliance() gives it: the argument chooses services, not the systems counted), found by walking down from each service to the services built on it';
REVOKE EXECUTE ON FUNCTION ismap.agency_reliance(pg_catalog.int8[]) FROM PUBLIC;
