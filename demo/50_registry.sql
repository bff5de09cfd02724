-- demo/50_registry.sql — a small registry: classification, the published
-- list, a delisting preview and the dependency picture
--
-- psql variable outdir: where the dependency graph (DOT) is written; the
-- demo script renders it to SVG with Graphviz.
\pset footer off
SET search_path = ismap, public;
\if :{?outdir}
\else
\set outdir .
\endif

\echo
\echo '== Generating a registry: 60 services over 5 years (test/generator/generator.sql) =='
SET client_min_messages = warning;
\ir ../test/generator/generator.sql
RESET client_min_messages;
SELECT * FROM ismap_gen.generate(services => 60, years => 5, until => '2026-10-01', seed => 0.42);

\echo '== The published registry: the newest active registrations =='
SELECT registration_number, service_name, csp_name, level, delivery_models, registered_on, valid_until, audit_body
FROM registry WHERE status = 'active'
ORDER BY registered_on DESC, registration_number LIMIT 8;

\echo '== Registrations by status and level =='
SELECT status, count(*) FILTER (WHERE level = 1) AS level1, count(*) FILTER (WHERE level = 2) AS level2,
       count(*) FILTER (WHERE level = 3) AS level3
FROM registry GROUP BY status ORDER BY status;

\echo '== An agency classifies a system; which registered services may it use? =='
SELECT o.name AS agency, s.name, classify_system(s.system_id) AS rating, required_level(s.system_id) AS needs_level
FROM information_system s JOIN organization o USING (org_id) ORDER BY s.system_id LIMIT 3;
SELECT code, severity, message FROM classification_findings((SELECT min(system_id) FROM information_system));
SELECT registration_number, service_name, level, uptime_pct, rto, rpo
FROM eligible_services((SELECT min(system_id) FROM information_system), '2026-10-01') LIMIT 5;

\echo '== Delisting preview: what ends if the busiest active platform is delisted =='
SELECT s.service_id AS platform, s.name AS platform_name
FROM service s JOIN registration r ON r.service_id = s.service_id AND r.status = 'active'
WHERE s.delivery_models && '{IaaS,PaaS}'
ORDER BY (SELECT count(*) FROM delisting_impact(s.service_id)) DESC, s.service_id LIMIT 1 \gset
SELECT i.depth, i.service_id, s.name, r.registration_number, i.via AS via_platforms
FROM delisting_impact(:platform) i
JOIN service s ON s.service_id = i.service_id
JOIN registration r ON r.registration_id = i.registration_id
ORDER BY i.depth, i.service_id;
\echo '(a preview changes nothing; ismap.delist() would end exactly these, in one transaction)'

\echo '== Which agencies depend on a platform, and through what (agency_impact) =='
SELECT s.service_id AS agency_platform, s.name AS platform_name
FROM service s JOIN registration r ON r.service_id = s.service_id AND r.status = 'active'
WHERE s.delivery_models && '{IaaS,PaaS}'
ORDER BY (SELECT count(*) FROM agency_impact(s.service_id)) DESC, s.service_id LIMIT 1 \gset
SELECT o.name AS agency, sys.name AS system, s.name AS procured_service, i.depth, i.via AS via_platforms
FROM agency_impact(:agency_platform) i
JOIN organization o ON o.org_id = i.org_id
JOIN information_system sys ON sys.system_id = i.system_id
JOIN service s ON s.service_id = i.service_id
ORDER BY agency, system, i.depth, procured_service;
\echo '(procurements are refused unless the service is eligible on their first day; the jobs notify each agency once when a service it uses ends)'

\echo '== The event log is hash-chained; verification recomputes it =='
SELECT kind, count(*) FROM registry_event GROUP BY kind ORDER BY kind;
SELECT * FROM verify_event_chain();

\echo '== Reports: the registry as JSON (first entry) =='
SELECT jsonb_pretty(registry_json()->'registrations'->0);

-- the platform's dependency graph, for Graphviz
\pset format unaligned
\pset tuples_only on
\o :outdir/dependencies.dot
SELECT dependency_dot(:platform);
\o
\pset tuples_only off
\pset format aligned
\echo == Dependency graph of :platform_name written to :outdir/dependencies.dot ==
