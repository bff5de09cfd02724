-- the stage tallies (src/sql/reporting/stage_tally.sql): the histogram of
-- days per year of decision and stage that application_stage_medians()
-- reads, kept by triggers.  Its answer must be row for row the direct
-- formula (percentile_cont over application_timeline, kept here as the
-- view direct_medians) for the generator's registry and after every
-- change the tallies follow: decisions, a rollback, applications rejected,
-- returned, moved in time, their stages changed, inserted and deleted,
-- services moved to another provider, a TRUNCATE, a restore's order; and
-- the tallies kept so must equal the ones counted afresh
-- (refresh_stage_tally()).  The reader reads none of them.
\i test/regress/setup.psql
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-- the answer as a direct formula over the timelines
CREATE TEMP VIEW direct_medians AS
	WITH decided AS (
		SELECT date_part('year', t.decided_on)::int4 AS year, s.csp_id,
			   t.acceptance_days, t.accepted_days, t.review_days, t.total_days
		FROM application_timeline t JOIN service s ON s.service_id = t.service_id
		WHERE t.decided_on IS NOT NULL AND t.status IN ('approved', 'rejected')
		  AND date_part('year', t.decided_on) < date_part('year', current_date)
	), staged AS (
		SELECT d.year, x.stage, x.days, d.csp_id
		FROM decided d
		CROSS JOIN LATERAL (VALUES ('acceptance', d.acceptance_days), ('accepted', d.accepted_days),
								   ('review', d.review_days), ('total', d.total_days)) x(stage, days)
		WHERE x.days IS NOT NULL
	)
	SELECT year, stage, count(*) AS applications,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days
	FROM staged
	GROUP BY year, stage
	HAVING count(*) >= 5 AND count(DISTINCT csp_id) >= 3
	ORDER BY year, array_position(ARRAY['acceptance', 'accepted', 'review', 'total'], stage);
CREATE TEMP VIEW same AS
SELECT (SELECT array_agg(o::text) FROM direct_medians o) IS NOT DISTINCT FROM
       (SELECT array_agg(n::text) FROM application_stage_medians() n) AS same_rows,
       (SELECT count(*) FROM direct_medians) AS rows;
CREATE FUNCTION pg_temp.tallies() RETURNS SETOF text LANGUAGE sql AS $$
	SELECT 't' || t::text FROM ismap.stage_tally t
	UNION ALL SELECT 'p' || t::text FROM ismap.stage_tally_provider t
$$;
CREATE FUNCTION pg_temp.kept_is_fresh() RETURNS TABLE (kept_is_fresh boolean, nonzero boolean) LANGUAGE plpgsql AS $$
DECLARE
	kept text[] := ARRAY(SELECT t FROM pg_temp.tallies() t ORDER BY 1);
	fresh text[];
BEGIN
	PERFORM ismap.refresh_stage_tally();
	fresh := ARRAY(SELECT t FROM pg_temp.tallies() t ORDER BY 1);
	RETURN QUERY SELECT kept = fresh,
		NOT EXISTS (SELECT FROM ismap.stage_tally WHERE applications <= 0)
		AND NOT EXISTS (SELECT FROM ismap.stage_tally_provider WHERE applications <= 0);
END
$$;

-- the generator's registry: its decisions kept the tallies
SELECT services_made FROM ismap_gen.generate(services => 150, years => 4, until => '2024-10-01', seed => 0.37);
SELECT * FROM same;
SELECT count(*) > 10 AS groups_shown, count(DISTINCT year) > 2 AS years FROM application_stage_medians();
BEGIN;
SELECT * FROM pg_temp.kept_is_fresh();
ROLLBACK;

-- the stages' days spread, so that the medians interpolate (the
-- timelines' own lengths are a few values)
UPDATE application SET decided_on = decided_on + (application_id % 23)::int
WHERE status = 'approved' AND application_id % 3 = 0;
UPDATE application SET accepted_on = accepted_on + 1, review_started_on = review_started_on + 1
WHERE status = 'approved' AND application_id % 5 = 1 AND review_started_on IS NOT NULL;
SELECT * FROM same;

-- a rollback leaves the tallies as they were
BEGIN;
UPDATE application SET status = 'returned', decision_reason = 'incomplete' WHERE status = 'approved';
SELECT count(*) AS groups_when_none_decided FROM application_stage_medians();
ROLLBACK;
SELECT * FROM same;

-- decisions changed: rejected, returned (no longer counted), a stage gone,
-- decided in another year
UPDATE application SET status = 'rejected', decision_reason = 'not met'
WHERE status = 'approved' AND hashint8(application_id * 7) % 4 = 0;
UPDATE application SET status = 'returned', decision_reason = 'incomplete'
WHERE status = 'approved' AND hashint8(application_id * 11) % 9 = 0;
UPDATE application SET review_started_on = NULL
WHERE status IN ('approved', 'rejected') AND hashint8(application_id * 13) % 6 = 0;
UPDATE application SET decided_on = decided_on - 365
WHERE status IN ('approved', 'rejected') AND hashint8(application_id * 17) % 5 = 0;
SELECT * FROM same;
-- a returned application decided again
UPDATE application SET status = 'approved', decision_reason = NULL
WHERE status = 'returned' AND hashint8(application_id * 19) % 2 = 0;
SELECT * FROM same;

