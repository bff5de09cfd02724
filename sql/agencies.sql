-- agencies (DESIGN 3.14): procurement and its eligibility, the agency
-- role and package access, agency_impact through the cascade, the
-- agencies' notices from the jobs
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'ag_a ag_b ag_csp'
\i test/regress/logins.psql
GRANT ismap_agency TO ag_a, ag_b;
GRANT ismap_csp TO ag_csp;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-------------------------------------------------------------------------------
-- two agencies: A's system 1 needs level 2, its system 3 level 1; B's
-- system 2 needs level 3.  Platform 10 (level 3), service 11 built on it
-- (level 2), service 12 (level 1), service 13 never registered.
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, mandatory) VALUES ('ismap', '5.1.1', 'objective', true);
INSERT INTO organization (org_id, name) VALUES (1, 'Agency A'), (2, 'Agency B');
INSERT INTO information_asset (asset_id, org_id, name, rating) VALUES
	(1, 1, 'case files', cia(2, 2, 2)), (2, 2, 'tax records', cia(3, 2, 2)), (3, 1, 'web pages', cia(1, 1, 1));
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES
	(1, 1, 'case system', 'cases', 2), (2, 2, 'tax system', 'tax', 2), (3, 1, 'web site', 'publishing', 1);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (1, 1, 1), (2, 2, 2), (3, 3, 1);
SELECT system_id, required_level(system_id) FROM information_system ORDER BY 1;
-- information has two availability classes (A1, A2); a system three
INSERT INTO information_asset (org_id, name, rating) VALUES (1, 'archive', cia(1, 1, 3));
\echo :LAST_ERROR_SQLSTATE
UPDATE information_asset SET rating = cia(2, 2, 3) WHERE asset_id = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS assets, max(avail(rating)) AS highest_asset_availability FROM information_asset;
UPDATE information_system SET availability = 3 WHERE system_id = 3 RETURNING system_id, availability;
UPDATE information_system SET availability = 1 WHERE system_id = 3;
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'lead', 'JP', 9);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(10, 1, 'Platform', 'platform', '{IaaS}', '{public}'), (11, 2, 'Case SaaS', 'case saas', '{SaaS}', '{public}'),
	(12, 2, 'Web SaaS', 'web saas', '{SaaS}', '{public}'), (13, 2, 'Unlisted', 'unlisted', '{SaaS}', '{public}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (11, 10);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT s, s, 1, 1, l, 'ismap', '2024-04-01', '2025-03-31', '2025-04-15', 'scope ' || s
FROM (VALUES (10, 3), (11, 2), (12, 1), (13, 1)) v(s, l);
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) SELECT a, 'ismap', '5.1.1', true FROM generate_series(10, 13) a;
INSERT INTO audit_result (audit_id, control_id, result, rationale)
SELECT audit_id, control_id, 'effective', 'audit ' || audit_id || ' finding' FROM statement_item;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on)
SELECT s, s, s, l, '2025-04-20' FROM (VALUES (10, 3), (11, 2), (12, 1), (13, 1)) v(s, l);
SELECT r.registration_number, r.service_id, r.level, r.registered_on, r.valid_until, r.program
FROM unnest(ARRAY[10, 11, 12]) a, LATERAL register(a, '2025-05-01') r ORDER BY r.service_id;
SELECT b.role_name, b.csp_id, b.org_id FROM (VALUES ('ag_a', NULL, 1), ('ag_b', NULL, 2), ('ag_csp', 2, NULL)) v(r, c, o),
	LATERAL principal(v.r::name, NULL, v.c::bigint, v.o::bigint) b ORDER BY 1;
