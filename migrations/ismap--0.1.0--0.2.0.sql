-- ismap 0.1.0 -> 0.2.0: roles, row-level security, hardened functions
--
-- 0.1.0 is the first frozen release; never edit ismap--0.1.0.sql again.
-- A fresh CREATE EXTENSION ismap installs 0.1.0 and runs this script, so a
-- new database and an upgraded one are built by the same statements; the
-- upgrade test (test/upgrade/run) checks that the two schemas are identical
-- and that an upgrade keeps every row.
\echo Use "ALTER EXTENSION ismap UPDATE TO '0.2.0'" to load this file. \quit

-- ==== Event chain ====
-------------------------------------------------------------------------------
-- verify_event_chain recomputes every hash of the log; in PL/pgSQL that took
-- seconds on a ten-year registry.  Now it is C (src/pg/events.c), hashing
-- the same bytes as ismap.event_digest_input, and it starts from a seal: the
-- chain job ("ismap-jobs chain", ismap.seal_event_chain) checks the whole
-- log every night and records its newest event, that event's hash and a
-- fingerprint of the stored bytes of every event up to it.  Events up to the
-- seal are then checked by the fingerprint (no JSON printing), the ones
-- after it by their hashes; any difference in the sealed part falls back to
-- the full check.  docs/registry.md, "The event log".
-------------------------------------------------------------------------------

CREATE TABLE ismap.event_chain_seal (
	event_id		pg_catalog.int8 PRIMARY KEY,
	hash			pg_catalog.bytea NOT NULL
		CONSTRAINT event_chain_seal_hash CHECK (pg_catalog.length(hash) OPERATOR(pg_catalog.=) 32),
	fingerprint		pg_catalog.bytea NOT NULL
		CONSTRAINT event_chain_seal_fingerprint CHECK (pg_catalog.length(fingerprint) OPERATOR(pg_catalog.=) 32),
	events_checked	pg_catalog.int8 NOT NULL,
	sealed_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	run_id			pg_catalog.int8 REFERENCES ismap.job_run ON DELETE SET NULL
);
COMMENT ON TABLE ismap.event_chain_seal IS 'after a full check of the event log found it intact: its newest event, that event''s hash and a SHA-256 fingerprint of the stored events up to it (written by the chain job)';
SELECT pg_catalog.pg_extension_config_dump('ismap.event_chain_seal', '');
CREATE INDEX event_chain_seal_run_idx ON ismap.event_chain_seal (run_id);

