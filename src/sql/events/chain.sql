-- The event chain's check (docs/registry.md, "The event log"):
-- verify_event_chain is C (src/pg/events.c), hashing the same bytes as
-- ismap.event_digest_input, and it starts from a seal: the chain job
-- ("ismap-jobs chain", ismap.seal_event_chain) checks the whole log every
-- night and records its newest event, that event's hash and a fingerprint
-- of the stored bytes of every event up to it.  Events up to the seal are
-- then checked by the fingerprint (no JSON printing), the ones after it by
-- their hashes; any difference in the sealed part falls back to the full
-- check.
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

CREATE FUNCTION ismap.verify_event_chain(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE C STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'ismap_verify_event_chain';
COMMENT ON FUNCTION ismap.verify_event_chain() IS 'check the event chain (from the newest seal, else in full): the first event whose content, link or order was altered, or whose predecessor was removed; the sealed event if the log was cut or rewritten after the seal';

CREATE FUNCTION ismap.event_chain_head(OUT event_id pg_catalog.int8, OUT hash pg_catalog.bytea)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT e.event_id, e.hash FROM ismap.registry_event e ORDER BY e.event_id DESC LIMIT 1
$$;
COMMENT ON FUNCTION ismap.event_chain_head() IS 'the newest event and its hash: publish it, and removal of the newest events becomes detectable too';

-- Verification against a head published outside the database (M7): the
-- seal and its fingerprint are in the database, so whoever rewrites events
-- can rewrite them too.  Given an event id and the hash published for it,
-- every hash is recomputed from the first event (no seal is trusted) and the
-- stored hash of that event must equal the published one.  A rewrite that
-- recomputed the chain after it, or a log cut before it, is then reported
-- as that event.
CREATE FUNCTION ismap.verify_event_chain(anchor_event_id pg_catalog.int8, anchor_hash pg_catalog.bytea,
	OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	full_ok pg_catalog.bool;
	full_bad pg_catalog.int8;
	stored pg_catalog.bytea;
BEGIN
	IF anchor_event_id IS NULL OR anchor_hash IS NULL THEN
		RAISE EXCEPTION 'the anchor needs an event id and its published hash'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF pg_catalog.length(anchor_hash) OPERATOR(pg_catalog.<>) 32 THEN
		RAISE EXCEPTION 'a published hash is 32 bytes (SHA-256), not %', pg_catalog.length(anchor_hash)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT f.ok, f.first_bad_event INTO full_ok, full_bad FROM ismap.event_chain_full_check() f;
	IF NOT full_ok THEN
		ok := false;
		first_bad_event := full_bad;
		RETURN;
	END IF;
	SELECT e.hash INTO stored FROM ismap.registry_event e WHERE e.event_id OPERATOR(pg_catalog.=) anchor_event_id;
	ok := stored IS NOT DISTINCT FROM anchor_hash;
	first_bad_event := CASE WHEN NOT ok THEN anchor_event_id END;
END
$$;
COMMENT ON FUNCTION ismap.verify_event_chain(pg_catalog.int8, pg_catalog.bytea) IS 'check every hash of the event chain (no seal trusted) and that the event named has the hash published for it (event_chain_head, kept outside the database)';

-- the fingerprint of a set of events (src/pg/events.c, fp_add): order-free
-- and combinable, so that the scan of the sealed events may run in parallel
CREATE FUNCTION ismap_internal.event_fingerprint_step(pg_catalog.bytea, pg_catalog.int8, pg_catalog.xid, pg_catalog.tid)
RETURNS pg_catalog.bytea
LANGUAGE C IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_event_fingerprint_step';
COMMENT ON FUNCTION ismap_internal.event_fingerprint_step(pg_catalog.bytea, pg_catalog.int8, pg_catalog.xid, pg_catalog.tid) IS 'transition function of event_chain_fingerprint';

CREATE FUNCTION ismap_internal.event_fingerprint_combine(pg_catalog.bytea, pg_catalog.bytea)
RETURNS pg_catalog.bytea
LANGUAGE C IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_event_fingerprint_combine';
COMMENT ON FUNCTION ismap_internal.event_fingerprint_combine(pg_catalog.bytea, pg_catalog.bytea) IS 'combine function of event_chain_fingerprint';

CREATE AGGREGATE ismap.event_chain_fingerprint(pg_catalog.int8, pg_catalog.xid, pg_catalog.tid) (
	SFUNC = ismap_internal.event_fingerprint_step,
	STYPE = pg_catalog.bytea,
	COMBINEFUNC = ismap_internal.event_fingerprint_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE ismap.event_chain_fingerprint(pg_catalog.int8, pg_catalog.xid, pg_catalog.tid) IS 'fingerprint of events (event_id, xmin, ctid), as a seal stores it';

CREATE FUNCTION ismap.event_chain_full_check(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8,
	OUT events_checked pg_catalog.int8, OUT head_event pg_catalog.int8, OUT head_hash pg_catalog.bytea,
	OUT fingerprint pg_catalog.bytea)
LANGUAGE C STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'ismap_event_chain_full_check';
COMMENT ON FUNCTION ismap.event_chain_full_check() IS 'recompute every hash of the event chain, whatever the seal; when intact, the newest event, its hash and the fingerprint up to it';

