-- the threat matrix as data: test/security/threat_matrix.tsv states, for
-- each role x object of schema ismap x action, the outcome the threat model
-- allows (docs/security.md, "The threat matrix").  Here every row is tried
-- for real, as a login role of that group bound to party A, with row-level
-- security in force, each attempt in a subtransaction that is rolled back.
-- The file must name every table, view, sequence and function of ismap,
-- name nothing else, and agree with every outcome.
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'tm_reader tm_registrar tm_auditor_a tm_csp_a tm_jobs tm_reviewer tm_agency_a'
\i test/regress/logins.psql
GRANT ismap_reader TO tm_reader;
GRANT ismap_registrar TO tm_registrar;
GRANT ismap_auditor TO tm_auditor_a;
GRANT ismap_csp TO tm_csp_a;
GRANT ismap_jobs TO tm_jobs;
GRANT ismap_reviewer TO tm_reviewer;
GRANT ismap_agency TO tm_agency_a;
RESET client_min_messages;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-------------------------------------------------------------------------------
-- the registry: parties A (provider 1, audit body 1), B (provider 2, body 2)
-- and C (provider 3, one service, never applied).  Each of A and B has an
-- open application (services 1 and 2) and a registered service (3 and 4);
-- every table holds rows of both parties, or at least one row (a table
-- listed as empty below is tried with a row of defaults: give it a row).
-------------------------------------------------------------------------------
SET search_path = ismap, public;
SET client_min_messages = warning;
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control_group (framework_id, group_id, title, sort_order) VALUES ('ismap', 'g5', 'group five', 1);
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory, group_id) VALUES
	('ismap', '5.1.1', 'objective', NULL, false, 'g5'), ('ismap', '5.1.1.1', 'detailed', '5.1.1', true, 'g5');
INSERT INTO control_param (framework_id, param_id, control_id, label, sort_order) VALUES ('ismap', 'p1', '5.1.1.1', 'frequency', 1);
INSERT INTO framework (framework_id, title) VALUES ('iso27001', 'other standard');
INSERT INTO control (framework_id, control_id, title, mandatory) VALUES ('iso27001', '5.1', 'policies', false);
INSERT INTO control_reference (framework_id, control_id, ref_framework, ref_control, relationship, line)
VALUES ('ismap', '5.1.1', 'iso27001', '5.1', 'equal', 1);
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance)
VALUES ('ismap', '5.1.1', 'iso27001', '5.1', 'equal', 'test');
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'l1', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1');
INSERT INTO organization (org_id, name) VALUES (1, 'an agency');
INSERT INTO organization (org_id, name) VALUES (2, 'another agency');
INSERT INTO information_asset (asset_id, org_id, name, rating) VALUES (1, 1, 'records', cia(2, 2, 2)),
	(2, 1, 'notices', cia(1, 1, 1)), (3, 2, 'pages', cia(1, 1, 1));
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES (1, 1, 'records system', 'records', 2),
	(2, 1, 'notice board', 'notices', 1), (3, 2, 'web site', 'pages', 1);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (1, 1, 1), (2, 2, 1), (3, 3, 2);
INSERT INTO csp (csp_id, name, corporate_number) VALUES
	(1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771'),
	(3, 'Provider C', corporate_number_check_digit('010401000003')::text || '010401000003');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001'),
	(2, 'Body B', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until) VALUES (1, '2024-01-01', '2029-01-01'), (2, '2024-01-01', '2029-01-01');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'A-lead', 'JP', 9), (2, 2, 'B-lead', 'JP', 9);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL), (2, 'CISA', NULL);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'A new', 'a new', '{IaaS}', '{public}'), (2, 2, 'B new', 'b new', '{IaaS}', '{public}'),
	(3, 1, 'A registered', 'a', '{IaaS}', '{public}'), (4, 2, 'B registered', 'b', '{IaaS}', '{public}'),
	(5, 3, 'C never applied', 'c', '{SaaS}', '{public}');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT s, s, 2 - s % 2, 2 - s % 2, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'scope ' || s FROM generate_series(1, 4) s;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a, 'ismap', c, true FROM generate_series(1, 4) a, unnest('{5.1.1,5.1.1.1}'::ctrlid[]) c;
