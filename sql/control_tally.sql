-- the control tallies (src/sql/reporting/control_tally.sql): the partial
-- counts ineffective_control_counts() reads, kept by triggers.  Its answer
-- must be row for row the one of the formula it had before the tallies
-- (kept here as the view old_counts), for the generator's registry and
-- after every change the tallies follow: inserts, a rollback, results and
-- statement items changed and deleted (the freeze guard held off: only a
-- superuser can), registrations moved in time, to another service or
-- level, a service moved to another provider; and the tallies kept so
-- must equal the ones counted afresh (refresh_control_tally())
\i test/regress/setup.psql
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-- the function before the tallies, as a query
CREATE TEMP VIEW old_counts AS
	WITH reg AS MATERIALIZED (
		SELECT r.registration_id, r.service_id, r.audit_id, r.level, a.framework_id,
			   pg_catalog.date_part('year', r.registered_on)::pg_catalog.int4 AS year
		FROM ismap.registration r
		JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) r.audit_id
		WHERE r.registered_on OPERATOR(pg_catalog.<) pg_catalog.date_trunc('year', CURRENT_DATE)::pg_catalog.date
	), found AS (
		SELECT reg.year, reg.framework_id, ar.control_id, pg_catalog.count(DISTINCT reg.service_id) AS services,
			   pg_catalog.count(DISTINCT s.csp_id) AS providers, pg_catalog.count(DISTINCT reg.registration_id) AS registrations
		FROM reg
		JOIN ismap.audit_result ar ON ar.audit_id OPERATOR(pg_catalog.=) reg.audit_id
			AND ar.result OPERATOR(pg_catalog.=) 'ineffective'
		JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) reg.service_id
		GROUP BY 1, 2, 3
		HAVING pg_catalog.count(DISTINCT reg.service_id) OPERATOR(pg_catalog.>=) 5
		   AND pg_catalog.count(DISTINCT s.csp_id) OPERATOR(pg_catalog.>=) 3
	), per_level AS MATERIALIZED (
		SELECT reg.year, reg.framework_id, reg.level, pg_catalog.count(*) AS registrations
		FROM reg GROUP BY 1, 2, 3
	), excluded AS (
		SELECT reg.year, si.framework_id, si.control_id, pg_catalog.count(*) AS registrations
		FROM ismap.statement_item si
		JOIN reg ON reg.audit_id OPERATOR(pg_catalog.=) si.audit_id
		WHERE NOT si.selected
		GROUP BY 1, 2, 3
	)
	SELECT f.year, f.framework_id, f.control_id, c.title, f.services, f.providers
	FROM found f
	JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) f.framework_id AND c.control_id OPERATOR(ismap.=) f.control_id
	CROSS JOIN LATERAL (
		SELECT COALESCE(pg_catalog.sum(l.registrations), 0) AS registrations FROM per_level l
		WHERE l.year OPERATOR(pg_catalog.=) f.year AND l.framework_id OPERATOR(pg_catalog.=) f.framework_id
		  AND l.level OPERATOR(pg_catalog.>=) (
			SELECT pg_catalog.min(b.level) FROM ismap.baseline b
			JOIN ismap.baseline_control bc ON bc.baseline_id OPERATOR(pg_catalog.=) b.baseline_id
			WHERE b.framework_id OPERATOR(pg_catalog.=) f.framework_id AND bc.control_id OPERATOR(ismap.=) f.control_id)) due
	LEFT JOIN excluded x ON x.year OPERATOR(pg_catalog.=) f.year AND x.framework_id OPERATOR(pg_catalog.=) f.framework_id
		AND x.control_id OPERATOR(ismap.=) f.control_id
	WHERE due.registrations OPERATOR(pg_catalog.-) COALESCE(x.registrations, 0) OPERATOR(pg_catalog.-) f.registrations OPERATOR(pg_catalog.>=) 5
	ORDER BY f.year, f.services DESC, f.framework_id, f.control_id;
