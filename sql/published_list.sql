-- disclosures, who does each control, the registered content frozen at
-- registration, and the published list of any day (DESIGN 3.12)
\i test/regress/setup.psql
SET client_min_messages = warning;
\set logins 'pl_reader pl_registrar pl_csp_a pl_csp_b pl_read_all'
\i test/regress/logins.psql
GRANT ismap_reader TO pl_reader;
GRANT ismap_registrar TO pl_registrar;
GRANT ismap_csp TO pl_csp_a, pl_csp_b;
-- a login with no ismap role that reads every table (pg_read_all_data)
GRANT pg_read_all_data TO pl_read_all;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

INSERT INTO framework (framework_id, title, version) VALUES ('ismap', 'test standard', '2023.1');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5', 'clause', NULL, false), ('ismap', '5.1', 'category', '5', false),
	('ismap', '5.1.1', 'objective one', '5.1', false), ('ismap', '5.1.1.1', 'mandatory one', '5.1.1', true),
	('ismap', '5.1.1.2', 'optional one', '5.1.1', false);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'level 1', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, '基盤株式会社', '7000012050002'), (2, 'Apps KK', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, '監査法人あおば', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until, status) VALUES (1, '2020-04-01', '2030-03-31', 'active');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Sato', 'JP', 10);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL);
SELECT principal('pl_csp_a', NULL, 1) IS NOT NULL AS bound_a, principal('pl_csp_b', NULL, 2) IS NOT NULL AS bound_b;

-- P: platform of A; S: SaaS of B on P; U: a service of A never registered
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models, responsibility) VALUES
	(1, 1, 'P クラウド', 'P scope', '{IaaS}', '{public}', '{"IaaS": {"provider": ["facilities"], "customer": ["guest OS"]}}'),
	(2, 2, 'S mail', 'S scope', '{SaaS}', '{public,community}', '{}'),
	(3, 1, 'U secret', 'U scope', '{PaaS}', '{private}', '{}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1);

-------------------------------------------------------------------------------
-- disclosures: what is malformed is refused naming the field, and nothing
-- is written; what is missing is allowed here and reported by validation
-------------------------------------------------------------------------------
SELECT c, region_code_is_valid(c) FROM unnest(ARRAY['JP', 'US', 'XX', 'jp', 'JPN', '']) c;
INSERT INTO service_disclosure (service_id, regions) VALUES (1, '{JP,XX}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, regions) VALUES (1, '{jp}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, regions) VALUES (1, '{JP-}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, regions) VALUES (1, '{JP,JP}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, regions) VALUES (1, ARRAY['JP', NULL]);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, governing_law) VALUES (1, '  ');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, jurisdiction) VALUES (1, '');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests) VALUES (1, '{"kind": "penetration_test"}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests) VALUES (1, '["pentest"]');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests)
VALUES (1, '[{"kind": "red_team", "performed_by": "X KK", "performed_on": "2025-02-01"}]');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests)
VALUES (1, '[{"kind": "penetration_test", "performed_by": " ", "performed_on": "2025-02-01"}]');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests)
VALUES (1, '[{"kind": "penetration_test", "performed_by": "X KK", "performed_on": "2025-02-30"}]');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests)
VALUES (1, '[{"kind": "penetration_test", "performed_by": "X KK", "performed_on": "1 Feb 2025"}]');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_disclosure (service_id, third_party_tests)
VALUES (1, '[{"kind": "penetration_test", "performed_by": "X KK", "performed_on": "2025-02-01", "result": "pass"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS disclosures FROM service_disclosure;

-------------------------------------------------------------------------------
-- who does each control: provider, customer, shared, inherited (from a
-- named platform, and only then)
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 1, 1, 'ismap', '2024-04-01', '2025-03-31', '2025-05-15', 'P scope'),
	   (2, 2, 1, 1, 1, 'ismap', '2024-06-01', '2025-05-31', '2025-06-15', 'S scope');
