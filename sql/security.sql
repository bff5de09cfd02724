-- roles, row-level security, SECURITY DEFINER decisions, search_path
-- hijacking, leaks through views: the full matrix
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
SELECT ismap.create_roles() AS second_run_creates;
DROP SCHEMA IF EXISTS evil CASCADE;
\set logins 'sec_reader sec_registrar sec_auditor_a sec_auditor_b sec_csp_a sec_csp_b sec_jobs sec_nobody'
\i test/regress/logins.psql
GRANT ismap_reader TO sec_reader;
GRANT ismap_registrar TO sec_registrar;
GRANT ismap_auditor TO sec_auditor_a, sec_auditor_b;
GRANT ismap_csp TO sec_csp_a, sec_csp_b;
GRANT ismap_jobs TO sec_jobs;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-- PUBLIC: no schema usage, and no function beyond what the types need
-- and listed_days, the listing's index expression
SELECT has_schema_privilege('public', 'ismap', 'USAGE') AS public_usage;
SELECT string_agg(p.oid::regprocedure::text, ' ') AS public_functions_beyond_types
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
WHERE has_function_privilege('public', p.oid, 'EXECUTE')
  AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
  AND NOT EXISTS (SELECT 1 FROM pg_operator o WHERE o.oprcode = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_amproc a WHERE a.amproc = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_aggregate g WHERE p.oid IN (g.aggfnoid, g.aggtransfn, g.aggcombinefn))
  AND NOT EXISTS (SELECT 1 FROM pg_cast c WHERE c.castfunc = p.oid);