-- the same rows in the same order; how many; and the tallies as kept are
-- the tallies counted afresh, row for row (no row that counts nothing)
CREATE TEMP VIEW same AS
SELECT (SELECT array_agg(o::text) FROM old_counts o) IS NOT DISTINCT FROM
       (SELECT array_agg(n::text) FROM ineffective_control_counts() n) AS same_rows,
       (SELECT count(*) FROM old_counts) AS rows;
CREATE FUNCTION pg_temp.tallies() RETURNS SETOF text LANGUAGE sql AS $$
	SELECT 'c' || t::text FROM ismap.control_tally t
	UNION ALL SELECT 's' || t::text FROM ismap.control_tally_service t
	UNION ALL SELECT 'p' || t::text FROM ismap.control_tally_provider t
	UNION ALL SELECT 'l' || t::text FROM ismap.level_tally t
$$;
CREATE FUNCTION pg_temp.kept_is_fresh() RETURNS TABLE (kept_is_fresh boolean, tally_rows bigint) LANGUAGE plpgsql AS $$
DECLARE
	kept text[] := ARRAY(SELECT t FROM pg_temp.tallies() t ORDER BY 1);
	fresh text[];
BEGIN
	PERFORM ismap.refresh_control_tally();
	fresh := ARRAY(SELECT t FROM pg_temp.tallies() t ORDER BY 1);
	RETURN QUERY SELECT kept = fresh, cardinality(kept)::bigint;
END
$$;

-- the generator's registry, every year ended; its inserts kept the tallies
SELECT services_made FROM ismap_gen.generate(services => 150, years => 4, until => '2024-10-01', seed => 0.37);
SELECT * FROM same;
BEGIN;
SELECT * FROM pg_temp.kept_is_fresh();
ROLLBACK;

-- more results ineffective, so that many groups show (the freeze guard
-- held off)
ALTER TABLE audit_result DISABLE TRIGGER audit_result_frozen;
ALTER TABLE statement_item DISABLE TRIGGER statement_item_frozen;
UPDATE audit_result ar SET result = 'ineffective'
FROM registration r WHERE r.audit_id = ar.audit_id AND ar.result = 'effective' AND hashint8(r.registration_id + length(ar.control_id::text)) % 3 = 0;
SELECT * FROM same;

-- a rollback leaves the tallies as they were
BEGIN;
UPDATE audit_result SET result = 'effective' WHERE result = 'ineffective';
SELECT count(*) AS rows_when_none_ineffective FROM ineffective_control_counts();
ROLLBACK;
SELECT * FROM same;

-- results and statement items changed and deleted
UPDATE audit_result ar SET result = 'effective'
FROM registration r WHERE r.audit_id = ar.audit_id AND hashint8(r.registration_id) % 4 = 0 AND ar.result = 'ineffective';
UPDATE statement_item si SET selected = false, exclusion_reason = 'not offered'
FROM registration r WHERE r.audit_id = si.audit_id AND hashint8(r.registration_id * 7) % 5 = 0 AND si.selected
  AND NOT EXISTS (SELECT FROM audit_result ar WHERE ar.audit_id = si.audit_id AND ar.control_id OPERATOR(ismap.=) si.control_id);
DELETE FROM audit_result ar USING registration r
WHERE r.audit_id = ar.audit_id AND hashint8(r.registration_id * 11) % 6 = 0 AND ar.result = 'ineffective';
SELECT * FROM same;
UPDATE statement_item si SET selected = true, exclusion_reason = NULL
FROM registration r WHERE r.audit_id = si.audit_id AND hashint8(r.registration_id * 13) % 3 = 0 AND NOT si.selected
  AND NOT EXISTS (SELECT FROM audit_result ar WHERE ar.audit_id = si.audit_id AND ar.control_id OPERATOR(ismap.=) si.control_id);
SELECT * FROM same;

