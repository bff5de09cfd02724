-- test/generator/generator.sql — builds a realistic registry of a chosen size
--
-- Load it into a database that has the ismap extension, then call
--
--   SELECT * FROM ismap_gen.generate(services => 200, years => 5,
--                                    until => '2026-10-01', seed => 0.42);
--
-- It creates the schema ismap_gen (the generator only; the data goes into
-- the ismap tables).  Everything is drawn from setseed(seed), so the same
-- arguments give the same registry.  What it builds:
--
--   * agencies with information assets and systems (for classification);
--   * providers with valid corporate numbers, and services in three tiers:
--     IaaS platforms, PaaS built on them, SaaS built on either (so
--     dependencies run several levels deep; a few are self-assessed);
--   * audit bodies with auditors, qualifications and selections;
--   * for each service a first audit and then yearly audits, each with a
--     statement over the control standard (policy control_standard; a
--     synthetic standard is created when none is loaded), results, an
--     application, and a registration made through ismap.register() in
--     date order, so numbers and events are those the registry would make;
--   * some providers stop renewing (their last registration expires), some
--     renewal applications are still open at the end, and a few platforms
--     are delisted on the last day, cascading to what runs on them.

CREATE SCHEMA IF NOT EXISTS ismap_gen;

-- a 12-digit base made into a 13-digit corporate number
CREATE OR REPLACE FUNCTION ismap_gen.corporate_number(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT ismap.corporate_number_check_digit(lpad(n::text, 12, '0'))::text || lpad(n::text, 12, '0')
$$;

CREATE OR REPLACE FUNCTION ismap_gen.pick(words text[]) RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT words[1 + floor(random() * array_length(words, 1))::int]
$$;

-- a synthetic control standard in the shape of the ISMAP one: clauses
-- (5..8), categories (5.1), control objectives (5.1.1, depth 3) and
-- detailed controls (5.1.1.1, depth 4; the first of each objective is
-- mandatory), with a baseline per level: level 1 has every objective and
-- the first two detailed controls of each, level 2 the third too, level 3
-- all of them
CREATE OR REPLACE FUNCTION ismap_gen.synthetic_standard(fw text) RETURNS int
LANGUAGE plpgsql SET search_path = ismap_gen, ismap, pg_catalog, pg_temp AS $$
DECLARE
	n int := 0;
BEGIN
	INSERT INTO ismap.framework (framework_id, title, version, publisher, source)
	VALUES (fw, 'Synthetic control standard (generator)', 'gen-1', 'pg_ismap generator', 'test/generator/generator.sql');
	INSERT INTO ismap.control (framework_id, control_id, title, class)
	SELECT fw, format('%s', g)::ismap.ctrlid, format('Clause %s', g), 'clause' FROM generate_series(5, 8) g;
	INSERT INTO ismap.control (framework_id, control_id, title, parent_id, class)
	SELECT fw, format('%s.%s', g, c)::ismap.ctrlid, format('Category %s.%s', g, c), format('%s', g)::ismap.ctrlid, 'category'
	FROM generate_series(5, 8) g, generate_series(1, 3) c;
	INSERT INTO ismap.control (framework_id, control_id, title, parent_id, class)
	SELECT fw, format('%s.%s.%s', g, c, o)::ismap.ctrlid, format('Control objective %s.%s.%s', g, c, o),
		   format('%s.%s', g, c)::ismap.ctrlid, 'objective'
	FROM generate_series(5, 8) g, generate_series(1, 3) c, generate_series(1, 2) o;
	INSERT INTO ismap.control (framework_id, control_id, title, parent_id, class, mandatory)
	SELECT fw, format('%s.%s.%s.%s', g, c, o, d)::ismap.ctrlid, format('Detailed control %s.%s.%s.%s', g, c, o, d),
		   format('%s.%s.%s', g, c, o)::ismap.ctrlid, 'detailed', d = 1
	FROM generate_series(5, 8) g, generate_series(1, 3) c, generate_series(1, 2) o, generate_series(1, 4) d;
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO ismap.baseline (baseline_id, framework_id, title, level)
	SELECT format('%s-level%s', fw, l), fw, format('Level %s', l), l FROM generate_series(1, 3) l;
	INSERT INTO ismap.baseline_control (baseline_id, framework_id, control_id)
	SELECT format('%s-level%s', fw, l), fw, c.control_id
	FROM ismap.control c, generate_series(1, 3) l
	WHERE c.framework_id = fw
	  AND ((l = 1 AND (c.class = 'objective' OR (c.class = 'detailed' AND split_part(c.control_id::text, '.', 4)::int <= 2)))
		OR (l > 1 AND c.class = 'detailed' AND split_part(c.control_id::text, '.', 4)::int = l + 1));
	RETURN n;
END
$$;

-- Rows inserted with explicit ids leave their identity sequences behind:
-- move each past the largest id, so later rows (the generator's, or a
-- user's) never collide.
CREATE OR REPLACE FUNCTION ismap_gen.sync_sequences() RETURNS void
LANGUAGE plpgsql SET search_path = ismap_gen, ismap, pg_catalog, pg_temp AS $$
BEGIN
	PERFORM setval(pg_get_serial_sequence('ismap.' || t.tab, t.col),
				   greatest(coalesce(x.maxid, 0), 1), x.maxid IS NOT NULL)
	FROM (VALUES ('organization', 'org_id'), ('information_asset', 'asset_id'),
				 ('information_system', 'system_id'), ('csp', 'csp_id'), ('service', 'service_id'),
				 ('audit_body', 'audit_body_id'), ('auditor', 'auditor_id'),
				 ('audit_body_selection', 'selection_id'), ('audit', 'audit_id'),
				 ('application', 'application_id'), ('registration', 'registration_id')) t(tab, col)
	CROSS JOIN LATERAL (SELECT (xpath('/row/m/text()',
			query_to_xml(format('SELECT max(%I) AS m FROM ismap.%I', t.col, t.tab), false, true, '')))[1]::text::bigint AS maxid) x;
END
$$;

CREATE OR REPLACE FUNCTION ismap_gen.generate(services int DEFAULT 200, years int DEFAULT 5,
	until date DEFAULT '2026-10-01', seed float8 DEFAULT 0.42,
	OUT csps int, OUT services_made int, OUT audits int, OUT audit_results bigint,
	OUT registrations int, OUT delisted int, OUT events bigint)
-- without JIT: the generator files one application at a time, and
-- compiling the triggers' and validation's queries each time took most of
-- a 20,000-service build (86 % of its time in LLVM)
LANGUAGE plpgsql SET search_path = ismap_gen, ismap, pg_catalog, pg_temp SET jit = off AS $$
DECLARE
	fw text := ismap.policy_value('control_standard') #>> '{}';
	n_csp int := greatest(2, services / 3);
	n_body int := greatest(2, least(12, services / 25));
	first_year int := extract(year FROM until)::int - years;
	n_iaas int := greatest(1, services / 20);
	n_paas int := greatest(2, services / 4);
	svc record;
	app record;
	base_csp bigint;
	base_svc bigint;
	base_body bigint;
	base_audit bigint;
	p_start date;
	p_end date;
	lvl int;
	k int;
	audit_id_ bigint;
	submitted date;
	lead_ bigint;
	decided date;
	victim bigint;
	decisions int := 0;
BEGIN
	IF services < 3 OR years < 1 THEN
		RAISE EXCEPTION 'the generator needs at least 3 services and 1 year' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM setseed(seed);
	PERFORM ismap_gen.sync_sequences();
	IF NOT EXISTS (SELECT 1 FROM ismap.control WHERE framework_id = fw) THEN
		PERFORM ismap_gen.synthetic_standard(fw);
	END IF;
	SELECT coalesce(max(csp_id), 0) INTO base_csp FROM ismap.csp;
	SELECT coalesce(max(service_id), 0) INTO base_svc FROM ismap.service;
	SELECT coalesce(max(audit_body_id), 0) INTO base_body FROM ismap.audit_body;
	SELECT coalesce(max(audit_id), 0) INTO base_audit FROM ismap.audit;

	-- agencies, their information and systems
	INSERT INTO ismap.organization (name)
	SELECT format('%s %s', ismap_gen.pick('{Digital,Health,Finance,Transport,Education,Justice,Environment}'), o)
		|| ' Agency ' || (base_svc + o)
	FROM generate_series(1, greatest(2, services / 50)) o;
	INSERT INTO ismap.information_asset (org_id, name, rating)
	SELECT org.org_id, format('%s %s', ismap_gen.pick('{personnel,procurement,statistics,case,tax,public,meeting,research}'), i),
		   -- information has availability A1 or A2 (the draw stays as it was)
		   ismap.cia(CASE WHEN random() < 0.15 THEN 3 WHEN random() < 0.5 THEN 2 ELSE 1 END, 2, least(2, 1 + floor(random() * 3)::int))
	FROM ismap.organization org, generate_series(1, 8) i
	WHERE NOT EXISTS (SELECT 1 FROM ismap.information_asset a WHERE a.org_id = org.org_id);
	INSERT INTO ismap.information_system (org_id, name, business_function, availability, aggregation_raises)
	SELECT org.org_id, format('%s system %s', initcap(f.fn), i), f.fn,
		   1 + floor(random() * 3)::int, random() < 0.1
	FROM ismap.organization org, generate_series(1, 3) i,
		 LATERAL (SELECT ismap_gen.pick('{payroll,licensing,portal,analytics,records,mail}') || substr(org.name, 0, 0) AS fn) f
	WHERE NOT EXISTS (SELECT 1 FROM ismap.information_system s WHERE s.org_id = org.org_id);
	INSERT INTO ismap.system_asset (system_id, asset_id, org_id)
	SELECT s.system_id, a.asset_id, s.org_id
	FROM ismap.information_system s JOIN ismap.information_asset a ON a.org_id = s.org_id
	WHERE random() < 0.5
	ON CONFLICT DO NOTHING;

	-- providers
	INSERT INTO ismap.csp (csp_id, name, corporate_number, address)
	SELECT base_csp + i,
		   format('%s %s %s', ismap_gen.pick('{Kumo,Sakura,Fuji,Nami,Hikari,Midori,Sora,Yama,Kaze,Hoshi}'),
				  ismap_gen.pick('{Systems,Networks,Cloud,Data,Works,Solutions}'), base_csp + i)
			|| ' ' || ismap_gen.pick('{KK,GK,Inc.,Ltd.}'),
		   ismap_gen.corporate_number(3010001000000 % 1000000000000 + base_csp + i),
		   ismap_gen.pick('{Tokyo,Osaka,Fukuoka,Sapporo,Nagoya,Sendai}')
	FROM generate_series(1, n_csp) i;

	-- services in three tiers: 5 % IaaS, 20 % PaaS, the rest SaaS
	INSERT INTO ismap.service (service_id, csp_id, name, scope, delivery_models, deployment_models, responsibility)
	SELECT base_svc + i, base_csp + 1 + (i * 7919) % n_csp,
		   format('%s %s %s', ismap_gen.pick('{Aoi,Kiri,Tsuru,Kame,Matsu,Ume,Take,Kiku,Ran,Hasu}'),
				  CASE tier WHEN 'IaaS' THEN ismap_gen.pick('{Compute,Platform,Infrastructure}')
							WHEN 'PaaS' THEN ismap_gen.pick('{Database,Containers,Functions,Storage}')
							ELSE ismap_gen.pick('{Mail,Office,Chat,Forms,Analytics,Archive,CRM,Payroll}') END, base_svc + i),
		   CASE tier WHEN 'IaaS' THEN 'compute, storage and network of the Tokyo and Osaka regions'
					 WHEN 'PaaS' THEN 'managed platform services and their operation'
					 ELSE 'the application, its data and its support desk' END,
		   ARRAY[tier]::ismap.delivery_model[],
		   CASE WHEN random() < 0.1 THEN '{public,community}' ELSE '{public}' END::ismap.deployment_model[],
		   jsonb_build_object(tier, CASE tier
				WHEN 'IaaS' THEN '{"provider": ["facilities", "hardware", "hypervisor"], "customer": ["guest OS", "applications", "data"]}'::jsonb
				WHEN 'PaaS' THEN '{"provider": ["runtime", "patching"], "customer": ["applications", "data"], "shared": ["identity"]}'::jsonb
				ELSE '{"provider": ["application", "operation"], "customer": ["accounts", "data classification"]}'::jsonb END)
	FROM (SELECT i, CASE WHEN i <= n_iaas THEN 'IaaS' WHEN i <= n_paas THEN 'PaaS' ELSE 'SaaS' END AS tier
		  FROM generate_series(1, services) i) t;

	-- platforms: PaaS on one IaaS; SaaS on one or two IaaS/PaaS (ids
	-- base_svc+1 .. n_iaas are IaaS, up to n_paas PaaS)
	INSERT INTO ismap.service_dependency (service_id, base_service_id)
	SELECT DISTINCT d.service_id, d.base
	FROM (SELECT s.service_id,
				 base_svc + 1 + floor(random() * CASE WHEN s.delivery_models = '{PaaS}' THEN n_iaas ELSE n_paas END)::bigint AS base,
				 g.nth
		  FROM ismap.service s, generate_series(1, 2) g(nth)
		  WHERE s.service_id > n_iaas + base_svc) d
	WHERE d.nth = 1 OR random() < 0.3;
	-- and a tenth of SaaS on an older SaaS, so chains run deeper
	INSERT INTO ismap.service_dependency (service_id, base_service_id)
	SELECT s.service_id, base_svc + n_paas + 1 + floor(random() * (s.service_id - base_svc - n_paas - 1))::bigint
	FROM ismap.service s
	WHERE s.service_id > base_svc + n_paas + 1 AND random() < 0.1
	ON CONFLICT DO NOTHING;

	-- audit bodies, auditors, selections
	INSERT INTO ismap.audit_body (audit_body_id, name, corporate_number)
	SELECT base_body + i, format('%s Audit %s LLC', ismap_gen.pick('{Meiji,Taisho,Showa,Heisei,Reiwa,Edo}'), base_body + i),
		   ismap_gen.corporate_number(4010401000000 % 1000000000000 + base_body + i)
	FROM generate_series(1, n_body) i;
	INSERT INTO ismap.auditor (audit_body_id, name, nationality, experience_years)
	SELECT b.audit_body_id, format('Auditor %s-%s', b.audit_body_id, i),
		   CASE WHEN random() < 0.95 THEN 'JP' ELSE 'US' END, 1 + floor(random() * 20)::int
	FROM ismap.audit_body b, generate_series(1, 5) i
	WHERE b.audit_body_id > base_body;
	INSERT INTO ismap.auditor_qualification (auditor_id, qualification, valid_until)
	SELECT a.auditor_id, ismap_gen.pick('{CISA,CISSP,情報処理安全確保支援士,公認情報セキュリティ主任監査人}'),
		   CASE WHEN random() < 0.5 THEN NULL ELSE until + (floor(random() * 1500)::int - 300) END
	FROM ismap.auditor a WHERE a.audit_body_id > base_body
	ON CONFLICT DO NOTHING;
	INSERT INTO ismap.audit_body_selection (audit_body_id, valid_from, valid_until, next_report_due)
	SELECT b.audit_body_id, make_date(first_year - 1, 4, 1), make_date(extract(year FROM until)::int + 2, 3, 31),
		   make_date(extract(year FROM until)::int, 4 + (b.audit_body_id % 6)::int, 30)
	FROM ismap.audit_body b WHERE b.audit_body_id > base_body;

	-- audits and applications: a first audit of 6-12 months, then a year
	-- each; a service is audited by one body with one lead auditor
	SET LOCAL client_min_messages = warning;
	DROP TABLE IF EXISTS gen_plan;
	RESET client_min_messages;
	CREATE TEMP TABLE gen_plan (
		service_id bigint, audit_body_id bigint, lead bigint, level int,
		period_start date, period_end date, report_date date, submitted_on date, decide_on date, kind text,
		stops bool) ON COMMIT DROP;
	FOR svc IN
		SELECT s.service_id,
			   base_body + 1 + floor(random() * n_body)::bigint AS body,
			   CASE WHEN s.delivery_models = '{IaaS}' THEN 3
					WHEN s.delivery_models = '{PaaS}' THEN CASE WHEN random() < 0.6 THEN 3 ELSE 2 END
					ELSE CASE WHEN random() < 0.3 THEN 1 WHEN random() < 0.7 THEN 2 ELSE 3 END END AS level,
			   make_date(first_year + floor(random() * greatest(1, years - 1))::int, 1 + floor(random() * 12)::int, 1) AS start_,
			   random() < 0.05 AS stops
		FROM ismap.service s WHERE s.service_id > base_svc ORDER BY s.service_id
	LOOP
		SELECT a.auditor_id INTO lead_ FROM ismap.auditor a WHERE a.audit_body_id = svc.body
		ORDER BY a.experience_years DESC, a.auditor_id LIMIT 1;
		p_start := svc.start_;
		p_end := (p_start + (6 + floor(random() * 7)::int) * interval '1 month')::date - 1;
		k := 0;
		WHILE p_end + 45 < until LOOP
			-- the decision comes 5-20 days after the application, before the
			-- registration it renews runs out (period end + 4 months); drawn
			-- in this order so that a seed gives the registry it always gave
			submitted := p_end + 50 + floor(random() * 45)::int;
			decided := submitted + 5 + floor(random() * 15)::int;
			INSERT INTO gen_plan VALUES (svc.service_id, svc.body, lead_,
				svc.level, p_start, p_end, p_end + 45, submitted, decided,
				CASE WHEN k = 0 THEN 'new' ELSE 'renewal' END, svc.stops);
			k := k + 1;
			EXIT WHEN svc.stops AND k >= 2;
			p_start := p_end + 1;
			p_end := (p_start + interval '1 year')::date - 1;
		END LOOP;
	END LOOP;

	-- a service is audited at most at the level of the platforms it runs on
	LOOP
		UPDATE gen_plan p SET level = m.lvl
		FROM (SELECT d.service_id, min(b.level) AS lvl
			  FROM ismap.service_dependency d JOIN gen_plan b ON b.service_id = d.base_service_id
			  GROUP BY d.service_id) m
		WHERE m.service_id = p.service_id AND p.level > m.lvl;
		EXIT WHEN NOT FOUND;
	END LOOP;

	INSERT INTO ismap.audit (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
		period_start, period_end, report_date, scope)
	SELECT p.service_id, p.audit_body_id, p.lead, CASE WHEN p.level = 1 AND random() < 0.2 THEN 'internal_review' ELSE 'external' END,
		   p.level, fw, p.period_start, p.period_end, p.report_date, s.scope
	FROM gen_plan p JOIN ismap.service s USING (service_id)
	ORDER BY p.report_date, p.service_id;

	-- statements over the standard: every control of the audit's level
	-- baseline (all controls when there are no baselines); a few left out
	-- with a reason; results mostly effective
	INSERT INTO ismap.statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
	SELECT x.audit_id, fw, x.control_id, NOT x.out_, CASE WHEN x.out_ THEN 'not applicable to the service''s scope' END
	FROM (SELECT a.audit_id, a.target_level, c.control_id, random() < 0.03 AND NOT c.mandatory AND ismap.depth(c.control_id) = 4 AS out_
		  FROM ismap.audit a
		  JOIN ismap.control c ON c.framework_id = fw AND NOT c.withdrawn
		  WHERE a.audit_id > base_audit) x
	WHERE true
	  AND (NOT EXISTS (SELECT 1 FROM ismap.baseline b WHERE b.framework_id = fw AND b.level IS NOT NULL)
		   OR EXISTS (SELECT 1 FROM ismap.baseline_control bc JOIN ismap.baseline b USING (baseline_id, framework_id)
					  WHERE b.framework_id = fw AND b.level <= x.target_level AND bc.control_id = x.control_id))
	ORDER BY x.audit_id, x.control_id;	-- one statement is filed at once: its rows lie together
	INSERT INTO ismap.audit_result (audit_id, control_id, result, rationale)
	-- (only detailed controls that are not mandatory fail: an application
	-- the registry approved had its objectives and mandatory controls met)
	SELECT x.audit_id, x.control_id,
		   CASE WHEN x.weak AND x.r < 0.01 THEN 'ineffective' WHEN x.weak AND x.r < 0.02 THEN 'not_tested' ELSE 'effective' END,
		   CASE WHEN x.weak AND x.r < 0.01 THEN 'deviations above the tolerable rate in the sample' END
	FROM (SELECT si.audit_id, si.control_id, random() AS r,
				 ismap.depth(si.control_id) = 4 AND NOT coalesce(c.mandatory, false) AS weak
		  FROM ismap.statement_item si
		  LEFT JOIN ismap.control c ON c.framework_id = si.framework_id AND c.control_id = si.control_id
		  WHERE si.audit_id > base_audit AND si.selected) x
	ORDER BY x.audit_id, x.control_id;

	-- a few dependencies were evaluated by the dependent service's own audit
	UPDATE ismap.service_dependency d SET self_assessed_audit_id = (
		SELECT min(a.audit_id) FROM ismap.audit a WHERE a.service_id = d.service_id)
	WHERE d.service_id > base_svc AND random() < 0.05
	  AND EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = d.service_id);

	INSERT INTO ismap.application (service_id, audit_id, requested_level, kind, submitted_on)
	SELECT a.service_id, a.audit_id, a.target_level, p.kind, p.submitted_on
	FROM ismap.audit a JOIN gen_plan p ON p.service_id = a.service_id AND p.period_start = a.period_start
	WHERE a.audit_id > base_audit AND p.submitted_on <= until
	ORDER BY p.submitted_on, a.audit_id;

	-- the review workflow of each application decided by "until": accepted
	-- 1-3 days after submission; three in four get a review finding the
	-- next day (to the provider, one in five to the auditor), answered a
	-- day later and resolved on the decision day.  The dates come from the
	-- ids, not from random(), so a seed still gives the registry it gave.
	-- (Versions before 0.3.0, which the upgrade layer fills, have none.)
	IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'ismap.application'::regclass
			   AND attname = 'accepted_on' AND NOT attisdropped) THEN
	UPDATE ismap.application ap
	SET status = CASE WHEN ap.application_id % 4 = 0 THEN 'accepted' ELSE 'in_review' END,
		accepted_on = ap.submitted_on + 1 + (ap.application_id % 3)::int,
		review_started_on = CASE WHEN ap.application_id % 4 <> 0 THEN ap.submitted_on + 2 + (ap.application_id % 3)::int END
	FROM ismap.audit a JOIN gen_plan p ON p.service_id = a.service_id AND p.period_start = a.period_start
	WHERE a.audit_id = ap.audit_id AND a.audit_id > base_audit AND p.decide_on <= until;
	INSERT INTO ismap.review_finding (application_id, addressed_to, question, raised_on, raised_by,
		response, responded_on, responded_by, resolved_on, resolved_by)
	SELECT ap.application_id, CASE WHEN ap.application_id % 5 = 0 THEN 'auditor' ELSE 'csp' END,
		   'please explain the scope of the sample', ap.review_started_on, 'generator',
		   'the sample covers every region of the scope', ap.review_started_on + 1, 'generator', p.decide_on, 'generator'
	FROM ismap.application ap
	JOIN ismap.audit a ON a.audit_id = ap.audit_id
	JOIN gen_plan p ON p.service_id = a.service_id AND p.period_start = a.period_start
	WHERE a.audit_id > base_audit AND ap.status = 'in_review'
	ORDER BY ap.application_id;
	END IF;

	-- decisions in date order through the registry's own function; an
	-- application decided after "until" stays open
	FOR app IN
		SELECT ap.application_id, p.decide_on
		FROM ismap.application ap
		JOIN ismap.audit a ON a.audit_id = ap.audit_id
		JOIN gen_plan p ON p.service_id = a.service_id AND p.period_start = a.period_start
		WHERE a.audit_id > base_audit AND p.decide_on <= until
		ORDER BY p.decide_on, ap.application_id
	LOOP
		-- The whole build is one transaction, which autovacuum never sees:
		-- without fresh statistics the registration triggers keep plans
		-- made for near-empty tables (a hash join over every registration
		-- for each new one, quadratic in the size).  ANALYZE at 64, 128,
		-- 256, ... decisions: it counts this transaction's rows, and the
		-- plans cached for the old statistics are made afresh.
		-- (the tables an older version has: the upgrade layer generates
		-- with 0.1.0 and 0.2.0)
		IF decisions >= 64 AND decisions & (decisions - 1) = 0 THEN
			EXECUTE 'ANALYZE ' || (SELECT string_agg(t, ', ') FROM unnest(ARRAY['ismap.service', 'ismap.audit',
				'ismap.statement_item', 'ismap.application', 'ismap.registration', 'ismap.registered_content',
				'ismap.registry_listing']) t WHERE to_regclass(t) IS NOT NULL);
		END IF;
		decisions := decisions + 1;
		PERFORM ismap.register(app.application_id, app.decide_on);
	END LOOP;

	-- providers that stopped renewing: their registration lapsed
	UPDATE ismap.registration r SET status = 'expired', ended_on = r.valid_until + 1, end_reason = 'validity ended without renewal'
	WHERE r.status = 'active' AND r.valid_until < until AND r.service_id > base_svc;

	-- a few platforms are delisted on the last day, with their dependents
	delisted := 0;
	-- (random() is drawn in the order of service ids, whatever the plan)
	FOR victim IN
		WITH c AS MATERIALIZED (
			SELECT r.service_id FROM ismap.registration r JOIN ismap.service s USING (service_id)
			WHERE r.status = 'active' AND r.service_id > base_svc AND s.delivery_models && '{IaaS,PaaS}'
			ORDER BY r.service_id)
		SELECT c.service_id FROM c ORDER BY random() LIMIT greatest(1, services / 100)
	LOOP
		IF EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = victim AND r.status = 'active') THEN
			delisted := delisted + (SELECT count(*) FROM ismap.delist(victim, 'provider ended the service', until));
		END IF;
	END LOOP;

	-- what the agencies' systems procure (DESIGN 3.14): each system up to
	-- two services registered at its level or above and live on the last
	-- day, from their registration's first day; chosen without random()
	-- so that the rest of the registry is what it always was (older
	-- versions, without procurement, skip this)
	IF to_regclass('ismap.procurement') IS NOT NULL THEN
		-- (each system's level computed once, not once per registration)
		INSERT INTO ismap.procurement (system_id, service_id, from_date)
		WITH s AS MATERIALIZED (
			SELECT s.system_id, ismap.required_level(s.system_id) AS level
			FROM ismap.information_system s
			WHERE NOT EXISTS (SELECT 1 FROM ismap.procurement p WHERE p.system_id = s.system_id))
		SELECT x.system_id, x.service_id, x.registered_on
		FROM (SELECT s.system_id, r.service_id, r.registered_on,
					 row_number() OVER (PARTITION BY s.system_id ORDER BY hashint8(s.system_id * 7919 + r.service_id)) AS k
			  FROM s
			  JOIN ismap.registration r ON r.status = 'active' AND r.service_id > base_svc
				   AND r.level >= s.level AND r.program = 'ISMAP') x
		WHERE x.k <= 2;
	END IF;

	PERFORM ismap_gen.sync_sequences();
	csps := n_csp;
	services_made := services;
	SELECT count(*) INTO audits FROM ismap.audit WHERE audit_id > base_audit;
	SELECT count(*) INTO audit_results FROM ismap.audit_result WHERE audit_id > base_audit;
	SELECT count(*) INTO registrations FROM ismap.registration WHERE service_id > base_svc;
	SELECT count(*) INTO events FROM ismap.registry_event;
END
$$;
