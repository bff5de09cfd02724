-- test/jobs/bulk.sql — large synthetic registries for the batch jobs'
-- kill test (test/jobs/run) and benchmarks (bench/jobs).
--
--   SELECT ismap_bulk.renewals(n, as_of);   -- n services, one registration each
--   SELECT ismap_bulk.forest(n, levels, as_of);
--
-- Rows go straight into the tables (no ismap.register), and the
-- registration event trigger is off while they load: a million "registered"
-- events would only slow the set-up.  Every later change (what the jobs
-- do) writes its events as usual.  Both need an empty registry.

CREATE SCHEMA IF NOT EXISTS ismap_bulk;

CREATE OR REPLACE FUNCTION ismap_bulk.parties() RETURNS void
LANGUAGE sql AS $$
	INSERT INTO ismap.framework (framework_id, title) VALUES ('ismap', 'bulk standard') ON CONFLICT DO NOTHING;
	INSERT INTO ismap.csp (csp_id, name, corporate_number) VALUES (1, 'Bulk KK', '7000012050002');
	INSERT INTO ismap.audit_body (audit_body_id, name, corporate_number) VALUES (1, 'Bulk Audit LLC', '1180301018771');
	INSERT INTO ismap.auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Sato', 'JP', 10);
	INSERT INTO ismap.audit_body_selection (audit_body_id, valid_from, valid_until, next_report_due)
	VALUES (1, '2020-04-01', '2030-03-31', '2030-01-31');
$$;

-- services 1..n with one registration each, registered a year before
-- as_of; valid_until spread from 120 days before as_of to 80 days after,
-- so that about 60 % expire on as_of, and the rest fall in the notice
-- windows or beyond.  Every tenth service filed a renewal in time (kept).
CREATE OR REPLACE FUNCTION ismap_bulk.renewals(n int, as_of date) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ismap_bulk.parties();
	INSERT INTO ismap.service (service_id, csp_id, name, scope, delivery_models, deployment_models)
	SELECT i, 1, 'service ' || i, 'scope', '{SaaS}', '{public}' FROM generate_series(1, n) i;
	INSERT INTO ismap.audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
		period_start, period_end, report_date, scope)
	SELECT i, i, 1, 1, 2, 'ismap', as_of - 800, as_of - 500, as_of - 450, 'scope' FROM generate_series(1, n) i;
	INSERT INTO ismap.application (application_id, service_id, audit_id, requested_level, kind, submitted_on, status, decided_on)
	SELECT i, i, i, 2, 'new', as_of - 400, 'approved', as_of - 365 FROM generate_series(1, n) i;
	ALTER TABLE ismap.registration DISABLE TRIGGER registration_events;
	INSERT INTO ismap.registration (registration_id, registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	SELECT i, format('C%s-%s-2', to_char(as_of - 365, 'YY'), lpad(i::text, 7, '0')), i, 2, i,
		   as_of - 365, as_of - 120 + (i % 200), 'active'
	FROM generate_series(1, n) i;
	ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_events;
	-- renewals filed in time by every tenth service, still open
	INSERT INTO ismap.audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
		period_start, period_end, report_date, scope)
	SELECT n + i, i, 1, 1, 2, 'ismap', as_of - 500, as_of - 150, as_of - 140, 'scope' FROM generate_series(10, n, 10) i;
	INSERT INTO ismap.application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
	SELECT n + i, i, n + i, 2, 'renewal', as_of - 130 FROM generate_series(10, n, 10) i;
	PERFORM setval(pg_get_serial_sequence('ismap.' || t, c), m)
	FROM (VALUES ('service', 'service_id', n), ('audit', 'audit_id', 2 * n), ('application', 'application_id', 2 * n),
				 ('registration', 'registration_id', n)) v(t, c, m);
	RETURN n;
END
$$;

-- a forest of n services in `levels` levels of n/levels; each service
-- below the top runs on a random service of the level above (so trees
-- branch and some stop); a fifth of the top-level platforms expired 60
-- days before as_of, everything else is active
CREATE OR REPLACE FUNCTION ismap_bulk.forest(n int, levels int, as_of date, seed float8 DEFAULT 0.42) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	w int := n / levels;
BEGIN
	PERFORM setseed(seed);
	PERFORM ismap_bulk.parties();
	INSERT INTO ismap.service (service_id, csp_id, name, scope, delivery_models, deployment_models)
	SELECT i, 1, 'service ' || i, 'scope', CASE WHEN i <= w THEN '{IaaS}' ELSE '{SaaS}' END::ismap.delivery_model[], '{public}'
	FROM generate_series(1, w * levels) i;
	INSERT INTO ismap.service_dependency (service_id, base_service_id)
	SELECT i, ((i - 1) / w - 1) * w + 1 + floor(random() * w)::int
	FROM generate_series(w + 1, w * levels) i;
	INSERT INTO ismap.audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
		period_start, period_end, report_date, scope)
	SELECT i, i, 1, 1, 2, 'ismap', as_of - 500, as_of - 200, as_of - 150, 'scope' FROM generate_series(1, w * levels) i;
	INSERT INTO ismap.application (application_id, service_id, audit_id, requested_level, kind, submitted_on, status, decided_on)
	SELECT i, i, i, 2, 'new', as_of - 140, 'approved', as_of - 130 FROM generate_series(1, w * levels) i;
	ALTER TABLE ismap.registration DISABLE TRIGGER registration_events;
	INSERT INTO ismap.registration (registration_id, registration_number, service_id, level, application_id,
		registered_on, valid_until, status, ended_on, end_reason)
	SELECT i, format('C%s-%s-2', to_char(as_of - 130, 'YY'), lpad(i::text, 7, '0')), i, 2, i,
		   as_of - 130, CASE WHEN lapsed THEN as_of - 61 ELSE as_of + 400 END,
		   CASE WHEN lapsed THEN 'expired' ELSE 'active' END,
		   CASE WHEN lapsed THEN as_of - 60 END,
		   CASE WHEN lapsed THEN 'validity ended without renewal' END
	FROM (SELECT i, i <= w AND i % 5 = 0 AS lapsed FROM generate_series(1, w * levels) i) x;
	ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_events;
	PERFORM setval(pg_get_serial_sequence('ismap.' || t, c), w * levels)
	FROM (VALUES ('service', 'service_id'), ('audit', 'audit_id'), ('application', 'application_id'),
				 ('registration', 'registration_id')) v(t, c);
	RETURN w * levels;
END
$$;