-- P states 5.1.1 and 5.1.1.1, leaves 5.1.1.2 out
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason, responsibility) VALUES
	(1, 'ismap', '5.1.1', true, NULL, 'provider'), (1, 'ismap', '5.1.1.1', true, NULL, 'shared'),
	(1, 'ismap', '5.1.1.2', false, 'not offered', 'provider');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, responsibility) VALUES (2, 'ismap', '5.1.1', true, 'inherited');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, responsibility, inherited_from) VALUES (2, 'ismap', '5.1.1', true, 'customer', 1);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, responsibility) VALUES (2, 'ismap', '5.1.1', true, 'nobody');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, responsibility, inherited_from) VALUES
	(2, 'ismap', '5.1.1', true, 'customer', NULL),
	(2, 'ismap', '5.1.1.1', true, 'inherited', 1),
	(2, 'ismap', '5.1.1.2', true, 'inherited', 1);
INSERT INTO audit_result (audit_id, control_id, result) SELECT audit_id, control_id, 'effective' FROM statement_item WHERE selected;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES
	(1, 1, 1, 1, 'new', '2025-06-01'), (2, 2, 2, 1, 'new', '2025-06-16');

-- nothing disclosed yet: every item is missing
SELECT code, severity, message FROM validate_application(1) ORDER BY code;
-- the provider discloses in steps; each step leaves fewer items missing
SET ROLE pl_csp_a;
INSERT INTO service_disclosure (service_id, regions, governing_law) VALUES (1, '{JP-Tokyo,JP-Osaka,US}', '日本法');
RESET ROLE;
SELECT code, message FROM validate_application(1) WHERE code = 'DISCLOSURE_MISSING';
SET ROLE pl_csp_a;
UPDATE service_disclosure SET jurisdiction = '東京地方裁判所', capital_disclosure = '外資比率 0%',
	third_party_tests = '[{"kind": "penetration_test", "performed_by": "試験株式会社", "performed_on": "2025-02-01"},
						  {"kind": "vulnerability_assessment", "performed_by": "Scan KK", "performed_on": "2025-03-01", "scope": "web"}]'