INSERT INTO audit_result (audit_id, control_id, result, rationale)
SELECT audit_id, control_id, CASE WHEN audit_id = 3 AND control_id = '5.1.1.1' THEN 'ineffective' ELSE 'effective' END,
       'audit ' || audit_id || ' secret' FROM statement_item;
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations)
SELECT audit_id, control_id, 'daily', 250, 25, 0 FROM statement_item WHERE control_id = '5.1.1.1';
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on)
SELECT s, s, s, 1, '2026-06-01' FROM generate_series(1, 4) s;
-- every service's disclosure (public once the service is registered)
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
SELECT service_id, '{JP}', 'Japanese law', 'Tokyo District Court', 'none', '[]' FROM service;
SELECT registration_number FROM register(3, '2026-06-10');
SELECT registration_number FROM register(4, '2026-06-10');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (1, 3), (2, 4), (3, 4), (4, 5);
SELECT count(*) AS bound FROM (
	SELECT principal('tm_auditor_a', 1, NULL) UNION ALL SELECT principal('tm_csp_a', NULL, 1)
	UNION ALL SELECT principal('tm_agency_a', p_org_id => 1)) b;
-- the open applications in review, with a finding each
SELECT count(*) AS accepted FROM generate_series(1, 2) s, accept_application(s, '2026-06-05');
SELECT count(*) AS findings FROM generate_series(1, 2) s, raise_finding(s, 'csp', 'which region?', NULL, '2026-06-06');
-- a remediation plan of each registration
INSERT INTO remediation (registration_id, control_id, description, due_on, planned_on, planned_by)
SELECT registration_id, '5.1.1.1', 'fix it', '2026-12-31', '2026-06-30', 'threat matrix' FROM registration;
SELECT exemption_id FROM platform_exemption(1, 3, '2099-12-31', 'threat matrix');
-- agency 1 (party A's agency) procures service 3, agency 2 service 4
INSERT INTO procurement (system_id, service_id, from_date) VALUES (2, 3, '2026-06-15'), (3, 4, '2026-06-15');
-- each agency's ISMAP-LIU assessment of a service of the provider it procures from
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result) VALUES (1, 1, '2026-06-20', 'low_impact'), (2, 2, '2026-06-20', 'low_impact');
-- a change report, a suspension, evidence and a crossing for each registered service
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by) VALUES
	(3, 'architecture', '2026-06-15', 'A region', 'ops A'), (4, 'architecture', '2026-06-15', 'B region', 'ops B');
INSERT INTO change_suspension (change_id, registration_id, depth, via, suspended_on)
SELECT c.change_id, r.registration_id, 0, '{}', '2026-06-20'
FROM service_change c JOIN registration r USING (service_id);
SELECT count(*) > 0 AS partitions FROM ensure_evidence_partitions('2026-06-01', '2026-06-30');
INSERT INTO evidence (service_id, control_id, occurred_at, outcome, source, reference) VALUES
	(3, '5.1.1.1', '2026-06-16 10:00+09', 'pass', 'monitor', 'A-1'), (4, '5.1.1.1', '2026-06-16 10:00+09', 'fail', 'monitor', 'B-1');
INSERT INTO control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit) VALUES
	(3, '5.1.1.1', '2026-06-20', 25, 3, 0.2), (4, '5.1.1.1', '2026-06-20', 25, 3, 0.2);
-- a job run, a notice of it and a seal of the event chain
SELECT count(*) >= 0 AS renewals_ran FROM run_job('renewals', '2026-06-25');
INSERT INTO notice (kind, object_id, occasion, as_of, detail, run_id)
SELECT 'renewal_due', 3, '2026-06-25', '2026-06-25', 'threat matrix', max(run_id) FROM job_run;
INSERT INTO audit_body_report (selection_id, period_end, received_on)
SELECT min(selection_id), '2025-03-31', '2025-04-10' FROM audit_body_selection;
-- certificates of services (registered or not) and provider-wide ones
INSERT INTO certification (csp_id, service_id, scheme, certificate_number, scope, framework_id, valid_from, valid_until) VALUES
	(1, 1, 'ISO27001', 'A-1', 'a new', 'iso27001', '2025-01-01', '2027-12-31'),
	(1, 3, 'ISO27001', 'A-3', 'a', 'iso27001', '2025-01-01', '2027-12-31'),
	(2, 2, 'SOC2', 'B-2', 'b new', NULL, '2025-01-01', '2027-12-31'),
	(2, 4, 'SOC2', 'B-4', 'b', NULL, '2025-01-01', '2027-12-31'),
	(1, NULL, 'ISO27017', 'A-all', 'all of A', NULL, '2025-01-01', '2027-12-31'),
	(3, NULL, 'CSMark', 'C-all', 'all of C', NULL, '2025-01-01', '2027-12-31');
