-- The chain job: a full check; when intact, a seal of its newest event (a
-- second run with no new event seals nothing new).  A broken chain fails
-- the job with 'data_corrupted' (XX001), so cron mail and job_health show it.
CREATE FUNCTION ismap_internal.job_chain(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_chain.as_of;
	dry pg_catalog.bool := job_chain.dry_run;
	run pg_catalog.int8 := job_chain.run_id;
	c record;
	last_seal record;
	n pg_catalog.int8 := 0;
	fixed pg_catalog.int8;
	stale pg_catalog.int8[];
	saved_lock_timeout pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
	PERFORM ismap_internal.job_progress('chain: recomputing every hash of the event log');
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
	-- The published listing against the registrations and their registered
	-- content: a data-only restore with the triggers off, or a logical
	-- replica's first copy, leaves rows missing or stale; put right here,
	-- and said (docs/registry.md, "The published list").  The comparison
	-- takes no row locks; only the rows found differing are written, and a
	-- transaction holding those rows locked defers the repair to the next
	-- run instead of stalling the job.
	PERFORM ismap_internal.job_progress('chain: comparing the published listing with its tables');
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
		IF action OPERATOR(pg_catalog.=) 'listing_repair_deferred' THEN
			detail := pg_catalog.format('%s rows of the published listing differed from their registrations and registered content; a transaction held open elsewhere kept them locked: the next run tries again', pg_catalog.cardinality(stale));
		ELSE
			detail := pg_catalog.format('%s rows of the published listing differed from their registrations and registered content', pg_catalog.cardinality(stale));
		END IF;
		RETURN NEXT;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the chain job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('chain', 'ismap_internal.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 105, 'check every hash of the event log and seal it (fails if broken), repair the published listing', 50);

CREATE FUNCTION ismap.seal_event_chain(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('chain', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.seal_event_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'chain job: recompute every hash of the event log; if intact, seal its newest event (hash and fingerprint) so that verify_event_chain checks only what came after; XX001 if broken';

