-- the reader-safe aggregates (docs/security.md, "Reader-safe aggregates"):
-- what an analyst with the reader role learns of audit results, statements
-- and procurements, and what a competitor cannot learn through them: a
-- small group, a group narrowed to one service, a group where every member
-- shares the secret, the moment a service is registered
\i test/regress/setup.psql
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
\set logins 'agg_reader agg_competitor'
\i test/regress/logins.psql
GRANT ismap_reader TO agg_reader;
GRANT ismap_csp TO agg_competitor;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-- a registry whose every year has ended (registrations up to 2024)
SELECT services_made FROM ismap_gen.generate(services => 120, years => 4, until => '2024-10-01', seed => 0.42);
-- the competitor is a provider of the registry
SELECT csp_id FROM principal('agg_competitor', NULL, (SELECT min(csp_id) FROM csp));

-- the functions: the owner's rights, a fixed search_path, no argument (a
-- parameter would let a caller narrow a group), every role may run them;
-- but agency_reliance(service_ids), whose argument chooses which services'
-- rows come back, each row as agency_reliance() gives it (below)
SELECT p.proname, p.prosecdef, p.pronargs, p.proconfig,
       has_function_privilege('ismap_reader', p.oid, 'EXECUTE') AS reader,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public
FROM pg_proc p WHERE p.pronamespace = 'ismap'::regnamespace
  AND p.proname IN ('ineffective_control_counts', 'control_exclusion_counts', 'agency_reliance', 'application_stage_medians')
ORDER BY p.proname;
-- and none returns a provider, a service id or a reason
SELECT p.proname, array_to_string(p.proargnames, ',') AS columns
FROM pg_proc p WHERE p.pronamespace = 'ismap'::regnamespace
  AND p.proname IN ('ineffective_control_counts', 'control_exclusion_counts', 'agency_reliance')
ORDER BY p.proname;

-- the reader reads none of what they count
SET ROLE agg_reader;
SELECT count(*) FROM audit_result;
SELECT count(*) FROM statement_item;
SELECT count(*) FROM procurement;
RESET ROLE;

-------------------------------------------------------------------------------
-- ineffective controls.  A clean slate: every result of the year's most
-- registered year on one level-1 control effective; then the test marks
-- it ineffective in chosen registrations (the freeze guard held off: the
-- results of decided audits are frozen for everyone else)
-------------------------------------------------------------------------------
BEGIN;
SELECT date_part('year', registered_on)::int AS y FROM registration
GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 \gset
SELECT bc.control_id AS x FROM baseline_control bc JOIN control c USING (framework_id, control_id)
WHERE bc.baseline_id = 'ismap-level1' AND c.class = 'detailed' ORDER BY bc.control_id LIMIT 1 \gset
ALTER TABLE audit_result DISABLE TRIGGER USER;
ALTER TABLE statement_item DISABLE TRIGGER USER;
-- (but not the control tallies the function reads)
ALTER TABLE audit_result ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE audit_result ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE audit_result ENABLE ALWAYS TRIGGER control_tally_delete;
ALTER TABLE statement_item ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE statement_item ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE statement_item ENABLE ALWAYS TRIGGER control_tally_delete;
-- the year's registrations that stated the control, one per service, the
-- providers in turn (so the first n come from as many providers as can)
CREATE TEMP TABLE cand AS
SELECT r.registration_id, r.audit_id, r.service_id, s.csp_id,
       row_number() OVER (ORDER BY k, r.registration_id) AS n
FROM (SELECT DISTINCT ON (r.service_id) r.* FROM registration r
      WHERE date_part('year', r.registered_on) = :y ORDER BY r.service_id, r.registration_id) r
JOIN service s USING (service_id)
JOIN statement_item si ON si.audit_id = r.audit_id AND si.control_id OPERATOR(ismap.=) :'x'::ctrlid AND si.selected
JOIN audit_result ar ON ar.audit_id = r.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid,
LATERAL (SELECT count(*) AS k FROM registration r2 JOIN service s2 USING (service_id)
         WHERE s2.csp_id = s.csp_id AND date_part('year', r2.registered_on) = :y
           AND r2.registration_id < r.registration_id) kk;
