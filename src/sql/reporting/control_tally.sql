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
-- restore, counts for provider 0 until it comes).  Row triggers on every
-- table the counts rest on keep them in the same transaction as the
-- change: a registration written, moved or deleted, a result or statement
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

-- A registration's whole contribution, in (+1) or out (-1), as its audit,
-- results, statement and service are now.
CREATE FUNCTION ismap_internal.control_tally_registration(p_service pg_catalog.int8, p_audit pg_catalog.int8,
	p_level ismap.level, p_registered_on pg_catalog.date, p_sign pg_catalog.int8) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y pg_catalog.int4 := pg_catalog.date_part('year', p_registered_on)::pg_catalog.int4;
	fw pg_catalog.text;
	c ismap.ctrlid;
BEGIN
	SELECT a.framework_id INTO fw FROM ismap.audit a WHERE a.audit_id OPERATOR(pg_catalog.=) p_audit;
	IF fw IS NULL THEN
		RETURN;	-- no audit (yet): it counts when the audit comes (ismap_internal.control_tally_audit)
	END IF;
	INSERT INTO ismap.level_tally AS l (year, framework_id, level, registrations)
	VALUES (y, fw, p_level, p_sign)
	ON CONFLICT (year, framework_id, level) DO UPDATE SET registrations = l.registrations OPERATOR(pg_catalog.+) p_sign;
	-- rows locked in one order (the control's), so that two registrations
	-- counted at once wait for each other rather than deadlock
	FOR c IN SELECT ar.control_id FROM ismap.audit_result ar
			 WHERE ar.audit_id OPERATOR(pg_catalog.=) p_audit AND ar.result OPERATOR(pg_catalog.=) 'ineffective'
			 ORDER BY ar.control_id LOOP
		PERFORM ismap_internal.control_tally_found(y, fw, c, p_service, p_sign);
	END LOOP;
	INSERT INTO ismap.control_tally AS t (year, framework_id, control_id, excluded)
	SELECT y, si.framework_id, si.control_id, p_sign * pg_catalog.count(*)
	FROM ismap.statement_item si
	WHERE si.audit_id OPERATOR(pg_catalog.=) p_audit AND NOT si.selected
	GROUP BY si.framework_id, si.control_id
	ORDER BY si.framework_id, si.control_id
	ON CONFLICT (year, framework_id, control_id) DO UPDATE SET excluded = t.excluded OPERATOR(pg_catalog.+) EXCLUDED.excluded;
	IF p_sign OPERATOR(pg_catalog.<) 0 THEN
		PERFORM ismap_internal.control_tally_tidy(y);
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_registration(pg_catalog.int8, pg_catalog.int8, ismap.level, pg_catalog.date, pg_catalog.int8) IS 'control tallies: a registration''s whole contribution, in (+1) or out (-1)';

-- trigger on registration: written, moved (service, audit, level, day) or deleted
CREATE FUNCTION ismap_internal.control_tally_registration_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF (TG_OP = 'UPDATE' AND OLD.service_id OPERATOR(pg_catalog.=) NEW.service_id AND OLD.audit_id OPERATOR(pg_catalog.=) NEW.audit_id
			AND OLD.level OPERATOR(pg_catalog.=) NEW.level AND OLD.registered_on OPERATOR(pg_catalog.=) NEW.registered_on)
	   OR NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM ismap_internal.control_tally_registration(OLD.service_id, OLD.audit_id, OLD.level, OLD.registered_on, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM ismap_internal.control_tally_registration(NEW.service_id, NEW.audit_id, NEW.level, NEW.registered_on, 1);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_registration_trigger() IS 'trigger: the control tallies of a registration written, moved or deleted';

-- trigger on audit_result: an ineffective result in or out, for each
-- registration resting on the audit
CREATE FUNCTION ismap_internal.control_tally_result_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r record;
BEGIN
	IF NOT ((TG_OP <> 'INSERT' AND OLD.result OPERATOR(pg_catalog.=) 'ineffective')
			OR (TG_OP <> 'DELETE' AND NEW.result OPERATOR(pg_catalog.=) 'ineffective'))
	   OR NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.result OPERATOR(pg_catalog.=) 'ineffective' THEN
		FOR r IN SELECT g.service_id, pg_catalog.date_part('year', g.registered_on)::pg_catalog.int4 AS year, a.framework_id
				 FROM ismap.registration g JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) g.audit_id
				 WHERE g.audit_id OPERATOR(pg_catalog.=) OLD.audit_id LOOP
			PERFORM ismap_internal.control_tally_found(r.year, r.framework_id, OLD.control_id, r.service_id, -1);
		END LOOP;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.result OPERATOR(pg_catalog.=) 'ineffective' THEN
		FOR r IN SELECT g.service_id, pg_catalog.date_part('year', g.registered_on)::pg_catalog.int4 AS year, a.framework_id
				 FROM ismap.registration g JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) g.audit_id
				 WHERE g.audit_id OPERATOR(pg_catalog.=) NEW.audit_id LOOP
			PERFORM ismap_internal.control_tally_found(r.year, r.framework_id, NEW.control_id, r.service_id, 1);
		END LOOP;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_result_trigger() IS 'trigger: the control tallies of an audit result written, changed or deleted';