-- a pre-consultation of each provider
INSERT INTO consultation (csp_id, service_id, opened_on, subject, question) VALUES
	(1, 1, '2025-01-10', 'scope', 'is the region in scope?'), (2, NULL, '2025-01-10', 'timing', 'when to apply?');
-- the change reports' and dependencies' queued events into the log (what
-- the next decision or the changes job does), so that the log holds events
-- that are not public
SELECT ismap_internal.chain_pending_events() > 0 AS events_chained FROM (SELECT 1 FROM ismap_internal.serial_lock WHERE lock_name = 'event chain' FOR UPDATE) l;
SELECT count(*) >= 0 AS sealed FROM seal_event_chain('2026-06-25');
RESET client_min_messages;
-- (the tables of ismap first, behind OFFSET 0: counted before the join,
-- a catalog's row would be looked for in ismap)
SELECT relname AS empty_table
FROM (SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition OFFSET 0) c
WHERE NOT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM ismap.%I', relname), false, true, '')))[1]::text::int > 0
ORDER BY 1;
SET search_path = pg_catalog, pg_temp;

-------------------------------------------------------------------------------
-- whose is a row: A, B or C through the first party key it carries; and is it
-- published (DESIGN 3.9: registered services and their registered content,
-- registrations and their events, selected audit bodies, providers of a
-- registered service; never an application, audit, statement, result,
-- test, auditor, change report, evidence or job record)
-------------------------------------------------------------------------------
CREATE TEMP TABLE tm_role (grp text PRIMARY KEY, login text, party text);
INSERT INTO tm_role VALUES ('ismap_reader', 'tm_reader', NULL), ('ismap_registrar', 'tm_registrar', NULL),
	('ismap_auditor', 'tm_auditor_a', 'A'), ('ismap_csp', 'tm_csp_a', 'A'), ('ismap_jobs', 'tm_jobs', NULL),
	('ismap_reviewer', 'tm_reviewer', NULL),
	('ismap_agency', 'tm_agency_a', 'P');
CREATE TEMP TABLE tm_key (key text, id bigint, party text, published bool, open bool, PRIMARY KEY (key, id));
INSERT INTO tm_key
SELECT 'service_id', service_id, chr(64 + csp_id::int), EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = s.service_id), NULL::bool FROM ismap.service s
UNION ALL SELECT 'registration_id', registration_id, chr(64 + s.csp_id::int), true, NULL FROM ismap.registration r JOIN ismap.service s USING (service_id)
UNION ALL SELECT 'audit_id', audit_id, chr(64 + audit_body_id::int), false,
	NOT EXISTS (SELECT 1 FROM ismap.application p WHERE p.audit_id = a.audit_id
		AND p.status <> ALL (ARRAY['submitted', 'accepted', 'in_review', 'returned'])) FROM ismap.audit a
UNION ALL SELECT 'application_id', a.application_id, chr(64 + s.csp_id::int), false, a.status IN ('submitted', 'accepted', 'in_review')
FROM ismap.application a JOIN ismap.service s USING (service_id)
UNION ALL SELECT 'change_id', change_id, chr(64 + s.csp_id::int), false, NULL FROM ismap.service_change c JOIN ismap.service s USING (service_id)
UNION ALL SELECT 'auditor_id', auditor_id, chr(64 + audit_body_id::int), false, NULL FROM ismap.auditor
UNION ALL SELECT 'csp_id', csp_id, chr(64 + csp_id::int), EXISTS (SELECT 1 FROM ismap.registration r JOIN ismap.service s USING (service_id) WHERE s.csp_id = c.csp_id), NULL FROM ismap.csp c
UNION ALL SELECT 'audit_body_id', audit_body_id, chr(64 + audit_body_id::int), true, NULL FROM ismap.audit_body;
CREATE TEMP TABLE tm_private (relname text PRIMARY KEY);
INSERT INTO tm_private VALUES ('application'), ('audit'), ('statement_item'), ('audit_result'), ('control_test'),
	('control_test_evaluation'), ('auditor'), ('auditor_qualification'), ('principal_binding'), ('service_change'),
	('change_suspension'), ('evidence'), ('control_crossing'), ('job_run'), ('job_health'), ('notice'), ('review_finding'), ('remediation'), ('application_timeline'), ('procurement'), ('consultation'), ('liu_assessment');