-- the fingerprint of a set of events (src/pg/events.c, fp_add): order-free
-- and combinable, so that the scan of the sealed events may run in parallel
CREATE FUNCTION ismap.event_fingerprint_step(pg_catalog.bytea, pg_catalog.int8, pg_catalog.xid, pg_catalog.tid)
RETURNS pg_catalog.bytea
LANGUAGE C IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_event_fingerprint_step';
COMMENT ON FUNCTION ismap.event_fingerprint_step(pg_catalog.bytea, pg_catalog.int8, pg_catalog.xid, pg_catalog.tid) IS 'transition function of event_chain_fingerprint';
CREATE FUNCTION ismap.event_fingerprint_combine(pg_catalog.bytea, pg_catalog.bytea)
RETURNS pg_catalog.bytea
LANGUAGE C IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_event_fingerprint_combine';
COMMENT ON FUNCTION ismap.event_fingerprint_combine(pg_catalog.bytea, pg_catalog.bytea) IS 'combine function of event_chain_fingerprint';
CREATE AGGREGATE ismap.event_chain_fingerprint(pg_catalog.int8, pg_catalog.xid, pg_catalog.tid) (
	SFUNC = ismap.event_fingerprint_step,
	STYPE = pg_catalog.bytea,
	COMBINEFUNC = ismap.event_fingerprint_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE ismap.event_chain_fingerprint(pg_catalog.int8, pg_catalog.xid, pg_catalog.tid) IS 'fingerprint of events (event_id, xmin, ctid), as a seal stores it';

CREATE OR REPLACE FUNCTION ismap.verify_event_chain(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE C STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_verify_event_chain';
COMMENT ON FUNCTION ismap.verify_event_chain() IS 'check the event chain (from the newest seal, else in full): the first event whose content, link or order was altered, or whose predecessor was removed; the sealed event if the log was cut or rewritten after the seal';

CREATE FUNCTION ismap.event_chain_full_check(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8,
	OUT events_checked pg_catalog.int8, OUT head_event pg_catalog.int8, OUT head_hash pg_catalog.bytea,
	OUT fingerprint pg_catalog.bytea)
LANGUAGE C STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_event_chain_full_check';
COMMENT ON FUNCTION ismap.event_chain_full_check() IS 'recompute every hash of the event chain, whatever the seal; when intact, the newest event, its hash and the fingerprint up to it';

ALTER TABLE ismap.job_run DROP CONSTRAINT job_run_job;
ALTER TABLE ismap.job_run ADD CONSTRAINT job_run_job
	CHECK (job OPERATOR(pg_catalog.=) ANY (ARRAY['renewals', 'auditor-expiry', 'cascade', 'changes', 'chain']::pg_catalog.text[]));

CREATE OR REPLACE FUNCTION ismap.job_lock_key(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN CASE p_job WHEN 'renewals' THEN 101 WHEN 'auditor-expiry' THEN 102 WHEN 'cascade' THEN 103
		WHEN 'changes' THEN 104 WHEN 'chain' THEN 105 END;
END
$$;
COMMENT ON FUNCTION ismap.job_lock_key(pg_catalog.text) IS 'second key of a job''s advisory lock (the first is 1769172321): renewals 101, auditor-expiry 102, cascade 103, changes 104, chain 105; NULL for an unknown job';

CREATE OR REPLACE FUNCTION ismap.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k pg_catalog.int4 := ismap.job_lock_key(p_job);
	holder pg_catalog.int4;
BEGIN
	IF k IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are renewals, auditor-expiry, cascade, changes and chain.';
	END IF;
	IF NOT pg_catalog.pg_try_advisory_xact_lock(1769172321, k) THEN
		SELECT l.pid INTO holder FROM pg_catalog.pg_locks l
		WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.granted
		  AND l.classid OPERATOR(pg_catalog.=) 1769172321::pg_catalog.oid
		  AND l.objid OPERATOR(pg_catalog.=) k::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) 2
		LIMIT 1;
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('The advisory lock (1769172321, %s) is held by the session with process ID %s.', k, COALESCE(holder::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_try_lock(pg_catalog.text) IS 'take a job''s transaction-level advisory lock; 55P03 when another run holds it';

CREATE OR REPLACE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF ismap.job_lock_key(p_job) IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are renewals, auditor-expiry, cascade, changes and chain.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	-- run_by: the one who runs it (the role set with SET ROLE, else the
	-- login role), not the owner whose rights this function has
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name, run_by)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), ''),
		   CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';

CREATE OR REPLACE VIEW ismap.job_health WITH (security_invoker = true) AS
SELECT j.job,
	   ok.run_id AS last_success_run_id,
	   ok.as_of AS last_success_as_of,
	   ok.finished_at AS last_success_at,
	   pg_catalog.now() OPERATOR(pg_catalog.-) ok.finished_at AS age,
	   last.status AS last_status,
	   last.started_at AS last_started_at,
	   last.message AS last_message,
	   (SELECT pg_catalog.count(*) FROM ismap.job_run f
		WHERE f.job OPERATOR(pg_catalog.=) j.job AND f.status OPERATOR(pg_catalog.=) 'failed'
		  AND f.started_at OPERATOR(pg_catalog.>) COALESCE(ok.finished_at, '-infinity')) AS failures_since_success,
	   EXISTS (SELECT 1 FROM ismap.job_run x
			   WHERE x.job OPERATOR(pg_catalog.=) j.job AND x.status OPERATOR(pg_catalog.=) 'running') AS running
FROM (VALUES ('renewals'::pg_catalog.text), ('auditor-expiry'), ('cascade'), ('changes'), ('chain')) AS j(job)
LEFT JOIN LATERAL (
	SELECT r.run_id, r.as_of, r.finished_at FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'succeeded'
	ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1) ok ON true
LEFT JOIN LATERAL (
	SELECT r.status, r.started_at, r.message FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job
	ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) last ON true;
COMMENT ON VIEW ismap.job_health IS 'per batch job: the last successful run, its age, the last run''s status and message, failures since the last success, whether one is running';

-- The chain job: a full check; when intact, a seal of its newest event (a
-- second run with no new event seals nothing new).  A broken chain fails
-- the job with 'data_corrupted' (XX001), so cron mail and job_health show it.
CREATE FUNCTION ismap.seal_event_chain(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := seal_event_chain.as_of;
	dry pg_catalog.bool := seal_event_chain.dry_run;
	run pg_catalog.int8;
	c record;
	last_seal record;
	n pg_catalog.int8 := 0;
	fixed pg_catalog.int8;
	stale pg_catalog.int8[];
	saved_lock_timeout pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('chain');
	run := ismap.job_begin('chain', d, dry);
	PERFORM ismap.job_progress('chain: recomputing every hash of the event log');
	SELECT * INTO STRICT c FROM ismap.event_chain_full_check();
	IF NOT c.ok THEN
		RAISE EXCEPTION 'the registry event chain is broken at event %', c.first_bad_event
			USING ERRCODE = 'data_corrupted',
				  DETAIL = 'The event''s content, link or order was altered, its predecessor was removed, or the log was cut or rewritten after the newest seal.',
				  HINT = 'Compare the log with a backup and with the newest published head (ismap.event_chain_head); no seal is written while the chain is broken.';
	END IF;
	-- a new seal when there are new events, or when the sealed events were
	-- moved without being changed (VACUUM FULL, a restore): the full check
	-- has just shown them intact
	SELECT s.event_id, s.fingerprint INTO last_seal FROM ismap.event_chain_seal s ORDER BY s.event_id DESC LIMIT 1;
	IF c.head_event IS NOT NULL
	   AND (c.head_event IS DISTINCT FROM last_seal.event_id OR c.fingerprint IS DISTINCT FROM last_seal.fingerprint) THEN
		IF NOT dry THEN
			INSERT INTO ismap.event_chain_seal AS s (event_id, hash, fingerprint, events_checked, run_id)
			VALUES (c.head_event, c.head_hash, c.fingerprint, c.events_checked, run)
			ON CONFLICT (event_id) DO UPDATE
			SET fingerprint = excluded.fingerprint, events_checked = excluded.events_checked,
				sealed_at = excluded.sealed_at, run_id = excluded.run_id;
		END IF;
		n := 1;
		action := CASE WHEN c.head_event IS DISTINCT FROM last_seal.event_id THEN 'sealed' ELSE 'resealed' END;
		object_id := c.head_event;
		detail := pg_catalog.format('%s events checked; sealed at event %s, hash %s',
			c.events_checked, c.head_event, pg_catalog.encode(c.head_hash, 'hex'));
		RETURN NEXT;
	END IF;
	-- The published listing against its tables: a rename made under
	-- REPEATABLE READ or SERIALIZABLE cannot see a registration committed
	-- after its snapshot, and leaves that row with the old name; put right
	-- here, and said (docs/registry.md, "The published list").
	-- The comparison takes no row locks; only the rows found differing are
	-- written (locking their service, provider and audit body as a
	-- registration does), and a rename held open by someone else defers
	-- the repair to the next run instead of stalling the job.
	PERFORM ismap.job_progress('chain: comparing the published listing with its tables');
	stale := ARRAY(SELECT ismap.registry_listing_stale());
	fixed := pg_catalog.cardinality(stale);
	IF fixed OPERATOR(pg_catalog.>) 0 THEN
		action := 'listing_repaired';
		IF NOT dry THEN
			BEGIN
				PERFORM pg_catalog.set_config('lock_timeout', '10s', true);
				PERFORM ismap.refresh_registry_listing(stale);
				PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
			EXCEPTION WHEN lock_not_available THEN
				PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
				action := 'listing_repair_deferred';
				fixed := 0;
			END;
		END IF;
		object_id := NULL;
		detail := pg_catalog.format('%s rows of the published listing differed from their registrations, services, providers and audit bodies', pg_catalog.cardinality(stale));
		IF action OPERATOR(pg_catalog.=) 'listing_repair_deferred' THEN
			detail := detail OPERATOR(pg_catalog.||) '; a rename held open elsewhere kept them locked: the next run tries again';
		END IF;
		RETURN NEXT;
	END IF;
	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('sealed', n, 'events_checked', c.events_checked,
		'listing_repaired', fixed));
END
$$;
COMMENT ON FUNCTION ismap.seal_event_chain(pg_catalog.date, pg_catalog.bool) IS 'chain job: recompute every hash of the event log; if intact, seal its newest event (hash and fingerprint) so that verify_event_chain checks only what came after; XX001 if broken';

-- ==== Registration's audit ====
-------------------------------------------------------------------------------
-- A registration names the audit it rests on and that audit's body.  Both
-- follow from its application and never change; kept on the registration,
-- the published registry needs no trip through application and audit (the
-- two largest tables after the results), which made it three times slower
-- at 20,000 services.  A trigger fills them from the application on every
-- insert, and again if someone changes them or the application.
-------------------------------------------------------------------------------

ALTER TABLE ismap.registration
	ADD COLUMN audit_id pg_catalog.int8 REFERENCES ismap.audit,
	ADD COLUMN audit_body_id pg_catalog.int8 REFERENCES ismap.audit_body;
COMMENT ON COLUMN ismap.registration.audit_id IS 'the audit of the registration''s application (filled by a trigger)';
COMMENT ON COLUMN ismap.registration.audit_body_id IS 'the body that made that audit (filled by a trigger)';

-- filled without events: nothing about the registrations changes
ALTER TABLE ismap.registration DISABLE TRIGGER registration_events;
UPDATE ismap.registration r
SET audit_id = a.audit_id, audit_body_id = a.audit_body_id
FROM ismap.application ap
JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) ap.audit_id
WHERE ap.application_id OPERATOR(pg_catalog.=) r.application_id;
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_events;
ALTER TABLE ismap.registration ALTER COLUMN audit_id SET NOT NULL, ALTER COLUMN audit_body_id SET NOT NULL;