WHERE service_id = 1;
-- another provider's service: not its to disclose
INSERT INTO service_disclosure (service_id, regions) VALUES (2, '{JP}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS findings_of_p FROM validate_application(1);

-- S inherits from P, not registered yet: both inherited controls refused
SET ROLE pl_csp_b;
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
VALUES (2, '{JP}', '日本法', '東京地方裁判所', 'なし', '[]');
-- P's disclosure is not B's to read while P is not registered
SELECT service_id FROM service_disclosure ORDER BY 1;
RESET ROLE;
SELECT code, control_id, message FROM validate_application(2) ORDER BY code, control_id;
-- assessed in S's own audit: no finding
UPDATE service_dependency SET self_assessed_audit_id = 2 WHERE service_id = 2;
SELECT code, control_id FROM validate_application(2) WHERE code LIKE 'INHERITED%';
UPDATE service_dependency SET self_assessed_audit_id = NULL WHERE service_id = 2;

-- P registered on 2025-06-10, before S's report date: 5.1.1.1 is carried by
-- P's statement, 5.1.1.2 is not
SELECT status FROM accept_application(1, '2025-06-10');  -- the acceptance check (sql/review.sql)
SELECT registration_number FROM approve_application(1, '{}', '2025-06-10');
SELECT code, control_id, message FROM validate_application(2) WHERE code LIKE 'INHERITED%' ORDER BY control_id;
-- S carries 5.1.1.2 itself
UPDATE statement_item SET responsibility = 'provider', inherited_from = NULL WHERE audit_id = 2 AND control_id = '5.1.1.2';
SELECT count(*) AS findings_of_s FROM validate_application(2);
SELECT status FROM accept_application(2, '2025-06-20');  -- the acceptance check (sql/review.sql)
SELECT registration_number FROM approve_application(2, '{}', '2025-06-20');

-------------------------------------------------------------------------------
-- the registered content: written with the registration, never changed
-------------------------------------------------------------------------------
SELECT registration_number, program, service_name, csp_name, level, scope, delivery_models, deployment_models,
	responsibility, regions, governing_law, jurisdiction, audit_body, period_start, period_end,
	framework_id, framework_version, registered_on, backfilled
FROM registered_content ORDER BY registration_id;
SELECT registration_number, jsonb_pretty(platforms) AS platforms FROM registered_content WHERE registration_id = 2;
SELECT registration_number, e->>'control_id' AS control_id, e->>'responsibility' AS responsibility,
	e->>'inherited_from' AS inherited_from, e->>'platform' AS platform, e->>'platform_registration_number' AS platform_number
FROM registered_content, jsonb_array_elements(responsibility_matrix) e ORDER BY registration_id, e->>'control_id';
UPDATE registered_content SET service_name = 'forged' WHERE registration_id = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM registered_content WHERE registration_id = 1;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE registered_content;
\echo :LAST_ERROR_SQLSTATE
UPDATE registered_content SET program = 'ISMAP-LIU';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS snapshots, count(*) FILTER (WHERE service_name = 'forged') AS forged FROM registered_content;
-- the registrar reads it but may not write it
SET ROLE pl_registrar;
UPDATE registered_content SET service_name = 'forged';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-------------------------------------------------------------------------------
-- the live rows change; what was registered does not
-------------------------------------------------------------------------------
SET ROLE pl_csp_b;
UPDATE service SET name = 'S mail 2' WHERE service_id = 2;
UPDATE service_disclosure SET regions = '{SG}' WHERE service_id = 2;
RESET ROLE;
SELECT registration_number, service_name, regions FROM published_list('2025-07-01');

-- renewal of P on 2026-06-01 at level 1 with a new audit: a new snapshot
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (3, 1, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'P scope');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason, responsibility)
SELECT 3, framework_id, control_id, selected, exclusion_reason, responsibility FROM statement_item WHERE audit_id = 1;
INSERT INTO audit_result (audit_id, control_id, result) SELECT 3, control_id, 'effective' FROM statement_item WHERE audit_id = 3 AND selected;
UPDATE service SET name = 'P クラウド 第二版' WHERE service_id = 1;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES (3, 1, 3, 1, 'renewal', '2026-05-20');
SELECT status FROM accept_application(3, '2026-06-01');  -- the acceptance check (sql/review.sql)
SELECT registration_number, registered_on FROM approve_application(3, '{}', '2026-06-01');
-- S delisted on 2026-08-01
SELECT status, ended_on FROM delist(2, 'requested by the provider', '2026-08-01');

-- the registry, registry_json() and registry_xml() show what was
-- registered: S renamed and its models changed after its registration
-- still shows as registered; P's first registration keeps its old name and
-- its renewal shows the new one
UPDATE service SET delivery_models = '{PaaS,SaaS}', deployment_models = '{private}', scope = 'S everything' WHERE service_id = 2;
SELECT registration_number, service_name, delivery_models, deployment_models, scope, registered_on, status
FROM registry ORDER BY registration_id;
SELECT e->>'registration_number' AS number, e->>'service' AS service, e->'delivery_models' AS delivery_models, e->>'status' AS status
FROM jsonb_array_elements(registry_json()->'registrations') e;
SELECT unnest(xpath('/r:registry/r:registration/r:service/text()', registry_xml(),
	ARRAY[ARRAY['r', 'urn:pg-ismap:registry:1']]))::text AS xml_service;
SELECT count(*) AS listing_stale FROM registry_listing_stale();

-- the list of each day, as it stood
SELECT d AS as_of, l.registration_number, l.service_name, l.registered_on, l.valid_until
FROM unnest(ARRAY['2025-06-09', '2025-06-10', '2025-06-20', '2026-05-31', '2026-06-01', '2026-07-31', '2026-08-01', '2027-08-01']::date[]) d
LEFT JOIN LATERAL published_list(d) l ON true ORDER BY d, l.registration_number;
-- every column of one day, and all of them text
SELECT * FROM published_list('2025-07-01');
SELECT string_agg(DISTINCT t::regtype::text, ',') AS out_types, count(*) AS columns
FROM pg_proc p, unnest(p.proallargtypes[3:]) t WHERE p.oid = 'published_list(date,text)'::regprocedure;
-- the other program has nobody yet
SELECT count(*) AS liu FROM published_list('2025-07-01', 'ISMAP-LIU');