-- one party only; not a group role
SELECT principal('ag_a', 1, NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT principal('ismap_agency', p_org_id => 1);
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- procurement: eligible on from_date, or refused with the reason
-------------------------------------------------------------------------------
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES
	(1, 1, 11, '2025-06-01'), (2, 2, 10, '2025-06-01'), (3, 3, 12, '2025-06-01'), (4, 1, 10, '2025-06-01');
-- level too low: B's system needs 3, the service is registered at 2
INSERT INTO procurement (system_id, service_id, from_date) VALUES (2, 11, '2025-06-01');
\echo :LAST_ERROR_SQLSTATE
-- never registered; not yet registered on that date
INSERT INTO procurement (system_id, service_id, from_date) VALUES (1, 13, '2025-06-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO procurement (system_id, service_id, from_date) VALUES (3, 12, '2025-04-30');
\echo :LAST_ERROR_SQLSTATE
-- ends before it begins; unknown system; unknown service
INSERT INTO procurement (system_id, service_id, from_date, until_date) VALUES (1, 12, '2025-07-01', '2025-06-30');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO procurement (system_id, service_id, from_date) VALUES (99, 12, '2025-07-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO procurement (system_id, service_id, from_date) VALUES (1, 99, '2025-07-01');
\echo :LAST_ERROR_SQLSTATE
-- overlapping the same system's use of the same service
INSERT INTO procurement (system_id, service_id, from_date, until_date) VALUES (1, 11, '2025-01-01', '2025-06-01');
\echo :LAST_ERROR_SQLSTATE
UPDATE procurement SET from_date = '2025-04-01' WHERE procurement_id = 3;
\echo :LAST_ERROR_SQLSTATE
SELECT procurement_id, system_id, service_id, from_date, until_date FROM procurement ORDER BY 1;
-- an ISMAP-LIU registration serves low-impact systems only
BEGIN;
UPDATE registration SET program = 'ISMAP-LIU' WHERE service_id = 12;
INSERT INTO procurement (system_id, service_id, from_date) VALUES (1, 12, '2025-07-01');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-------------------------------------------------------------------------------
-- agency_impact: the agencies a delisting of the platform reaches, through
-- the cascade (the same walk and rows as delisting_impact)
-------------------------------------------------------------------------------
SELECT * FROM delisting_impact(10) ORDER BY service_id;
SELECT * FROM agency_impact(10);
SELECT * FROM agency_impact(11);
SELECT * FROM agency_impact(13);
-- a procurement that ended is not reached
BEGIN;
UPDATE procurement SET until_date = '2025-12-31' WHERE procurement_id = 1;
SELECT org_id, system_id, service_id FROM agency_impact(10);
ROLLBACK;

-------------------------------------------------------------------------------
-- the agency role: its own procurements, the package of what it procures,
-- nothing else that is not public
-------------------------------------------------------------------------------
\c - ag_a
SET search_path = ismap, public;
\set VERBOSITY terse
SELECT procurement_id, system_id, service_id FROM procurement ORDER BY 1;
SELECT audit_id, service_id FROM audit ORDER BY 1;
SELECT audit_id, control_id FROM statement_item ORDER BY 1;
SELECT audit_id, rationale FROM audit_result ORDER BY 1;
SELECT org_id, system_id, service_id, depth FROM agency_impact(10);
SELECT service_id FROM service ORDER BY 1;
SELECT count(*) FROM application;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM control_test;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM evidence;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM notice;
\echo :LAST_ERROR_SQLSTATE
SELECT principal_org('ag_b') AS other_agency;
-- records its own system's use; not another agency's (its errors tell
-- nothing of the other agency's procurements)
INSERT INTO procurement (system_id, service_id, from_date) VALUES (3, 10, '2025-07-01') RETURNING procurement_id;
INSERT INTO procurement (system_id, service_id, from_date) VALUES (2, 10, '2025-07-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO procurement (system_id, service_id, from_date) VALUES (2, 12, '2025-07-01');
\echo :LAST_ERROR_SQLSTATE
UPDATE procurement SET until_date = '2026-01-01' WHERE procurement_id = 2;
UPDATE procurement SET service_id = 12 WHERE procurement_id = 5;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM procurement WHERE procurement_id = 5;
\echo :LAST_ERROR_SQLSTATE
-- once its use has ended, the package is closed
UPDATE procurement SET until_date = '2025-08-31' WHERE procurement_id = 3;
SELECT audit_id FROM audit ORDER BY 1;
\c - ag_b
SET search_path = ismap, public;
\set VERBOSITY terse
-- another agency does not read the package of a service it does not procure
SELECT procurement_id, system_id, service_id FROM procurement ORDER BY 1;
SELECT audit_id FROM audit ORDER BY 1;
SELECT count(*) AS other_statements FROM statement_item WHERE audit_id IN (11, 12);
SELECT count(*) AS other_results FROM audit_result WHERE audit_id IN (11, 12);
SELECT agency_package_audit('ag_a', 11) AS as_other_agency;
SELECT org_id, system_id, service_id FROM agency_impact(10);
SELECT principal('ag_b', p_org_id => 1);
\echo :LAST_ERROR_SQLSTATE
-- neither a provider nor a reader reads the procurements
\c - ag_csp
SET search_path = ismap, public;
\set VERBOSITY terse
SELECT count(*) FROM procurement;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM agency_impact(10);
\echo :LAST_ERROR_SQLSTATE
\c - postgres
SET search_path = ismap, public;
\set VERBOSITY terse
-- B's procurement untouched by A
SELECT procurement_id, system_id, service_id, from_date, until_date FROM procurement ORDER BY 1;

-------------------------------------------------------------------------------
-- the agencies' notices: the platform is delisted (and with it service 11),
-- the jobs write one notice per procurement in use, once, and one for a
-- procurement recorded ahead of its start (procurement 10: system 3 plans
-- to use service 11 from 2025-10-01, on the registration now in force)
-------------------------------------------------------------------------------
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (10, 3, 11, '2025-10-01');
SELECT p.procurement_id, r.registration_number FROM procurement p JOIN registration r USING (registration_id) WHERE p.procurement_id = 10;
SELECT org_id, system_id, service_id, depth FROM agency_impact(10) WHERE system_id = 3 ORDER BY service_id;
SELECT registration_number, status, ended_on FROM delist(10, 'audit findings not remediated', '2025-09-01') ORDER BY 1;
SELECT action, object_id, detail FROM run_job('cascade', '2025-09-02');
SELECT action, object_id, detail FROM run_job('cascade', '2025-09-03');
SELECT action, object_id, detail FROM run_job('changes', '2025-09-03');
SELECT kind, object_id, occasion, as_of FROM notice WHERE kind = 'agency_notice' ORDER BY object_id;
-- platform level drift: platform 15 (level 2) renews at level 1 under
-- service 14 (level 2), which agency A's system 1 procures: the renewals
-- job notices the dependent, the cascade job the agency, once each
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(15, 1, 'Second platform', 'second platform', '{IaaS}', '{public}'), (14, 2, 'Forms SaaS', 'forms saas', '{SaaS}', '{public}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (14, 15);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (15, 15, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-04-15', 'second platform'),
	(14, 14, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-04-15', 'forms saas'),
	(16, 15, 1, 1, 1, 'ismap', '2024-10-01', '2025-08-31', '2025-09-15', 'second platform');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) SELECT a, 'ismap', '5.1.1', true FROM unnest(ARRAY[14, 15, 16]) a;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES
	(15, 15, 15, 2, 'new', '2025-04-20'), (14, 14, 14, 2, 'new', '2025-04-20'), (16, 15, 16, 1, 'renewal', '2025-09-20');
SELECT r.registration_number, r.service_id, r.level, r.registered_on FROM unnest(ARRAY[15, 14]) a, LATERAL register(a, '2025-05-01') r;
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (7, 1, 14, '2025-06-01');
SELECT action, object_id, detail FROM run_job('renewals', '2025-09-30') WHERE action = 'level_drift';
SELECT r.registration_number, r.level, r.registered_on FROM register(16, '2025-10-01') r;
SELECT action, object_id, detail FROM run_job('renewals', '2025-10-02') WHERE action = 'level_drift';
SELECT count(*) AS again FROM run_job('renewals', '2025-10-03') WHERE action = 'level_drift';
SELECT action, object_id, detail FROM run_job('cascade', '2025-10-02');
SELECT count(*) AS again FROM run_job('cascade', '2025-10-03');
SELECT kind, object_id, occasion FROM notice WHERE kind IN ('platform_level_drift', 'agency_notice') AND occasion = '2025-10-01' ORDER BY 1, 2;

-- an expiry notifies the agencies in use that day, and not one whose use
-- had ended (procurement 3 ended on 2025-08-31)
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (6, 3, 12, '2025-10-01');
SELECT action, object_id FROM run_job('renewals', '2026-08-02') ORDER BY 2;
SELECT action, object_id, detail FROM run_job('cascade', '2026-08-02', dry_run => true);
SELECT action, object_id, detail FROM run_job('cascade', '2026-08-02');
SELECT count(*) AS again FROM run_job('cascade', '2026-08-03') WHERE action = 'agency_notice';
SELECT kind, object_id, occasion FROM notice WHERE kind = 'agency_notice' ORDER BY object_id, occasion;

-------------------------------------------------------------------------------
-- transitional exemptions (seed 3.3.4, 4.5): service 31 runs on platform
-- 30, never registered; service 32 on platform 12, whose registration
-- expired on 2026-08-01
-------------------------------------------------------------------------------
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(30, 1, 'New platform', 'new platform', '{IaaS}', '{public}'), (31, 2, 'Early SaaS', 'early saas', '{SaaS}', '{public}'),
	(32, 2, 'Late SaaS', 'late saas', '{SaaS}', '{public}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (31, 30), (32, 12);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (31, 31, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-04-15', 'early saas'),
	(32, 32, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-04-15', 'late saas');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) SELECT a, 'ismap', '5.1.1', true FROM unnest(ARRAY[31, 32]) a;
INSERT INTO audit_result (audit_id, control_id, result, rationale) SELECT a, '5.1.1', 'effective', 'ok' FROM unnest(ARRAY[31, 32]) a;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES
	(31, 31, 31, 1, '2026-04-20'), (32, 32, 32, 1, '2026-04-20');
SELECT code, severity FROM validate_application(31) WHERE code = 'BASE_NOT_REGISTERED';
-- bad input: nothing granted
SELECT platform_exemption(31, 30, '2099-12-31', '  ');
\echo :LAST_ERROR_SQLSTATE
SELECT platform_exemption(31, 12, '2099-12-31', 'not its platform');
\echo :LAST_ERROR_SQLSTATE
SELECT platform_exemption(31, 30, NULL, 'no end');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS exemptions FROM platform_exemption;
SELECT exemption_id, service_id, base_service_id, valid_until, reason FROM platform_exemption(31, 30, '2099-12-31', 'platform audit under way');
-- validation asks instead of refusing, and names the end
SELECT code, severity, message FROM validate_application(31) WHERE code = 'BASE_NOT_REGISTERED';
-- the cascade spares the service while the exemption lasts
SELECT r.registration_number FROM register(31, '2026-05-01') r;
SELECT service_id, depth FROM delisting_impact(30);
BEGIN;
UPDATE platform_exemption SET valid_until = '2025-12-31' WHERE service_id = 31;
SELECT service_id, depth FROM delisting_impact(30) ORDER BY 1;
ROLLBACK;
-- the cascade job: platform 12 lapsed on 2026-08-01 (grace 30 days);
-- service 32 stands until its exemption ends on 2026-09-30, with notices
-- before the end
SELECT r.registration_number FROM register(32, '2026-06-01') r;
SELECT exemption_id, valid_until FROM platform_exemption(32, 12, '2026-09-30', 'platform renewal under review');
SELECT action, object_id, detail FROM run_job('renewals', '2026-09-01') WHERE action = 'exemption_ending';
SELECT count(*) AS again FROM run_job('renewals', '2026-09-02') WHERE action = 'exemption_ending';
SELECT action, object_id, detail FROM run_job('renewals', '2026-09-25') WHERE action = 'exemption_ending';
SELECT action, object_id FROM run_job('cascade', '2026-09-15') WHERE action = 'delisted';
SELECT action, object_id, detail FROM run_job('cascade', '2026-10-01') WHERE action = 'delisted';
SELECT kind, object_id, occasion, window_days FROM notice WHERE kind = 'exemption_ending' ORDER BY occasion;
-- a suspension: service 31 (procured by agency A's system 3) reports a
-- material change on 2026-05-10 and no audit covers it within the window
-- (6 months): the changes job suspends it and tells the agency, once
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (8, 3, 31, '2026-05-02');
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (31, 'architecture', '2026-05-10', 'database moved to another region', 'provider', '2026-05-10');
SELECT action, object_id, detail FROM run_job('changes', '2026-11-15') WHERE action IN ('suspended', 'agency_notice');
SELECT count(*) AS again FROM run_job('changes', '2026-11-16') WHERE action = 'agency_notice';
SELECT count(*) AS again_cascade FROM run_job('cascade', '2026-11-16') WHERE action = 'agency_notice';

-- everyone reads the exemptions (they shape the published registry); only
-- the registrar grants them
\c - ag_csp
SELECT count(*) AS exemptions_seen FROM ismap.platform_exemption;
SELECT ismap.platform_exemption(31, 30, '2099-12-31', 'self-service');
\echo :LAST_ERROR_SQLSTATE

\c - postgres
SET search_path = ismap, public;
\set VERBOSITY terse
-- a procurement yet to begin is not told of an event of a registration
-- before the one it rests on: service 12 is registered again on
-- 2026-12-01, system 3's use of it ends with the old registration and
-- begins again on the new one from 2027-01-01; the old expiry
-- (2026-08-01) is no notice for that use
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (40, 12, 1, 1, 1, 'ismap', '2025-08-01', '2026-07-31', '2026-08-15', 'scope 12');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (40, 'ismap', '5.1.1', true);
INSERT INTO audit_result (audit_id, control_id, result, rationale) VALUES (40, '5.1.1', 'effective', 'audit 40 finding');
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (40, 12, 40, 1, '2026-08-20');
SELECT r.registration_number, r.registered_on FROM register(40, '2026-12-01') r;
UPDATE procurement SET until_date = '2026-07-31' WHERE procurement_id = 6;
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (11, 3, 12, '2027-01-01');
SELECT count(*) AS notices_of_the_old_expiry FROM run_job('cascade', '2026-12-02') WHERE action = 'agency_notice' AND object_id = 11;

-- the renewal chain: system 3's planned use (procurement 11, from
-- 2027-01-01) rests on registration C25-0003-1 of 2026-12-01, which its
-- renewal replaces on 2026-12-03; the renewal is delisted on 2026-12-05,
-- before the use begins: the planned use is told, once.  System 4 plans
-- a use from 2027-02-01 whose registration was lost in a restore (NULL):
-- it rests on the service's latest registration made by its from_date,
-- and is told too.  A use that ended (2026-12-04) before the delisting
-- is not told.
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES (4, 1, 'intranet', 'publishing', 1);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (4, 3, 1);
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (12, 4, 12, '2027-02-01');
INSERT INTO procurement (procurement_id, system_id, service_id, from_date, until_date) VALUES (13, 4, 12, '2026-12-04', '2026-12-04');
SET session_replication_role = replica;
UPDATE procurement SET registration_id = NULL WHERE procurement_id = 12;
RESET session_replication_role;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (41, 12, 1, 1, 1, 'ismap', '2025-12-01', '2026-11-30', '2026-12-02', 'scope 12');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (41, 'ismap', '5.1.1', true);
INSERT INTO audit_result (audit_id, control_id, result, rationale) VALUES (41, '5.1.1', 'effective', 'audit 41 finding');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES (41, 12, 41, 1, 'renewal', '2026-12-02');
SELECT r.registration_number, r.registered_on FROM register(41, '2026-12-03') r;
SELECT count(*) AS renewal_is_no_notice FROM run_job('cascade', '2026-12-03') WHERE action = 'agency_notice';
SELECT org_id, system_id, service_id, depth FROM agency_impact(12) ORDER BY 1, 2;
SELECT registration_number, status, ended_on FROM delist(12, 'renewal audit withdrawn', '2026-12-05') ORDER BY 1;
SELECT action, object_id, detail FROM run_job('cascade', '2026-12-06');
SELECT count(*) AS again_cascade FROM run_job('cascade', '2026-12-07') WHERE action = 'agency_notice';
SELECT count(*) AS again_changes FROM run_job('changes', '2026-12-07') WHERE action = 'agency_notice';
SELECT kind, object_id, occasion FROM notice WHERE kind = 'agency_notice' AND object_id >= 11 ORDER BY 2, 3;