SELECT count(*) >= 20 AS enough_candidates, count(DISTINCT csp_id) >= 10 AS enough_providers FROM cand;
UPDATE audit_result ar SET result = 'effective' FROM registration r
WHERE ar.audit_id = r.audit_id AND date_part('year', r.registered_on) = :y AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid;
CREATE TEMP VIEW shown WITH (security_invoker = true) AS
SELECT services, providers FROM ineffective_control_counts()
WHERE year = :y AND control_id OPERATOR(ismap.=) :'x'::ctrlid;
GRANT SELECT ON shown TO agg_reader, agg_competitor;

-- 4 services of 4 providers: too small a group; the 5th shows it
UPDATE audit_result ar SET result = 'ineffective' FROM cand
WHERE ar.audit_id = cand.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid AND cand.n <= 4;
SELECT count(DISTINCT csp_id) AS providers FROM cand WHERE n <= 4;
SET ROLE agg_competitor;
SELECT * FROM shown;
RESET ROLE;
UPDATE audit_result ar SET result = 'ineffective' FROM cand
WHERE ar.audit_id = cand.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid AND cand.n = 5;
SET ROLE agg_competitor;
SELECT * FROM shown;
RESET ROLE;
SET ROLE agg_reader;
SELECT * FROM shown;
-- filters only narrow the answer, never the group: no row speaks of
-- fewer than 5 services, whatever the caller asks
SELECT count(*) AS rows_below_5 FROM ineffective_control_counts() WHERE services < 5 OR providers < 3;
RESET ROLE;

-- 5 services but of 2 providers: one provider would be most of it
UPDATE audit_result ar SET result = 'effective' FROM cand
WHERE ar.audit_id = cand.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid;
CREATE TEMP TABLE two AS
SELECT audit_id FROM (
	SELECT c.*, row_number() OVER (PARTITION BY csp_id ORDER BY n) AS m,
	       dense_rank() OVER (ORDER BY cnt DESC, csp_id) AS p
	FROM (SELECT cand.*, count(*) OVER (PARTITION BY csp_id) AS cnt FROM cand) c) c
WHERE p <= 2 AND m <= 3 ORDER BY p, m LIMIT 5;
UPDATE audit_result ar SET result = 'ineffective' FROM two
WHERE ar.audit_id = two.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid;
SELECT count(*) AS services, count(DISTINCT s.csp_id) AS providers
FROM two JOIN registration r USING (audit_id) JOIN service s USING (service_id);
SET ROLE agg_competitor;
SELECT * FROM shown;
RESET ROLE;

-- all but 4 of the year's registrations due to state the control found it
-- ineffective: the count would say "all of them" of the rest; left out.
-- One more effective result (or an exclusion less) is the line
UPDATE audit_result ar SET result = 'effective' FROM two
WHERE ar.audit_id = two.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid;
UPDATE audit_result ar SET result = 'ineffective' FROM registration r
WHERE ar.audit_id = r.audit_id AND date_part('year', r.registered_on) = :y AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid
  AND r.registration_id NOT IN (SELECT registration_id FROM cand ORDER BY n DESC LIMIT 4);
SET ROLE agg_competitor;
SELECT count(*) AS shown_when_4_remain FROM shown;
RESET ROLE;
UPDATE audit_result ar SET result = 'effective' FROM cand
WHERE ar.audit_id = cand.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid
  AND cand.registration_id = (SELECT registration_id FROM cand ORDER BY n DESC OFFSET 4 LIMIT 1);
SET ROLE agg_competitor;
SELECT count(*) AS shown_when_5_remain FROM shown;
RESET ROLE;
-- an exclusion takes a registration out of those due to state it: back to 4
UPDATE statement_item si SET selected = false, exclusion_reason = 'not offered'
FROM cand WHERE si.audit_id = cand.audit_id AND si.control_id OPERATOR(ismap.=) :'x'::ctrlid
  AND cand.registration_id = (SELECT registration_id FROM cand ORDER BY n DESC LIMIT 1);
SET ROLE agg_competitor;
SELECT count(*) AS shown_after_an_exclusion FROM shown;
RESET ROLE;

