-- ==== Control tallies: the triggers that keep them ====
-- (the tables and their steps: reporting/control_tally.sql)

-- triggers on registration: written or deleted (per statement, the rows
-- written or deleted in the transition table "changed"), moved (per row:
-- the trigger's WHEN lets through only a change of the service, audit,
-- level or day, the columns the tallies count by)
CREATE FUNCTION ismap_internal.control_tally_registrations_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_sign pg_catalog.int8 := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
	s pg_catalog.int8[];
	a pg_catalog.int8[];
	l ismap.level[];
	y pg_catalog.int4[];
	n pg_catalog.int8[];
BEGIN
	IF NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	SELECT pg_catalog.array_agg(g.service_id), pg_catalog.array_agg(g.audit_id), pg_catalog.array_agg(g.level),
		   pg_catalog.array_agg(g.year), pg_catalog.array_agg(g.n)
	INTO s, a, l, y, n
	FROM (SELECT c.service_id, c.audit_id, c.level, pg_catalog.date_part('year', c.registered_on)::pg_catalog.int4 AS year,
				 v_sign OPERATOR(pg_catalog.*) pg_catalog.count(*) AS n
		  FROM changed c GROUP BY 1, 2, 3, 4) g;
	IF n IS NOT NULL THEN
		PERFORM ismap_internal.control_tally_registrations(s, a, l, y, n);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_registrations_trigger() IS 'trigger: the control tallies of the registrations a statement wrote or deleted (transition table "changed")';

CREATE FUNCTION ismap_internal.control_tally_registration_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	PERFORM ismap_internal.control_tally_registrations(ARRAY[OLD.service_id, NEW.service_id], ARRAY[OLD.audit_id, NEW.audit_id],
		ARRAY[OLD.level, NEW.level]::ismap.level[],
		ARRAY[pg_catalog.date_part('year', OLD.registered_on), pg_catalog.date_part('year', NEW.registered_on)]::pg_catalog.int4[],
		ARRAY[-1, 1]::pg_catalog.int8[]);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_registration_trigger() IS 'trigger: the control tallies of a registration moved (service, audit, level or day)';

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
	a pg_catalog.int8 := CASE WHEN TG_OP = 'INSERT' THEN NEW.audit_id ELSE OLD.audit_id END;
	v_sign pg_catalog.int8 := CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END;
	s pg_catalog.int8[];
	au pg_catalog.int8[];
	l ismap.level[];
	y pg_catalog.int4[];
	n pg_catalog.int8[];
BEGIN
	-- a BEFORE trigger lets the row through (returns it), whatever it does
	IF (TG_OP = 'UPDATE' AND OLD.audit_id OPERATOR(pg_catalog.=) NEW.audit_id
			AND OLD.framework_id OPERATOR(pg_catalog.=) NEW.framework_id)
	   OR NOT ismap_internal.control_tally_kept() THEN
		RETURN CASE WHEN TG_WHEN = 'AFTER' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
	END IF;
	SELECT pg_catalog.array_agg(g.service_id), pg_catalog.array_agg(g.audit_id), pg_catalog.array_agg(g.level),
		   pg_catalog.array_agg(g.year), pg_catalog.array_agg(g.n)
	INTO s, au, l, y, n
	FROM (SELECT r.service_id, r.audit_id, r.level, pg_catalog.date_part('year', r.registered_on)::pg_catalog.int4 AS year,
				 v_sign OPERATOR(pg_catalog.*) pg_catalog.count(*) AS n
		  FROM ismap.registration r
		  WHERE r.audit_id OPERATOR(pg_catalog.=) ANY (ARRAY[a, NEW.audit_id])
		  GROUP BY 1, 2, 3, 4) g;
	IF n IS NOT NULL THEN
		PERFORM ismap_internal.control_tally_registrations(s, au, l, y, n);
	END IF;
	RETURN CASE WHEN TG_WHEN = 'AFTER' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_audit_trigger() IS 'trigger: the control tallies of the registrations resting on an audit that is written, changes its framework or is deleted (BEFORE: out, AFTER: in)';

-- trigger on audit, per statement: the audits written (the transition
-- table "changed"); only one that comes after its registrations (a
-- restore) finds any
CREATE FUNCTION ismap_internal.control_tally_audits_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s pg_catalog.int8[];
	au pg_catalog.int8[];
	l ismap.level[];
	y pg_catalog.int4[];
	n pg_catalog.int8[];