-- what changed between two days
SELECT * FROM published_list_changes('2025-06-09', '2025-07-01');
SELECT * FROM published_list_changes('2025-07-01', '2026-06-01');
SELECT * FROM published_list_changes('2026-06-01', '2026-08-01');
SELECT count(*) AS unchanged FROM published_list_changes('2026-06-01', '2026-06-01');
-- the changes found from the rows listed from or until a day between the
-- two are those of both lists compared whole: every pair of days a month
-- apart or more, and every day against the day before
CREATE TEMP TABLE change_days AS
SELECT f::date AS from_date, t::date AS to_date
FROM generate_series('2025-05-15'::date, '2027-09-01', '30 days') f, generate_series('2025-05-15'::date, '2027-09-01', '30 days') t
WHERE f < t
UNION ALL
SELECT d::date - 1, d::date FROM generate_series('2025-05-15'::date, '2027-09-01', '1 day') d;
SELECT count(*) AS pairs, count(*) FILTER (WHERE EXISTS (SELECT FROM published_list_changes(p.from_date, p.to_date))) AS pairs_with_changes,
	   count(*) FILTER (WHERE ARRAY(SELECT c::text FROM published_list_changes(p.from_date, p.to_date) c)
		IS DISTINCT FROM ARRAY(
			SELECT ROW(CASE WHEN a.registration_number IS NULL THEN 'added' WHEN b.registration_number IS NULL THEN 'removed' ELSE 'changed' END,
				COALESCE(b.registration_number, a.registration_number), COALESCE(b.service_name, a.service_name),
				CASE WHEN a.registration_number IS NOT NULL AND b.registration_number IS NOT NULL THEN
					(SELECT string_agg(lb.column_name, ', ' ORDER BY lb.o) FROM published_list_labels('en') WITH ORDINALITY lb(column_name, label, o)
					 WHERE to_jsonb(a)->lb.column_name IS DISTINCT FROM to_jsonb(b)->lb.column_name) END)::text
			FROM published_list(p.from_date) a FULL JOIN published_list(p.to_date) b ON a.registration_number = b.registration_number
			WHERE to_jsonb(a) IS DISTINCT FROM to_jsonb(b)
			ORDER BY COALESCE(b.registration_number, a.registration_number) COLLATE "C", 1)) AS pairs_differing
FROM change_days p;
-- the program is checked on a day's comparison with itself too
SELECT * FROM published_list_changes('2026-06-01', '2026-06-01', 'JASPAR');
\echo :LAST_ERROR_SQLSTATE

-- labels
SELECT j.column_name, j.label AS ja, e.label AS en
FROM published_list_labels('ja') WITH ORDINALITY j JOIN published_list_labels('en') WITH ORDINALITY e USING (ordinality)
ORDER BY ordinality;
-- the labels name exactly the list's columns, in order
SELECT array_agg(column_name ORDER BY o) = (SELECT array_agg(n ORDER BY o) FROM unnest(p.proargnames[3:]) WITH ORDINALITY x(n, o)) AS labels_match
FROM published_list_labels('en') WITH ORDINALITY l(column_name, label, o), pg_proc p
WHERE p.oid = 'published_list(date,text)'::regprocedure GROUP BY p.proargnames;

-- the customer responsibility matrix of each registration on a day's list
SELECT * FROM published_crm('2025-07-01');
SELECT * FROM published_crm('2026-07-31');
-- the same registrations as the list, every day of the scenario and around
SELECT count(*) AS days_differing FROM generate_series('2025-06-01'::date, '2027-09-01', '1 day') d
WHERE ARRAY(SELECT DISTINCT c.registration_number FROM published_crm(d::date) c ORDER BY 1)
	IS DISTINCT FROM ARRAY(SELECT l.registration_number FROM published_list(d::date) l
		WHERE EXISTS (SELECT 1 FROM registered_content rc WHERE rc.registration_number = l.registration_number
			AND jsonb_array_length(rc.responsibility_matrix) > 0) ORDER BY 1);