-- the moment of a registration: a year still running is never shown, so the
-- day a service is registered changes nothing a reader can see.  Of six
-- services found ineffective, five are moved into this year (the dates
-- moved, the registry's triggers held off): they make no row of this year,
-- and the one left in its year is too few to show
UPDATE audit_result ar SET result = 'effective' FROM registration r
WHERE ar.audit_id = r.audit_id AND date_part('year', r.registered_on) = :y AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid;
UPDATE audit_result ar SET result = 'ineffective' FROM cand
WHERE ar.audit_id = cand.audit_id AND ar.control_id OPERATOR(ismap.=) :'x'::ctrlid AND cand.n <= 6;
SET ROLE agg_competitor;
SELECT * FROM shown;
RESET ROLE;
ALTER TABLE registration DISABLE TRIGGER USER;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_update;
ALTER TABLE registration ENABLE ALWAYS TRIGGER control_tally_delete;
UPDATE registration r SET registered_on = date_trunc('year', current_date)::date,
       valid_until = date_trunc('year', current_date)::date + 400
FROM cand WHERE r.registration_id = cand.registration_id AND cand.n <= 5;
SET ROLE agg_competitor;
SELECT count(*) AS rows_of_this_year FROM ineffective_control_counts()
WHERE year >= date_part('year', current_date);
SELECT * FROM shown;
RESET ROLE;
ROLLBACK;

-------------------------------------------------------------------------------
-- exclusions: the services registered now that leave a control out; no
-- reason shown
-------------------------------------------------------------------------------
BEGIN;
ALTER TABLE statement_item DISABLE TRIGGER USER;
SELECT bc.control_id AS x FROM baseline_control bc JOIN control c USING (framework_id, control_id)
WHERE bc.baseline_id = 'ismap-level1' AND c.class = 'detailed' ORDER BY bc.control_id DESC LIMIT 1 \gset
UPDATE statement_item si SET selected = true, exclusion_reason = NULL FROM registration r
WHERE si.audit_id = r.audit_id AND r.status = 'active' AND si.control_id OPERATOR(ismap.=) :'x'::ctrlid;
CREATE TEMP TABLE act AS
SELECT audit_id, csp_id, row_number() OVER (ORDER BY k, registration_id) AS n
FROM (SELECT r.audit_id, r.registration_id, s.csp_id,
             rank() OVER (PARTITION BY s.csp_id ORDER BY r.registration_id) AS k
      FROM registration r JOIN service s USING (service_id)
      JOIN statement_item si ON si.audit_id = r.audit_id AND si.control_id OPERATOR(ismap.=) :'x'::ctrlid
      WHERE r.status = 'active') a;
CREATE TEMP VIEW excl WITH (security_invoker = true) AS
SELECT * FROM control_exclusion_counts() WHERE control_id OPERATOR(ismap.=) :'x'::ctrlid;
GRANT SELECT ON excl TO agg_reader, agg_competitor;
UPDATE statement_item si SET selected = false, exclusion_reason = 'Acme Corp. has no data centre (secret)'
FROM act WHERE si.audit_id = act.audit_id AND si.control_id OPERATOR(ismap.=) :'x'::ctrlid AND act.n <= 4;
SELECT count(DISTINCT csp_id) AS providers FROM act WHERE n <= 4;
SET ROLE agg_competitor;
SELECT services, providers FROM excl;
RESET ROLE;
UPDATE statement_item si SET selected = false, exclusion_reason = 'Acme Corp. has no data centre (secret)'
FROM act WHERE si.audit_id = act.audit_id AND si.control_id OPERATOR(ismap.=) :'x'::ctrlid AND act.n = 5;
SET ROLE agg_reader;
SELECT services, providers FROM excl;
SELECT count(*) AS reasons_shown FROM control_exclusion_counts() c WHERE c::text LIKE '%secret%';
SELECT count(*) AS rows_below_5 FROM control_exclusion_counts() WHERE services < 5 OR providers < 3;
RESET ROLE;
ROLLBACK;

-------------------------------------------------------------------------------
-- the agencies' reliance: systems that procure a service or one built on
-- it.  Three agencies of the generator's (two) and one more, a platform
-- with a service on it; the procurements laid by hand (the eligibility
-- check held off)
-------------------------------------------------------------------------------
BEGIN;
ALTER TABLE procurement DISABLE TRIGGER USER;
DELETE FROM procurement;
INSERT INTO organization (name) VALUES ('Third Agency');
INSERT INTO information_system (org_id, name, business_function, availability)
SELECT (SELECT max(org_id) FROM organization), 'system ' || i, 'records', 1 FROM generate_series(1, 2) i;
SELECT count(DISTINCT org_id) AS agencies, count(*) AS systems FROM information_system;
SELECT d.service_id AS svc, d.base_service_id AS platform FROM service_dependency d
JOIN registration r ON r.service_id = d.service_id AND r.status = 'active'
JOIN registration b ON b.service_id = d.base_service_id AND b.status = 'active'
WHERE d.self_assessed_audit_id IS NULL ORDER BY d.service_id, d.base_service_id LIMIT 1 \gset
CREATE TEMP TABLE sys AS
SELECT system_id, org_id, row_number() OVER (ORDER BY k, system_id) AS n
FROM (SELECT system_id, org_id, rank() OVER (PARTITION BY org_id ORDER BY system_id) AS k FROM information_system) s;
CREATE TEMP VIEW rel WITH (security_invoker = true) AS
SELECT r.service_id = :platform AS is_platform, x.systems, x.agencies
FROM agency_reliance() x
JOIN registration r ON r.registration_number = x.registration_number AND r.status = 'active'
WHERE r.service_id IN (:svc, :platform);
GRANT SELECT ON rel TO agg_reader, agg_competitor;
-- agency_reliance(service_ids): the rows of agency_reliance() for the
-- services named, each the same (the argument chooses services, not the
-- systems counted); a service named twice, NULL or unregistered adds none
CREATE TEMP VIEW rel_named WITH (security_invoker = true) AS
WITH whole AS (
	SELECT x.* FROM agency_reliance() x
	JOIN registration r ON r.registration_number = x.registration_number AND r.status = 'active'
	WHERE r.service_id IN (:svc, :platform)),
named AS (SELECT * FROM agency_reliance(ARRAY[:svc, :platform, :svc, NULL, -1]::bigint[]))
SELECT (SELECT count(*) FROM named) AS named_rows,
	   (SELECT count(*) FROM ((SELECT * FROM whole EXCEPT ALL SELECT * FROM named)
							  UNION ALL (SELECT * FROM named EXCEPT ALL SELECT * FROM whole)) d) AS rows_differing;
GRANT SELECT ON rel_named TO agg_reader, agg_competitor;
-- 4 systems of 3 agencies procure the service built on the platform
INSERT INTO procurement (system_id, service_id, from_date) SELECT system_id, :svc, DATE '2024-01-01' FROM sys WHERE n <= 4;
SELECT count(DISTINCT org_id) AS agencies FROM sys WHERE n <= 4;
SET ROLE agg_reader;
SELECT * FROM rel;
RESET ROLE;
-- a 5th: both the service and its platform show 5 systems of 3 agencies
INSERT INTO procurement (system_id, service_id, from_date) SELECT system_id, :svc, DATE '2024-01-01' FROM sys WHERE n = 5;
SET ROLE agg_competitor;
SELECT * FROM rel ORDER BY is_platform;
SELECT * FROM rel_named;
RESET ROLE;
-- a procurement ended or not yet begun does not count
UPDATE procurement SET until_date = DATE '2024-06-30' WHERE system_id = (SELECT system_id FROM sys WHERE n = 5);
SET ROLE agg_reader;
SELECT * FROM rel;
RESET ROLE;
UPDATE procurement SET until_date = NULL, from_date = current_date + 1 WHERE system_id = (SELECT system_id FROM sys WHERE n = 5);
SET ROLE agg_reader;
SELECT * FROM rel;
RESET ROLE;
-- 5 systems of 2 agencies: left out
UPDATE procurement SET from_date = DATE '2024-01-01' WHERE system_id = (SELECT system_id FROM sys WHERE n = 5);
UPDATE procurement SET system_id = (SELECT min(system_id) FROM sys WHERE org_id <> (SELECT max(org_id) FROM organization) AND n > 5)
WHERE system_id IN (SELECT system_id FROM sys WHERE org_id = (SELECT max(org_id) FROM organization));
SELECT count(DISTINCT p.system_id) AS systems, count(DISTINCT s.org_id) AS agencies
FROM procurement p JOIN information_system s USING (system_id);
SET ROLE agg_reader;
SELECT * FROM rel;
SELECT * FROM rel_named;
RESET ROLE;
ROLLBACK;

-------------------------------------------------------------------------------
-- agency_reliance's two forms count in one place
-- (ismap_internal.agency_reliance_of): at the threshold's edges (4 and 5
-- systems of 3 agencies, 5 systems of 2 and of 3 agencies), through a
-- platform, with a system that procures a service and its platform
-- counted once; the two forms compared as the reader on every service,
-- named all at once and one by one
-------------------------------------------------------------------------------
BEGIN;
ALTER TABLE procurement DISABLE TRIGGER USER;
DELETE FROM procurement;
INSERT INTO organization (name) SELECT 'Edge agency ' || a FROM generate_series(1, 3) a;
INSERT INTO information_system (org_id, name, business_function, availability)
SELECT o.org_id, o.name || ' system ' || i, 'records', 1
FROM organization o, generate_series(1, 6) i WHERE o.name LIKE 'Edge agency %';
-- the systems: agency 1, 2 or 3 and the system's number there
CREATE TEMP TABLE esys AS
SELECT s.system_id, right(o.name, 1)::int AS a, row_number() OVER (PARTITION BY o.org_id ORDER BY s.system_id) AS i
FROM information_system s JOIN organization o USING (org_id) WHERE o.name LIKE 'Edge agency %';
-- registered services that no service runs on, and whose platforms (up
-- the chain) are not the service and platform of above: each shows its own
-- procurements only; and that service and platform
CREATE TEMP TABLE picks AS
WITH RECURSIVE up(service_id, base_service_id) AS (
	SELECT d.service_id, d.base_service_id FROM service_dependency d WHERE d.self_assessed_audit_id IS NULL
	UNION
	SELECT u.service_id, d.base_service_id FROM up u
	JOIN service_dependency d ON d.service_id = u.base_service_id AND d.self_assessed_audit_id IS NULL)