CREATE FUNCTION ismap.registration_audit_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a_id pg_catalog.int8;
	b_id pg_catalog.int8;
BEGIN
	SELECT a.audit_id, a.audit_body_id INTO a_id, b_id
	FROM ismap.application ap
	JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) ap.audit_id
	WHERE ap.application_id OPERATOR(pg_catalog.=) NEW.application_id;
	-- a restore may load registrations before applications: it brings the
	-- values along, and the foreign keys check them at the end
	IF FOUND THEN
		NEW.audit_id := a_id;
		NEW.audit_body_id := b_id;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap.registration_audit_trigger() IS 'trigger: a registration''s audit and audit body, from its application';
CREATE TRIGGER registration_audit BEFORE INSERT OR UPDATE OF application_id, audit_id, audit_body_id ON ismap.registration
	FOR EACH ROW EXECUTE FUNCTION ismap.registration_audit_trigger();
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_audit;

-- ==== Published listing ====
-------------------------------------------------------------------------------
-- The published registry is read far more often than it changes: analysts,
-- reporting tools and the exports ask for the whole list, registrations
-- change a few times a day.  Joining every registration to its service,
-- provider and audit body on each read cost about 50 ms at 20,000
-- services (hash 20,000 services, join, sort 16,000 wide rows).  The
-- listing keeps the joined rows, one per registration, maintained by
-- statement-level triggers on the four tables in the same transaction as
-- the change: a reader never sees it out of step.  Nobody writes it but the
-- triggers (their functions run with the owner's rights, so a provider's
-- rename under row-level security reaches it); pg_dump does not dump it,
-- because restoring the registrations fills it again.
-- docs/registry.md, "The published list".
-------------------------------------------------------------------------------

CREATE TABLE ismap.registry_listing (
	registration_id		pg_catalog.int8 PRIMARY KEY REFERENCES ismap.registration ON DELETE CASCADE,
	registration_number	pg_catalog.text NOT NULL,
	service_id			pg_catalog.int8 NOT NULL,
	service_name		pg_catalog.text NOT NULL,
	csp_id				pg_catalog.int8 NOT NULL,
	csp_name			pg_catalog.text NOT NULL,
	corporate_number	pg_catalog.text NOT NULL,
	level				ismap.level NOT NULL,
	delivery_models		ismap.delivery_model[] NOT NULL,
	deployment_models	ismap.deployment_model[] NOT NULL,
	scope				pg_catalog.text NOT NULL,
	registered_on		pg_catalog.date NOT NULL,
	valid_until			pg_catalog.date NOT NULL,
	status				pg_catalog.text NOT NULL,
	ended_on			pg_catalog.date,
	end_reason			pg_catalog.text,
	audit_body_id		pg_catalog.int8 NOT NULL,
	audit_body			pg_catalog.text NOT NULL,
	audit_id			pg_catalog.int8 NOT NULL
);
COMMENT ON TABLE ismap.registry_listing IS 'the published registry as stored: one joined row per registration, kept by triggers (read it through the registry view)';
CREATE INDEX registry_listing_active_number_idx ON ismap.registry_listing (registration_number)
	WHERE status OPERATOR(pg_catalog.=) 'active';
CREATE INDEX registry_listing_active_valid_until_idx ON ismap.registry_listing (valid_until)
	WHERE status OPERATOR(pg_catalog.=) 'active';
CREATE INDEX registry_listing_service_idx ON ismap.registry_listing (service_id);
CREATE INDEX registry_listing_csp_idx ON ismap.registry_listing (csp_id);

