-------------------------------------------------------------------------------
-- the remediation of a service as an OSCAL 1.0.4 POA&M (DESIGN 3.15): one
-- item (and one risk) per open or overdue remediation plan of the service's
-- registrations, and per control the current registration's audit found not
-- effective that has no plan yet.  The caller's rights: row-level security
-- decides what it sees (remediation is never public).  Deterministic: the
-- UUIDs derive from the rows' ids, the dates from the data, never now():
-- a UUID is the md5 of a stable key with the version (4) and variant (10xx)
-- bits set as OSCAL's pattern asks (the item of a plan or of a finding keeps
-- its UUID; the document's follows its content).
-------------------------------------------------------------------------------
CREATE FUNCTION ismap.export_oscal_poam(service_id pg_catalog.int8)
RETURNS pg_catalog.jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	svc ismap.service;
	cur ismap.registration;
	latest ismap.registration;
	items pg_catalog.jsonb;
	risks pg_catalog.jsonb;
	modified pg_catalog.date;
	doc_hash pg_catalog.text;
BEGIN
	IF export_oscal_poam.service_id IS NULL THEN
		RAISE EXCEPTION 'service must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO svc FROM ismap.service s WHERE s.service_id = export_oscal_poam.service_id;
	IF svc.service_id IS NULL THEN
		RAISE EXCEPTION 'service % does not exist', export_oscal_poam.service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO cur FROM ismap.registration g
	WHERE g.service_id = svc.service_id AND g.status = ANY (ARRAY['active', 'suspended']);
	SELECT * INTO latest FROM ismap.registration g
	WHERE g.service_id = svc.service_id ORDER BY g.registered_on DESC, g.registration_id DESC LIMIT 1;

	WITH open_plans AS (
		SELECT m.remediation_id, m.control_id, m.description, m.due_on, m.status, m.planned_on, m.planned_by,
			g.registration_number, c.title AS control_title
		FROM ismap.remediation m
		JOIN ismap.registration g ON g.registration_id = m.registration_id
		LEFT JOIN ismap.audit a ON a.audit_id = g.audit_id
		LEFT JOIN ismap.control c ON c.framework_id = a.framework_id AND c.control_id OPERATOR(ismap.=) m.control_id
		WHERE g.service_id = svc.service_id AND m.status = ANY (ARRAY['open', 'overdue'])
	),
	-- the effective result per control of the current registration: an
	-- additional audit's replaces the audit's for the controls it covers
	results AS (
		SELECT DISTINCT ON (r.control_id) r.control_id, r.result, r.rationale, a.audit_id, a.framework_id
		FROM ismap.audit a
		JOIN ismap.audit_result r ON r.audit_id = a.audit_id
		WHERE a.audit_id = cur.audit_id OR a.supersedes_audit_id = cur.audit_id
		ORDER BY r.control_id, (a.audit_id = cur.audit_id), a.audit_id DESC
	),
	unplanned AS (
		SELECT r.control_id, r.result, r.rationale, r.audit_id, c.title AS control_title
		FROM results r
		LEFT JOIN ismap.control c ON c.framework_id = r.framework_id AND c.control_id OPERATOR(ismap.=) r.control_id
		WHERE r.result <> 'effective'
		  AND NOT EXISTS (SELECT 1 FROM ismap.remediation m
						  WHERE m.registration_id = cur.registration_id AND m.control_id OPERATOR(ismap.=) r.control_id)
	),
	entries AS (
		SELECT 'remediation:' || p.remediation_id AS key, p.control_id, p.control_title, p.registration_number,
			pg_catalog.btrim(p.description) AS statement,
			pg_catalog.format('Remediation plan %s of registration %s, planned on %s by %s, due on %s: %s.',
				p.remediation_id, p.registration_number, pg_catalog.to_char(p.planned_on, 'YYYY-MM-DD'), p.planned_by,
				pg_catalog.to_char(p.due_on, 'YYYY-MM-DD'), p.status) AS description,
			'remediating' AS risk_status, p.due_on, p.status AS item_status, p.planned_on AS dated,
			1 AS kind, p.remediation_id AS ord
		FROM open_plans p
		UNION ALL
		SELECT 'finding:' || cur.registration_id || ':' || u.control_id::pg_catalog.text, u.control_id, u.control_title,
			cur.registration_number,
			COALESCE(NULLIF(pg_catalog.btrim(u.rationale), ''),
				pg_catalog.format('The audit found control %s %s.', u.control_id,
					CASE u.result WHEN 'ineffective' THEN 'ineffective' ELSE 'not tested' END)),
			pg_catalog.format('Control %s of registration %s: the audit %s found it %s; no remediation is planned yet.',
				u.control_id, cur.registration_number, u.audit_id,
				CASE u.result WHEN 'ineffective' THEN 'ineffective' ELSE 'not tested' END),
			'open', NULL, 'unplanned', cur.registered_on, 2, 0
		FROM unplanned u
	),
	numbered AS (
		SELECT e.*, (substr(h.item, 1, 8) || '-' || substr(h.item, 9, 4) || '-4' || substr(h.item, 14, 3) || '-' || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(h.item, 17, 1)), 1) || substr(h.item, 18, 3) || '-' || substr(h.item, 21, 12)) AS item_uuid,
			(substr(h.risk, 1, 8) || '-' || substr(h.risk, 9, 4) || '-4' || substr(h.risk, 14, 3) || '-' || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(h.risk, 17, 1)), 1) || substr(h.risk, 18, 3) || '-' || substr(h.risk, 21, 12)) AS risk_uuid,
			pg_catalog.btrim(e.control_id::pg_catalog.text || ' ' || COALESCE(CASE
				WHEN pg_catalog.length(t.short) <= 80 THEN t.short
				-- a long title is cut at a word boundary
				ELSE pg_catalog.regexp_replace(pg_catalog.left(t.short, 80), '\s+\S*$', '') || '…' END, '')) AS title
		FROM entries e
		CROSS JOIN LATERAL (SELECT pg_catalog.regexp_replace(pg_catalog.btrim(e.control_title), '\s+', ' ', 'g') AS short) t
		CROSS JOIN LATERAL (SELECT pg_catalog.md5('pg-ismap:poam-item:' || e.key) AS item,
			pg_catalog.md5('pg-ismap:risk:' || e.key) AS risk) h
	)
	SELECT
		pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
			'uuid', n.item_uuid, 'title', n.title, 'description', n.description,
			'related-risks', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('risk-uuid', n.risk_uuid)),
			'remarks', pg_catalog.format('registration: %s; status: %s%s', n.registration_number, n.item_status,
				CASE WHEN n.due_on IS NOT NULL THEN '; due on: ' || pg_catalog.to_char(n.due_on, 'YYYY-MM-DD') END))
			ORDER BY n.kind, n.ord, n.control_id),
		pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'uuid', n.risk_uuid, 'title', n.title, 'description', n.description, 'statement', n.statement,
			'status', n.risk_status,
			'deadline', pg_catalog.to_char(n.due_on, 'YYYY-MM-DD') || 'T23:59:59+09:00'))
			ORDER BY n.kind, n.ord, n.control_id),
		pg_catalog.max(n.dated)
	INTO items, risks, modified
	FROM numbered n;

	-- an OSCAL POA&M has at least one item: with nothing open there is no
	-- document to write (also for a service whose plans the caller may not see)
	IF items IS NULL THEN
		RAISE EXCEPTION 'service % has no open remediation and no control found not effective that the caller may see', svc.service_id
			USING ERRCODE = 'no_data_found',
				  HINT = 'An OSCAL plan of action and milestones needs at least one item.';
	END IF;
	doc_hash := pg_catalog.md5('pg-ismap:poam:' || svc.service_id || ':' || items::pg_catalog.text || risks::pg_catalog.text);
	modified := GREATEST(modified, cur.registered_on, latest.registered_on);
	RETURN pg_catalog.jsonb_build_object('plan-of-action-and-milestones', pg_catalog.jsonb_build_object(
		'uuid', (substr(doc_hash, 1, 8) || '-' || substr(doc_hash, 9, 4) || '-4' || substr(doc_hash, 14, 3) || '-' || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(doc_hash, 17, 1)), 1) || substr(doc_hash, 18, 3) || '-' || substr(doc_hash, 21, 12)),
		'metadata', pg_catalog.jsonb_build_object(
			'title', pg_catalog.format('Plan of action and milestones: %s', pg_catalog.btrim(svc.name)),
			'last-modified', pg_catalog.to_char(modified, 'YYYY-MM-DD') || 'T00:00:00+09:00',
			'version', pg_catalog.to_char(modified, 'YYYY-MM-DD'),
			'oscal-version', '1.0.4',
			'document-ids', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'identifier', 'urn:pg-ismap:service:' || svc.service_id))),
		'system-id', pg_catalog.jsonb_build_object('id', COALESCE(cur.registration_number, latest.registration_number)),
		'risks', risks,
		'poam-items', items));
END
$$;
COMMENT ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) IS 'registrar, reviewer, or the service''s provider: the open and overdue remediation of the service, and the controls its current registration''s audit found not effective without a plan, as an OSCAL 1.0.4 plan of action and milestones (JSON); the caller''s rights; 42704 for a service the caller cannot see, P0002 when there is nothing to write';
REVOKE ALL ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) FROM PUBLIC;