SELECT tag, service_id FROM (
	SELECT s.service_id, row_number() OVER (ORDER BY s.service_id) AS k FROM service s
	WHERE EXISTS (SELECT 1 FROM registration r WHERE r.service_id = s.service_id AND r.status = 'active')
	  AND s.service_id NOT IN (:svc, :platform)
	  AND NOT EXISTS (SELECT 1 FROM up WHERE up.base_service_id = s.service_id)
	  AND NOT EXISTS (SELECT 1 FROM up WHERE up.service_id = s.service_id AND up.base_service_id IN (:svc, :platform))) s
JOIN (VALUES (1, 's4a3'), (2, 's5a3'), (3, 's5a2'), (4, 's6a3')) t(k, tag) USING (k)
UNION ALL VALUES ('svc', :svc), ('platform', :platform);
SELECT count(*) AS picks, count(DISTINCT service_id) AS distinct_services FROM picks;
-- what each procures: (tag, agency, systems 1..n of it)
INSERT INTO procurement (system_id, service_id, from_date)
SELECT e.system_id, p.service_id, DATE '2024-01-01'
FROM (VALUES ('s4a3', 1, 2), ('s4a3', 2, 1), ('s4a3', 3, 1),
			 ('s5a3', 1, 3), ('s5a3', 2, 1), ('s5a3', 3, 1),
			 ('s5a2', 1, 3), ('s5a2', 2, 2),
			 ('s6a3', 1, 2), ('s6a3', 2, 2), ('s6a3', 3, 2),
			 -- the service: 4 systems of 3 agencies; its platform those
			 -- and 2 of its own, one of which also procures the service
			 ('svc', 1, 2), ('svc', 2, 1), ('svc', 3, 1),
			 ('platform', 1, 3)) w(tag, a, n)