-- trigger on statement_item: an excluded control in or out, for each
-- registration resting on the audit
CREATE FUNCTION ismap_internal.control_tally_statement_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y pg_catalog.int4;
BEGIN
	IF NOT ((TG_OP <> 'INSERT' AND NOT OLD.selected) OR (TG_OP <> 'DELETE' AND NOT NEW.selected))
	   OR NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.selected THEN
		FOR y IN SELECT pg_catalog.date_part('year', g.registered_on)::pg_catalog.int4 FROM ismap.registration g
				 WHERE g.audit_id OPERATOR(pg_catalog.=) OLD.audit_id LOOP
			PERFORM ismap_internal.control_tally_excluded(y, OLD.framework_id, OLD.control_id, -1);
		END LOOP;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') AND NOT NEW.selected THEN
		FOR y IN SELECT pg_catalog.date_part('year', g.registered_on)::pg_catalog.int4 FROM ismap.registration g
				 WHERE g.audit_id OPERATOR(pg_catalog.=) NEW.audit_id LOOP
			PERFORM ismap_internal.control_tally_excluded(y, NEW.framework_id, NEW.control_id, 1);
		END LOOP;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_statement_trigger() IS 'trigger: the control tallies of a statement item written, changed or deleted';

-- trigger on audit: an audit that comes after its registrations (a
-- restore), goes, or changes its framework takes their contributions
-- along.  BEFORE takes them out as they are, AFTER puts them in as they
-- are then (a later BEFORE trigger that skips the row would leave them
-- out: none does).
CREATE FUNCTION ismap_internal.control_tally_audit_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r record;
	a pg_catalog.int8 := CASE WHEN TG_OP = 'INSERT' THEN NEW.audit_id ELSE OLD.audit_id END;
BEGIN
	-- a BEFORE trigger lets the row through (returns it), whatever it does
	IF (TG_OP = 'UPDATE' AND OLD.audit_id OPERATOR(pg_catalog.=) NEW.audit_id
			AND OLD.framework_id OPERATOR(pg_catalog.=) NEW.framework_id)
	   OR NOT ismap_internal.control_tally_kept() THEN
		RETURN CASE WHEN TG_WHEN = 'AFTER' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
	END IF;
	FOR r IN SELECT g.service_id, g.audit_id, g.level, g.registered_on FROM ismap.registration g
			 WHERE g.audit_id OPERATOR(pg_catalog.=) ANY (ARRAY[a, NEW.audit_id]) LOOP
		PERFORM ismap_internal.control_tally_registration(r.service_id, r.audit_id, r.level, r.registered_on,
			CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END);
	END LOOP;
	RETURN CASE WHEN TG_WHEN = 'AFTER' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_audit_trigger() IS 'trigger: the control tallies of the registrations resting on an audit that is written, changes its framework or is deleted (BEFORE: out, AFTER: in)';

-- trigger on service: a service that comes after its registrations (a
-- restore), changes its provider or goes moves its count in each group
-- from the old provider (0: none) to the new one.
CREATE FUNCTION ismap_internal.control_tally_service_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	-- the moves: (service, from provider, to provider); a changed id moves
	-- the old id's groups to provider 0 and the new id's (none: ids are
	-- unique) from it
	moves pg_catalog.int8[] := CASE
		WHEN TG_OP = 'INSERT' THEN ARRAY[[NEW.service_id, 0, NEW.csp_id]]
		WHEN TG_OP = 'DELETE' THEN ARRAY[[OLD.service_id, OLD.csp_id, 0]]
		WHEN OLD.service_id OPERATOR(pg_catalog.<>) NEW.service_id
			THEN ARRAY[[OLD.service_id, OLD.csp_id, 0], [NEW.service_id, 0, NEW.csp_id]]
		ELSE ARRAY[[OLD.service_id, OLD.csp_id, NEW.csp_id]] END;
	i pg_catalog.int4;
	r record;
