-- ==== Control tallies ====
-------------------------------------------------------------------------------
-- The partial counts ismap.ineffective_control_counts() reads instead of
-- joining every registration with its audit's results and statement: per
-- calendar year of registration (registered_on), the audit's framework and
-- a control, the registrations whose audit found the control ineffective,
-- their distinct services and providers, and the registrations whose
-- statement leaves the control out (keyed by the statement item's
-- framework); per year, framework and level, the registrations.  The
-- distinct counts are exact because two helper tables keep the
-- multiplicities: per group and service, its registrations counted in it;
-- per group and provider, its services counted in it (a service counts for
-- its provider of now; a service not (yet) there, as in the middle of a
-- restore, counts for provider 0 until it comes).  Triggers on every
-- table the counts rest on (reporting/control_tally_triggers.sql) keep
-- them in the same transaction as the change: registrations written or
-- deleted (one grouped count per statement), moved to another service,
-- audit, level or day (per row; no other change of a registration calls
-- anything), a result or statement
-- item of an audit that registrations rest on (frozen once decided, but a
-- restore writes them), an audit's framework, a service's provider.  Every
-- year is kept; the function shows the years that have ended.  Nobody
-- writes them but the triggers (their functions run with the owner's
-- rights); nobody but the owner and the registrar (who reads every table)
-- reads them; pg_dump does not dump them, because restoring the tables
-- they rest on fills them again (ENABLE ALWAYS, like the published
-- listing).  A logical-replication subscriber of the registry does not
-- keep them (it has no audit results).  ismap.refresh_control_tally()
-- counts them afresh.
-------------------------------------------------------------------------------
CREATE TABLE ismap.control_tally (
	year			pg_catalog.int4 NOT NULL,
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	services		pg_catalog.int8 NOT NULL DEFAULT 0,
	providers		pg_catalog.int8 NOT NULL DEFAULT 0,
	registrations	pg_catalog.int8 NOT NULL DEFAULT 0,
	excluded		pg_catalog.int8 NOT NULL DEFAULT 0,
	PRIMARY KEY (year, framework_id, control_id)
);
COMMENT ON TABLE ismap.control_tally IS 'per year of registration, framework and control: the registrations whose audit found the control ineffective, their services and providers, and the registrations whose statement leaves it out; kept by triggers for ineffective_control_counts()';

CREATE TABLE ismap.control_tally_service (
	year			pg_catalog.int4 NOT NULL,
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	service_id		pg_catalog.int8 NOT NULL,
	registrations	pg_catalog.int8 NOT NULL,
	PRIMARY KEY (year, framework_id, control_id, service_id)
);
CREATE INDEX control_tally_service_service_idx ON ismap.control_tally_service (service_id);
COMMENT ON TABLE ismap.control_tally_service IS 'per control_tally group and service: its registrations counted in the group (the multiplicity behind control_tally.services)';

CREATE TABLE ismap.control_tally_provider (
	year			pg_catalog.int4 NOT NULL,
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	csp_id			pg_catalog.int8 NOT NULL,
	services		pg_catalog.int8 NOT NULL,
	PRIMARY KEY (year, framework_id, control_id, csp_id)
);
COMMENT ON TABLE ismap.control_tally_provider IS 'per control_tally group and provider: its services counted in the group (the multiplicity behind control_tally.providers)';

-- the registrations resting on an audit, for the result and statement
-- triggers
CREATE INDEX registration_audit_idx ON ismap.registration (audit_id);

CREATE TABLE ismap.level_tally (
	year			pg_catalog.int4 NOT NULL,
	framework_id	pg_catalog.text NOT NULL,
	level			ismap.level NOT NULL,
	registrations	pg_catalog.int8 NOT NULL,
	PRIMARY KEY (year, framework_id, level)
);
COMMENT ON TABLE ismap.level_tally IS 'per year of registration, audit framework and level: the registrations; kept by triggers for ineffective_control_counts()';

