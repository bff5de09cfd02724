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
LANGUAGE C STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_verify_event_chain';
COMMENT ON FUNCTION ismap.verify_event_chain() IS 'check the event chain (from the newest seal, else in full): the first event whose content, link or order was altered, or whose predecessor was removed; the sealed event if the log was cut or rewritten after the seal';

CREATE FUNCTION ismap.event_chain_head(OUT event_id pg_catalog.int8, OUT hash pg_catalog.bytea)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT e.event_id, e.hash FROM ismap.registry_event e ORDER BY e.event_id DESC LIMIT 1
$$;
COMMENT ON FUNCTION ismap.event_chain_head() IS 'the newest event and its hash: publish it, and removal of the newest events becomes detectable too';

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
LANGUAGE C STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_event_chain_full_check';
COMMENT ON FUNCTION ismap.event_chain_full_check() IS 'recompute every hash of the event chain, whatever the seal; when intact, the newest event, its hash and the fingerprint up to it';

