-- the registry generator (test/generator/generator.sql) builds data that
-- keeps every rule of the registry
\i test/regress/setup.psql
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
RESET client_min_messages;
SET search_path = ismap, public;

SELECT csps > 0 AS csps, services_made = 80 AS services, audits > 80 AS audits,
       audit_results > 0 AS results, registrations > 0 AS registrations, delisted > 0 AS delisted
FROM ismap_gen.generate(services => 80, years => 4, until => '2026-10-01', seed => 0.5);

-- every corporate number is valid; every service has a provider
-- realistic timelines: every decided application was accepted, most had a
-- finding, and the medians per stage come out for every year
SELECT count(*) FILTER (WHERE accepted_on IS NULL) AS decided_without_acceptance,
       count(*) FILTER (WHERE review_started_on IS NOT NULL) > count(*) / 2 AS most_reviewed
FROM application WHERE status = 'approved';
SELECT count(*) AS open_findings_of_decided FROM review_finding f JOIN application a USING (application_id)
WHERE a.status = 'approved' AND f.resolved_on IS NULL;
SELECT bool_and(acceptance_days BETWEEN 1 AND 3) AS acceptance_1_to_3, bool_and(total_days BETWEEN 5 AND 19) AS total_5_to_19
FROM application_timeline WHERE status = 'approved';
SELECT count(DISTINCT year) > 1 AS years, bool_and(applications >= 5) AS groups_of_5,
       array_agg(DISTINCT stage ORDER BY stage) AS stages
FROM application_stage_medians();
SELECT bool_and(corporate_number_is_valid(corporate_number)) AS csp_numbers_valid FROM csp;
SELECT bool_and(corporate_number_is_valid(corporate_number)) AS body_numbers_valid FROM audit_body;

-- dependencies run at least two levels deep and never in a cycle
SELECT max(depth) >= 2 AS deep_enough
FROM service s, LATERAL (SELECT max(i.depth) AS depth FROM delisting_impact(s.service_id) i) x;

-- numbers: one serial per service, serials gapless within a year
SELECT count(*) AS services_with_two_serials FROM (
	SELECT service_id FROM registration
	GROUP BY service_id HAVING count(DISTINCT regexp_replace(registration_number, '-[1-3]$', '')) > 1) x;
SELECT count(*) AS serials_shared FROM (
	SELECT regexp_replace(registration_number, '-[1-3]$', '') FROM registration
	GROUP BY 1 HAVING count(DISTINCT service_id) > 1) x;
SELECT bool_and(n = maxs) AS serials_gapless FROM (
	SELECT substr(registration_number, 2, 2) AS yy, count(DISTINCT split_part(registration_number, '-', 2)) AS n,
	       max(split_part(registration_number, '-', 2)::int) AS maxs
	FROM registration GROUP BY 1) y;

-- validity = audited period end + 1 year 4 months; level = the application's
SELECT count(*) AS wrong_validity
FROM registration r JOIN application ap USING (application_id) JOIN audit a ON a.audit_id = ap.audit_id
WHERE r.valid_until <> (a.period_end + interval '1 year 4 months')::date OR r.level <> ap.requested_level;

-- a renewal ends the registration it replaces on its own first day
SELECT count(*) AS renewal_gaps
FROM registration r
JOIN registration nxt ON nxt.service_id = r.service_id AND nxt.registered_on > r.registered_on
	AND NOT EXISTS (SELECT 1 FROM registration m WHERE m.service_id = r.service_id
					AND m.registered_on > r.registered_on AND m.registered_on < nxt.registered_on)
WHERE r.ended_on IS DISTINCT FROM nxt.registered_on;

-- every registration was written to the event log, and the chain holds
SELECT count(*) AS registrations_without_event FROM registration r
WHERE NOT EXISTS (SELECT 1 FROM registry_event e WHERE e.registration_id = r.registration_id AND e.kind = 'registered');
SELECT * FROM verify_event_chain();

-- cascaded delistings point at a delisted base registration
SELECT count(*) AS bad_cascades FROM registration r JOIN registration b ON b.registration_id = r.cascaded_from
WHERE r.status <> 'delisted' OR b.status <> 'delisted' OR r.cascade_path IS NULL;

-- statements cover every audit; results only for selected controls
SELECT count(*) AS audits_without_statement FROM audit a
WHERE NOT EXISTS (SELECT 1 FROM statement_item s WHERE s.audit_id = a.audit_id);
SELECT count(*) AS results_for_excluded FROM audit_result r JOIN statement_item s USING (audit_id, control_id) WHERE NOT s.selected;

-- on generated data too, the preview is exactly what delist ends
BEGIN;
SELECT s.service_id AS platform FROM service s JOIN registration r ON r.service_id = s.service_id AND r.status = 'active'
WHERE s.delivery_models && '{IaaS}' ORDER BY s.service_id LIMIT 1 \gset
CREATE TEMP TABLE p AS SELECT registration_id FROM delisting_impact(:platform);
CREATE TEMP TABLE d AS SELECT registration_id FROM delist(:platform, 'test', '2026-10-02');
SELECT (SELECT count(*) FROM p) > 1 AS cascades,
       NOT EXISTS (SELECT registration_id FROM p EXCEPT SELECT registration_id FROM d)
   AND NOT EXISTS (SELECT registration_id FROM d EXCEPT SELECT registration_id FROM p) AS impact_equals_delist;
SELECT ok FROM verify_event_chain();
ROLLBACK;

-- the generator refuses a size it cannot shape
\set VERBOSITY terse
SELECT ismap_gen.generate(services => 2);
\echo :LAST_ERROR_SQLSTATE
