-- ==== Stage tallies ====
-------------------------------------------------------------------------------
-- The histogram ismap.application_stage_medians() reads instead of every
-- decided application: per calendar year of decision (decided_on), stage
-- (acceptance, accepted, review, total; the days of
-- ismap.application_timeline) and whole number of days, the approved or
-- rejected applications that took that long (stage_tally); per year, stage
-- and provider, its applications counted there (stage_tally_provider; a
-- service counts for its provider of now, provider 0 while it is not
-- there, as in the middle of a restore).  The median is exact: the days
-- are whole numbers, so the bars hold every value in order; a group's
-- applications are the sum of its bars, and "at least 3 providers" is 3
-- rows of stage_tally_provider in the group.  No row counts a whole group:
-- a bulk load decides thousands of applications in one transaction, and
-- every update of one row leaves a version the next update of it must step
-- over until the transaction ends, so the rows updated per decision are
-- its bars (as many as its days' values) and its provider's; a statement
-- that inserts or deletes applications writes each count it changes once
-- (statement triggers with the statement's rows).  A row trigger on an
-- application's update (only a decided one counts: the WHEN clause keeps
-- the filing, acceptance and review of an open application, and a
-- return or withdrawal, from calling them) and on a service's change of
-- provider keep them in the same transaction as the change; rows that
-- count nothing go.  A provider's own writes (filing, withdrawing) never
-- touch them: only an approval, a rejection or the owner's change of a
-- decided application does.  Nobody writes them but the triggers (their
-- functions run with the owner's rights); nobody but the owner and the
-- roles that read every table read them; pg_dump does not dump them,
-- because restoring the applications fills them again (ENABLE ALWAYS).
-- ismap.refresh_stage_tally() counts them afresh.
-------------------------------------------------------------------------------
CREATE TABLE ismap.stage_tally (
	year			pg_catalog.int4 NOT NULL,
	stage			pg_catalog.text NOT NULL,
	days			pg_catalog.int4 NOT NULL,
	applications	pg_catalog.int8 NOT NULL,
	PRIMARY KEY (year, stage, days)
);
COMMENT ON TABLE ismap.stage_tally IS 'per year of decision, stage and days: the approved or rejected applications whose stage took that many days (the histogram application_stage_medians() reads); kept by triggers';

CREATE TABLE ismap.stage_tally_provider (
	year			pg_catalog.int4 NOT NULL,
	stage			pg_catalog.text NOT NULL,
	csp_id			pg_catalog.int8 NOT NULL,
	applications	pg_catalog.int8 NOT NULL,
	PRIMARY KEY (year, stage, csp_id)
);
COMMENT ON TABLE ismap.stage_tally_provider IS 'per year of decision, stage and provider: its approved or rejected applications with a length of that stage (a group''s providers are its rows); kept by triggers for application_stage_medians()';

-- The stages of a decided application with their days, as
-- ismap.application_timeline computes them (keep the two in step; the
-- regress test stage_tally compares them): no row for a stage with no
-- length, none at all for an application not approved or rejected.  One
-- SELECT without a SET clause, every name schema-qualified, so that the
-- planner may inline it.
CREATE FUNCTION ismap_internal.stage_tally_days(p_status pg_catalog.text, p_submitted_on pg_catalog.date,
	p_accepted_on pg_catalog.date, p_review_started_on pg_catalog.date, p_decided_on pg_catalog.date)
RETURNS TABLE (year pg_catalog.int4, stage pg_catalog.text, days pg_catalog.int4)
LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 4
AS $$
	SELECT pg_catalog.date_part('year', p_decided_on)::pg_catalog.int4, x.stage, x.days
	FROM (VALUES
		('acceptance', CASE WHEN p_accepted_on IS NOT NULL THEN p_accepted_on OPERATOR(pg_catalog.-) p_submitted_on
							   ELSE p_decided_on OPERATOR(pg_catalog.-) p_submitted_on END),
		('accepted', CASE WHEN p_accepted_on IS NOT NULL THEN
							COALESCE(p_review_started_on, p_decided_on) OPERATOR(pg_catalog.-) p_accepted_on END),
		('review', CASE WHEN p_review_started_on IS NOT NULL THEN p_decided_on OPERATOR(pg_catalog.-) p_review_started_on END),
		('total', p_decided_on OPERATOR(pg_catalog.-) p_submitted_on)) x(stage, days)
	WHERE p_status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected'])
	  AND p_decided_on IS NOT NULL AND x.days IS NOT NULL
$$;
COMMENT ON FUNCTION ismap_internal.stage_tally_days(pg_catalog.text, pg_catalog.date, pg_catalog.date, pg_catalog.date, pg_catalog.date) IS 'stage tallies: the year of decision, stages and days of an application as application_timeline computes them (none unless approved or rejected)';

-- Contributions counted in: per element of the arrays, one stage of one
-- application (its year of decision, stage, days and provider) in (+1) or
-- out (-1).  Each bar and each provider row is written once with the sum
-- of its contributions (none when they cancel out: an update that leaves
-- an application's days alone), and a row left at zero goes.  Every path
-- (a statement's inserted or deleted applications, an update of one, a
-- service's change of provider) comes through here, so the rows are
-- locked in one order: the bars by stage, year and days, then the
-- provider rows by stage, year and provider: two transactions writing
-- one such statement each wait for each other instead of deadlocking.
CREATE FUNCTION ismap_internal.stage_tally_apply(p_year pg_catalog.int4[], p_stage pg_catalog.text[],
	p_days pg_catalog.int4[], p_csp pg_catalog.int8[], p_sign pg_catalog.int8[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO ismap.stage_tally AS t (year, stage, days, applications)
	SELECT c.year, c.stage, c.days, pg_catalog.sum(c.sign)
	FROM ROWS FROM (pg_catalog.unnest(p_year), pg_catalog.unnest(p_stage), pg_catalog.unnest(p_days),
					pg_catalog.unnest(p_sign)) AS c(year, stage, days, sign)
	GROUP BY c.year, c.stage, c.days
	HAVING pg_catalog.sum(c.sign) OPERATOR(pg_catalog.<>) 0
	ORDER BY c.stage, c.year, c.days
	ON CONFLICT (year, stage, days) DO UPDATE SET applications = t.applications OPERATOR(pg_catalog.+) EXCLUDED.applications;
	-- only a contribution out can leave a row at zero
	IF -1 OPERATOR(pg_catalog.=) ANY (p_sign) THEN
		DELETE FROM ismap.stage_tally t
		USING ROWS FROM (pg_catalog.unnest(p_year), pg_catalog.unnest(p_stage), pg_catalog.unnest(p_days)) AS c(year, stage, days)
		WHERE t.year OPERATOR(pg_catalog.=) c.year AND t.stage OPERATOR(pg_catalog.=) c.stage
		  AND t.days OPERATOR(pg_catalog.=) c.days AND t.applications OPERATOR(pg_catalog.=) 0;
	END IF;
	INSERT INTO ismap.stage_tally_provider AS p (year, stage, csp_id, applications)
	SELECT c.year, c.stage, c.csp_id, pg_catalog.sum(c.sign)
	FROM ROWS FROM (pg_catalog.unnest(p_year), pg_catalog.unnest(p_stage), pg_catalog.unnest(p_csp),
					pg_catalog.unnest(p_sign)) AS c(year, stage, csp_id, sign)
	GROUP BY c.year, c.stage, c.csp_id
	HAVING pg_catalog.sum(c.sign) OPERATOR(pg_catalog.<>) 0
	ORDER BY c.stage, c.year, c.csp_id
	ON CONFLICT (year, stage, csp_id) DO UPDATE SET applications = p.applications OPERATOR(pg_catalog.+) EXCLUDED.applications;
	IF -1 OPERATOR(pg_catalog.=) ANY (p_sign) THEN
		DELETE FROM ismap.stage_tally_provider p
		USING ROWS FROM (pg_catalog.unnest(p_year), pg_catalog.unnest(p_stage), pg_catalog.unnest(p_csp)) AS c(year, stage, csp_id)
		WHERE p.year OPERATOR(pg_catalog.=) c.year AND p.stage OPERATOR(pg_catalog.=) c.stage
		  AND p.csp_id OPERATOR(pg_catalog.=) c.csp_id AND p.applications OPERATOR(pg_catalog.=) 0;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.stage_tally_apply(pg_catalog.int4[], pg_catalog.text[], pg_catalog.int4[], pg_catalog.int8[], pg_catalog.int8[]) IS 'stage tallies: contributions (year, stage, days, provider, +1 or -1) counted in, each row written once, in one order of locks';

-- trigger on application, per statement: the decided applications a
-- statement inserted (+1) or deleted (-1), counted in at once.  A bulk
-- load or a restore inserts thousands of decisions sharing a few bars in
-- one statement: counted a row at a time, each update of a bar left a
-- version that the next one stepped over until the transaction ended
-- (quadratic: 10,000 decisions of one day took 3 s).
CREATE FUNCTION ismap_internal.stage_tally_statement_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y pg_catalog.int4[];
	st pg_catalog.text[];
	dd pg_catalog.int4[];
	cs pg_catalog.int8[];
	sg pg_catalog.int8[];
BEGIN
	-- the stages of the statement's rows (new_applications for an INSERT,
	-- old_applications for a DELETE); only a decided one has any
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.array_agg(d.year), pg_catalog.array_agg(d.stage), pg_catalog.array_agg(d.days),
				pg_catalog.array_agg(COALESCE(s.csp_id, 0)), pg_catalog.array_agg(%s::pg_catalog.int8)
		 FROM %I a
		 LEFT JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) a.service_id
		 CROSS JOIN LATERAL ismap_internal.stage_tally_days(a.status, a.submitted_on, a.accepted_on,
			a.review_started_on, a.decided_on) d',
		CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END,
		CASE TG_OP WHEN 'INSERT' THEN 'new_applications' ELSE 'old_applications' END)
		INTO y, st, dd, cs, sg;
	IF y IS NOT NULL THEN
		PERFORM ismap_internal.stage_tally_apply(y, st, dd, cs, sg);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.stage_tally_statement_trigger() IS 'trigger: the stage tallies of the decided applications a statement inserted or deleted, each count written once';

-- trigger on application, per row: a decided application (before or
-- after) updated; its old stages out, its new ones in, in one go (the
-- WHEN clause of the trigger calls it for those only)
CREATE FUNCTION ismap_internal.stage_tally_application_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y pg_catalog.int4[];
	st pg_catalog.text[];
	dd pg_catalog.int4[];
	cs pg_catalog.int8[];
	sg pg_catalog.int8[];
BEGIN
	IF OLD.service_id OPERATOR(pg_catalog.=) NEW.service_id AND OLD.status OPERATOR(pg_catalog.=) NEW.status
	   AND OLD.submitted_on OPERATOR(pg_catalog.=) NEW.submitted_on
	   AND OLD.accepted_on IS NOT DISTINCT FROM NEW.accepted_on
	   AND OLD.review_started_on IS NOT DISTINCT FROM NEW.review_started_on
	   AND OLD.decided_on IS NOT DISTINCT FROM NEW.decided_on THEN
		RETURN NULL;
	END IF;
	SELECT pg_catalog.array_agg(d.year), pg_catalog.array_agg(d.stage), pg_catalog.array_agg(d.days),
		   pg_catalog.array_agg(COALESCE((SELECT s.csp_id FROM ismap.service s WHERE s.service_id OPERATOR(pg_catalog.=) v.service_id), 0)),
		   pg_catalog.array_agg(v.sign)
	INTO y, st, dd, cs, sg
	FROM (VALUES (OLD.service_id, OLD.status, OLD.submitted_on, OLD.accepted_on, OLD.review_started_on, OLD.decided_on, -1::pg_catalog.int8),
				 (NEW.service_id, NEW.status, NEW.submitted_on, NEW.accepted_on, NEW.review_started_on, NEW.decided_on, 1::pg_catalog.int8))
		 AS v(service_id, status, submitted_on, accepted_on, review_started_on, decided_on, sign)
	CROSS JOIN LATERAL ismap_internal.stage_tally_days(v.status, v.submitted_on, v.accepted_on, v.review_started_on, v.decided_on) d;
	IF y IS NOT NULL THEN
		PERFORM ismap_internal.stage_tally_apply(y, st, dd, cs, sg);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.stage_tally_application_trigger() IS 'trigger: the stage tallies of a decided application updated (its old stages out, its new ones in)';

-- trigger on service: a service moved to another provider moves its
-- decided applications' counts from the old provider to the new one; a
-- service that comes after its applications (a restore loads the tables
-- before their foreign keys) moves them from provider 0, which they count
-- for until it comes (an application's service id cannot change under it)
CREATE FUNCTION ismap_internal.stage_tally_service_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y pg_catalog.int4[];
	st pg_catalog.text[];
	dd pg_catalog.int4[];
	cs pg_catalog.int8[];
	sg pg_catalog.int8[];
BEGIN
	SELECT pg_catalog.array_agg(d.year), pg_catalog.array_agg(d.stage), pg_catalog.array_agg(d.days),
		   pg_catalog.array_agg(m.csp_id), pg_catalog.array_agg(m.sign)
	INTO y, st, dd, cs, sg
	FROM ismap.application ap
	CROSS JOIN LATERAL ismap_internal.stage_tally_days(ap.status, ap.submitted_on, ap.accepted_on,
		ap.review_started_on, ap.decided_on) d
	CROSS JOIN (VALUES (CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE OLD.csp_id END, -1::pg_catalog.int8),
					   (NEW.csp_id, 1::pg_catalog.int8)) AS m(csp_id, sign)
	WHERE ap.service_id OPERATOR(pg_catalog.=) NEW.service_id
	  AND ap.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected']);
	IF y IS NOT NULL THEN
		PERFORM ismap_internal.stage_tally_apply(y, st, dd, cs, sg);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.stage_tally_service_trigger() IS 'trigger: the stage tallies of a service that comes after its applications or changes its provider';

-- The applications emptied by TRUNCATE (the owner's): counted afresh.
CREATE FUNCTION ismap_internal.stage_tally_truncate_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM ismap.refresh_stage_tally();
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.stage_tally_truncate_trigger() IS 'trigger: the stage tallies counted afresh after a TRUNCATE of the applications';

-- Every stage tally counted afresh from the applications and services (the
-- upgrade fills them so; the owner may call it after a data-only restore
-- with --disable-triggers, which switches the triggers off).  Returns the
-- stage_tally rows (the bars).
CREATE FUNCTION ismap.refresh_stage_tally() RETURNS pg_catalog.int8
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	DELETE FROM ismap.stage_tally;
	DELETE FROM ismap.stage_tally_provider;
	-- counted from the timelines themselves (the owner reads every
	-- application), the triggers' stage_tally_days is compared with them
	-- by the regress test; per provider (0 for a service not there yet, as
	-- the triggers count it), then per day
	INSERT INTO ismap.stage_tally_provider (year, stage, csp_id, applications)
	SELECT pg_catalog.date_part('year', t.decided_on)::pg_catalog.int4, x.stage, COALESCE(s.csp_id, 0), pg_catalog.count(*)
	FROM ismap.application_timeline t
	LEFT JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) t.service_id
	CROSS JOIN LATERAL (VALUES ('acceptance', t.acceptance_days), ('accepted', t.accepted_days),
							   ('review', t.review_days), ('total', t.total_days)) x(stage, days)
	WHERE t.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected']) AND t.decided_on IS NOT NULL
	  AND x.days IS NOT NULL
	GROUP BY 1, 2, 3;
	INSERT INTO ismap.stage_tally (year, stage, days, applications)
	SELECT pg_catalog.date_part('year', t.decided_on)::pg_catalog.int4, x.stage, x.days, pg_catalog.count(*)
	FROM ismap.application_timeline t
	CROSS JOIN LATERAL (VALUES ('acceptance', t.acceptance_days), ('accepted', t.accepted_days),
							   ('review', t.review_days), ('total', t.total_days)) x(stage, days)
	WHERE t.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected']) AND t.decided_on IS NOT NULL
	  AND x.days IS NOT NULL
	GROUP BY 1, 2, 3;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.refresh_stage_tally() IS 'the stage tallies of application_stage_medians() counted afresh from the applications and services; returns the stage_tally rows';
REVOKE EXECUTE ON FUNCTION ismap.refresh_stage_tally() FROM PUBLIC;

CREATE TRIGGER stage_tally AFTER INSERT ON ismap.application
	REFERENCING NEW TABLE AS new_applications
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.stage_tally_statement_trigger();
CREATE TRIGGER stage_tally_update AFTER UPDATE ON ismap.application
	FOR EACH ROW WHEN (OLD.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected'])
					OR NEW.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected']))
	EXECUTE FUNCTION ismap_internal.stage_tally_application_trigger();
CREATE TRIGGER stage_tally_delete AFTER DELETE ON ismap.application
	REFERENCING OLD TABLE AS old_applications
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.stage_tally_statement_trigger();
CREATE TRIGGER stage_tally AFTER UPDATE OF csp_id ON ismap.service
	FOR EACH ROW WHEN (OLD.csp_id OPERATOR(pg_catalog.<>) NEW.csp_id)
	EXECUTE FUNCTION ismap_internal.stage_tally_service_trigger();
CREATE TRIGGER stage_tally_insert AFTER INSERT ON ismap.service
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.stage_tally_service_trigger();
CREATE TRIGGER stage_tally_truncate AFTER TRUNCATE ON ismap.application
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.stage_tally_truncate_trigger();
ALTER TABLE ismap.application ENABLE ALWAYS TRIGGER stage_tally;
ALTER TABLE ismap.application ENABLE ALWAYS TRIGGER stage_tally_update;
ALTER TABLE ismap.application ENABLE ALWAYS TRIGGER stage_tally_delete;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER stage_tally;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER stage_tally_insert;

-- The reader-safe aggregate of the timelines: per year of decision and
-- stage the median days, over decided (approved or rejected)
-- applications.  The owner's rights (the reader sees no application), so
-- it shows only groups that reveal no single provider's applications: at
-- least 5 applications from at least 3 providers; smaller groups are left
-- out, not rounded.  Only calendar years that have ended: a year still
-- running would grow by one application the day one is decided, and a
-- rejection is not public (an application decided with no registration
-- beside it would be one, and the medians' shift would tell its days).
-- It reads the stage tallies (a few hundred bars, and up to 3 provider
-- rows per group), not the applications: percentile_cont(0.5) of a group
-- of N is its bars' days at rows floor((N-1)/2) and ceil((N-1)/2),
-- interpolated.
CREATE FUNCTION ismap.application_stage_medians()
RETURNS TABLE (year pg_catalog.int4, stage pg_catalog.text, applications pg_catalog.int8, median_days pg_catalog.float8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	WITH bars AS (
		SELECT t.year, t.stage, t.days,
			   pg_catalog.sum(t.applications) OVER (PARTITION BY t.year, t.stage ORDER BY t.days) AS upto,
			   pg_catalog.sum(t.applications) OVER (PARTITION BY t.year, t.stage) AS total
		FROM ismap.stage_tally t
		WHERE t.year OPERATOR(pg_catalog.<) pg_catalog.date_part('year', CURRENT_DATE)::pg_catalog.int4
	), groups AS (
		SELECT b.year, b.stage, b.total,
			   pg_catalog.floor((b.total OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 2) AS lo_row,
			   pg_catalog.ceil((b.total OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 2) AS hi_row
		FROM bars b
		GROUP BY b.year, b.stage, b.total
		-- the threshold (ismap_internal.reader_group_shown): the group's
		-- applications, and its providers counted up to 3 (3 rows of the
		-- group; a row counts at least one application), which is all the
		-- threshold asks (were it to ask for more, this would show nothing,
		-- never too much); the providers are counted only for a group whose
		-- applications pass (that test comes first)
		HAVING ismap_internal.reader_group_shown(b.total::pg_catalog.int8, (
			SELECT pg_catalog.count(*) FROM (
				SELECT FROM ismap.stage_tally_provider p
				WHERE p.year OPERATOR(pg_catalog.=) b.year AND p.stage OPERATOR(pg_catalog.=) b.stage
				LIMIT 3) three))
	)
	SELECT g.year, g.stage, g.total::pg_catalog.int8,
		   m.lo::pg_catalog.float8 OPERATOR(pg_catalog.+) ((m.hi OPERATOR(pg_catalog.-) m.lo)::pg_catalog.float8
			   OPERATOR(pg_catalog.*) (g.hi_row OPERATOR(pg_catalog.-) g.lo_row)::pg_catalog.float8 OPERATOR(pg_catalog./) 2.0::pg_catalog.float8)
	FROM groups g
	CROSS JOIN LATERAL (
		SELECT pg_catalog.min(b.days) FILTER (WHERE b.upto OPERATOR(pg_catalog.>) g.lo_row) AS lo,
			   pg_catalog.min(b.days) FILTER (WHERE b.upto OPERATOR(pg_catalog.>) g.hi_row) AS hi
		FROM bars b
		WHERE b.year OPERATOR(pg_catalog.=) g.year AND b.stage OPERATOR(pg_catalog.=) g.stage) m
	ORDER BY 1, pg_catalog.array_position(ARRAY['acceptance', 'accepted', 'review', 'total'], g.stage)
$$;
COMMENT ON FUNCTION ismap.application_stage_medians() IS 'per calendar year of decision that has ended and stage (acceptance, accepted, review, total) the number of decided applications and the median days; only groups of at least 5 applications from at least 3 providers (the rest is left out), so every role may run it';
REVOKE EXECUTE ON FUNCTION ismap.application_stage_medians() FROM PUBLIC;