BEGIN
	IF NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	SELECT pg_catalog.array_agg(g.service_id), pg_catalog.array_agg(g.audit_id), pg_catalog.array_agg(g.level),
		   pg_catalog.array_agg(g.year), pg_catalog.array_agg(g.n)
	INTO s, au, l, y, n
	FROM (SELECT r.service_id, r.audit_id, r.level, pg_catalog.date_part('year', r.registered_on)::pg_catalog.int4 AS year,
				 pg_catalog.count(*) AS n
		  FROM changed c JOIN ismap.registration r ON r.audit_id OPERATOR(pg_catalog.=) c.audit_id
		  GROUP BY 1, 2, 3, 4) g;
	IF n IS NOT NULL THEN
		PERFORM ismap_internal.control_tally_registrations(s, au, l, y, n);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_audits_trigger() IS 'trigger: the control tallies of the registrations resting on the audits a statement wrote (transition table "changed")';

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

-- trigger on service, per statement: the services written (the
-- transition table "changed"); only one that comes after its
-- registrations (a restore) is counted anywhere, for provider 0: its
-- groups move to its provider, in key order
CREATE FUNCTION ismap_internal.control_tally_services_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r record;
BEGIN
	IF NOT ismap_internal.control_tally_kept() THEN
		RETURN NULL;
	END IF;
	FOR r IN SELECT t.year, t.framework_id, t.control_id, c.csp_id
			 FROM changed c JOIN ismap.control_tally_service t ON t.service_id OPERATOR(pg_catalog.=) c.service_id
			 ORDER BY t.year, t.framework_id, t.control_id, c.service_id LOOP
		PERFORM ismap_internal.control_tally_provider_add(r.year, r.framework_id, r.control_id, 0, -1);
		PERFORM ismap_internal.control_tally_provider_add(r.year, r.framework_id, r.control_id, r.csp_id, 1);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_tally_services_trigger() IS 'trigger: the control tallies of the services a statement wrote (transition table "changed")';

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

-- (a statement writes or deletes registrations by the thousand, as the
-- jobs' bulk loads and a restore do: one grouped count per statement; the
-- jobs' updates (status, end, cascade, run) change nothing the tallies
-- count by: the WHEN clause keeps them from calling the function at all)
CREATE TRIGGER control_tally AFTER INSERT ON ismap.registration
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_registrations_trigger();
CREATE TRIGGER control_tally_update AFTER UPDATE ON ismap.registration
	FOR EACH ROW WHEN (OLD.service_id IS DISTINCT FROM NEW.service_id OR OLD.audit_id IS DISTINCT FROM NEW.audit_id
		OR OLD.level IS DISTINCT FROM NEW.level OR OLD.registered_on IS DISTINCT FROM NEW.registered_on)
	EXECUTE FUNCTION ismap_internal.control_tally_registration_trigger();
CREATE TRIGGER control_tally_delete AFTER DELETE ON ismap.registration
	REFERENCING OLD TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_registrations_trigger();
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
-- (audits and services too come by the thousand in a load, and are
-- updated for other reasons: per statement after INSERT, per row only
-- for the columns the tallies count by, and for a DELETE)
CREATE TRIGGER control_tally_in AFTER INSERT ON ismap.audit
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_audits_trigger();
CREATE TRIGGER control_tally_out_update BEFORE UPDATE ON ismap.audit
	FOR EACH ROW WHEN (OLD.audit_id IS DISTINCT FROM NEW.audit_id OR OLD.framework_id IS DISTINCT FROM NEW.framework_id)
	EXECUTE FUNCTION ismap_internal.control_tally_audit_trigger();
CREATE TRIGGER control_tally_in_update AFTER UPDATE ON ismap.audit
	FOR EACH ROW WHEN (OLD.audit_id IS DISTINCT FROM NEW.audit_id OR OLD.framework_id IS DISTINCT FROM NEW.framework_id)
	EXECUTE FUNCTION ismap_internal.control_tally_audit_trigger();
CREATE TRIGGER control_tally_out BEFORE DELETE ON ismap.audit
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.control_tally_audit_trigger();
CREATE TRIGGER control_tally AFTER INSERT ON ismap.service
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.control_tally_services_trigger();
CREATE TRIGGER control_tally_update AFTER UPDATE ON ismap.service
	FOR EACH ROW WHEN (OLD.service_id IS DISTINCT FROM NEW.service_id OR OLD.csp_id IS DISTINCT FROM NEW.csp_id)
	EXECUTE FUNCTION ismap_internal.control_tally_service_trigger();
CREATE TRIGGER control_tally_delete AFTER DELETE ON ismap.service
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
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER control_tally_delete;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER control_tally_delete;
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER control_tally_delete;
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER control_tally_in;
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER control_tally_out_update;
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER control_tally_in_update;
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER control_tally_out;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER control_tally_delete;