-- (party, published) of one row of a relation
-- (and open: of an audit or application not decided yet).  For the agency
-- role (party P), its own rows are its agency's procurements and ISMAP-LIU
-- assessments and the
-- package of the services they procure (the audits their registrations
-- rest on, with statements and results, and the remediation plans of
-- those registrations); the others' are Q.
CREATE FUNCTION pg_temp.tm_label(rel text, r jsonb, OUT party text, OUT published bool, OUT open bool, grp text DEFAULT NULL) LANGUAGE plpgsql AS $$
DECLARE k text;
BEGIN
	IF grp = 'ismap_agency' AND rel = 'procurement' THEN
		party := CASE WHEN (SELECT s.org_id FROM ismap.information_system s WHERE s.system_id = (r->>'system_id')::bigint) = 1 THEN 'P' ELSE 'Q' END;
		published := false;
		RETURN;
	ELSIF grp = 'ismap_agency' AND rel = 'liu_assessment' THEN
		party := CASE WHEN (r->>'agency_id')::bigint = 1 THEN 'P' ELSE 'Q' END;
		published := false;
		RETURN;
	ELSIF grp = 'ismap_agency' AND rel IN ('audit', 'statement_item', 'audit_result', 'control_test', 'control_test_evaluation') THEN
		party := CASE WHEN EXISTS (SELECT 1 FROM ismap.registration g JOIN ismap.procurement p USING (service_id)
								   JOIN ismap.information_system s USING (system_id)
								   WHERE g.audit_id = (r->>'audit_id')::bigint AND s.org_id = 1) THEN 'P' ELSE 'Q' END;
		published := false;
		open := false;
		RETURN;
	ELSIF grp = 'ismap_agency' AND rel = 'remediation' THEN
		party := CASE WHEN EXISTS (SELECT 1 FROM ismap.registration g JOIN ismap.procurement p USING (service_id)
								   JOIN ismap.information_system s USING (system_id)
								   WHERE g.registration_id = (r->>'registration_id')::bigint AND s.org_id = 1) THEN 'P' ELSE 'Q' END;
		published := false;
		open := false;
		RETURN;
	END IF;
	published := true;
	FOREACH k IN ARRAY ARRAY['service_id', 'registration_id', 'audit_id', 'application_id', 'change_id', 'auditor_id', 'csp_id', 'audit_body_id'] LOOP
		IF r ? k AND r->>k IS NOT NULL THEN
			SELECT t.party, t.published, t.open INTO party, published, open FROM tm_key t WHERE t.key = k AND t.id = (r->>k)::bigint;
			EXIT;
		END IF;
	END LOOP;
	IF r ? 'audit_id' AND r->>'audit_id' IS NOT NULL THEN
		SELECT t.open INTO open FROM tm_key t WHERE t.key = 'audit_id' AND t.id = (r->>'audit_id')::bigint;
	END IF;
	IF rel IN (SELECT relname FROM tm_private) THEN
		published := false;
	ELSIF rel = 'registry_event' AND r->>'kind' NOT IN ('registered', 'changed', 'delisted', 'expired', 'suspended', 'reinstated') THEN
		published := false;	-- change reports, rejections: not registry facts
	END IF;
END
$$;