-- The listing's rows of the registrations named, or of every registration
-- (NULL), written afresh from the tables; a named row whose registration
-- is gone (every such row, with NULL) goes.  Returns how many rows it wrote
-- or removed (0: the listing was right).  The insert trigger and the chain
-- job call it; the owner may call it after a data-only restore with
-- --disable-triggers, which switches the triggers off.
CREATE FUNCTION ismap.refresh_registry_listing(p_registration_ids pg_catalog.int8[] DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids pg_catalog.int8[] := p_registration_ids;
	written pg_catalog.int8;
	removed pg_catalog.int8 := 0;
BEGIN
	-- one shape of query, so that a cached plan serves the triggers' calls
	IF ids IS NULL THEN
		ids := ARRAY(SELECT r.registration_id FROM ismap.registration r);
	END IF;
	-- A rename of the service, provider or audit body in progress is waited
	-- for, and the rows below are read after it (a new statement, a new
	-- snapshot); a rename that comes later waits for this transaction, and
	-- its trigger then sees these rows.  Under REPEATABLE READ a rename
	-- committed since the snapshot is a serialization failure (40001).
	PERFORM FROM ismap.registration r
	JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) r.service_id
	JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
	JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) r.audit_body_id
	WHERE r.registration_id OPERATOR(pg_catalog.=) ANY (ids)
	FOR SHARE OF s, c, b;
	INSERT INTO ismap.registry_listing AS l
		(registration_id, registration_number, service_id, service_name, csp_id, csp_name,
		 corporate_number, level, delivery_models, deployment_models, scope, registered_on,
		 valid_until, status, ended_on, end_reason, audit_body_id, audit_body, audit_id)
	SELECT r.registration_id, r.registration_number, s.service_id, s.name, c.csp_id, c.name,
		   c.corporate_number, r.level, s.delivery_models, s.deployment_models, s.scope, r.registered_on,
		   r.valid_until, r.status, r.ended_on, r.end_reason, b.audit_body_id, b.name, r.audit_id
	FROM ismap.registration r
	JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) r.service_id
	JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
	JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) r.audit_body_id
	WHERE r.registration_id OPERATOR(pg_catalog.=) ANY (ids)
	ON CONFLICT (registration_id) DO UPDATE SET
		registration_number = EXCLUDED.registration_number, service_id = EXCLUDED.service_id,
		service_name = EXCLUDED.service_name, csp_id = EXCLUDED.csp_id, csp_name = EXCLUDED.csp_name,
		corporate_number = EXCLUDED.corporate_number, level = EXCLUDED.level,
		delivery_models = EXCLUDED.delivery_models, deployment_models = EXCLUDED.deployment_models,
		scope = EXCLUDED.scope, registered_on = EXCLUDED.registered_on, valid_until = EXCLUDED.valid_until,
		status = EXCLUDED.status, ended_on = EXCLUDED.ended_on, end_reason = EXCLUDED.end_reason,
		audit_body_id = EXCLUDED.audit_body_id, audit_body = EXCLUDED.audit_body, audit_id = EXCLUDED.audit_id
	WHERE l IS DISTINCT FROM EXCLUDED;
	GET DIAGNOSTICS written = ROW_COUNT;
	DELETE FROM ismap.registry_listing l
	WHERE (p_registration_ids IS NULL OR l.registration_id OPERATOR(pg_catalog.=) ANY (p_registration_ids))
	  AND NOT EXISTS (SELECT FROM ismap.registration r
					  WHERE r.registration_id OPERATOR(pg_catalog.=) l.registration_id);
	GET DIAGNOSTICS removed = ROW_COUNT;
	RETURN written OPERATOR(pg_catalog.+) removed;
END
$$;
COMMENT ON FUNCTION ismap.refresh_registry_listing(pg_catalog.int8[]) IS 'writes the published listing''s rows of the registrations named (NULL: all) afresh; returns the rows written or removed';

-- The registrations whose listing row differs from their tables in any
-- column (or is missing), and listing rows with no registration: what
-- refresh_registry_listing would write.  Reads only, takes no row locks.
CREATE FUNCTION ismap.registry_listing_stale() RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT d.registration_id FROM (
		SELECT r.registration_id, r.registration_number, s.service_id, s.name, c.csp_id, c.name,
			   c.corporate_number, r.level, s.delivery_models, s.deployment_models, s.scope, r.registered_on,
			   r.valid_until, r.status, r.ended_on, r.end_reason, b.audit_body_id, b.name, r.audit_id
		FROM ismap.registration r
		JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) r.service_id
		JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) r.audit_body_id
		EXCEPT ALL
		SELECT * FROM ismap.registry_listing) d
	UNION
	SELECT l.registration_id FROM ismap.registry_listing l
	WHERE NOT EXISTS (SELECT FROM ismap.registration r
					  WHERE r.registration_id OPERATOR(pg_catalog.=) l.registration_id)
$$;
COMMENT ON FUNCTION ismap.registry_listing_stale() IS 'the registrations whose published listing row is missing, differs from their tables, or has no registration (what refresh_registry_listing would write)';

-- How many registrations the listing shows otherwise than their tables say
-- (the rows registry_listing_stale finds); 0 when the listing is right.
-- Everyone may ask: every role reads the listing and the tables it joins.
CREATE FUNCTION ismap.registry_listing_drift() RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.count(*) FROM ismap.registry_listing_stale()
$$;
COMMENT ON FUNCTION ismap.registry_listing_drift() IS 'how many registrations the published listing shows otherwise than their tables say (0: the listing is right)';

-- the registrations a statement inserted: their rows
CREATE FUNCTION ismap.registry_listing_registrations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM ismap.refresh_registry_listing(ARRAY(SELECT r.registration_id FROM changed r));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registry_listing_registrations() IS 'trigger: the published listing''s rows of the registrations a statement inserted';

-- The registrations a statement updated.  Most updates change only the
-- registration's own columns (a status, an end, a date): those are written
-- into the listing without touching, or locking, the service, provider and
-- audit body, whose columns their own triggers keep; so the jobs, which
-- update registrations they have locked, never wait for a service row in
-- the order opposite to register and delist (service first).  A
-- registration moved to another service or audit body gets its row afresh.
CREATE FUNCTION ismap.registry_listing_registration_updates() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	moved pg_catalog.int8[];
BEGIN
	UPDATE ismap.registry_listing l
	SET registration_number = n.registration_number, level = n.level, registered_on = n.registered_on,
		valid_until = n.valid_until, status = n.status, ended_on = n.ended_on, end_reason = n.end_reason,
		audit_id = n.audit_id
	FROM new_rows n
	JOIN old_rows o ON o.registration_id OPERATOR(pg_catalog.=) n.registration_id
	WHERE l.registration_id OPERATOR(pg_catalog.=) n.registration_id
	  AND n.service_id OPERATOR(pg_catalog.=) o.service_id
	  AND n.audit_body_id OPERATOR(pg_catalog.=) o.audit_body_id
	  AND (l.registration_number, l.level, l.registered_on, l.valid_until, l.status, l.ended_on, l.end_reason, l.audit_id)
		  IS DISTINCT FROM (n.registration_number, n.level, n.registered_on, n.valid_until, n.status, n.ended_on, n.end_reason, n.audit_id);
	moved := ARRAY(SELECT n.registration_id FROM new_rows n
				   LEFT JOIN old_rows o ON o.registration_id OPERATOR(pg_catalog.=) n.registration_id
				   WHERE o.registration_id IS NULL
					  OR n.service_id OPERATOR(pg_catalog.<>) o.service_id
					  OR n.audit_body_id OPERATOR(pg_catalog.<>) o.audit_body_id);
	IF pg_catalog.cardinality(moved) OPERATOR(pg_catalog.>) 0 THEN
		PERFORM ismap.refresh_registry_listing(moved);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registry_listing_registration_updates() IS 'trigger: the published listing''s rows of the registrations a statement updated (their own columns; afresh when moved to another service or audit body)';

