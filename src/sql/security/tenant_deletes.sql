-- Deletes by the parties (A2-09, "Tenants cannot stall each other").
-- PostgreSQL 15 lets a role holding a table-level UPDATE, DELETE or
-- TRUNCATE privilege take LOCK TABLE in any mode: a provider or an auditor
-- with such a grant on a shared table could hold ACCESS EXCLUSIVE and stall
-- every other party, the registrar's decisions and the jobs.  Column-level
-- privileges do not count there.  So the parties hold INSERT and
-- column-level UPDATE only, and delete their rows through the functions
-- below, which check what the DELETE policies checked, for the person who
-- acted (ismap_internal.event_actor(): CURRENT_USER names the owner here).
-- A missing row and another party's row get the same answer (42501), so
-- nothing leaks; a row of an audit that is no longer open, 55000; the
-- freeze triggers fire as they do for any delete.  SECURITY DEFINER: the
-- owner deletes the one row once the checks have passed.

-- may the person who acted write the rows of this audit, as its provider
-- (p_side 'csp') or its audit body ('audit_body')?  'not_yours' when the
-- audit is not one of that party's (or does not exist), 'closed' when an
-- application resting on it was withdrawn, 'decided' when one was approved
-- or rejected (a delete is then tried: the freeze trigger answers), else
-- 'open'
CREATE FUNCTION ismap_internal.audit_write_state(p_audit_id pg_catalog.int8, p_side pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	actor pg_catalog.name := ismap_internal.event_actor();
	mine pg_catalog.bool;
	is_open pg_catalog.bool;
BEGIN
	SELECT CASE p_side WHEN 'csp' THEN o.csp_id = ismap.principal_csp(actor)
					   ELSE o.audit_body_id = ismap.principal_audit_body(actor) END,
		   o.open
	INTO mine, is_open
	FROM ismap.audit_party(p_audit_id) o;
	IF mine IS NOT TRUE THEN
		RETURN 'not_yours';
	ELSIF is_open THEN
		RETURN 'open';
	ELSIF EXISTS (SELECT 1 FROM ismap.audit a WHERE a.audit_id = p_audit_id AND a.decided_on IS NOT NULL) THEN
		RETURN 'decided';
	END IF;
	RETURN 'closed';
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_write_state(pg_catalog.int8, pg_catalog.text) IS 'whether the person who acted may write the statement (csp) or the results and tests (audit_body) of an audit: open, decided, closed (an application on it withdrawn) or not_yours';

CREATE FUNCTION ismap.delete_statement_item(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS ismap.statement_item
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.statement_item;
	state pg_catalog.text;
BEGIN
	IF p_audit_id IS NULL OR p_control_id IS NULL THEN
		RAISE EXCEPTION 'audit_id and control_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	state := ismap_internal.audit_write_state(p_audit_id, 'csp');
	IF state = 'closed' AND EXISTS (SELECT 1 FROM ismap.statement_item s
									WHERE s.audit_id = p_audit_id AND s.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'audit % is closed: its statement is no longer written', p_audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An application resting on the audit was withdrawn.',
				  HINT = 'A new application needs a new audit.';
	END IF;
	IF state IN ('open', 'decided') THEN
		-- the freeze trigger refuses (55000) when the audit is decided
		DELETE FROM ismap.statement_item s
		WHERE s.audit_id = p_audit_id AND s.control_id OPERATOR(ismap.=) p_control_id
		RETURNING s.* INTO res;
	END IF;
	IF res.audit_id IS NULL THEN
		RAISE EXCEPTION 'statement item "%" of audit % does not exist or is another party''s', p_control_id, p_audit_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_statement_item(pg_catalog.int8, ismap.ctrlid) IS 'provider: delete an item of its statement while the audit is open; returns the deleted row (42501 for a missing or another party''s item, 55000 when the audit is closed or decided)';

CREATE FUNCTION ismap.delete_audit_result(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS ismap.audit_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.audit_result;
	state pg_catalog.text;
BEGIN
	IF p_audit_id IS NULL OR p_control_id IS NULL THEN
		RAISE EXCEPTION 'audit_id and control_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	state := ismap_internal.audit_write_state(p_audit_id, 'audit_body');
	IF state = 'closed' AND EXISTS (SELECT 1 FROM ismap.audit_result r
									WHERE r.audit_id = p_audit_id AND r.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'audit % is closed: its results and control tests are no longer written', p_audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An application resting on the audit was withdrawn.',
				  HINT = 'A new application needs a new audit.';
	END IF;
	IF state IN ('open', 'decided') THEN
		DELETE FROM ismap.audit_result r
		WHERE r.audit_id = p_audit_id AND r.control_id OPERATOR(ismap.=) p_control_id
		RETURNING r.* INTO res;
	END IF;
	IF res.audit_id IS NULL THEN
		RAISE EXCEPTION 'result "%" of audit % does not exist or is another party''s', p_control_id, p_audit_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_audit_result(pg_catalog.int8, ismap.ctrlid) IS 'auditor: delete a result of an audit of its body while the audit is open; returns the deleted row (42501 for a missing or another party''s result, 55000 when the audit is closed or decided)';

CREATE FUNCTION ismap.delete_control_test(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS ismap.control_test
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.control_test;
	state pg_catalog.text;
BEGIN
	IF p_audit_id IS NULL OR p_control_id IS NULL THEN
		RAISE EXCEPTION 'audit_id and control_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	state := ismap_internal.audit_write_state(p_audit_id, 'audit_body');
	IF state = 'closed' AND EXISTS (SELECT 1 FROM ismap.control_test t
									WHERE t.audit_id = p_audit_id AND t.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'audit % is closed: its results and control tests are no longer written', p_audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An application resting on the audit was withdrawn.',
				  HINT = 'A new application needs a new audit.';
	END IF;
	IF state IN ('open', 'decided') THEN
		DELETE FROM ismap.control_test t
		WHERE t.audit_id = p_audit_id AND t.control_id OPERATOR(ismap.=) p_control_id
		RETURNING t.* INTO res;
	END IF;
	IF res.audit_id IS NULL THEN
		RAISE EXCEPTION 'control test "%" of audit % does not exist or is another party''s', p_control_id, p_audit_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_control_test(pg_catalog.int8, ismap.ctrlid) IS 'auditor: delete a control test of an audit of its body while the audit is open; returns the deleted row (42501 for a missing or another party''s test, 55000 when the audit is closed or decided)';

-- a provider removes a platform of its own service; the dependency guard
-- refuses (55000) while a registration in force rests on it, and the
-- removal is an event (dependency_removed), as before
CREATE FUNCTION ismap.delete_service_dependency(p_service_id pg_catalog.int8, p_base_service_id pg_catalog.int8)
RETURNS ismap.service_dependency
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.service_dependency;
BEGIN
	IF p_service_id IS NULL OR p_base_service_id IS NULL THEN
		RAISE EXCEPTION 'service_id and base_service_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF ismap.service_csp(p_service_id) OPERATOR(pg_catalog.=) ismap.principal_csp(ismap_internal.event_actor()) THEN
		DELETE FROM ismap.service_dependency d
		WHERE d.service_id = p_service_id AND d.base_service_id = p_base_service_id
		RETURNING d.* INTO res;
	END IF;
	IF res.service_id IS NULL THEN
		RAISE EXCEPTION 'dependency of service % on service % does not exist or is another party''s', p_service_id, p_base_service_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_service_dependency(pg_catalog.int8, pg_catalog.int8) IS 'provider: remove a platform dependency of its own service; returns the deleted row (42501 for a missing or another party''s dependency, 55000 while a registration in force rests on it)';