-- one attempt as a role, rolled back: 'ok' (done, or refused by an integrity
-- constraint 23xxx, which comes after every privilege and policy check),
-- 'none' (allowed, no row touched), 'denied' (42501: no privilege, or a
-- policy's check), or 'refused:' and the SQLSTATE of any other error.  For
-- a function call, 42501 for anything but the function (or its schema) is
-- a refusal from inside it, 'refused:42501', not a missing privilege.  With
-- want_rows, the rows read are kept in tm_seen.
CREATE TEMP TABLE tm_seen (r jsonb);
CREATE FUNCTION pg_temp.tm_try(login text, sql text, arg1 jsonb DEFAULT NULL, arg2 jsonb DEFAULT NULL,
	want_rows bool DEFAULT false, is_call bool DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	res text;
	msg text;
	seen jsonb[];
BEGIN
	TRUNCATE tm_seen;
	BEGIN
		EXECUTE format('SET LOCAL ROLE %I', login);
		SET LOCAL statement_timeout = '20s';
		SET LOCAL search_path = pg_catalog, ismap, pg_temp;	-- ismap's operators, for ctrlid keys
		IF want_rows THEN
			EXECUTE format('SELECT array_agg(to_jsonb(x)) FROM (%s) x', sql) INTO seen USING arg1, arg2;
			n := 1;
		ELSE
			EXECUTE sql USING arg1, arg2;
			GET DIAGNOSTICS n = ROW_COUNT;
		END IF;
		res := CASE WHEN n > 0 OR sql !~* '^(update|delete)' THEN 'ok' ELSE 'none' END;
		RAISE EXCEPTION USING ERRCODE = 'P0004';	-- roll the attempt back
	EXCEPTION
		WHEN assert_failure THEN NULL;
		WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
			res := CASE WHEN SQLSTATE LIKE '23%' THEN 'ok'
						WHEN SQLSTATE = '42501' AND (NOT is_call OR msg ~ '^permission denied for (function|aggregate|schema) ') THEN 'denied'
						ELSE 'refused:' || SQLSTATE END;
	END;
	RESET ROLE;
	INSERT INTO tm_seen SELECT unnest(seen);
	RETURN res;
END
$$;

-- SELECT: what a role sees, against what is there, by segment of rows:
-- 'all', 'none', 'own' (exactly its party's rows), 'published' (exactly
-- the published rows), 'own+published', else 'partial(...)' with counts
CREATE FUNCTION pg_temp.tm_select(grp text, rel text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	who tm_role;
	res text;
	c record;
BEGIN
	SELECT * INTO who FROM tm_role WHERE tm_role.grp = tm_select.grp;
	res := pg_temp.tm_try(who.login, format('SELECT * FROM ismap.%I', rel), want_rows => true);
	IF res <> 'ok' THEN
		RETURN res;
	END IF;
	EXECUTE format($q$
		WITH t AS (SELECT to_jsonb(x) AS r, count(*) AS n FROM ismap.%I x GROUP BY 1),
		s AS (SELECT r, count(*) AS n FROM tm_seen GROUP BY 1),
		seg AS (
			SELECT CASE WHEN l.party IS NULL THEN 'unowned' WHEN l.party = $1 AND l.open IS FALSE THEN 'closed'
						WHEN l.party = $1 THEN 'own' WHEN l.published THEN 'pub' ELSE 'unpub' END AS seg,
				   t.n AS total, least(coalesce(s.n, 0), t.n) AS seen
			FROM t LEFT JOIN s USING (r) CROSS JOIN LATERAL pg_temp.tm_label($2, t.r, $3) l)
		SELECT coalesce(sum(total), 0) AS total, coalesce(sum(seen), 0) AS seen,
			(SELECT coalesce(sum(n), 0) FROM s) AS seen_any,
			coalesce(sum(total) FILTER (WHERE seg = 'closed'), 0) AS closed_t, coalesce(sum(seen) FILTER (WHERE seg = 'closed'), 0) AS closed_s,
			coalesce(sum(total) FILTER (WHERE seg = 'own'), 0) AS own_t, coalesce(sum(seen) FILTER (WHERE seg = 'own'), 0) AS own_s,
			coalesce(sum(total) FILTER (WHERE seg = 'pub'), 0) AS pub_t, coalesce(sum(seen) FILTER (WHERE seg = 'pub'), 0) AS pub_s,
			coalesce(sum(total) FILTER (WHERE seg = 'unpub'), 0) AS unpub_t, coalesce(sum(seen) FILTER (WHERE seg = 'unpub'), 0) AS unpub_s,
			coalesce(sum(total) FILTER (WHERE seg = 'unowned'), 0) AS unowned_t, coalesce(sum(seen) FILTER (WHERE seg = 'unowned'), 0) AS unowned_s
		FROM seg$q$, rel) INTO c USING who.party, rel, grp;
	IF c.seen_any <> c.seen THEN
		RETURN 'partial(rows the owner does not see)';
	ELSIF c.seen = c.total THEN
		RETURN 'all';
	ELSIF c.seen = 0 THEN
		RETURN 'none';
	ELSIF c.unowned_s = c.unowned_t AND c.unpub_s = 0 AND c.own_s = c.own_t AND c.closed_s IN (0, c.closed_t) THEN
		IF c.pub_s = 0 THEN
			RETURN CASE WHEN c.closed_s = c.closed_t THEN 'own' ELSE 'own-open' END;
		ELSIF c.pub_s = c.pub_t THEN
			RETURN CASE WHEN c.own_t + c.closed_t = 0 THEN 'published' WHEN c.closed_s = c.closed_t THEN 'own+published' ELSE 'own-open+published' END;
		END IF;
	END IF;
	RETURN format('partial(own %s/%s, own-decided %s/%s, published %s/%s, unpublished %s/%s, unowned %s/%s)',
		c.own_s, c.own_t, c.closed_s, c.closed_t, c.pub_s, c.pub_t, c.unpub_s, c.unpub_t, c.unowned_s, c.unowned_t);
END
$$;

-- what a write attempt changes to make a row the role could legitimately
-- write (a copy of an existing row would otherwise break a rule that is
-- not about who writes: a provider files an application dated today and
-- withdraws it as of today)
CREATE TEMP TABLE tm_patch (rel text, action text, patch jsonb, PRIMARY KEY (rel, action));
INSERT INTO tm_patch VALUES
	('application', 'INSERT', jsonb_build_object('application_id', NULL, 'submitted_on', CURRENT_DATE, 'status', 'submitted', 'decided_on', NULL, 'decision_reason', NULL, 'acknowledged', NULL,
		'accepted_on', NULL, 'review_started_on', NULL)),
	('application', 'UPDATE', jsonb_build_object('status', 'withdrawn', 'decided_on', CURRENT_DATE, 'decision_reason', 'withdrawn in the threat matrix'));

-- INSERT, UPDATE, DELETE: one attempt on a row of the role's party and one
-- on another party's row (for a role without a party, or a table without
-- party rows: one attempt on the first row; for an empty table, a row of
-- defaults, or every row, which is 'none' when allowed).  'allowed' (both),
-- 'own' (its own only), or the common outcome; 'own:X,other:Y' when they
-- differ otherwise
CREATE FUNCTION pg_temp.tm_write(grp text, rel text, action text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	who tm_role;
	relid regclass := format('ismap.%I', rel)::regclass;
	pk text[];
	cols text[];
	patch jsonb;
	own_row jsonb;
	other_row jsonb;
	any_row jsonb;
	r jsonb;
	sql text;
	match text;
	res_own text;
	res_other text;
	priv text := CASE action WHEN 'DELETE' THEN 'UPDATE' ELSE action END;
BEGIN
	SELECT * INTO who FROM tm_role WHERE tm_role.grp = tm_write.grp;
	IF action = 'TRUNCATE' THEN
		res_own := pg_temp.tm_try(who.login, format('TRUNCATE %s', relid));
		RETURN CASE res_own WHEN 'ok' THEN 'allowed' ELSE res_own END;
	END IF;
	SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum)) INTO pk
	FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
	WHERE i.indrelid = relid AND i.indisprimary;
	SELECT tm_patch.patch INTO patch FROM tm_patch WHERE tm_patch.rel = tm_write.rel AND tm_patch.action = tm_write.action;
	-- the columns it may write (all of them when it may write none, so that
	-- the attempt shows the refusal)
	SELECT array_agg(attname::text ORDER BY attnum) INTO cols FROM pg_attribute
	WHERE attrelid = relid AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
	  AND (action = 'INSERT' OR attidentity <> 'a')
	  AND has_column_privilege(grp, relid, attnum, priv);
	IF cols IS NULL THEN
		SELECT array_agg(attname::text ORDER BY attnum) INTO cols FROM pg_attribute
		WHERE attrelid = relid AND attnum > 0 AND NOT attisdropped AND attgenerated = '' AND (action = 'INSERT' OR attidentity <> 'a');
		IF action <> 'INSERT' THEN
			cols := cols[1:1];
		END IF;
	END IF;
	-- the rows: as the owner, in primary-key order
	FOR r IN EXECUTE format('SELECT to_jsonb(x) FROM %s x ORDER BY %s', relid,
			coalesce((SELECT string_agg(format('x.%I', c), ', ') FROM unnest(pk) c), 'to_jsonb(x)::text')) LOOP
		IF (pg_temp.tm_label(rel, r, grp)).party = who.party THEN
			own_row := coalesce(own_row, r);
		ELSIF (pg_temp.tm_label(rel, r, grp)).party IS NOT NULL THEN
			other_row := coalesce(other_row, r);
		END IF;
		any_row := coalesce(any_row, r);
	END LOOP;
	IF own_row IS NULL AND other_row IS NULL THEN
		other_row := any_row;
	END IF;
	IF pk IS NULL THEN
		match := 'to_jsonb(t) = $1';
	ELSE
		match := format('(%s) = (SELECT %s FROM jsonb_populate_record(NULL::%s, $1) j)',
			(SELECT string_agg(format('t.%I', c), ', ') FROM unnest(pk) c),
			(SELECT string_agg(format('j.%I', c), ', ') FROM unnest(pk) c), relid);
	END IF;
	sql := CASE action
		WHEN 'INSERT' THEN format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM jsonb_populate_record(NULL::%s, $2) j',
			relid, (SELECT string_agg(format('%I', c), ', ') FROM unnest(cols) c),
			(SELECT string_agg(format('j.%I', c), ', ') FROM unnest(cols) c), relid)
		WHEN 'UPDATE' THEN format('UPDATE %s t SET (%s) = (SELECT %s FROM jsonb_populate_record(NULL::%s, $2) j) WHERE %s',
			relid, (SELECT string_agg(format('%I', c), ', ') FROM unnest(cols) c),
			(SELECT string_agg(format('j.%I', c), ', ') FROM unnest(cols) c), relid, match)
		ELSE format('DELETE FROM %s t WHERE %s', relid, match) END;
	IF own_row IS NOT NULL THEN
		res_own := pg_temp.tm_try(who.login, sql, own_row, own_row || coalesce(patch, '{}'));
	END IF;
	IF other_row IS NOT NULL THEN
		res_other := pg_temp.tm_try(who.login, sql, other_row, other_row || coalesce(patch, '{}'));
	END IF;
	IF own_row IS NULL AND other_row IS NULL THEN
		-- an empty table: a row of defaults, or every row (none)
		res_own := pg_temp.tm_try(who.login, CASE action WHEN 'INSERT' THEN format('INSERT INTO %s DEFAULT VALUES', relid)
			WHEN 'UPDATE' THEN format('UPDATE %s SET %I = %I', relid, cols[1], cols[1]) ELSE format('DELETE FROM %s', relid) END);
		RETURN CASE res_own WHEN 'ok' THEN 'allowed' ELSE res_own END;
	ELSIF own_row IS NULL OR other_row IS NULL THEN
		res_own := coalesce(res_own, res_other);
		RETURN CASE res_own WHEN 'ok' THEN 'allowed' ELSE res_own END;
	ELSIF res_own = 'ok' AND res_other = 'ok' THEN
		RETURN 'allowed';
	ELSIF res_own = 'ok' AND res_other IN ('denied', 'none') THEN
		RETURN 'own';
	ELSIF res_own = res_other THEN
		RETURN res_own;
	END IF;
	RETURN format('own:%s,other:%s', res_own, res_other);
