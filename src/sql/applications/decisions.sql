CREATE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acked pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the
	-- decision: the application, then its audit (writes of the statement,
	-- results and tests in progress finish first; later ones are refused)
	-- the committee decides an application the reviewer accepted: in
	-- review, or accepted without a finding ever raised (the first finding
	-- moves it to in_review); an unresolved finding is REVIEW_FINDING_OPEN
	PERFORM ismap_internal.decide_audit((ismap_internal.lock_application(p_application_id,
		ARRAY['in_review', 'accepted'])).audit_id, NULL);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acked
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
	-- the decision records what it acknowledged; the registered event
	-- takes it from the application row
	UPDATE ismap.application SET acknowledged = COALESCE(acked, '{}')
	WHERE application_id = p_application_id;
	res := ismap.register(p_application_id, p_as_of);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'committee: validate and register an application in review (or accepted without findings): refused (55000) from another state, while an error finding (REVIEW_FINDING_OPEN among them) remains or a query code is not acknowledged; the acknowledged codes are recorded on the application and go into the event';

CREATE FUNCTION ismap.reject_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap_internal.lock_application(p_application_id, ARRAY['in_review', 'accepted']);
	-- the findings the event records are those of the audit as decided
	PERFORM ismap_internal.decide_audit(app.audit_id, CURRENT_DATE);
	UPDATE ismap.application SET status = 'rejected', decided_on = CURRENT_DATE, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_rejected', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'reason', p_reason,
			'findings', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', f.code, 'severity', f.severity))
						 FROM ismap.validate_application(p_application_id) f)));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) IS 'committee: reject an application in review or accepted, with a reason (55000 from another state); the decision and the findings at that time go into the event log';