-- registrations moved in time (to another year, and into this year, which
-- is not shown), to another service and level (the registry's own
-- triggers held off, not the tallies')
ALTER TABLE registration DISABLE TRIGGER USER;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_delete;
UPDATE registration SET registered_on = registered_on - 365, valid_until = valid_until - 365
WHERE hashint8(registration_id * 17) % 5 = 0;
UPDATE registration SET registered_on = date_trunc('year', current_date)::date, valid_until = date_trunc('year', current_date)::date + 400
WHERE hashint8(registration_id * 19) % 9 = 0;
SELECT * FROM same;
UPDATE registration r SET service_id = (SELECT min(s.service_id) FROM service s WHERE s.service_id > r.service_id)
WHERE hashint8(registration_id * 23) % 7 = 0 AND r.status NOT IN ('active', 'suspended')
  AND r.service_id < (SELECT max(service_id) FROM service);
UPDATE registration SET level = 3, registration_number = left(registration_number, -1) || '3'
WHERE hashint8(registration_id * 29) % 7 = 0;
SELECT * FROM same;
ALTER TABLE registration ENABLE TRIGGER USER;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_delete;

-- services moved to another provider: the providers counted follow
UPDATE service s SET csp_id = (SELECT min(csp_id) FROM csp)
WHERE hashint8(s.service_id * 31) % 3 = 0;
SELECT * FROM same;
UPDATE service s SET csp_id = (SELECT max(csp_id) FROM csp)
WHERE hashint8(s.service_id * 37) % 4 = 0;
SELECT * FROM same;

-- many registrations in one statement (the registry's triggers and its
-- foreign keys held off, in a transaction rolled back): deleted and
-- written again (the statement triggers, one call each), their counted
-- columns changed (the row trigger, one call per row moved) and their
-- other columns changed (the WHEN clause: no call at all); after each
-- statement the tallies kept are the ones counted afresh
BEGIN;
SET LOCAL track_functions = 'pl';
ALTER TABLE registration DISABLE TRIGGER ALL;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_delete;
CREATE FUNCTION pg_temp.calls() RETURNS TABLE (statement_calls bigint, row_calls bigint) LANGUAGE sql AS $$
	SELECT coalesce(pg_stat_get_xact_function_calls('ismap_internal.control_tally_registrations_trigger'::regproc), 0),
	       coalesce(pg_stat_get_xact_function_calls('ismap_internal.control_tally_registration_trigger'::regproc), 0)
$$;
CREATE TEMP TABLE some_reg AS SELECT * FROM registration WHERE hashint8(registration_id * 41) % 3 = 0;
SELECT count(*) AS some_reg, count(DISTINCT date_part('year', registered_on)) AS years FROM some_reg;
DELETE FROM registration r USING some_reg s WHERE r.registration_id = s.registration_id;
SELECT * FROM pg_temp.calls();
SELECT * FROM pg_temp.kept_is_fresh();
INSERT INTO registration SELECT * FROM some_reg;
SELECT * FROM pg_temp.calls();
SELECT * FROM pg_temp.kept_is_fresh();
SELECT * FROM same;
-- counted columns: the level, the year, the service, all in one statement
UPDATE registration r SET level = CASE WHEN r.level = 3 THEN 1 ELSE r.level + 1 END,
       registration_number = left(r.registration_number, -1) || CASE WHEN r.level = 3 THEN 1 ELSE r.level + 1 END,
       registered_on = r.registered_on - 200, valid_until = r.valid_until - 200,
       service_id = CASE WHEN hashint8(r.registration_id) % 2 = 0 AND r.status NOT IN ('active', 'suspended') THEN (SELECT min(s.service_id) FROM service s) ELSE r.service_id END
WHERE hashint8(r.registration_id * 43) % 4 = 0;
SELECT * FROM pg_temp.calls();
SELECT * FROM pg_temp.kept_is_fresh();
SELECT * FROM same;
-- other columns (as the jobs write them): nothing called
UPDATE registration r SET end_reason = coalesce(r.end_reason, 'test') || '.', run_id = 7,
       cascade_path = ARRAY[r.service_id], valid_until = r.valid_until + 1;
SELECT * FROM pg_temp.calls();
SELECT * FROM pg_temp.kept_is_fresh();
-- a statement that writes or deletes nothing
DELETE FROM registration WHERE false;
SELECT * FROM pg_temp.calls();
SELECT * FROM pg_temp.kept_is_fresh();
ROLLBACK;
SELECT * FROM pg_temp.kept_is_fresh();

-- audits and services that come after their registrations, as in a
-- restore, many in one statement (the statement triggers): taken away
-- (per row) and written again (the foreign keys and the registry's
-- triggers held off, in a transaction rolled back)
BEGIN;
ALTER TABLE audit DISABLE TRIGGER ALL;
ALTER TABLE audit ENABLE ALWAYS TRIGGER control_tally_in;
ALTER TABLE audit ENABLE ALWAYS TRIGGER control_tally_out;
ALTER TABLE audit ENABLE ALWAYS TRIGGER control_tally_in_update;
ALTER TABLE audit ENABLE ALWAYS TRIGGER control_tally_out_update;
ALTER TABLE service DISABLE TRIGGER ALL;
ALTER TABLE service ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE service ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE service ENABLE ALWAYS TRIGGER control_tally_delete;
CREATE TEMP TABLE some_audit AS SELECT a.* FROM audit a
WHERE hashint8(a.audit_id * 47) % 3 = 0 AND EXISTS (SELECT FROM registration r WHERE r.audit_id = a.audit_id);
CREATE TEMP TABLE some_service AS SELECT s.* FROM service s WHERE hashint8(s.service_id * 53) % 3 = 0;
SELECT (SELECT count(*) FROM some_audit) AS audits, (SELECT count(*) FROM some_service) AS services;
DELETE FROM audit a USING some_audit x WHERE a.audit_id = x.audit_id;
DELETE FROM service s USING some_service x WHERE s.service_id = x.service_id;
SELECT * FROM pg_temp.kept_is_fresh();
INSERT INTO audit SELECT * FROM some_audit;
INSERT INTO service SELECT * FROM some_service;
SELECT * FROM pg_temp.kept_is_fresh();
SELECT * FROM same;
-- an audit's other columns changed: nothing counted again
UPDATE audit SET scope = scope || '.';
SELECT * FROM pg_temp.kept_is_fresh();
ROLLBACK;

-- a TRUNCATE of the results counts them afresh
BEGIN;
TRUNCATE audit_result CASCADE;
SELECT * FROM same;
SELECT count(*) AS found_groups FROM control_tally WHERE registrations > 0;
ROLLBACK;

-- and after all that, the tallies kept are the tallies counted afresh
SELECT * FROM pg_temp.kept_is_fresh();
SELECT * FROM same;

-- nobody but the owner and the registrar reads them; no party writes them
SELECT t, r, has_table_privilege(r, t, 'SELECT') AS sel,
       has_table_privilege(r, t, 'INSERT') OR has_table_privilege(r, t, 'UPDATE') OR has_table_privilege(r, t, 'DELETE') AS write
FROM unnest(ARRAY['ismap.control_tally', 'ismap.control_tally_service', 'ismap.control_tally_provider', 'ismap.level_tally']) t,
     unnest(ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency']) r
WHERE has_table_privilege(r, t, 'SELECT') OR has_table_privilege(r, t, 'INSERT') OR has_table_privilege(r, t, 'UPDATE') OR has_table_privilege(r, t, 'DELETE')
ORDER BY 1, 2;
SELECT has_function_privilege('ismap_registrar', 'ismap.refresh_control_tally()', 'EXECUTE') AS registrar_refreshes,
       has_function_privilege('public', 'ismap.refresh_control_tally()', 'EXECUTE') AS public_refreshes;