JOIN picks p USING (tag) JOIN esys e ON e.a = w.a AND e.i <= w.n
WHERE NOT (w.tag = 'platform' AND e.i = 2);
GRANT SELECT ON picks TO agg_reader;
SET ROLE agg_reader;
-- per service: the row of agency_reliance(), of agency_reliance(ARRAY[it])
-- and of agency_reliance(every pick); the edges: 4 systems are too few, 2
-- agencies too few, the platform's 5 are its 2 and the service's 4 with the
-- system that procures both counted once
SELECT p.tag, w.systems, w.agencies,
	   (SELECT row(n.systems, n.agencies) FROM agency_reliance(ARRAY[p.service_id]) n) AS named_alone,
	   (SELECT row(n.systems, n.agencies) FROM agency_reliance(ARRAY(SELECT service_id FROM picks)) n
		WHERE n.registration_number = r.registration_number) AS named_with_all
FROM picks p
JOIN registration r ON r.service_id = p.service_id AND r.status = 'active'
LEFT JOIN agency_reliance() w ON w.registration_number = r.registration_number
ORDER BY p.tag;
-- every registered service: the whole list, the list of every service
-- named at once, and each service named alone, row for row the same
CREATE TEMP VIEW every_service AS SELECT DISTINCT service_id FROM registration;
SELECT (SELECT count(*) FROM agency_reliance()) AS rows_whole,
	   (SELECT count(*) FROM ((SELECT * FROM agency_reliance()
							   EXCEPT ALL SELECT * FROM agency_reliance(ARRAY(SELECT service_id FROM every_service)))
							  UNION ALL (SELECT * FROM agency_reliance(ARRAY(SELECT service_id FROM every_service))
							   EXCEPT ALL SELECT * FROM agency_reliance())) d) AS differing_named_at_once,
	   (SELECT count(*) FROM ((SELECT * FROM agency_reliance()
							   EXCEPT ALL SELECT x.* FROM every_service e, agency_reliance(ARRAY[e.service_id]) x)
							  UNION ALL (SELECT x.* FROM every_service e, agency_reliance(ARRAY[e.service_id]) x
							   EXCEPT ALL SELECT * FROM agency_reliance())) d) AS differing_one_by_one;