END
$$;

-------------------------------------------------------------------------------
-- every object of ismap and the actions the matrix must state for it
-------------------------------------------------------------------------------
CREATE TEMP TABLE tm_object (kind text, object text, rel text, fn oid, PRIMARY KEY (kind, object));
INSERT INTO tm_object
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END,
	'ismap.' || c.relname, c.relname, NULL
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
UNION ALL
SELECT 'function', p.oid::regprocedure::text, NULL, p.oid
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
UNION ALL VALUES ('schema', 'ismap', NULL, NULL::oid), ('schema', 'ismap_internal', NULL, NULL),
	('function', 'ismap_internal.*', NULL, NULL);
CREATE TEMP TABLE tm_action (kind text, action text);
INSERT INTO tm_action VALUES ('table', 'SELECT'), ('table', 'INSERT'), ('table', 'UPDATE'), ('table', 'DELETE'),
	('table', 'TRUNCATE'), ('view', 'SELECT'), ('sequence', 'SELECT'), ('sequence', 'USAGE'), ('sequence', 'UPDATE'),
	('function', 'EXECUTE'), ('schema', 'USAGE'), ('schema', 'CREATE');

-- a call with NULL of each argument's type
CREATE FUNCTION pg_temp.tm_call(fn oid) RETURNS text LANGUAGE sql AS $$
	SELECT format('SELECT %s(%s)', fn::regproc::text,
		coalesce((SELECT string_agg(format('NULL::%s', format_type(t, NULL)), ', ' ORDER BY i)
				  FROM unnest((SELECT proargtypes::oid[] FROM pg_proc WHERE oid = fn)) WITH ORDINALITY a(t, i)), ''))