SET ROLE sec_nobody;
SELECT count(*) FROM ismap.registration;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT ismap.create_roles();
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- two audit bodies, two providers, each with a service, an audit and an
-- open application; provider A's first application already decided
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5.1.1', 'objective', NULL, false), ('ismap', '5.1.1.1', 'detailed', '5.1.1', true);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'l1', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001'),
	(2, 'Body B', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until) VALUES (1, '2024-01-01', '2029-01-01'), (2, '2024-01-01', '2029-01-01');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'A-lead', 'JP', 9), (2, 2, 'B-lead', 'JP', 9);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL), (2, 'CISA', NULL);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'A cloud', 'a', '{IaaS}', '{public}'), (2, 2, 'B cloud', 'b', '{IaaS}', '{public}'),
	(3, 1, 'A old', 'a old', '{IaaS}', '{public}');
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
SELECT service_id, '{JP}', 'Japanese law', 'Tokyo District Court', 'none', '[]' FROM service;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(1, 1, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a'),
	(2, 2, 2, 2, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'b'),
	(3, 3, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a old');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a, 'ismap', c, true FROM generate_series(1, 3) a, unnest('{5.1.1,5.1.1.1}'::ctrlid[]) c;
INSERT INTO audit_result (audit_id, control_id, result, rationale)
SELECT audit_id, control_id, 'effective', 'body ' || audit_id || ' secret' FROM statement_item;
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations)
SELECT audit_id, control_id, 'daily', 250, 25, 0 FROM statement_item WHERE control_id = '5.1.1.1';
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES
	(1, 1, 1, 1, '2026-06-01'), (2, 2, 2, 1, '2026-06-01'), (3, 3, 3, 1, '2026-06-01');
-- the open ones passed the acceptance check (sql/review.sql): the committee may decide them
UPDATE application SET status = 'accepted', accepted_on = '2026-06-02' WHERE application_id IN (1, 2);
SELECT registration_number FROM register(3, '2026-06-10');
SELECT role_name, audit_body_id, csp_id FROM (
	SELECT (principal('sec_auditor_a', 1, NULL)).* UNION ALL SELECT (principal('sec_auditor_b', 2, NULL)).*
	UNION ALL SELECT (principal('sec_csp_a', NULL, 1)).* UNION ALL SELECT (principal('sec_csp_b', NULL, 2)).*) b
ORDER BY 1;
SELECT principal('no_such_role', 1, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT principal('sec_csp_a', 1, 1);
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- the matrix: every role x every table and view x SELECT/INSERT/UPDATE/DELETE
-- and LOCK TABLE IN ACCESS EXCLUSIVE MODE (only the registrar may, on what it
-- alone edits: A2-09)
-- "rows N" = allowed, N rows seen or touched (row-level security filters);
-- a SQLSTATE = refused.  Every attempt is rolled back.
-------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.attempt(r text, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	res text;
BEGIN
	BEGIN
		EXECUTE format('SET LOCAL ROLE %I', r);
		IF sql LIKE 'SELECT%' THEN
			EXECUTE sql INTO n;
		ELSE
			EXECUTE sql;
			GET DIAGNOSTICS n = ROW_COUNT;
		END IF;
		res := 'rows ' || n;
		RAISE EXCEPTION USING ERRCODE = 'P0004';	-- roll the attempt back
	EXCEPTION
		WHEN assert_failure THEN NULL;
		WHEN OTHERS THEN res := CASE WHEN SQLSTATE LIKE '23%' OR SQLSTATE IN ('22P02', '22004') THEN 'allowed' ELSE SQLSTATE END;
	END;
	RESET ROLE;
	RETURN res;
END
$$;

CREATE TEMP TABLE matrix AS
SELECT r.role, c.relname AS object,
	pg_temp.attempt(r.role, format('SELECT count(*) FROM ismap.%I', c.relname)) AS "select",
	CASE WHEN c.relkind = 'v' THEN '-' ELSE pg_temp.attempt(r.role, format('INSERT INTO ismap.%I DEFAULT VALUES', c.relname)) END AS "insert",
	CASE WHEN c.relkind = 'v' THEN '-' ELSE pg_temp.attempt(r.role, format('UPDATE ismap.%I SET %I = %I', c.relname, a.attname, a.attname)) END AS "update",
	CASE WHEN c.relkind = 'v' THEN '-' ELSE pg_temp.attempt(r.role, format('DELETE FROM ismap.%I', c.relname)) END AS "delete",
	pg_temp.attempt(r.role, format('LOCK TABLE ismap.%I IN ACCESS EXCLUSIVE MODE', c.relname)) AS "lock"
FROM (VALUES ('sec_reader'), ('sec_registrar'), ('sec_auditor_a'), ('sec_csp_a'), ('sec_jobs')) r(role)
CROSS JOIN pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
LEFT JOIN LATERAL (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped
				   AND attname NOT IN ('updated_at', 'builtin') ORDER BY attnum DESC LIMIT 1) a ON true
WHERE c.relkind IN ('r', 'v', 'p');
SELECT * FROM matrix ORDER BY object, role;

-------------------------------------------------------------------------------
-- every function x role (beyond the type functions everyone has)
-------------------------------------------------------------------------------
SELECT p.oid::regprocedure AS function,
	string_agg(r.role, ' ' ORDER BY r.ord) FILTER (WHERE has_function_privilege(r.role, p.oid, 'EXECUTE')) AS executable_by
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
CROSS JOIN (VALUES (1, 'ismap_reader'), (2, 'ismap_registrar'), (3, 'ismap_auditor'), (4, 'ismap_csp'), (5, 'ismap_jobs')) r(ord, role)
WHERE NOT has_function_privilege('public', p.oid, 'EXECUTE')
GROUP BY p.oid
ORDER BY p.oid::regprocedure::text COLLATE "C";
SELECT p.oid::regprocedure AS security_definer_function, p.proconfig
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
WHERE p.prosecdef ORDER BY p.oid::regprocedure::text COLLATE "C";

-------------------------------------------------------------------------------
-- an auditor of body A cannot see or change body B's audit
-------------------------------------------------------------------------------
SET ROLE sec_auditor_a;
SELECT audit_id, audit_body_id FROM audit ORDER BY 1;
SELECT audit_id, control_id, rationale FROM audit_result ORDER BY 1, 2;
WITH u AS (UPDATE audit_result SET result = 'ineffective' WHERE audit_id = 2 RETURNING 1) SELECT count(*) AS updated_of_body_b FROM u;
INSERT INTO audit_result (audit_id, control_id, result) VALUES (2, '5.1.1', 'effective');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (2, 2, 2, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'b');
\echo :LAST_ERROR_SQLSTATE
-- its own open audit: it records results
WITH u AS (UPDATE audit_result SET rationale = 'retested' WHERE audit_id = 1 AND control_id = '5.1.1' RETURNING 1) SELECT count(*) AS updated_own_open FROM u;
-- a decided audit (application 3 approved) is closed to it
WITH u AS (UPDATE audit_result SET rationale = 'late change' WHERE audit_id = 3 RETURNING 1) SELECT count(*) AS updated_own_decided FROM u;
SELECT auditor_id, name FROM auditor ORDER BY 1;
SELECT count(*) AS applications_seen FROM application;
SELECT approve_application(1, '{}', '2026-06-20');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-------------------------------------------------------------------------------
-- a provider cannot approve itself or touch another provider
-------------------------------------------------------------------------------
SET ROLE sec_csp_a;
SELECT service_id, name FROM service ORDER BY 1;
SELECT application_id, status FROM application ORDER BY 1;
SELECT approve_application(1, '{}', '2026-06-20');
\echo :LAST_ERROR_SQLSTATE
SELECT register(1, '2026-06-20');
\echo :LAST_ERROR_SQLSTATE
UPDATE application SET status = 'approved', decided_on = '2026-06-20' WHERE application_id = 1;
\echo :LAST_ERROR_SQLSTATE
WITH u AS (UPDATE application SET status = 'withdrawn', decided_on = '2026-06-20' WHERE application_id = 2 RETURNING 1) SELECT count(*) AS withdrew_other FROM u;
INSERT INTO application (service_id, audit_id, requested_level, submitted_on) VALUES (2, 2, 1, '2026-06-02');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models) VALUES (2, 'planted', 'x', '{SaaS}', '{public}');
\echo :LAST_ERROR_SQLSTATE
WITH u AS (UPDATE service SET name = 'renamed' WHERE service_id = 2 RETURNING 1) SELECT count(*) AS renamed_other FROM u;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT audit_id, control_id, rationale FROM audit_result ORDER BY 1, 2;
WITH u AS (UPDATE csp SET name = 'Provider B hijacked' WHERE csp_id = 2 RETURNING 1) SELECT count(*) AS renamed_other_csp FROM u;
WITH u AS (UPDATE csp SET address = 'Tokyo' WHERE csp_id = 1 RETURNING 1) SELECT count(*) AS updated_own_csp FROM u;
SELECT count(*) AS registry_rows FROM registry;
RESET ROLE;
SELECT csp_id, name FROM csp ORDER BY 1;
SELECT service_id, name FROM service ORDER BY 1;

-------------------------------------------------------------------------------
-- readers: the published registry and catalogs, no audit results
-------------------------------------------------------------------------------
SET ROLE sec_reader;
SELECT registration_number, service_name, status FROM registry;
SELECT count(*) FROM audit_result;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS controls FROM control;
RESET ROLE;

-------------------------------------------------------------------------------
-- search_path hijacking does not change what SECURITY DEFINER functions do
-------------------------------------------------------------------------------
CREATE SCHEMA evil AUTHORIZATION sec_registrar;
SET ROLE sec_registrar;
-- planted look-alikes of what the bodies use
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '1999-01-01'::timestamptz $$;
CREATE FUNCTION evil.btrim(text) RETURNS text LANGUAGE sql AS $$ SELECT 'hijacked' $$;
CREATE FUNCTION evil.jsonb_build_object(VARIADIC text[]) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{"hijacked": true}'::jsonb $$;
CREATE FUNCTION evil.int8eq_always(bigint, bigint) RETURNS bool LANGUAGE sql AS $$ SELECT true $$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8eq_always);
CREATE TABLE evil.application (application_id bigint, status text);
INSERT INTO evil.application VALUES (1, 'approved');
CREATE TEMP TABLE registration (registration_id bigint);
SET search_path = evil, pg_temp, ismap, public;
SELECT registration_number, service_id, status FROM ismap.approve_application(1, '{}', '2026-06-20');
SELECT (ismap.delist(1, 'test of hijacking', '2026-06-21')).status;
SET search_path = ismap, public;
RESET ROLE;
SELECT registration_number, service_id, registered_on, status, end_reason FROM ismap.registration ORDER BY registration_id;
SELECT kind, payload->'context'->>'action' AS action FROM ismap.registry_event ORDER BY event_id;
SELECT count(*) AS rows_in_planted_temp_table FROM pg_temp.registration;
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- a non-leakproof function in a query sees only the rows the policies allow
-------------------------------------------------------------------------------
CREATE FUNCTION public.peek(text) RETURNS bool LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
	RAISE NOTICE 'peeked at: %', $1;
	RETURN true;
END
$$;
GRANT EXECUTE ON FUNCTION public.peek(text) TO PUBLIC;
SET ROLE sec_auditor_b;
SELECT count(*) FROM audit_result WHERE public.peek(rationale);
SELECT count(*) FROM control_test_evaluation WHERE public.peek(control_id::text || ' of audit ' || audit_id);
RESET ROLE;
SET ROLE sec_csp_b;
SELECT count(*) FROM audit_result WHERE public.peek(rationale);
RESET ROLE;

-- events can only be written by the registry's own functions
SET ROLE sec_registrar;
SELECT ismap_internal.append_event('forged', NULL, NULL, '{}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO registry_event (event_id, occurred_at, kind, payload, actor, hash) VALUES (999, now(), 'forged', '{}', 'x', '\x00');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

DROP FUNCTION public.peek(text);
DROP SCHEMA evil CASCADE;

-- a provider cannot delete the statement of a decided audit (results and
-- tests would go with it)
SET ROLE sec_csp_a;
SELECT delete_statement_item(audit_id, control_id) FROM statement_item WHERE audit_id = 3 ORDER BY control_id LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM statement_item WHERE audit_id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS results_of_decided_audit FROM audit_result WHERE audit_id = 3;

-- register() validates nothing, so its event acknowledges nothing, whatever
-- the session set (no setting is read since 0.3.0)
SET ismap.acknowledged = '["FORGED_ACKNOWLEDGEMENT"]';
SET ismap.event_context = '{"FORGED": true, "acknowledged": ["FORGED_ACKNOWLEDGEMENT"]}';
-- a query that merely starts with COPY still writes its events
COPY (SELECT 'copy first') TO STDOUT \; SELECT registration_number FROM register(2, '2026-06-22');
SELECT count(*) AS registered_events_of_service_2 FROM registry_event WHERE service_id = 2 AND kind = 'registered';
SELECT payload->'context' ? 'acknowledged' AS event_claims_acknowledgements
FROM registry_event WHERE service_id = 2 AND kind = 'registered';
RESET ismap.acknowledged;
RESET ismap.event_context;
-- the numbers of events, registrations, runs and notices are drawn only by
-- the extension's functions: nobody can burn them and leave gaps
SET ROLE sec_registrar;
SELECT nextval('ismap.registry_event_event_id_seq');
\echo :LAST_ERROR_SQLSTATE
SELECT nextval('ismap.registration_registration_id_seq');
\echo :LAST_ERROR_SQLSTATE
SET ROLE sec_csp_a;
SELECT nextval('ismap.registry_event_event_id_seq');
\echo :LAST_ERROR_SQLSTATE
SELECT nextval('ismap.service_service_id_seq') > 0 AS provider_numbers_its_services;
RESET ROLE;
SELECT ok FROM verify_event_chain();

-- a broken policy value is an error, never a crash
UPDATE policy SET value = 'null' WHERE name = 'control_standard';
SELECT count(*) FROM validate_application(2);
\echo :LAST_ERROR_SQLSTATE
UPDATE policy SET value = '"ismap"' WHERE name = 'control_standard';
UPDATE policy SET value = '[null, "CISA"]' WHERE name = 'auditor_qualifications';
SELECT count(*) AS findings FROM validate_application(2);

-- a provider can neither widen its registered scope nor mark a platform
-- as assessed by itself
SET ROLE sec_csp_a;
UPDATE service SET scope = 'everything, unaudited' WHERE service_id = 1;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_dependency (service_id, base_service_id, self_assessed_audit_id) VALUES (3, 1, 3);
\echo :LAST_ERROR_SQLSTATE
UPDATE service SET name = 'A cloud (renamed)' WHERE service_id = 1;
RESET ROLE;
SELECT service_id, name, scope FROM service WHERE service_id = 1;
-- the published registry keeps showing what was registered (a renewal
-- would show the new names)
SET ROLE sec_csp_a;
UPDATE csp SET name = 'Provider A (renamed)' WHERE csp_id = 1;
SET ROLE sec_reader;
SELECT DISTINCT service_name, csp_name FROM registry WHERE service_id = 1;
SELECT registry_listing_drift() AS drift_as_reader;
SET ROLE sec_csp_a;
SELECT registry_listing_drift() AS drift_as_provider;
RESET ROLE;

-- a provider reports a change of its own service: the event is written, in
-- its name (the trigger has the owner's rights); COPY is refused under
-- row-level security, so no report goes without its event; not for another
-- provider's service, and not already "covered" or backdated
SET ROLE sec_csp_a;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (1, 'architecture', '2026-06-25', 'a new region', 'ops A') RETURNING change_id IS NOT NULL AS reported;
COPY service_change (service_id, kind, effective_on, description, reported_by) FROM STDIN;
1	minor	2026-06-26	reported by COPY	ops A
\.
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (2, 'minor', '2026-06-25', 'not mine', 'ops A');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, covered_by, covered_on)
VALUES (1, 'architecture', '2026-06-25', 'already covered?', 'ops A', 1, '2026-06-25');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (1, 'architecture', '2026-06-25', 'backdated', 'ops A', '2020-01-01');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- queued in the provider's name (its transaction took no chain lock),
-- then chained by the next append (here by hand, under the chain lock)
SELECT kind, payload->>'description' AS description, actor FROM ismap_internal.pending_event
WHERE kind = 'change_reported' ORDER BY pending_id;
SELECT ismap_internal.chain_pending_events() AS chained FROM (SELECT 1 FROM ismap_internal.serial_lock WHERE lock_name = 'event chain' FOR UPDATE) l;
SELECT kind, payload->>'description' AS description, actor FROM registry_event
WHERE kind = 'change_reported' ORDER BY event_id;
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- explicit parameters: no setting a session can set carries facts into the
-- record.  The provider and the registrar set the settings the registry
-- functions once read (ismap.event_context, ismap.acknowledged), and
-- invent others; the events take their context from the data only, and an
-- approval acknowledges only what its argument says.
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (4, 1, 1, 1, 1, 'ismap', CURRENT_DATE - 200, CURRENT_DATE - 10, CURRENT_DATE - 5, 'a');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT 4, framework_id, control_id, selected FROM statement_item WHERE audit_id = 1;
INSERT INTO audit_result (audit_id, control_id, result, rationale)
SELECT 4, control_id, result, rationale FROM audit_result WHERE audit_id = 1;
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations)
SELECT 4, control_id, frequency, population, sample_size, deviations FROM control_test WHERE audit_id = 1;
SET ROLE sec_csp_a;
SET ismap.event_context = '{"FORGED": "by the provider", "action": "register"}';
SET ismap.acknowledged = '["FORGED_BY_PROVIDER"]';
-- a setting with an invented ismap.* name is refused (the prefix is reserved)
SET ismap.whatever = '{"FORGED": true}';
\echo :LAST_ERROR_SQLSTATE
-- and a large one goes nowhere either
SELECT length(set_config('ismap.event_context', '{"FORGED": "' || repeat('x', 5000000) || '"}', false)) AS context_set_bytes;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (1, 'governance', '2026-06-27', 'a new board', 'ops A') RETURNING change_id IS NOT NULL AS reported;
-- a provider files an application, but records no acknowledgement on it
INSERT INTO application (service_id, audit_id, requested_level, submitted_on, acknowledged)
VALUES (1, 4, 1, CURRENT_DATE, '{FORGED_BY_PROVIDER}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on)
VALUES (10, 1, 4, 1, CURRENT_DATE) RETURNING application_id;
RESET ROLE;
UPDATE application SET status = 'accepted', accepted_on = submitted_on WHERE application_id = 10;
SELECT payload->'context' AS change_context, octet_length(payload::text) < 1000 AS small
FROM ismap_internal.pending_event WHERE kind = 'change_reported' AND payload->>'description' = 'a new board';

SET ROLE sec_registrar;
SET ismap.event_context = '{"FORGED": "by the registrar", "action": "register"}';
SET ismap.acknowledged = '["FORGED_BY_REGISTRAR", "OBJECTIVE_EXCLUDED"]';
SET ismap.anything = 'x';
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM approve_application(10, '{SOME_CODE}', CURRENT_DATE);
SELECT application_id, status, acknowledged FROM application WHERE application_id = 10;
SELECT status FROM delist(1, 'explicit parameters test', CURRENT_DATE);
RESET ismap.event_context;
RESET ismap.acknowledged;
RESET ROLE;
-- what the registration events say comes from the rows: the application
-- and what it acknowledged (the argument's codes that were queried: none),
-- the delisting's reason and root
SELECT kind, payload->'context'->>'action' AS action, payload->'context'->>'application_id' AS application,
	   payload->'context'->>'application_kind' AS application_kind, payload->'context'->'acknowledged' AS acknowledged,
	   payload->'context'->>'reason' AS reason, payload->'context'->>'root_service_id' AS root,
	   (payload->'context'->>'as_of')::date = CURRENT_DATE AS as_of_today
FROM registry_event WHERE service_id = 1 AND kind IN ('registered', 'delisted')
  AND event_id > (SELECT max(event_id) FROM registry_event WHERE kind = 'change_reported')
ORDER BY event_id;
SELECT count(*) AS events_with_forged_content FROM registry_event WHERE payload::text ~* 'forged';
SELECT max(octet_length(payload::text)) < 10000 AS every_payload_small FROM registry_event;
-- the settings are read by nothing: no function of the extension names them
SELECT count(*) AS functions_reading_settings FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
WHERE p.prosrc ~ 'ismap\.(event_context|acknowledged)';
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- a platform dependency is public once its service has a registration: the
-- policy reads service_dependency.published, which triggers set from the
-- registrations, whatever a party writes (a new service of provider A on
-- service 3's platform; all rolled back)
-------------------------------------------------------------------------------
BEGIN;
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES (9, 1, 'A next', 'a next', '{SaaS}', '{public}');
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
VALUES (9, '{JP}', 'Japanese law', 'Tokyo District Court', 'none', '[]');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (9, 9, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a next');
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (9, 9, 9, 1, '2026-06-01');
SET ROLE sec_csp_a;
-- the provider cannot name published
SAVEPOINT named;
INSERT INTO service_dependency (service_id, base_service_id, published) VALUES (9, 3, true);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO SAVEPOINT named;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (9, 3);
SELECT service_id, base_service_id, published FROM service_dependency WHERE service_id = 9;
SET ROLE sec_reader;
SELECT count(*) AS reader_sees_unregistered FROM service_dependency WHERE service_id = 9;
SELECT count(*) AS reader_sees_unpublished FROM service_dependency WHERE NOT published;
SET ROLE sec_csp_b;
SELECT count(*) AS other_provider_sees_unregistered FROM service_dependency WHERE service_id = 9;
SET ROLE sec_jobs;
SELECT count(*) AS jobs_see_unregistered FROM service_dependency WHERE service_id = 9;
SET ROLE sec_auditor_b;
SELECT count(*) AS other_body_sees_unregistered FROM service_dependency WHERE service_id = 9;
-- no role may write published (its grants name other columns); the owner
-- may, and the trigger sets it again from the registrations
SAVEPOINT registrar;
SET ROLE sec_registrar;
UPDATE service_dependency SET published = true WHERE service_id = 9;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO SAVEPOINT registrar;
RESET ROLE;
UPDATE service_dependency SET published = true WHERE service_id = 9;
SELECT published AS published_after_owner_update FROM service_dependency WHERE service_id = 9;
SET ROLE sec_reader;
SELECT count(*) AS reader_sees_after_update FROM service_dependency WHERE service_id = 9;
RESET ROLE;
-- registered: the dependency is public, and that is no change of it (no
-- dependency_changed event)
SELECT registration_number IS NOT NULL AS registered FROM register(9, '2026-06-30');
SET ROLE sec_reader;
SELECT service_id, base_service_id, published FROM service_dependency WHERE service_id = 9;
SET ROLE sec_csp_b;
SELECT count(*) AS other_provider_sees_registered FROM service_dependency WHERE service_id = 9;
RESET ROLE;
SELECT kind, count(*) FROM (SELECT kind FROM registry_event WHERE service_id = 9
	UNION ALL SELECT kind FROM ismap_internal.pending_event WHERE service_id = 9) e GROUP BY kind ORDER BY kind;
-- a dependency added after the registration is public at once
SET ROLE sec_csp_a;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (9, 2);
SET ROLE sec_reader;
SELECT service_id, base_service_id, published FROM service_dependency WHERE service_id = 9 ORDER BY base_service_id;
RESET ROLE;
ROLLBACK;