-- The rows of a year that count nothing any more go, so that the tallies
-- are always the ones counted afresh (a restore makes none).
CREATE FUNCTION ismap_internal.control_tally_tidy(p_year pg_catalog.int4) RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM ismap.control_tally t
	WHERE t.year OPERATOR(pg_catalog.=) p_year AND t.services OPERATOR(pg_catalog.=) 0 AND t.providers OPERATOR(pg_catalog.=) 0
	  AND t.registrations OPERATOR(pg_catalog.=) 0 AND t.excluded OPERATOR(pg_catalog.=) 0;
	DELETE FROM ismap.level_tally l
	WHERE l.year OPERATOR(pg_catalog.=) p_year AND l.registrations OPERATOR(pg_catalog.=) 0;
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_tidy(pg_catalog.int4) IS 'control tallies: the rows of a year that count nothing any more go';

-- One provider's count of one service in a group, up or down; the group's
-- providers follow when it comes or goes.
CREATE FUNCTION ismap_internal.control_tally_provider_add(p_year pg_catalog.int4, p_framework pg_catalog.text,
	p_control ismap.ctrlid, p_csp pg_catalog.int8, p_sign pg_catalog.int8) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	INSERT INTO ismap.control_tally_provider AS p (year, framework_id, control_id, csp_id, services)
	VALUES (p_year, p_framework, p_control, p_csp, p_sign)
	ON CONFLICT (year, framework_id, control_id, csp_id) DO UPDATE SET services = p.services OPERATOR(pg_catalog.+) p_sign
	RETURNING p.services INTO n;
	IF n OPERATOR(pg_catalog.=) 0 THEN
		DELETE FROM ismap.control_tally_provider p
		WHERE p.year OPERATOR(pg_catalog.=) p_year AND p.framework_id OPERATOR(pg_catalog.=) p_framework AND p.control_id OPERATOR(ismap.=) p_control AND p.csp_id OPERATOR(pg_catalog.=) p_csp;
	END IF;
	IF (p_sign OPERATOR(pg_catalog.>) 0 AND n OPERATOR(pg_catalog.=) p_sign) OR n OPERATOR(pg_catalog.=) 0 THEN
		UPDATE ismap.control_tally t SET providers = t.providers OPERATOR(pg_catalog.+) pg_catalog.sign(p_sign)::pg_catalog.int8
		WHERE t.year OPERATOR(pg_catalog.=) p_year AND t.framework_id OPERATOR(pg_catalog.=) p_framework AND t.control_id OPERATOR(ismap.=) p_control;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_provider_add(pg_catalog.int4, pg_catalog.text, ismap.ctrlid, pg_catalog.int8, pg_catalog.int8) IS 'control tallies: one provider''s services in a group, up or down (the group''s providers follow)';

-- One registration's ineffective result in a group, in (+1) or out (-1).
CREATE FUNCTION ismap_internal.control_tally_found(p_year pg_catalog.int4, p_framework pg_catalog.text,
	p_control ismap.ctrlid, p_service pg_catalog.int8, p_sign pg_catalog.int8) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
	csp pg_catalog.int8;
