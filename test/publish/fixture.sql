-- test/publish/fixture.sql — a small registry for the publish layer: five
-- services registered on different days (one delisted, one renamed after
-- its registration), names that need escaping in HTML and CSV, Japanese
-- text in every file.  Registered with ismap.register (the decisions are
-- tested elsewhere); run as a superuser.
SET search_path = ismap, pg_catalog;
INSERT INTO framework (framework_id, title, version) VALUES ('ismap', 'ISMAP管理基準', '2023');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5', 'clause', NULL, false), ('ismap', '5.1', 'category', '5', false),
	('ismap', '5.1.1', 'objective', '5.1', false), ('ismap', '5.1.1.1', 'detail', '5.1.1', true);
INSERT INTO csp (csp_id, name, corporate_number) VALUES
	(1, '日本クラウド株式会社', '7000012050002'), (2, 'Apps & Co. "KK"', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, '監査法人あおば', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until, status) VALUES (1, '2020-04-01', '2030-03-31', 'active');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, '佐藤', 'JP', 10);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, '基盤クラウド', '東京・大阪リージョンのIaaS', '{IaaS}', '{public}'),
	(2, 2, 'Mail <b>&</b> Calendar', 'mail, calendar', '{SaaS}', '{public}'),
	(3, 2, 'Forms, "quoted"', 'forms', '{SaaS}', '{public,community}'),
	(4, 1, '文書管理サービス', '文書管理', '{SaaS}', '{private}'),
	(5, 1, '旧サービス', 'old', '{PaaS}', '{public}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1), (3, 1), (4, 1);
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
SELECT service_id, '{JP-Tokyo,JP-Osaka}', '日本法', '東京地方裁判所', '外国資本なし',
	'[{"kind": "penetration_test", "performed_by": "診断株式会社", "performed_on": "2025-01-20"}]' FROM service;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT service_id, service_id, 1, 1, 1, 'ismap', '2024-04-01', '2025-03-31', '2025-05-01', scope FROM service;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a.audit_id, 'ismap', c.control_id, true FROM audit a, control c WHERE depth(c.control_id) >= 3;
-- who does each control (the matrices of crm/): service 2 inherits its
-- first control from platform 1 and shares its second with the customer
UPDATE statement_item SET responsibility = 'inherited', inherited_from = 1
WHERE audit_id = 2 AND control_id = (SELECT min(control_id) FROM statement_item WHERE audit_id = 2);
UPDATE statement_item SET responsibility = 'shared'
WHERE audit_id = 2 AND control_id = (SELECT control_id FROM statement_item WHERE audit_id = 2 ORDER BY control_id OFFSET 1 LIMIT 1);
INSERT INTO audit_result (audit_id, control_id, result) SELECT audit_id, control_id, 'effective' FROM statement_item;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT service_id, service_id, service_id, 1, 'new', '2025-05-10' FROM service;
SELECT count(*) FROM (
	SELECT register(1, '2025-06-01') UNION ALL SELECT register(2, '2025-06-02') UNION ALL
	SELECT register(3, '2025-06-03') UNION ALL SELECT register(5, '2025-06-05')) r;
-- registered on 2025-07-01 (after the first publish's day), the old one delisted
SELECT count(*) FROM register(4, '2025-07-01');
SELECT count(*) FROM delist(5, '提供終了', '2025-07-01');
-- renamed after registration: the list keeps the registered name
UPDATE service SET name = 'Mail (renamed)' WHERE service_id = 2;
-- ISMAP-LIU: an agency uses the mail service from 2025-06-10 and assesses
-- the provider's survey SaaS as low-impact; the LIU registration (L series)
-- is made on 2025-07-01, after the first publish's day, so the first
-- publish has an empty LIU list and the second one row
INSERT INTO organization (org_id, name) VALUES (1, 'デジタル庁');
INSERT INTO information_asset (asset_id, org_id, name, rating) VALUES (1, 1, '公開イベント情報', cia(1, 1, 1));
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES (1, 1, '広報システム', '広報', 1);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (1, 1, 1);
INSERT INTO procurement (system_id, service_id, from_date) VALUES (1, 2, '2025-06-10');
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(6, 2, 'アンケート <SaaS>', 'surveys for public events', '{SaaS}', '{public}');
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
VALUES (6, '{JP-Tokyo}', '日本法', '東京地方裁判所', '外国資本なし', '[]');
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result, note) VALUES (6, 1, '2025-06-20', 'low_impact', '公開情報のみ');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (6, 6, 1, 1, 1, 'ismap', '2024-07-01', '2025-05-31', '2025-06-15', 'surveys for public events');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT 6, 'ismap', c.control_id, true FROM control c WHERE depth(c.control_id) >= 3;
INSERT INTO audit_result (audit_id, control_id, result) SELECT audit_id, control_id, 'effective' FROM statement_item WHERE audit_id = 6;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on, program)
VALUES (6, 6, 6, 1, 'new', '2025-06-25', 'ISMAP-LIU');
SELECT count(*) FROM register(6, '2025-07-01');
