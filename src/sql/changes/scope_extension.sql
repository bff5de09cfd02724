-------------------------------------------------------------------------------
-- scope extensions (DESIGN 3.14): the extension a change states, the audit
-- scope that contains it, the service scope the provider extends
-------------------------------------------------------------------------------

-- What "contains" means, in one place: both texts are normalised the way
-- validation compares scopes (vl_same_scope: the ASCII white space
-- characters trimmed at both ends and each run of them made one space,
-- ASCII letters folded to lower case; nothing else, so other scripts and
-- full-width characters compare as they are), and the extension must then
-- occur in the scope as a substring.  No word boundaries: scopes are often
-- Japanese, which has no spaces between words.
CREATE FUNCTION ismap.scope_contains(scope pg_catalog.text, extension pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.strpos(
		pg_catalog.translate(pg_catalog.btrim(pg_catalog.regexp_replace($1, '[ \t\n\v\f\r]+', ' ', 'g'), ' '),
			'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
		pg_catalog.translate(pg_catalog.btrim(pg_catalog.regexp_replace($2, '[ \t\n\v\f\r]+', ' ', 'g'), ' '),
			'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) OPERATOR(pg_catalog.>) 0
$$;
COMMENT ON FUNCTION ismap.scope_contains(pg_catalog.text, pg_catalog.text) IS 'true when the extension occurs in the scope once both are normalised as validation compares scopes (ASCII white space trimmed and collapsed to one space, ASCII letters folded); the rule by which an audit covers a scope extension';

-- A scope extension states its extension; no other kind states one.  A
-- trigger, not a CHECK, so that the message says what is missing, and an
-- ordinary one (not ENABLE ALWAYS): a restore under session_replication_role
-- = replica brings back the scope extensions reported before 0.3.0, which
-- have none (docs/upgrading.md).
CREATE FUNCTION ismap_internal.service_change_extension_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.kind = 'scope_extension' AND ismap.text_is_blank(NEW.extension) THEN
		RAISE EXCEPTION 'a scope extension must state the extension'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'service_change_extension',
				  DETAIL = 'Column "extension" holds what the service now covers, in the words its scope will use: an audit covers the change only when its scope contains that text.';
	END IF;
	IF NEW.kind <> 'scope_extension' AND NEW.extension IS NOT NULL THEN
		RAISE EXCEPTION 'a change of kind "%" states no extension', NEW.kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'service_change_extension',
				  HINT = 'Report a change of kind "scope_extension", or leave "extension" null.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_change_extension_check() IS 'trigger: a scope extension must state its extension (23514), another kind of change none';

CREATE TRIGGER service_change_extension BEFORE INSERT ON ismap.service_change
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_change_extension_check();

-- The provider extends its service's scope for the audit that will cover
-- the change: validation compares the audited scope with the service's
-- scope (SCOPE_MISMATCH), so the audit of the extended service needs the
-- service's scope to be the extended one first.  The registered content
-- (what the published list shows) keeps the scope of its registration
-- until the renewal on that audit is registered.  The new scope must
-- contain the extension; the change must still be waiting for its audit.
CREATE FUNCTION ismap.extend_service_scope(p_change_id pg_catalog.int8, p_scope pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c ismap.service_change;
	old_scope pg_catalog.text;
	live pg_catalog.int8;
	actor pg_catalog.name := ismap_internal.event_actor();
BEGIN
	IF p_change_id IS NULL THEN
		RAISE EXCEPTION 'change_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO c FROM ismap.service_change sc WHERE sc.change_id = p_change_id;
	-- a change of another provider's service is as unknown as a missing one
	IF c.change_id IS NULL
	   OR NOT (ismap.service_csp(c.service_id) OPERATOR(pg_catalog.=) ismap.principal_csp(actor)
			   OR pg_catalog.pg_has_role(actor, 'ismap_registrar', 'MEMBER')) THEN
		RAISE EXCEPTION 'change % does not exist or is another party''s', p_change_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF c.kind <> 'scope_extension' OR c.extension IS NULL THEN
		RAISE EXCEPTION 'change % is not a scope extension with a stated extension', p_change_id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = pg_catalog.format('Its kind is "%s"; only the scope extensions reported since 0.3.0 state their extension.', c.kind);
	END IF;
	IF c.covered_by IS NOT NULL THEN
		RAISE EXCEPTION 'change % is already covered by an audit', p_change_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	IF ismap.text_is_blank(p_scope) THEN
		RAISE EXCEPTION 'the new scope must not be blank' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF pg_catalog.octet_length(p_scope) > 65536 THEN
		RAISE EXCEPTION 'the new scope is longer than 65536 bytes' USING ERRCODE = 'program_limit_exceeded';
	END IF;
	IF NOT ismap.scope_contains(p_scope, c.extension) THEN
		RAISE EXCEPTION 'the new scope "%" does not contain the extension "%" of change %', p_scope, c.extension, p_change_id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Write the extension into the scope as it was reported (white space and ASCII case aside).';
	END IF;
	SELECT s.scope INTO old_scope FROM ismap.service s WHERE s.service_id = c.service_id FOR UPDATE;
	UPDATE ismap.service s SET scope = p_scope WHERE s.service_id = c.service_id;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = c.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	-- queued like the change report itself: a provider's transaction never
	-- holds the chain lock (docs/registry.md, "The event log")
	PERFORM ismap_internal.queue_event('scope_extended', live, c.service_id,
		pg_catalog.jsonb_build_object('change_id', c.change_id, 'extension', c.extension,
			'old_scope', old_scope, 'scope', p_scope));
	RETURN p_scope;
END
$$;
COMMENT ON FUNCTION ismap.extend_service_scope(pg_catalog.int8, pg_catalog.text) IS 'provider (or registrar): set the scope of the service of an uncovered scope_extension change to a new scope that contains its extension, so that the audit of the extended service matches it; writes the event scope_extended; returns the new scope';
REVOKE EXECUTE ON FUNCTION ismap.extend_service_scope(pg_catalog.int8, pg_catalog.text) FROM PUBLIC;