-- a service's published columns (name, provider, models, scope)
CREATE FUNCTION ismap.registry_listing_services() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- the providers' rows as their renames in progress leave them (as above)
	PERFORM FROM changed s
	JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
	FOR SHARE OF c;
	UPDATE ismap.registry_listing l
	SET service_name = s.name, csp_id = c.csp_id, csp_name = c.name, corporate_number = c.corporate_number,
		delivery_models = s.delivery_models, deployment_models = s.deployment_models, scope = s.scope
	FROM changed s
	JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
	WHERE l.service_id OPERATOR(pg_catalog.=) s.service_id
	  AND (l.service_name, l.csp_id, l.csp_name, l.corporate_number, l.delivery_models, l.deployment_models, l.scope)
		  IS DISTINCT FROM (s.name, c.csp_id, c.name, c.corporate_number, s.delivery_models, s.deployment_models, s.scope);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registry_listing_services() IS 'trigger: carries a service''s name, provider, models and scope into the published listing';

-- a provider's name and corporate number
CREATE FUNCTION ismap.registry_listing_csps() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE ismap.registry_listing l
	SET csp_name = c.name, corporate_number = c.corporate_number
	FROM changed c
	WHERE l.csp_id OPERATOR(pg_catalog.=) c.csp_id
	  AND (l.csp_name, l.corporate_number) IS DISTINCT FROM (c.name, c.corporate_number);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registry_listing_csps() IS 'trigger: carries a provider''s name and corporate number into the published listing';

-- an audit body's name
CREATE FUNCTION ismap.registry_listing_audit_bodies() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE ismap.registry_listing l
	SET audit_body = b.name
	FROM changed b
	WHERE l.audit_body_id OPERATOR(pg_catalog.=) b.audit_body_id
	  AND l.audit_body IS DISTINCT FROM b.name;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registry_listing_audit_bodies() IS 'trigger: carries an audit body''s name into the published listing';

-- A trigger with transition tables serves one event, hence two on the
-- registrations.  ENABLE ALWAYS, like the event trigger, so that a session
-- under session_replication_role = replica keeps the listing too.  A
-- logical-replication subscriber fires no statement triggers: there,
-- refresh_registry_listing() (or the chain job) brings the listing up.
CREATE TRIGGER registry_listing_insert AFTER INSERT ON ismap.registration
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registry_listing_registrations();
CREATE TRIGGER registry_listing_update AFTER UPDATE ON ismap.registration
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registry_listing_registration_updates();
CREATE TRIGGER registry_listing AFTER UPDATE ON ismap.service
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registry_listing_services();
CREATE TRIGGER registry_listing AFTER UPDATE ON ismap.csp
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registry_listing_csps();
CREATE TRIGGER registry_listing AFTER UPDATE ON ismap.audit_body
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registry_listing_audit_bodies();
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registry_listing_insert;
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registry_listing_update;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER registry_listing;
ALTER TABLE ismap.csp ENABLE ALWAYS TRIGGER registry_listing;
ALTER TABLE ismap.audit_body ENABLE ALWAYS TRIGGER registry_listing;

-- the registrations there are (filling the listing writes no events)
SELECT ismap.refresh_registry_listing();

CREATE OR REPLACE VIEW ismap.registry WITH (security_invoker = true) AS
SELECT l.registration_number,
	   l.registration_id,
	   l.service_id,
	   l.service_name,
	   l.csp_id,
	   l.csp_name,
	   l.corporate_number,
	   l.level,
	   l.delivery_models,
	   l.deployment_models,
	   l.scope,
	   l.registered_on,
	   l.valid_until,
	   l.status,
	   l.ended_on,
	   l.end_reason,
	   l.audit_body,
	   l.audit_id
FROM ismap.registry_listing l;
COMMENT ON VIEW ismap.registry IS 'the published registry: every registration with its service, provider, level, models, scope, dates, status and audit body';

-- ==== Classification findings, set-based ====
-------------------------------------------------------------------------------
-- classification_findings(system) ran four or five queries per system; over
-- the 1,200 systems of a large registry the analysts' question "which
-- classifications deserve a second look?" took well over 100 ms.  The rules
-- are now one set-based query, classification_findings_all(), for every
-- system or one; the per-system function keeps its signature, its error for
-- an unknown system and its findings' order, and returns what the set-based
-- query says about that system.
-------------------------------------------------------------------------------

