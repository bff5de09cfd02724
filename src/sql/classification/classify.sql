-------------------------------------------------------------------------------
-- classification functions (docs/registry.md; docs/scheme.md §2.3)
-------------------------------------------------------------------------------

-- C = the highest confidentiality of the system's information, one higher
-- (at most 3) when aggregating it raises it; I = 2 (one high level for
-- now); A = the system's availability.  An override replaces the result.
CREATE FUNCTION ismap.classify_system(p_system_id pg_catalog.int8) RETURNS ismap.cia
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sys ismap.information_system;
	c pg_catalog.int4;
BEGIN
	SELECT * INTO sys FROM ismap.information_system WHERE system_id = p_system_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'information system % does not exist', p_system_id USING ERRCODE = 'undefined_object';
	END IF;
	IF sys.override IS NOT NULL THEN
		RETURN sys.override;
	END IF;
	SELECT COALESCE(pg_catalog.max(ismap.conf(a.rating)), 1) INTO c
	FROM ismap.system_asset sa JOIN ismap.information_asset a ON a.asset_id = sa.asset_id
	WHERE sa.system_id = p_system_id;
	IF sys.aggregation_raises THEN
		c := LEAST(c + 1, 3);
	END IF;
	RETURN ismap.cia(c, 2, sys.availability);
END
$$;
COMMENT ON FUNCTION ismap.classify_system(pg_catalog.int8) IS 'C/I/A of a system: highest asset confidentiality (+1 when aggregation raises it, at most 3), integrity 2, its availability; an override wins';

CREATE FUNCTION ismap.required_level(p_system_id pg_catalog.int8) RETURNS ismap.level
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT ismap.conf(ismap.classify_system(p_system_id))::ismap.level
$$;
COMMENT ON FUNCTION ismap.required_level(pg_catalog.int8) IS 'the registry level a system needs: its confidentiality rating (§2.3)';

CREATE FUNCTION ismap.eligible_services(p_system_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE (registration_id pg_catalog.int8, registration_number pg_catalog.text, service_id pg_catalog.int8,
	service_name pg_catalog.text, csp_name pg_catalog.text, level ismap.level, valid_until pg_catalog.date,
	delivery_models ismap.delivery_model[], deployment_models ismap.deployment_model[],
	required_level ismap.level, availability pg_catalog.int2, uptime_pct pg_catalog.numeric,
	rto pg_catalog.interval, rpo pg_catalog.interval, backup pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.registration_id, r.registration_number, s.service_id, s.name, c.name, r.level, r.valid_until,
		   s.delivery_models, s.deployment_models, need.lvl, t.availability, t.uptime_pct, t.rto, t.rpo, t.backup
	FROM (SELECT ismap.required_level(p_system_id) AS lvl,
				 (SELECT sys.availability FROM ismap.information_system sys WHERE sys.system_id = p_system_id) AS avail) need
	JOIN ismap.registration r ON r.status = 'active' AND r.level >= need.lvl
		AND r.registered_on <= p_as_of AND r.valid_until >= p_as_of
	JOIN ismap.service s ON s.service_id = r.service_id
	JOIN ismap.csp c ON c.csp_id = s.csp_id
	LEFT JOIN ismap.sla_template t ON t.availability = need.avail
	ORDER BY r.level, s.name, r.registration_number
$$;
COMMENT ON FUNCTION ismap.eligible_services(pg_catalog.int8, pg_catalog.date) IS 'active registrations at or above the level a system needs on a date, with the SLA template its availability asks for';