-- and in the same order
SELECT array_agg(x.registration_number ORDER BY o) = (SELECT array_agg(registration_number) FROM agency_reliance()) AS same_order
FROM agency_reliance(ARRAY(SELECT service_id FROM every_service)) WITH ORDINALITY x(registration_number, service_name, systems, agencies, o);
RESET ROLE;
-- the threshold is the count's own, not its callers': handed the pairs of
-- 4 systems (one of them five times over), even the owner gets no row;
-- a 5th system of a 3rd agency makes the row
SELECT count(*) AS rows_of_4 FROM ismap_internal.agency_reliance_of(
	array_fill((SELECT service_id FROM picks WHERE tag = 's4a3'), ARRAY[8]),
	ARRAY(SELECT system_id FROM esys, generate_series(1, 5) WHERE a = 1 AND i = 1)
	  || ARRAY(SELECT system_id FROM esys WHERE (a, i) IN ((1, 2), (2, 1), (3, 1)) ORDER BY system_id));
SELECT systems, agencies FROM ismap_internal.agency_reliance_of(
	array_fill((SELECT service_id FROM picks WHERE tag = 's4a3'), ARRAY[5]),
	ARRAY(SELECT system_id FROM esys WHERE (a, i) IN ((1, 1), (1, 2), (2, 1), (3, 1), (3, 2)) ORDER BY system_id));
ROLLBACK;

-------------------------------------------------------------------------------
-- a member of the group: an agency records procurements of its own
-- systems, which count toward agency_reliance's threshold.  Three of its
-- own would lift a hidden group (one system of each of two other
-- agencies) to "5 systems of 3 agencies" and tell it how many other
-- systems and agencies rely on the service; the threshold is met, for an
-- agency's session, by the other agencies' systems alone (the reader
-- still sees the group; the insider once the others pass without it)
-------------------------------------------------------------------------------
SET client_min_messages = warning;
\set logins 'agg_agency'
\i test/regress/logins.psql
GRANT ismap_agency TO agg_agency;
RESET client_min_messages;
BEGIN;
ALTER TABLE procurement DISABLE TRIGGER USER;
DELETE FROM procurement;
INSERT INTO organization (name) VALUES ('Insider agency'), ('Fourth agency');
INSERT INTO information_system (org_id, name, business_function, availability)
SELECT o.org_id, o.name || ' system ' || i, 'records', 1
FROM organization o, generate_series(1, 3) i WHERE o.name IN ('Insider agency', 'Fourth agency');
SELECT org_id AS ins FROM organization WHERE name = 'Insider agency' \gset
SELECT count(*) AS bound FROM (SELECT principal('agg_agency', p_org_id => :ins)) b;
SELECT min(r.service_id) AS x FROM registration r WHERE r.status = 'active' \gset
-- one system of each of two other agencies uses the service
INSERT INTO procurement (system_id, service_id, from_date)
SELECT min(s.system_id), :x, DATE '2024-01-01' FROM information_system s JOIN organization o USING (org_id)
WHERE o.name NOT IN ('Insider agency', 'Fourth agency') GROUP BY s.org_id ORDER BY s.org_id LIMIT 2;
SET ROLE agg_agency;
SELECT count(*) AS rows_before FROM agency_reliance(ARRAY[:x]::bigint[]);
INSERT INTO procurement (system_id, service_id, from_date)
SELECT system_id, :x, current_date FROM information_system WHERE org_id = :ins;
SELECT count(*) AS own_procurements FROM procurement;
SELECT systems, agencies FROM agency_reliance(ARRAY[:x]::bigint[]);
SELECT count(*) AS rows_of_the_service FROM agency_reliance() x
JOIN registration r ON r.registration_number = x.registration_number AND r.status = 'active' WHERE r.service_id = :x;
RESET ROLE;
SET ROLE agg_reader;
SELECT systems, agencies FROM agency_reliance(ARRAY[:x]::bigint[]);
RESET ROLE;
-- three systems of a fourth agency: the others (5 systems of 3 agencies)
-- pass without the insider's, which then shows the whole group
INSERT INTO procurement (system_id, service_id, from_date)
SELECT s.system_id, :x, DATE '2024-01-01' FROM information_system s JOIN organization o USING (org_id) WHERE o.name = 'Fourth agency';
SET ROLE agg_agency;
SELECT systems, agencies FROM agency_reliance(ARRAY[:x]::bigint[]);
RESET ROLE;
ROLLBACK;
DROP OWNED BY agg_agency;
DROP ROLE agg_agency;