BEGIN
	INSERT INTO ismap.control_tally AS t (year, framework_id, control_id, registrations)
	VALUES (p_year, p_framework, p_control, p_sign)
	ON CONFLICT (year, framework_id, control_id) DO UPDATE SET registrations = t.registrations OPERATOR(pg_catalog.+) p_sign;
	INSERT INTO ismap.control_tally_service AS s (year, framework_id, control_id, service_id, registrations)
	VALUES (p_year, p_framework, p_control, p_service, p_sign)
	ON CONFLICT (year, framework_id, control_id, service_id) DO UPDATE SET registrations = s.registrations OPERATOR(pg_catalog.+) p_sign
	RETURNING s.registrations INTO n;
	IF n OPERATOR(pg_catalog.=) 0 THEN
		DELETE FROM ismap.control_tally_service s
		WHERE s.year OPERATOR(pg_catalog.=) p_year AND s.framework_id OPERATOR(pg_catalog.=) p_framework AND s.control_id OPERATOR(ismap.=) p_control AND s.service_id OPERATOR(pg_catalog.=) p_service;
	END IF;
	-- the service came into the group, or left it
	IF (p_sign OPERATOR(pg_catalog.>) 0 AND n OPERATOR(pg_catalog.=) p_sign) OR n OPERATOR(pg_catalog.=) 0 THEN
		UPDATE ismap.control_tally t SET services = t.services OPERATOR(pg_catalog.+) pg_catalog.sign(p_sign)::pg_catalog.int8
		WHERE t.year OPERATOR(pg_catalog.=) p_year AND t.framework_id OPERATOR(pg_catalog.=) p_framework AND t.control_id OPERATOR(ismap.=) p_control;
		csp := COALESCE((SELECT s.csp_id FROM ismap.service s WHERE s.service_id OPERATOR(pg_catalog.=) p_service), 0);
		PERFORM ismap_internal.control_tally_provider_add(p_year, p_framework, p_control, csp, pg_catalog.sign(p_sign)::pg_catalog.int8);
	END IF;
	IF p_sign OPERATOR(pg_catalog.<) 0 THEN
		PERFORM ismap_internal.control_tally_tidy(p_year);
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_found(pg_catalog.int4, pg_catalog.text, ismap.ctrlid, pg_catalog.int8, pg_catalog.int8) IS 'control tallies: one registration''s ineffective result in a group, in (+1) or out (-1)';

-- One registration statement's excluded control in a group, in or out.
CREATE FUNCTION ismap_internal.control_tally_excluded(p_year pg_catalog.int4, p_framework pg_catalog.text,
	p_control ismap.ctrlid, p_sign pg_catalog.int8) RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO ismap.control_tally AS t (year, framework_id, control_id, excluded)
	VALUES (p_year, p_framework, p_control, p_sign)
	ON CONFLICT (year, framework_id, control_id) DO UPDATE SET excluded = t.excluded OPERATOR(pg_catalog.+) p_sign;
	SELECT ismap_internal.control_tally_tidy(p_year) WHERE p_sign OPERATOR(pg_catalog.<) 0;
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_excluded(pg_catalog.int4, pg_catalog.text, ismap.ctrlid, pg_catalog.int8) IS 'control tallies: one registration''s excluded statement item in a group, in (+1) or out (-1)';

-- Whether the tallies are kept here: not where the registrations come by
-- subscription (a public replica has no audit results).
CREATE FUNCTION ismap_internal.control_tally_kept() RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_subscription_rel sr
					   WHERE sr.srrelid OPERATOR(pg_catalog.=) 'ismap.registration'::pg_catalog.regclass)
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_kept() IS 'control tallies: false where the registrations are subscribed';