BEGIN
	IF (TG_OP = 'UPDATE' AND OLD.service_id OPERATOR(pg_catalog.=) NEW.service_id AND OLD.csp_id OPERATOR(pg_catalog.=) NEW.csp_id)
	   OR NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	FOR i IN 1 .. pg_catalog.array_length(moves, 1) LOOP
		FOR r IN SELECT t.year, t.framework_id, t.control_id FROM ismap.control_tally_service t
				 WHERE t.service_id OPERATOR(pg_catalog.=) moves[i][1] LOOP
			PERFORM ismap_internal.control_tally_provider_add(r.year, r.framework_id, r.control_id, moves[i][2], -1);
			PERFORM ismap_internal.control_tally_provider_add(r.year, r.framework_id, r.control_id, moves[i][3], 1);
		END LOOP;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_service_trigger() IS 'trigger: the control tallies of a service that comes, changes its provider or goes';

-- A table the tallies count emptied by TRUNCATE (the owner's; the
-- registrations cannot be): every tally counted afresh.
CREATE FUNCTION ismap_internal.control_tally_truncate_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM ismap.refresh_control_tally();
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_truncate_trigger() IS 'trigger: the control tallies counted afresh after a TRUNCATE of a table they count';

-- Every tally counted afresh from the tables (the upgrade fills them so;
-- the owner may call it after a data-only restore with --disable-triggers,
-- which switches the triggers off).  Returns the control_tally rows.
CREATE FUNCTION ismap.refresh_control_tally() RETURNS pg_catalog.int8
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	DELETE FROM ismap.control_tally;
	DELETE FROM ismap.control_tally_service;
	DELETE FROM ismap.control_tally_provider;
	DELETE FROM ismap.level_tally;
	-- not where the registrations are subscribed (control_tally_kept())
	IF EXISTS (SELECT FROM pg_catalog.pg_subscription_rel sr
			   WHERE sr.srrelid OPERATOR(pg_catalog.=) 'ismap.registration'::pg_catalog.regclass) THEN
		RETURN 0;
	END IF;
	-- the registrations with their audit's framework and their year
	INSERT INTO ismap.level_tally (year, framework_id, level, registrations)
	SELECT pg_catalog.date_part('year', r.registered_on)::pg_catalog.int4, a.framework_id, r.level, pg_catalog.count(*)
	FROM ismap.registration r JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) r.audit_id
	GROUP BY 1, 2, 3;
	INSERT INTO ismap.control_tally_service (year, framework_id, control_id, service_id, registrations)
	SELECT pg_catalog.date_part('year', r.registered_on)::pg_catalog.int4, a.framework_id, ar.control_id, r.service_id, pg_catalog.count(*)
	FROM ismap.registration r JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) r.audit_id
	JOIN ismap.audit_result ar ON ar.audit_id OPERATOR(pg_catalog.=) r.audit_id AND ar.result OPERATOR(pg_catalog.=) 'ineffective'
	GROUP BY 1, 2, 3, 4;
	INSERT INTO ismap.control_tally_provider (year, framework_id, control_id, csp_id, services)
	SELECT t.year, t.framework_id, t.control_id, COALESCE(s.csp_id, 0), pg_catalog.count(*)
	FROM ismap.control_tally_service t
	LEFT JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) t.service_id
	GROUP BY 1, 2, 3, 4;
	INSERT INTO ismap.control_tally (year, framework_id, control_id, services, providers, registrations, excluded)
	WITH f AS (
		SELECT t.year, t.framework_id, t.control_id, pg_catalog.count(*) AS services,
			   pg_catalog.sum(t.registrations)::pg_catalog.int8 AS registrations
		FROM ismap.control_tally_service t GROUP BY 1, 2, 3
	), p AS (
		SELECT t.year, t.framework_id, t.control_id, pg_catalog.count(*) AS providers
		FROM ismap.control_tally_provider t GROUP BY 1, 2, 3
	), x AS (
		SELECT pg_catalog.date_part('year', r.registered_on)::pg_catalog.int4 AS year, si.framework_id, si.control_id,
			   pg_catalog.count(*) AS excluded
		FROM ismap.registration r JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) r.audit_id
		JOIN ismap.statement_item si ON si.audit_id OPERATOR(pg_catalog.=) r.audit_id AND NOT si.selected
		GROUP BY 1, 2, 3
	)
	SELECT COALESCE(f.year, x.year), COALESCE(f.framework_id, x.framework_id), COALESCE(f.control_id, x.control_id),
		   COALESCE(f.services, 0), COALESCE(p.providers, 0), COALESCE(f.registrations, 0), COALESCE(x.excluded, 0)
	FROM f
	JOIN p ON p.year OPERATOR(pg_catalog.=) f.year AND p.framework_id OPERATOR(pg_catalog.=) f.framework_id AND p.control_id OPERATOR(ismap.=) f.control_id
	FULL JOIN x ON x.year OPERATOR(pg_catalog.=) f.year AND x.framework_id OPERATOR(pg_catalog.=) f.framework_id AND x.control_id OPERATOR(ismap.=) f.control_id;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.refresh_control_tally() IS 'the control tallies of ineffective_control_counts() counted afresh from the registrations, audits, results, statements and services; returns the control_tally rows';
