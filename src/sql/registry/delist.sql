-- what ismap.delist(service) would end: the service's live registration
-- (depth 0) and, transitively, every live registration of a service built
-- on it, except across self-assessed dependencies and dependencies under
-- a transitional exemption in force today (ismap.platform_exemption)
CREATE FUNCTION ismap.delisting_impact(p_service_id pg_catalog.int8)
RETURNS TABLE (registration_id pg_catalog.int8, service_id pg_catalog.int8, depth pg_catalog.int4, via pg_catalog.int8[])
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 20
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	-- PL/pgSQL, not SQL: its plan is kept for the session, also when
	-- another function calls it (agency_impact); a SQL function called
	-- from a function is planned again at every call, which made
	-- agency_impact over a large forest ten times slower than this walk
	RETURN QUERY
	WITH RECURSIVE walk (service_id, depth, via) AS (
		SELECT p_service_id, 0, ARRAY[]::pg_catalog.int8[]
		UNION ALL
		SELECT d.service_id, w.depth + 1, w.via OPERATOR(pg_catalog.||) w.service_id
		FROM walk w
		JOIN ismap.service_dependency d ON d.base_service_id = w.service_id
		WHERE d.self_assessed_audit_id IS NULL
		  AND d.service_id <> ALL (w.via OPERATOR(pg_catalog.||) w.service_id)
		  -- a transitional exemption in force spares the service
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption e
						  WHERE e.service_id = d.service_id AND e.base_service_id = d.base_service_id
							AND e.valid_until >= CURRENT_DATE)
	)
	-- each service's live registration by the index that keeps it unique
	-- (LIMIT 1 keeps the lookup per service: joined, the walk's estimate of
	-- ten times its first step had the planner hash every live
	-- registration for a walk of a hundred services)
	SELECT DISTINCT ON (w.service_id) r.registration_id, w.service_id, w.depth, w.via
	FROM walk w
	CROSS JOIN LATERAL (SELECT l.registration_id FROM ismap.registration l
						WHERE l.service_id = w.service_id AND l.status = ANY (ARRAY['active', 'suspended'])
						LIMIT 1) r
	ORDER BY w.service_id, w.depth, w.via;
END
$$;
COMMENT ON FUNCTION ismap.delisting_impact(pg_catalog.int8) IS 'preview of ismap.delist: the registrations it would end, with depth and the chain of base services (not across a self-assessed dependency or one under a transitional exemption in force); changes nothing';

CREATE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
	early ismap.registration;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- NO KEY UPDATE: a provider's uncommitted dependency on this platform
	-- holds KEY SHARE on the row and must not delay the delisting
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	-- a delisting cannot end a registration before it began (backdating)
	SELECT r.* INTO early FROM ismap.delisting_impact(p_service_id) i
	JOIN ismap.registration r ON r.registration_id OPERATOR(pg_catalog.=) i.registration_id
	WHERE r.registered_on OPERATOR(pg_catalog.>) p_as_of
	ORDER BY r.registered_on DESC LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'cannot delist service % on %, before registration % began on %',
			p_service_id, p_as_of, early.registration_number, early.registered_on
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'A delisting is dated on or after the first day of every registration it ends.';
	END IF;

	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END,
		run_id = NULL
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';