SELECT * FROM published_crm(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM published_crm('2025-07-01', 'JASPAR');
\echo :LAST_ERROR_SQLSTATE
-- the same matrices as the lines of the crm files: one text per listed
-- registration, every day, each exactly published_crm's rows as CSV
SELECT * FROM published_crm_csv('2025-07-01');
SELECT count(*) AS days_differing FROM generate_series('2025-06-01'::date, '2027-09-01', '1 day') d
WHERE ARRAY(SELECT c.registration_number || ':' || c.csv FROM published_crm_csv(d::date) c)
	IS DISTINCT FROM ARRAY(SELECT l.registration_number || ':' || COALESCE((SELECT string_agg(format(E'%s,%s,%s,%s,%s\r\n', m.registration_number,
			m.control_id, m.responsibility, m.platform, m.platform_registration_number), '')
		FROM published_crm(d::date) m WHERE m.registration_number = l.registration_number), '')
		FROM published_list(d::date) l);
SELECT * FROM published_crm_csv(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM published_crm_csv('2025-07-01', 'JASPAR');
\echo :LAST_ERROR_SQLSTATE
-- the CSV fields: quoted for a separator, a quote or a line break; a
-- leading formula character kept as text by an apostrophe; NULL empty
SELECT v, ismap_internal.csv_field(v) FROM (VALUES ('plain'), ('a,b'), ('say "hi"'), (E'two\nlines'), (E'cr\rhere'),
	('=SUM(A1)'), ('+1'), ('-1'), ('@x'), ('"=q'), (''), (NULL)) t(v);
-- the crm text of a snapshot is what its matrix gives, and is frozen with it
SELECT count(*) AS snapshots_differing FROM registered_content c
WHERE c.crm_csv IS DISTINCT FROM ismap_internal.crm_csv(c.registration_number, c.responsibility_matrix);
UPDATE registered_content SET crm_csv = '' WHERE registration_id = (SELECT min(registration_id) FROM registered_content);
\echo :LAST_ERROR_SQLSTATE

-- the days listed: to the day after the last day of validity, or to the
-- day it ended if earlier; empty when it ended on or before its
-- registration day; the list, its changes and matrices find the day's
-- rows through the listing's index of it (the function inlined)
SELECT listed_days('2025-04-01', '2026-03-31', NULL) AS valid, listed_days('2025-04-01', '2026-03-31', '2025-10-01') AS ended,
	   listed_days('2025-04-01', '2026-03-31', '2025-04-01') AS ended_that_day, listed_days('2025-04-01', '2026-03-31', '2025-03-01') AS ended_before;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT l; END LOOP;
END $$;
SET enable_seqscan = off;
SELECT count(*) FILTER (WHERE plan LIKE '%registry_listing_listed_idx%') AS plans_on_the_index
FROM (VALUES ('SELECT * FROM ismap.published_list(''2025-07-01'')'),
			 ('SELECT * FROM ismap.registry r WHERE ismap.listed_days(r.registered_on, r.valid_until, r.ended_on) @> DATE ''2025-07-01''')) q(sql),
	 LATERAL (SELECT string_agg(e, ' ') AS plan FROM pg_temp.plan_of(q.sql) e) x;
RESET enable_seqscan;
-- the planner inlines listed_days only for a role that may execute it, and
-- a session's cache of the index's expression is inlined (or not) by the
-- role that first plans on the listing: every role may execute it, so the
-- index serves the reader also after a role of no ismap role planned on
-- the listing in the same session, and that role runs the cookbook's
-- query of a day (it read the tables before listed_days, and reads them)
\c - postgres
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT l; END LOOP;
END $$;
SET ROLE pl_read_all;
SELECT count(*) AS listed_that_day FROM ismap.registry r WHERE ismap.listed_days(r.registered_on, r.valid_until, r.ended_on) @> DATE '2025-07-01';
RESET ROLE;
SET ROLE pl_reader;
SET enable_seqscan = off;
SELECT count(*) FILTER (WHERE plan LIKE '%Index Cond%registry_listing_listed_idx%' OR plan LIKE '%registry_listing_listed_idx%Index Cond%') AS reader_plans_on_the_index
FROM (VALUES ('SELECT * FROM ismap.published_list(''2025-07-01'')'),
			 ('SELECT * FROM ismap.registry r WHERE ismap.listed_days(r.registered_on, r.valid_until, r.ended_on) @> DATE ''2025-07-01''')) q(sql),
	 LATERAL (SELECT string_agg(e, ' ') AS plan FROM pg_temp.plan_of(q.sql) e) x;
RESET enable_seqscan;
RESET ROLE;

-- bad arguments
SELECT * FROM published_list(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM published_list('2025-07-01', 'JASPAR');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM published_list_changes('2026-01-01', '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM published_list_changes(NULL, '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM published_list_labels('fr');
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- confidentiality: the list and the registered content are public; a
-- disclosure only once its service is registered
-------------------------------------------------------------------------------
INSERT INTO service_disclosure (service_id, regions, governing_law) VALUES (3, '{JP}', 'secret law');
SET ROLE pl_reader;
SELECT count(*) AS listed FROM published_list('2025-07-01');
SELECT count(*) AS crm_rows FROM published_crm('2025-07-01');
SELECT count(*) AS crm_files FROM published_crm_csv('2025-07-01');
SELECT count(*) AS snapshots FROM registered_content;
-- the CSV helpers are internal
SELECT ismap_internal.csv_field('x');
\echo :LAST_ERROR_SQLSTATE
SELECT service_id, governing_law FROM service_disclosure ORDER BY 1;
SELECT * FROM published_list_changes('2025-06-09', '2025-07-01');
RESET ROLE;
SET ROLE pl_csp_a;
SELECT service_id, governing_law FROM service_disclosure ORDER BY 1;
RESET ROLE;
SET ROLE pl_csp_b;
SELECT service_id, governing_law FROM service_disclosure ORDER BY 1;
UPDATE service_disclosure SET governing_law = 'changed' WHERE service_id = 3;
RESET ROLE;
SELECT governing_law FROM service_disclosure WHERE service_id = 3;

-- nor through the planner's statistics: ANALYZE samples every row, and the
-- planner reads a column's most common values and histogram with a
-- leakproof operator (text =, <) for any role that may select from the
-- table, row-level security or not, so an EXPLAIN's estimate would tell a
-- reader how many unregistered services disclose a law it guesses (and a
-- range scan, their laws' letters).  The disclosure's items keep no
-- statistics: the planner never needs them (a disclosure is found by its
-- service)
BEGIN;
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT 100 + i, 1, 'U hidden ' || i, 'U scope', '{SaaS}', '{public}' FROM generate_series(1, 40) i;
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
SELECT 100 + i, '{KY}', 'Cayman law', 'Grand Court', 'parent in KY', '[]' FROM generate_series(1, 40) i;
INSERT INTO csp (csp_id, name, corporate_number)
SELECT 200 + i, 'Hidden Provider ' || i, corporate_number_check_digit(pg_catalog.lpad((7000 + i)::text, 12, '0'))::text || pg_catalog.lpad((7000 + i)::text, 12, '0')
FROM generate_series(1, 40) i;
ANALYZE service_disclosure;
-- (so do the names and scopes of services never registered, and the
-- names and numbers of providers with nothing registered)
ANALYZE service, csp;
SELECT c.relname, a.attname, a.attstattarget, EXISTS (SELECT FROM pg_statistic s WHERE s.starelid = a.attrelid AND s.staattnum = a.attnum) AS has_statistics
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE a.attrelid IN ('service'::regclass, 'csp'::regclass) AND a.attname IN ('name', 'scope', 'corporate_number', 'address', 'created_at')
ORDER BY 1, 2;
SELECT a.attname, a.attstattarget, EXISTS (SELECT FROM pg_statistic s WHERE s.starelid = a.attrelid AND s.staattnum = a.attnum) AS has_statistics
FROM pg_attribute a WHERE a.attrelid = 'service_disclosure'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;
CREATE FUNCTION pg_temp.estimate(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE p jsonb;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO p;
	RETURN (p->0->'Plan'->>'Plan Rows')::float8;
END
$$;
SET ROLE pl_reader;
SELECT count(*) AS cayman_seen FROM service_disclosure WHERE governing_law = 'Cayman law';
SELECT pg_temp.estimate($$SELECT * FROM service_disclosure WHERE governing_law = 'Cayman law'$$)
	 = pg_temp.estimate($$SELECT * FROM service_disclosure WHERE governing_law = 'no such law'$$) AS law_estimates_alike,
	   pg_temp.estimate($$SELECT * FROM service_disclosure WHERE jurisdiction >= 'G' AND jurisdiction < 'H'$$)
	 = pg_temp.estimate($$SELECT * FROM service_disclosure WHERE jurisdiction >= 'X' AND jurisdiction < 'Y'$$) AS court_estimates_alike;
SELECT count(*) AS hidden_services_seen FROM service WHERE name >= 'U hidden' AND name < 'U hiddeo';
SELECT pg_temp.estimate($$SELECT * FROM service WHERE name >= 'U hidden' AND name < 'U hiddeo'$$)
	 = pg_temp.estimate($$SELECT * FROM service WHERE name >= 'Y none' AND name < 'Y nonf'$$) AS name_estimates_alike,
	   pg_temp.estimate($$SELECT * FROM service WHERE scope = 'U scope'$$)
	 = pg_temp.estimate($$SELECT * FROM service WHERE scope = 'no such scope'$$) AS scope_estimates_alike,
	   pg_temp.estimate($$SELECT * FROM csp WHERE name >= 'Hidden' AND name < 'Hiddeo'$$)
	 = pg_temp.estimate($$SELECT * FROM csp WHERE name >= 'Yz' AND name < 'Yzz'$$) AS provider_estimates_alike;
RESET ROLE;
ROLLBACK;

-- an audit body reads a disclosure of a service never registered only
-- once its provider engaged it: filed an application on, or wrote its
-- statement for, one of the body's audits of the service.  An auditor may
-- record an audit of any service (the provider must still file on it):
-- that alone must not open the service's disclosure to it
SET client_min_messages = warning;
\set logins 'pl_auditor'
\i test/regress/logins.psql
GRANT ismap_auditor TO pl_auditor;
RESET client_min_messages;
SELECT principal('pl_auditor', 1, NULL) IS NULL AS bound_as_auditor;
SET ROLE pl_auditor;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (9, 3, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'U scope');
SELECT service_id, governing_law FROM service_disclosure WHERE service_id = 3;
-- nor the service's own row (its name and scope), nor what it runs on:
-- counting service ids up with audits would list every service never
-- registered
SELECT service_id, name FROM service WHERE service_id = 3;
RESET ROLE;
-- the provider writes its statement for the audit: engaged
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (9, 'ismap', '5.1.1', true);
SET ROLE pl_auditor;
SELECT service_id, governing_law FROM service_disclosure WHERE service_id = 3;
SELECT service_id, name FROM service WHERE service_id = 3;
RESET ROLE;
DELETE FROM statement_item WHERE audit_id = 9;
-- or files on it
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES (9, 3, 9, 1, 'new', '2026-05-20');
SET ROLE pl_auditor;
SELECT service_id, governing_law FROM service_disclosure WHERE service_id = 3;
RESET ROLE;
-- nor, of a registered service, what is not public: its change reports
-- (the same rule: a second body's audit alone opens nothing; the
-- provider's statement for that audit does)
SET client_min_messages = warning;
\set logins 'pl_auditor2'
\i test/regress/logins.psql
GRANT ismap_auditor TO pl_auditor2;
RESET client_min_messages;
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(2, 'Body B', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until, status) VALUES (2, '2020-04-01', '2030-03-31', 'active');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (2, 2, 'Suzuki', 'JP', 10);
SELECT principal('pl_auditor2', 2, NULL) IS NULL AS bound_as_second_body;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (1, 'architecture', '2026-05-10', 'moved its database', 'provider', '2026-05-10');
SET ROLE pl_auditor2;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (10, 1, 2, 2, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'platform scope');
SELECT count(*) AS change_reports_seen FROM service_change WHERE service_id = 1;
RESET ROLE;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (10, 'ismap', '5.1.1', true);
SET ROLE pl_auditor2;
SELECT count(*) AS change_reports_seen FROM service_change WHERE service_id = 1;
RESET ROLE;