CREATE FUNCTION ismap.classification_findings_all(p_system_id pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (system_id pg_catalog.int8, code pg_catalog.text, severity pg_catalog.text,
	control_id ismap.ctrlid, message pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	-- PL/pgSQL, so that the query is planned for the argument given: NULL
	-- (every system) folds the filters away and the joins are hashed
	RETURN QUERY
	WITH pol AS MATERIALIZED (
		SELECT (ismap.policy_value('high_water_mark_share') #>> '{}')::pg_catalog.float8 AS share
	),
	sys AS (
		SELECT s.* FROM ismap.information_system s
		WHERE p_system_id IS NULL OR s.system_id OPERATOR(pg_catalog.=) p_system_id
	),
	asset AS (
		SELECT sa.system_id, ismap.conf(a.rating) AS c, a.name
		FROM ismap.system_asset sa
		JOIN ismap.information_asset a ON a.asset_id OPERATOR(pg_catalog.=) sa.asset_id
		WHERE p_system_id IS NULL OR sa.system_id OPERATOR(pg_catalog.=) p_system_id
	),
	-- one pass per system: the counts, and the assets at the highest rating
	ranked AS (
		SELECT x.*, pg_catalog.max(x.c) OVER (PARTITION BY x.system_id) AS top_c FROM asset x
	),
	agg AS (
		SELECT k.system_id, pg_catalog.count(*)::pg_catalog.int4 AS n_assets,
			   pg_catalog.max(k.c) AS max_c, pg_catalog.min(k.c) AS min_c,
			   (pg_catalog.count(*) FILTER (WHERE k.c OPERATOR(pg_catalog.=) k.top_c))::pg_catalog.int4 AS n_top,
			   pg_catalog.string_agg(pg_catalog.quote_ident(k.name), ', ' ORDER BY k.name)
				   FILTER (WHERE k.c OPERATOR(pg_catalog.=) k.top_c) AS top_names
		FROM ranked k GROUP BY k.system_id
	),
	r AS (
		SELECT s.system_id, s.name, s.availability, s.aggregation_raises, s.override, s.override_reason,
			   COALESCE(g.n_assets, 0) AS n_assets, g.max_c, g.min_c, g.n_top, g.top_names, pol.share,
			   CASE WHEN s.override IS NOT NULL THEN
					ismap.cia(LEAST(COALESCE(g.max_c, 1) OPERATOR(pg_catalog.+)
						CASE WHEN s.aggregation_raises THEN 1 ELSE 0 END, 3), 2, s.availability) END AS computed
		FROM sys s
		CROSS JOIN pol
		LEFT JOIN agg g ON g.system_id OPERATOR(pg_catalog.=) s.system_id
	)
	SELECT r.system_id, f.code, f.severity, NULL::ismap.ctrlid, f.message
	FROM r
	CROSS JOIN LATERAL (VALUES
		(1, CASE WHEN r.n_assets OPERATOR(pg_catalog.=) 0 THEN 'NO_ASSETS'
				 WHEN r.max_c OPERATOR(pg_catalog.>) r.min_c
				  AND r.n_top::pg_catalog.float8 OPERATOR(pg_catalog./) r.n_assets OPERATOR(pg_catalog.<=) r.share
				 THEN 'HIGH_WATER_MARK_FEW_ASSETS' END,
			'warning',
			CASE WHEN r.n_assets OPERATOR(pg_catalog.=) 0 THEN
				pg_catalog.format('system "%s" lists no information assets; its confidentiality is taken as 1 until they are recorded', r.name)
			ELSE
				pg_catalog.format('confidentiality %s of system "%s" is set by %s of its %s assets (%s); separating them into their own system would let the rest be rated %s (seed §2.3)',
					r.max_c, r.name, r.n_top, r.n_assets, r.top_names, r.min_c) END),
		(2, CASE WHEN r.aggregation_raises THEN 'AGGREGATION_RAISES_CONFIDENTIALITY' END,
			'warning',
			pg_catalog.format('system "%s" aggregates its information: confidentiality raised from %s to %s',
				r.name, COALESCE(r.max_c, 1), LEAST(COALESCE(r.max_c, 1) OPERATOR(pg_catalog.+) 1, 3))),
		(3, CASE WHEN r.computed OPERATOR(ismap.<>) r.override THEN
				CASE WHEN ismap.conf(r.override) OPERATOR(pg_catalog.<) ismap.conf(r.computed)
						  OR ismap.avail(r.override) OPERATOR(pg_catalog.<) ismap.avail(r.computed)
					 THEN 'OVERRIDE_BELOW_COMPUTED' ELSE 'OVERRIDE_IN_EFFECT' END END,
			CASE WHEN ismap.conf(r.override) OPERATOR(pg_catalog.<) ismap.conf(r.computed)
					  OR ismap.avail(r.override) OPERATOR(pg_catalog.<) ismap.avail(r.computed)
				 THEN 'query' ELSE 'warning' END,
			pg_catalog.format('system "%s" is rated %s by override instead of the computed %s; reason: %s',
				r.name, r.override, r.computed, r.override_reason)),
		(4, CASE WHEN r.availability OPERATOR(pg_catalog.>=) 2 THEN 'AVAILABILITY_NEEDS_SLA' END,
			'warning',
			pg_catalog.format('availability %s of system "%s" is met through the procurement specification or SLA (uptime, recovery time, backup), not by registration alone',
				r.availability, r.name))
	) AS f(ord, code, severity, message)
	WHERE f.code IS NOT NULL
	ORDER BY r.system_id, f.ord;
END
$$;
COMMENT ON FUNCTION ismap.classification_findings_all(pg_catalog.int8) IS 'the classification findings of every system (or of one), as classification_findings gives them for one: (system_id, code, severity, control_id, message)';

CREATE OR REPLACE FUNCTION ismap.classification_findings(p_system_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM ismap.information_system s WHERE s.system_id OPERATOR(pg_catalog.=) p_system_id) THEN
		RAISE EXCEPTION 'information system % does not exist', p_system_id USING ERRCODE = 'undefined_object';
	END IF;
	RETURN QUERY SELECT f.code, f.severity, f.control_id, f.message FROM ismap.classification_findings_all(p_system_id) f;
END
$$;
COMMENT ON FUNCTION ismap.classification_findings(pg_catalog.int8) IS 'findings on a system''s classification (code, severity, control_id, message), e.g. a high-water mark set by few assets';

-- ==== Acknowledgements only from validation ====
-------------------------------------------------------------------------------
-- approve_application hands the query codes the registrar acknowledged to
-- register through the setting ismap.acknowledged, and the registration's
-- event records them.  A registrar could set it himself and call register
-- directly: the event would show acknowledgements no validation asked for.
-- The body of register is now register_decision (a new function, so that
-- no grant made on register carries over to it), which only the
-- extension's own functions call; register, replaced in place (its grants
-- stay), clears the setting before it, and approve_application calls
-- register_decision.  An event of a registration made by register alone
-- has no "acknowledged" in its context: no validation preceded it.
-- docs/validation.md.
-------------------------------------------------------------------------------

CREATE FUNCTION ismap.register_decision(p_application_id pg_catalog.int8, p_as_of pg_catalog.date)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'register', 'application_id', app.application_id, 'application_kind', app.kind,
		'audit_id', app.audit_id, 'as_of', p_as_of,
		'acknowledged', NULLIF(pg_catalog.current_setting('ismap.acknowledged', true), '')::pg_catalog.jsonb)::pg_catalog.text, true);
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id)
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register_decision(pg_catalog.int8, pg_catalog.date) IS 'the body of register and approve_application (number, validity, replacing the service''s registration on renewal, event); for the extension''s own functions';

CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- no validation, so nothing acknowledged, whatever the session set
	PERFORM pg_catalog.set_config('ismap.acknowledged', '', true);
	RETURN ismap.register_decision(p_application_id, p_as_of);
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event)';

CREATE OR REPLACE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acknowledged pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the decision
	PERFORM ismap.lock_submitted_application(p_application_id);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acknowledged
	FROM ismap.validate_application(p_application_id) f;
	IF blocking IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: % error finding(s) remain', p_application_id,
			(SELECT pg_catalog.count(*) FROM ismap.validate_application(p_application_id) f WHERE f.severity = 'error')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Blocking codes: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(blocking, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'See ismap.validate_application() for what is wrong and how to fix it.';
	END IF;
	IF unacknowledged IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: query finding(s) not acknowledged', p_application_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Codes to acknowledge: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(unacknowledged, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Pass the codes the registrar accepts in the acknowledged argument.';
	END IF;
	PERFORM pg_catalog.set_config('ismap.acknowledged', COALESCE(pg_catalog.array_to_json(acknowledged)::pg_catalog.text, '[]'), true);
	res := ismap.register_decision(p_application_id, p_as_of);
	PERFORM pg_catalog.set_config('ismap.acknowledged', '', true);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'validate and register an application: refused (55000) while an error finding remains or a query code is not acknowledged; the acknowledgements go into the event';

-- ==== A run is finished by its own session ====
-------------------------------------------------------------------------------
-- job_finish marked any running run failed or skipped, whoever had started
-- it: one jobs session could end another's run while it worked.  It now
-- finishes only a run of the calling session (ismap-jobs finishes its own
-- run after a rollback); a run whose session is gone is marked failed by
-- job_mark_stale, as before.
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION ismap.job_finish(p_run_id pg_catalog.int8, p_status pg_catalog.text, p_message pg_catalog.text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_status IS NULL OR p_status OPERATOR(pg_catalog.<>) ALL (ARRAY['failed', 'skipped']) THEN
		RAISE EXCEPTION 'a run is finished by a client as failed or skipped, not "%"', p_status
			USING ERRCODE = 'invalid_parameter_value', HINT = 'A run succeeds only in the job''s own transaction.';
	END IF;
	UPDATE ismap.job_run SET status = p_status, finished_at = pg_catalog.clock_timestamp(), message = p_message
	WHERE run_id OPERATOR(pg_catalog.=) p_run_id AND status OPERATOR(pg_catalog.=) 'running'
	  AND backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
	  AND (backend_start IS NULL
		   OR backend_start OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(a.backend_start) FROM pg_catalog.pg_stat_activity a
													 WHERE a.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()));
	IF NOT FOUND THEN
		RAISE EXCEPTION 'job run % is not running', p_run_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = COALESCE((SELECT pg_catalog.format('It is %s; a run is finished by the session that started it (process %s).',
											 r.status, r.backend_pid)
									 FROM ismap.job_run r WHERE r.run_id OPERATOR(pg_catalog.=) p_run_id),
									pg_catalog.format('There is no run %s.', p_run_id));
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) IS 'finish a running job run as failed or skipped, with the error message (used by ismap-jobs after a rolled-back run)';

-- ==== Roles and security ====
-------------------------------------------------------------------------------
-- roles, principals, row-level security, grants (DESIGN §3.9; docs/security.md)
--
-- ismap.create_roles() creates ismap_reader, ismap_registrar,
-- ismap_auditor, ismap_csp and ismap_jobs if missing, grants each what it
-- needs and creates the row-level policies; the install script calls it at
-- its very end.  The schema gives PUBLIC no USAGE, and every function that
-- is not part of a type is revoked from PUBLIC below.  This section stays
-- the last of the script, so that it sees every function.
-------------------------------------------------------------------------------

CREATE TABLE ismap.principal_binding (
	role_name		pg_catalog.name PRIMARY KEY,
	audit_body_id	pg_catalog.int8 REFERENCES ismap.audit_body ON DELETE CASCADE,
	csp_id			pg_catalog.int8 REFERENCES ismap.csp ON DELETE CASCADE,
	bound_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT principal_one_party CHECK ((audit_body_id IS NULL) OPERATOR(pg_catalog.<>) (csp_id IS NULL))
);
COMMENT ON TABLE ismap.principal_binding IS 'which audit body or provider a login role acts for; read by the row-level policies';
SELECT pg_catalog.pg_extension_config_dump('ismap.principal_binding', '');