-- Many registrations' contributions at once, in or out, as their audits,
-- results, statements and services are now: per service, audit, level and
-- year of registration the signed number of registrations (n > 0 in,
-- n < 0 out; the same key may come twice, as a move's out and in).  One
-- grouped write per tally table, whatever the number of registrations.
-- The rows are locked in one order, so that two writers counted at once
-- wait for each other rather than deadlock: the level rows in key order,
-- then every control_tally row the registrations touch, in key order, and
-- only then the service and provider rows below the control_tally rows
-- held (as control_tally_found does).
CREATE FUNCTION ismap_internal.control_tally_registrations(p_service pg_catalog.int8[], p_audit pg_catalog.int8[],
	p_level ismap.level[], p_year pg_catalog.int4[], p_n pg_catalog.int8[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	-- the ineffective results found, per group and service (f_) and the
	-- services that came into a group (+1) or left it (-1) (m_)
	f_year pg_catalog.int4[];
	f_framework pg_catalog.text[];
	f_control ismap.ctrlid[];
	f_service pg_catalog.int8[];
	f_n pg_catalog.int8[];
	m_year pg_catalog.int4[];
	m_framework pg_catalog.text[];
	m_control ismap.ctrlid[];
	m_service pg_catalog.int8[];
	m_change pg_catalog.int8[];
	y pg_catalog.int4;
BEGIN
	-- (a registration without its audit (yet) counts when the audit comes:
	-- ismap_internal.control_tally_audit_trigger)
	INSERT INTO ismap.level_tally AS l (year, framework_id, level, registrations)
	SELECT g.year, a.framework_id, g.level, pg_catalog.sum(g.n)::pg_catalog.int8
	FROM ROWS FROM (pg_catalog.unnest(p_audit), pg_catalog.unnest(p_level), pg_catalog.unnest(p_year), pg_catalog.unnest(p_n))
		AS g (audit_id, level, year, n)
	JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) g.audit_id
	GROUP BY 1, 2, 3
	HAVING pg_catalog.sum(g.n) OPERATOR(pg_catalog.<>) 0
	ORDER BY 1, 2, 3
	ON CONFLICT (year, framework_id, level) DO UPDATE SET registrations = l.registrations OPERATOR(pg_catalog.+) EXCLUDED.registrations;
	SELECT pg_catalog.array_agg(f.year), pg_catalog.array_agg(f.framework_id), pg_catalog.array_agg(f.control_id),
		   pg_catalog.array_agg(f.service_id), pg_catalog.array_agg(f.n)
	INTO f_year, f_framework, f_control, f_service, f_n
	FROM (
		SELECT g.year, a.framework_id, ar.control_id, g.service_id, pg_catalog.sum(g.n)::pg_catalog.int8 AS n
		FROM ROWS FROM (pg_catalog.unnest(p_service), pg_catalog.unnest(p_audit), pg_catalog.unnest(p_year), pg_catalog.unnest(p_n))
			AS g (service_id, audit_id, year, n)
		JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) g.audit_id
		JOIN ismap.audit_result ar ON ar.audit_id OPERATOR(pg_catalog.=) g.audit_id AND ar.result OPERATOR(pg_catalog.=) 'ineffective'
		GROUP BY 1, 2, 3, 4
		HAVING pg_catalog.sum(g.n) OPERATOR(pg_catalog.<>) 0
	) f;
	-- every control_tally row touched, in key order: the registrations
	-- found and the statements' excluded items
	INSERT INTO ismap.control_tally AS t (year, framework_id, control_id, registrations, excluded)
	SELECT k.year, k.framework_id, k.control_id, pg_catalog.sum(k.found)::pg_catalog.int8, pg_catalog.sum(k.excluded)::pg_catalog.int8
	FROM (
		SELECT f.year, f.framework_id, f.control_id, f.n AS found, 0::pg_catalog.int8 AS excluded, true AS held
		FROM ROWS FROM (pg_catalog.unnest(f_year), pg_catalog.unnest(f_framework), pg_catalog.unnest(f_control), pg_catalog.unnest(f_n))
			AS f (year, framework_id, control_id, n)
		UNION ALL
		SELECT g.year, si.framework_id, si.control_id, 0, g.n, false
		FROM ROWS FROM (pg_catalog.unnest(p_audit), pg_catalog.unnest(p_year), pg_catalog.unnest(p_n)) AS g (audit_id, year, n)
		JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) g.audit_id
		JOIN ismap.statement_item si ON si.audit_id OPERATOR(pg_catalog.=) g.audit_id AND NOT si.selected
	) k
	GROUP BY 1, 2, 3
	HAVING pg_catalog.bool_or(k.held) OR pg_catalog.sum(k.excluded) OPERATOR(pg_catalog.<>) 0
	ORDER BY 1, 2, 3
	ON CONFLICT (year, framework_id, control_id) DO UPDATE SET registrations = t.registrations OPERATOR(pg_catalog.+) EXCLUDED.registrations,
		excluded = t.excluded OPERATOR(pg_catalog.+) EXCLUDED.excluded;
	IF f_n IS NOT NULL THEN
		-- each group's registrations per service; a service whose count
		-- leaves 0 came into the group, one whose count comes to 0 left it
		WITH d AS (
			SELECT * FROM ROWS FROM (pg_catalog.unnest(f_year), pg_catalog.unnest(f_framework), pg_catalog.unnest(f_control),
					pg_catalog.unnest(f_service), pg_catalog.unnest(f_n)) AS d (year, framework_id, control_id, service_id, n)
		), s AS (
			INSERT INTO ismap.control_tally_service AS s (year, framework_id, control_id, service_id, registrations)
			SELECT d.year, d.framework_id, d.control_id, d.service_id, d.n FROM d
			ORDER BY 1, 2, 3, 4
			ON CONFLICT (year, framework_id, control_id, service_id) DO UPDATE SET registrations = s.registrations OPERATOR(pg_catalog.+) EXCLUDED.registrations
			RETURNING s.year, s.framework_id, s.control_id, s.service_id, s.registrations
		), m AS (
			SELECT s.year, s.framework_id, s.control_id, s.service_id,
				   (s.registrations OPERATOR(pg_catalog.>) 0)::pg_catalog.int4::pg_catalog.int8
				   OPERATOR(pg_catalog.-) (s.registrations OPERATOR(pg_catalog.-) d.n OPERATOR(pg_catalog.>) 0)::pg_catalog.int4::pg_catalog.int8 AS change
			FROM s JOIN d ON d.year OPERATOR(pg_catalog.=) s.year AND d.framework_id OPERATOR(pg_catalog.=) s.framework_id
				AND d.control_id OPERATOR(ismap.=) s.control_id AND d.service_id OPERATOR(pg_catalog.=) s.service_id
		)
		SELECT pg_catalog.array_agg(m.year), pg_catalog.array_agg(m.framework_id), pg_catalog.array_agg(m.control_id),
			   pg_catalog.array_agg(m.service_id), pg_catalog.array_agg(m.change)
		INTO m_year, m_framework, m_control, m_service, m_change
		FROM m WHERE m.change OPERATOR(pg_catalog.<>) 0;
	END IF;
	IF m_change IS NOT NULL THEN
		DELETE FROM ismap.control_tally_service s
		USING ROWS FROM (pg_catalog.unnest(m_year), pg_catalog.unnest(m_framework), pg_catalog.unnest(m_control),
				pg_catalog.unnest(m_service), pg_catalog.unnest(m_change)) AS m (year, framework_id, control_id, service_id, change)
		WHERE m.change OPERATOR(pg_catalog.<) 0 AND s.year OPERATOR(pg_catalog.=) m.year AND s.framework_id OPERATOR(pg_catalog.=) m.framework_id
		  AND s.control_id OPERATOR(ismap.=) m.control_id AND s.service_id OPERATOR(pg_catalog.=) m.service_id
		  AND s.registrations OPERATOR(pg_catalog.=) 0;
		-- the services' providers of now (0: none yet) count them the same
		-- way; the groups' services and providers follow
		WITH m AS (
			SELECT m.year, m.framework_id, m.control_id, m.change, COALESCE(sv.csp_id, 0) AS csp_id
			FROM ROWS FROM (pg_catalog.unnest(m_year), pg_catalog.unnest(m_framework), pg_catalog.unnest(m_control),
					pg_catalog.unnest(m_service), pg_catalog.unnest(m_change)) AS m (year, framework_id, control_id, service_id, change)
			LEFT JOIN ismap.service sv ON sv.service_id OPERATOR(pg_catalog.=) m.service_id
		), d AS (
			SELECT m.year, m.framework_id, m.control_id, m.csp_id, pg_catalog.sum(m.change)::pg_catalog.int8 AS n
			FROM m GROUP BY 1, 2, 3, 4 HAVING pg_catalog.sum(m.change) OPERATOR(pg_catalog.<>) 0
		), p AS (
			INSERT INTO ismap.control_tally_provider AS p (year, framework_id, control_id, csp_id, services)
			SELECT d.year, d.framework_id, d.control_id, d.csp_id, d.n FROM d
			ORDER BY 1, 2, 3, 4
			ON CONFLICT (year, framework_id, control_id, csp_id) DO UPDATE SET services = p.services OPERATOR(pg_catalog.+) EXCLUDED.services
			RETURNING p.year, p.framework_id, p.control_id, p.csp_id, p.services
		), c AS (
			SELECT m.year, m.framework_id, m.control_id, m.change AS services, 0::pg_catalog.int8 AS providers FROM m
			UNION ALL
			SELECT p.year, p.framework_id, p.control_id, 0,
				   (p.services OPERATOR(pg_catalog.>) 0)::pg_catalog.int4::pg_catalog.int8
				   OPERATOR(pg_catalog.-) (p.services OPERATOR(pg_catalog.-) d.n OPERATOR(pg_catalog.>) 0)::pg_catalog.int4::pg_catalog.int8
			FROM p JOIN d ON d.year OPERATOR(pg_catalog.=) p.year AND d.framework_id OPERATOR(pg_catalog.=) p.framework_id
				AND d.control_id OPERATOR(ismap.=) p.control_id AND d.csp_id OPERATOR(pg_catalog.=) p.csp_id
		)
		UPDATE ismap.control_tally t SET services = t.services OPERATOR(pg_catalog.+) x.services,
			providers = t.providers OPERATOR(pg_catalog.+) x.providers
		FROM (SELECT c.year, c.framework_id, c.control_id, pg_catalog.sum(c.services)::pg_catalog.int8 AS services,
					 pg_catalog.sum(c.providers)::pg_catalog.int8 AS providers
			  FROM c GROUP BY 1, 2, 3) x
		WHERE t.year OPERATOR(pg_catalog.=) x.year AND t.framework_id OPERATOR(pg_catalog.=) x.framework_id
		  AND t.control_id OPERATOR(ismap.=) x.control_id
		  AND (x.services OPERATOR(pg_catalog.<>) 0 OR x.providers OPERATOR(pg_catalog.<>) 0);
		DELETE FROM ismap.control_tally_provider p
		USING ROWS FROM (pg_catalog.unnest(m_year), pg_catalog.unnest(m_framework), pg_catalog.unnest(m_control),
				pg_catalog.unnest(m_service), pg_catalog.unnest(m_change)) AS m (year, framework_id, control_id, service_id, change)
		LEFT JOIN ismap.service sv ON sv.service_id OPERATOR(pg_catalog.=) m.service_id
		WHERE m.change OPERATOR(pg_catalog.<) 0 AND p.year OPERATOR(pg_catalog.=) m.year AND p.framework_id OPERATOR(pg_catalog.=) m.framework_id
		  AND p.control_id OPERATOR(ismap.=) m.control_id AND p.csp_id OPERATOR(pg_catalog.=) COALESCE(sv.csp_id, 0)
		  AND p.services OPERATOR(pg_catalog.=) 0;
	END IF;
	-- only a count that went down leaves rows that count nothing
	FOR y IN SELECT DISTINCT g.year FROM ROWS FROM (pg_catalog.unnest(p_year), pg_catalog.unnest(p_n)) AS g (year, n)
			 WHERE g.n OPERATOR(pg_catalog.<) 0 ORDER BY 1 LOOP
		PERFORM ismap_internal.control_tally_tidy(y);
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_registrations(pg_catalog.int8[], pg_catalog.int8[], ismap.level[], pg_catalog.int4[], pg_catalog.int8[]) IS 'control tallies: many registrations'' contributions, in or out (per service, audit, level and year the signed number of registrations), one grouped write per tally table';
