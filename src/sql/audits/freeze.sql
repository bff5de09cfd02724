-- Decided means frozen (docs/registry.md, "Decided means frozen"): once an
-- application resting on an audit is approved or rejected, the audit, its
-- statement, its results and its control tests do not change.
--
-- The decision and every writer share one lock, the audit's row:
--  * a write of a statement item, result or control test first takes the
--    audit row FOR SHARE, then refuses (55000) when the audit is decided;
--  * a decision takes the same row FOR UPDATE before it validates, and sets
--    audit.decided_on.
-- So a decision waits for writes in progress and then validates what they
-- committed; a write that comes after the decision waits for it and is then
-- refused; a REPEATABLE READ or SERIALIZABLE writer whose snapshot predates
-- the decision gets 40001 on the updated row (specs/decided_frozen.spec).
-- Writers of different audits share no lock: one provider's open
-- transaction never delays another's decision.
-- SECURITY DEFINER: the writer (a provider, an auditor) may neither see nor
-- lock the audit row itself under its own privileges and policies.
CREATE FUNCTION ismap_internal.audit_freeze_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids pg_catalog.int8[];
	a pg_catalog.int8;
	decided pg_catalog.date;
BEGIN
	-- a superuser's session may add rows to a decided audit: that is how a
	-- restore (pg_dump's COPY) brings them back.  A superuser can switch any
	-- trigger off anyway; nobody else can, and nobody changes or deletes.
	IF TG_OP = 'INSERT' AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = SESSION_USER) THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY[NEW.audit_id];
	ELSIF TG_OP = 'DELETE' THEN
		ids := ARRAY[OLD.audit_id];
	ELSE
		ids := ARRAY[OLD.audit_id, NEW.audit_id];
	END IF;
	FOREACH a IN ARRAY ids LOOP
		SELECT au.decided_on INTO decided FROM ismap.audit au WHERE au.audit_id = a FOR SHARE;
		IF decided IS NOT NULL THEN
			RAISE EXCEPTION 'audit % is decided: its statement, results and control tests are frozen', a
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = pg_catalog.format('An application resting on it was decided on %s; %s on %s is refused.', decided, TG_OP, TG_TABLE_NAME),
					  HINT = 'Later facts go into a new audit.';
		END IF;
	END LOOP;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_freeze_guard() IS 'trigger: a statement item, result or control test of a decided audit cannot be written (55000); takes the audit row FOR SHARE, the lock the decisions take FOR UPDATE';

CREATE TRIGGER statement_item_frozen BEFORE INSERT OR UPDATE OR DELETE ON ismap.statement_item
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_freeze_guard();
CREATE TRIGGER audit_result_frozen BEFORE INSERT OR UPDATE OR DELETE ON ismap.audit_result
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_freeze_guard();
CREATE TRIGGER control_test_frozen BEFORE INSERT OR UPDATE OR DELETE ON ismap.control_test
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_freeze_guard();
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER statement_item_frozen;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER audit_result_frozen;
ALTER TABLE ismap.control_test ENABLE ALWAYS TRIGGER control_test_frozen;

-- the audit itself: nothing of a decided audit changes, and the decision
-- date is set once
CREATE FUNCTION ismap_internal.audit_decided_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF OLD.decided_on IS NOT NULL THEN
		RAISE EXCEPTION 'audit % is decided: it is frozen', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('An application resting on it was decided on %s; %s of the audit is refused.', OLD.decided_on, TG_OP),
				  HINT = 'Later facts go into a new audit.';
	END IF;
	-- an open audit stays the audit of its service once the provider has
	-- written a statement: moved, the statement and the results would
	-- become another provider's to read and to file on
	IF TG_OP = 'UPDATE' AND NEW.service_id IS DISTINCT FROM OLD.service_id
	   AND EXISTS (SELECT 1 FROM ismap.statement_item s WHERE s.audit_id OPERATOR(pg_catalog.=) OLD.audit_id) THEN
		RAISE EXCEPTION 'audit % has a statement: its service cannot change', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The statement of service %s was written for this audit.', OLD.service_id),
				  HINT = 'Record an audit of the other service instead.';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_decided_guard() IS 'trigger: a decided audit is neither updated nor deleted (55000); an audit with a statement keeps its service (55000)';
CREATE TRIGGER audit_frozen BEFORE UPDATE OR DELETE ON ismap.audit
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_decided_guard();
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER audit_frozen;

-- the decisions' side: lock the audit an application rests on and the
-- additional audits superseding it (FOR UPDATE, waiting for writes in
-- progress), and record the decision on them: they are decided together
CREATE FUNCTION ismap_internal.decide_audit(p_audit_id pg_catalog.int8, p_decided_on pg_catalog.date) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM 1 FROM ismap.audit
	WHERE audit_id = p_audit_id OR supersedes_audit_id = p_audit_id
	ORDER BY audit_id FOR UPDATE;
	IF p_decided_on IS NOT NULL THEN
		UPDATE ismap.audit SET decided_on = p_decided_on
		WHERE (audit_id = p_audit_id OR supersedes_audit_id = p_audit_id) AND decided_on IS NULL;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.decide_audit(pg_catalog.int8, pg_catalog.date) IS 'lock an audit and its additional audits for a decision (FOR UPDATE: waits for writes of their statements, results and tests in progress) and, given a date, record the decision (audit.decided_on) on them';