$$;

CREATE FUNCTION pg_temp.tm_attempt(grp text, kind text, object text, rel text, fn oid, action text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	login text := (SELECT login FROM tm_role WHERE tm_role.grp = tm_attempt.grp);
	res text;
	bad text;
	seq record;
BEGIN
	IF kind IN ('table', 'view') AND action = 'SELECT' THEN
		RETURN pg_temp.tm_select(grp, rel);
	ELSIF kind = 'table' THEN
		RETURN pg_temp.tm_write(grp, rel, action);
	ELSIF kind = 'sequence' THEN
		EXECUTE format('SELECT last_value, is_called FROM ismap.%I', rel) INTO seq;
		res := pg_temp.tm_try(login, CASE action
			WHEN 'SELECT' THEN format('SELECT last_value FROM ismap.%I', rel)
			WHEN 'USAGE' THEN format('SELECT nextval(%L)', 'ismap.' || rel)
			ELSE format('SELECT setval(%L, %s, %L)', 'ismap.' || rel, seq.last_value, seq.is_called) END);
	ELSIF kind = 'function' AND fn IS NOT NULL THEN
		res := pg_temp.tm_try(login, pg_temp.tm_call(fn), is_call => true);
		res := CASE WHEN res IN ('denied', 'refused:42501') THEN res ELSE 'ok' END;
	ELSIF kind = 'function' THEN
		-- every function of ismap_internal: called, each must be refused
		SELECT string_agg(p.oid::regprocedure::text, ' ' ORDER BY p.oid::regprocedure::text COLLATE "C") INTO bad
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap_internal'
		WHERE pg_temp.tm_try(login, pg_temp.tm_call(p.oid), is_call => true) <> 'denied';
		RETURN coalesce('allowed:' || bad, 'denied');
	ELSIF action = 'USAGE' THEN
		res := pg_temp.tm_try(login, format('SELECT %I.tm_no_such_function()', object), is_call => true);
		res := CASE res WHEN 'refused:42883' THEN 'ok' ELSE res END;
	ELSE
		res := pg_temp.tm_try(login, format('CREATE TABLE %I.tm_probe ()', object));
	END IF;
	RETURN CASE res WHEN 'ok' THEN 'allowed' ELSE res END;
END
$$;

-------------------------------------------------------------------------------
-- the file, and the attempts
-------------------------------------------------------------------------------
CREATE TEMP TABLE tm_line (line text);
\copy tm_line FROM 'test/security/threat_matrix.tsv' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
CREATE TEMP TABLE tm_file AS
SELECT f[1] AS kind, f[2] AS object, f[3] AS action, f[4] AS role, f[5] AS expected, nullif(f[6], '') AS known, f[7] AS note
FROM (SELECT string_to_array(line, E'\t') AS f FROM tm_line WHERE line !~ '^(#|\s*$)') l;
SELECT count(*) AS malformed_rows FROM tm_file WHERE expected IS NULL OR expected = '';

CREATE TEMP TABLE tm_result AS
SELECT o.kind, o.object, a.action, r.grp AS role, pg_temp.tm_attempt(r.grp, o.kind, o.object, o.rel, o.fn, a.action) AS actual
FROM tm_object o JOIN tm_action a USING (kind) CROSS JOIN tm_role r;

-- each object, action and role must have its row, and only those
SELECT r.kind, r.object, r.action, r.role AS missing_row
FROM tm_result r LEFT JOIN tm_file f USING (kind, object, action, role) WHERE f.kind IS NULL
ORDER BY kind, object COLLATE "C", action, role;
SELECT f.kind, f.object, f.action, f.role AS row_of_no_object
FROM tm_file f LEFT JOIN tm_result r USING (kind, object, action, role) WHERE r.kind IS NULL
ORDER BY kind, object COLLATE "C", action, role;
SELECT kind, object, action, role, count(*) AS duplicate_rows FROM tm_file GROUP BY 1, 2, 3, 4 HAVING count(*) > 1 ORDER BY kind, object COLLATE "C", action, role;
-- the outcome must be the expected one, or (while a finding is open) the
-- outcome the file records as known; a known finding that is gone must
-- leave the file too
SELECT f.kind, f.object, f.action, f.role, f.expected, f.known, r.actual AS differs
FROM tm_file f JOIN tm_result r USING (kind, object, action, role)
WHERE NOT r.actual = ANY (string_to_array(coalesce(split_part(f.known, ' ', 1), f.expected), '|'))
ORDER BY kind, object COLLATE "C", action, role;
-- the open findings: what the threat model says, what happens
SELECT f.object, f.action, f.role, f.expected AS threat_model, r.actual, substr(f.known, strpos(f.known, ' ') + 1) AS finding
FROM tm_file f JOIN tm_result r USING (kind, object, action, role)
WHERE f.known IS NOT NULL
ORDER BY finding, object COLLATE "C", action, role;
SELECT count(*) = (SELECT count(*) FROM tm_file) AS one_attempt_per_row,
	count(DISTINCT kind) AS kinds_of_object FROM tm_result;
RESET search_path;