-- applications filed and decided in one row, and deleted (the rejected
-- ones no registration rests on)
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on, status, decided_on, decision_reason,
                         accepted_on, review_started_on)
SELECT a.service_id, a.audit_id, a.requested_level, 'renewal', a.submitted_on + 30, 'rejected', a.decided_on + 60 + (a.application_id % 7)::int,
       'not met', a.accepted_on + 30, a.review_started_on + 31
FROM application a WHERE a.status = 'approved' AND a.application_id % 4 = 1;
SELECT * FROM same;
DELETE FROM review_finding f USING application a
WHERE f.application_id = a.application_id AND a.status = 'rejected' AND hashint8(a.application_id * 23) % 3 = 0
  AND NOT EXISTS (SELECT FROM registration r WHERE r.application_id = a.application_id);
DELETE FROM application a
WHERE a.status = 'rejected' AND hashint8(a.application_id * 23) % 3 = 0
  AND NOT EXISTS (SELECT FROM registration r WHERE r.application_id = a.application_id);
SELECT * FROM same;

-- services moved to another provider: the providers counted follow
UPDATE service s SET csp_id = (SELECT min(csp_id) FROM csp)
WHERE hashint8(s.service_id * 31) % 3 = 0;
SELECT * FROM same;
UPDATE service s SET csp_id = (SELECT max(csp_id) FROM csp)
WHERE hashint8(s.service_id * 37) % 4 = 0;
SELECT * FROM same;
-- so few providers that groups drop out
BEGIN;
UPDATE service s SET csp_id = (SELECT min(csp_id) FROM csp) WHERE hashint8(s.service_id * 41) % 8 <> 0;
SELECT * FROM same;
ROLLBACK;

-- a TRUNCATE of the applications counts them afresh (the guards of the
-- registrations, their content and the change reports against a TRUNCATE
-- held off, in a transaction rolled back)
BEGIN;
SET LOCAL client_min_messages = warning;
ALTER TABLE registration DISABLE TRIGGER registration_no_truncate;
ALTER TABLE registered_content DISABLE TRIGGER registered_content_no_truncate;
ALTER TABLE service_change DISABLE TRIGGER service_change_no_truncate;
TRUNCATE application CASCADE;
SELECT * FROM same;
SELECT count(*) AS bars FROM stage_tally;
ROLLBACK;

-- a restore loads the applications before their services (the foreign
-- keys come last): they count for provider 0 until the service comes
BEGIN;
SET LOCAL session_replication_role = replica;
CREATE TEMP TABLE restored_service ON COMMIT DROP AS
SELECT * FROM service WHERE service_id = (SELECT min(service_id) FROM application WHERE status = 'approved');
UPDATE restored_service SET service_id = service_id + 100000, name = name || ' (restored)';
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on, status, decided_on, accepted_on, review_started_on)
SELECT a.service_id + 100000, a.audit_id, a.requested_level, a.kind, a.submitted_on, a.status, a.decided_on, a.accepted_on, a.review_started_on
FROM application a WHERE a.service_id = (SELECT service_id - 100000 FROM restored_service) AND a.status = 'approved';
SELECT count(*) > 0 AS counted_for_provider_0 FROM stage_tally_provider WHERE csp_id = 0;
INSERT INTO service SELECT * FROM restored_service;
SELECT count(*) AS provider_0_rows FROM stage_tally_provider WHERE csp_id = 0;
SELECT * FROM same;
SELECT * FROM pg_temp.kept_is_fresh();
ROLLBACK;

-- and after all that, the tallies kept are the tallies counted afresh
SELECT * FROM pg_temp.kept_is_fresh();
SELECT * FROM same;

-- nobody but the owner and the roles that read every table reads them; no
-- party writes them
SELECT t, r, has_table_privilege(r, t, 'SELECT') AS sel,
       has_table_privilege(r, t, 'INSERT') OR has_table_privilege(r, t, 'UPDATE') OR has_table_privilege(r, t, 'DELETE') AS write
FROM unnest(ARRAY['ismap.stage_tally', 'ismap.stage_tally_provider']) t,
     unnest(ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency']) r
WHERE has_table_privilege(r, t, 'SELECT') OR has_table_privilege(r, t, 'INSERT') OR has_table_privilege(r, t, 'UPDATE') OR has_table_privilege(r, t, 'DELETE')
ORDER BY 1, 2;
SELECT has_function_privilege('ismap_registrar', 'ismap.refresh_stage_tally()', 'EXECUTE') AS registrar_refreshes,
       has_function_privilege('public', 'ismap.refresh_stage_tally()', 'EXECUTE') AS public_refreshes,
       has_function_privilege('ismap_reader', 'ismap.application_stage_medians()', 'EXECUTE') AS reader_reads_medians;
-- the reader tries the tallies themselves and is refused
SET client_min_messages = warning;
DROP ROLE IF EXISTS tally_reader;
RESET client_min_messages;
CREATE ROLE tally_reader IN ROLE ismap_reader;
SET ROLE tally_reader;
SELECT count(*) FROM ismap.stage_tally;
SELECT count(*) FROM ismap.stage_tally_provider;
SELECT ismap.refresh_stage_tally();
SELECT count(*) > 0 AS reader_gets_medians FROM ismap.application_stage_medians();
RESET ROLE;
DROP ROLE tally_reader;