REVOKE EXECUTE ON FUNCTION ismap.refresh_control_tally() FROM PUBLIC;

CREATE TRIGGER control_tally AFTER INSERT OR UPDATE OR DELETE ON ismap.registration
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.control_tally_registration_trigger();
-- (results and statement items come by the thousand, and only an
-- ineffective result or a left-out control counts: the WHEN clauses keep
-- the others from calling the functions at all)
CREATE TRIGGER control_tally AFTER INSERT ON ismap.audit_result
	FOR EACH ROW WHEN (NEW.result OPERATOR(pg_catalog.=) 'ineffective')
	EXECUTE FUNCTION ismap_internal.control_tally_result_trigger();
CREATE TRIGGER control_tally_update AFTER UPDATE ON ismap.audit_result
	FOR EACH ROW WHEN (OLD.result OPERATOR(pg_catalog.=) 'ineffective' OR NEW.result OPERATOR(pg_catalog.=) 'ineffective')
	EXECUTE FUNCTION ismap_internal.control_tally_result_trigger();
CREATE TRIGGER control_tally_delete AFTER DELETE ON ismap.audit_result
	FOR EACH ROW WHEN (OLD.result OPERATOR(pg_catalog.=) 'ineffective')
	EXECUTE FUNCTION ismap_internal.control_tally_result_trigger();
CREATE TRIGGER control_tally AFTER INSERT ON ismap.statement_item
	FOR EACH ROW WHEN (NOT NEW.selected)
	EXECUTE FUNCTION ismap_internal.control_tally_statement_trigger();
CREATE TRIGGER control_tally_update AFTER UPDATE ON ismap.statement_item
	FOR EACH ROW WHEN (NOT OLD.selected OR NOT NEW.selected)
	EXECUTE FUNCTION ismap_internal.control_tally_statement_trigger();
CREATE TRIGGER control_tally_delete AFTER DELETE ON ismap.statement_item
	FOR EACH ROW WHEN (NOT OLD.selected)
	EXECUTE FUNCTION ismap_internal.control_tally_statement_trigger();
CREATE TRIGGER control_tally_out BEFORE UPDATE OR DELETE ON ismap.audit
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.control_tally_audit_trigger();
CREATE TRIGGER control_tally_in AFTER INSERT OR UPDATE ON ismap.audit
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.control_tally_audit_trigger();
CREATE TRIGGER control_tally AFTER INSERT OR UPDATE OR DELETE ON ismap.service
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.control_tally_service_trigger();
CREATE TRIGGER control_tally_truncate AFTER TRUNCATE ON ismap.audit_result
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_truncate_trigger();
CREATE TRIGGER control_tally_truncate AFTER TRUNCATE ON ismap.statement_item
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_truncate_trigger();
CREATE TRIGGER control_tally_truncate AFTER TRUNCATE ON ismap.audit
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_truncate_trigger();
CREATE TRIGGER control_tally_truncate AFTER TRUNCATE ON ismap.service
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_truncate_trigger();
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER control_tally_delete;
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER control_tally_delete;
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER control_tally_out;
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER control_tally_in;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER control_tally;