-------------------------------------------------------------------------------
-- the moment of a decision: application_stage_medians() shows no year
-- still running.  Its groups would grow by one the day an application is
-- decided, and a rejection is not public: a reader comparing the answers
-- of two days would see an application decided with no registration
-- beside it (a rejection), and from the medians' shift its stages' days;
-- a provider its competitor's.  A third of the decided applications are
-- moved into this year (their dates shifted alike): none of them shows
-------------------------------------------------------------------------------
BEGIN;
UPDATE application a SET submitted_on = a.submitted_on + m.d, accepted_on = a.accepted_on + m.d,
       review_started_on = a.review_started_on + m.d, decided_on = a.decided_on + m.d
FROM (SELECT application_id, date_trunc('year', current_date)::date - date_trunc('year', decided_on)::date AS d
      FROM application WHERE status = 'approved' AND application_id % 3 = 0) m
WHERE a.application_id = m.application_id;
SELECT count(*) >= 20 AS enough_moved, count(DISTINCT s.csp_id) >= 3 AS enough_providers
FROM application a JOIN service s USING (service_id)
WHERE date_part('year', a.decided_on) = date_part('year', current_date);
SET ROLE agg_reader;
SELECT count(*) AS rows_of_this_year FROM application_stage_medians() WHERE year >= date_part('year', current_date);
SELECT count(*) > 0 AS earlier_years_shown FROM application_stage_medians();
RESET ROLE;
SET ROLE agg_competitor;
SELECT count(*) AS rows_of_this_year FROM application_stage_medians() WHERE year >= date_part('year', current_date);
RESET ROLE;
ROLLBACK;

-- the count and the threshold are the owner's: no role may call them, so
-- nobody hands the count pairs of their own to read a group below the
-- threshold (42501: no privilege on schema ismap_internal, nor on them)
SELECT p.oid::regprocedure AS internal, r.rolname,
	   has_function_privilege(r.rolname, p.oid, 'EXECUTE') AS may_execute
FROM pg_proc p, (VALUES ('ismap_reader'), ('ismap_csp'), ('ismap_agency'), ('public')) r(rolname)
WHERE p.oid IN ('ismap_internal.agency_reliance_of(bigint[],bigint[])'::regprocedure,
				'ismap_internal.reader_group_shown(bigint,bigint)'::regprocedure)
ORDER BY p.proname, r.rolname;
SET ROLE agg_reader;
SELECT * FROM ismap_internal.agency_reliance_of(ARRAY[1, 1]::bigint[], ARRAY[1, 2]::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT ismap_internal.reader_group_shown(1, 1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE agg_competitor;
SELECT * FROM ismap_internal.agency_reliance_of(ARRAY[1]::bigint[], ARRAY[1]::bigint[]);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP OWNED BY agg_reader;
DROP OWNED BY agg_competitor;
DROP ROLE agg_reader;
DROP ROLE agg_competitor;