-- The party of a role, for the policies.  SECURITY DEFINER so that the
-- policies need no privilege on the tables they consult; the policies pass
-- current_user, which is the querying role there.
CREATE FUNCTION ismap.principal_audit_body(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT b.audit_body_id FROM ismap.principal_binding b WHERE b.role_name = p_role $$;
COMMENT ON FUNCTION ismap.principal_audit_body(pg_catalog.name) IS 'the audit body a role acts for (row-level policies)';

CREATE FUNCTION ismap.principal_csp(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT b.csp_id FROM ismap.principal_binding b WHERE b.role_name = p_role $$;
COMMENT ON FUNCTION ismap.principal_csp(pg_catalog.name) IS 'the provider a role acts for (row-level policies)';

CREATE FUNCTION ismap.audit_party(p_audit_id pg_catalog.int8, OUT audit_body_id pg_catalog.int8,
	OUT csp_id pg_catalog.int8, OUT open pg_catalog.bool)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a.audit_body_id, s.csp_id,
		   NOT EXISTS (SELECT 1 FROM ismap.application ap
					   WHERE ap.audit_id = a.audit_id AND ap.status <> 'submitted')
	FROM ismap.audit a JOIN ismap.service s ON s.service_id = a.service_id
	WHERE a.audit_id = p_audit_id
$$;
COMMENT ON FUNCTION ismap.audit_party(pg_catalog.int8) IS 'the audit body and provider of an audit, and whether it is still open (no application decided or withdrawn on it)';

CREATE FUNCTION ismap.service_csp(p_service_id pg_catalog.int8) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT s.csp_id FROM ismap.service s WHERE s.service_id = p_service_id $$;
COMMENT ON FUNCTION ismap.service_csp(pg_catalog.int8) IS 'the provider of a service (row-level policies)';

-- Tie a login role to the audit body or provider it acts for.
CREATE FUNCTION ismap.principal(p_role_name pg_catalog.name, p_audit_body_id pg_catalog.int8 DEFAULT NULL,
	p_csp_id pg_catalog.int8 DEFAULT NULL) RETURNS ismap.principal_binding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.principal_binding;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', p_role_name USING ERRCODE = 'undefined_object';
	END IF;
	IF (p_audit_body_id IS NULL) = (p_csp_id IS NULL) THEN
		RAISE EXCEPTION 'a principal acts for exactly one audit body or one provider'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.principal_binding AS b (role_name, audit_body_id, csp_id)
	VALUES (p_role_name, p_audit_body_id, p_csp_id)
	ON CONFLICT (role_name) DO UPDATE SET audit_body_id = EXCLUDED.audit_body_id, csp_id = EXCLUDED.csp_id,
		bound_at = pg_catalog.now()
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8) IS 'tie a login role to the audit body or provider it acts for (registrar)';

-- A provider reports its services' changes by INSERT; the trigger that
-- writes the change's event runs with the owner's rights (the provider has
-- no privilege on the event log), and the restore rule asks whether the
-- one who inserted, not the owner, is a superuser.
CREATE OR REPLACE FUNCTION ismap.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own rows,
	-- and new ones would fork the chain.  Changes are reported by INSERT.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	-- (this function runs with the owner's rights: the one who inserted is
	-- the role set with SET ROLE, else the login role)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r
			WHERE r.rolname OPERATOR(pg_catalog.=) CASE WHEN pg_catalog.current_setting('role') IN ('none', '')
				THEN SESSION_USER ELSE pg_catalog.current_setting('role')::pg_catalog.name END) THEN
		RETURN NULL;
	END IF;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap.append_event(CASE WHEN TG_OP = 'INSERT' THEN 'change_reported' ELSE 'change_covered' END,
		live, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'change_id', NEW.change_id,
			'kind', NEW.kind,
			'material', NEW.material,
			'effective_on', NEW.effective_on,
			'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
			'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
			'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
			'covered_by', NEW.covered_by,
			'covered_on', NEW.covered_on,
			'context', NULLIF(pg_catalog.current_setting('ismap.event_context', true), '')::pg_catalog.jsonb)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.service_change_event_trigger() IS 'trigger: writes a registry event (change_reported, change_covered) for a reported change and for its coverage by an audit';
ALTER FUNCTION ismap.service_change_event_trigger() SECURITY DEFINER;

-- Decisions run with the owner's rights, so the registrar needs no write
-- privilege on registrations or events; EXECUTE is the authorization.
ALTER FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) SECURITY DEFINER;
ALTER FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) SECURITY DEFINER;
ALTER FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) SECURITY DEFINER;
ALTER FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) SECURITY DEFINER;
-- The batch functions write registrations, events and notices for the jobs
-- role, which holds no write privilege itself.
ALTER FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool) SECURITY DEFINER;
ALTER FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool) SECURITY DEFINER;
ALTER FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool) SECURITY DEFINER;
ALTER FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) SECURITY DEFINER;
ALTER FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) SECURITY DEFINER;
ALTER FUNCTION ismap.job_mark_stale(pg_catalog.text) SECURITY DEFINER;
ALTER FUNCTION ismap.prune_job_runs(pg_catalog.interval) SECURITY DEFINER;
ALTER FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool) SECURITY DEFINER;
ALTER FUNCTION ismap.run_change_checks(pg_catalog.date, pg_catalog.bool) SECURITY DEFINER;
ALTER FUNCTION ismap.seal_event_chain(pg_catalog.date, pg_catalog.bool) SECURITY DEFINER;
ALTER FUNCTION ismap.ensure_evidence_partitions(pg_catalog.date, pg_catalog.date) SECURITY DEFINER;

-- The published registry is a view with the owner's rights over the
-- registrations (all of which are public); security_barrier keeps a
-- caller's functions from seeing rows before the view's own filters.
ALTER VIEW ismap.registry SET (security_invoker = false, security_barrier = true);

ALTER TABLE ismap.audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.statement_item ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.audit_result ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.control_test ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.application ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service_dependency ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.csp ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.auditor ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.auditor_qualification ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.principal_binding ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service_change ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.evidence ENABLE ROW LEVEL SECURITY;
-- FORCE: even a non-superuser owner obeys the policies of the parties'
-- work (the owner's own SECURITY DEFINER functions have policies below)
ALTER TABLE ismap.statement_item FORCE ROW LEVEL SECURITY;
ALTER TABLE ismap.audit_result FORCE ROW LEVEL SECURITY;
ALTER TABLE ismap.control_test FORCE ROW LEVEL SECURITY;

CREATE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT INSERT, UPDATE ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_change_checks', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

CREATE FUNCTION ismap.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- everyone reads the public parts of these
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn');
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_change FOR SELECT TO ismap_reader, ismap_auditor USING (true);
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- PUBLIC keeps only what the types need (I/O, operators, support functions,
-- aggregates' parts): every other function is revoked and granted by role.
DO $$
DECLARE
	f pg_catalog.regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_operator o WHERE o.oprcode = p.oid)
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_amproc a WHERE a.amproc = p.oid)
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_aggregate g WHERE p.oid IN (g.aggfnoid, g.aggtransfn, g.aggcombinefn, g.aggfinalfn))
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast c WHERE c.castfunc = p.oid)
	LOOP
		EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
	END LOOP;
END
$$;

-- The roles, grants and policies are made at install too: then they are
-- part of what CREATE EXTENSION builds, so a restore (which re-runs it)
-- brings them back, and pg_dump needs to carry only later changes.  Roles
-- are global: DROP EXTENSION leaves them for the next install.
SELECT ismap.create_roles();
