-- ==== Roles and security ====
-------------------------------------------------------------------------------
-- roles, principals, row-level security, grants (docs/security.md)
--
-- ismap.create_roles() creates ismap_reader, ismap_registrar,
-- ismap_auditor, ismap_csp, ismap_jobs and ismap_agency if missing, grants each what it
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
	org_id			pg_catalog.int8 REFERENCES ismap.organization ON DELETE CASCADE,
	CONSTRAINT principal_one_party CHECK (pg_catalog.num_nonnulls(audit_body_id, csp_id, org_id) OPERATOR(pg_catalog.=) 1)
);
COMMENT ON TABLE ismap.principal_binding IS 'which audit body, provider or agency (organization) a login role acts for; read by the row-level policies';
SELECT pg_catalog.pg_extension_config_dump('ismap.principal_binding', '');

-- The party of a role, for the policies.  SECURITY DEFINER so that the
-- policies need no privilege on the tables they consult; the policies pass
-- current_user, which is the querying role there.  They answer only about
-- roles the session may act as (its login, or a role it may SET ROLE to,
-- as a connection pooler does): called directly they tell a provider or an
-- auditor nothing about another party (docs/security.md, H3).
CREATE FUNCTION ismap.principal_audit_body(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.audit_body_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_audit_body(pg_catalog.name) IS 'the audit body a role acts for (row-level policies)';

CREATE FUNCTION ismap.principal_csp(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.csp_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_csp(pg_catalog.name) IS 'the provider a role acts for (row-level policies)';

CREATE FUNCTION ismap.principal_org(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.org_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_org(pg_catalog.name) IS 'the agency (organization) a role acts for (row-level policies)';

-- Package access (DESIGN 3.14): an agency reads the audit a registration
-- of a service it procures rests on, with its statement and results.  A
-- procurement counts while in use (until_date today or later, or open);
-- an audit that no registration rests on (one still open, or refused) is
-- not part of any package.
CREATE FUNCTION ismap.agency_package_audit(p_role pg_catalog.name, p_audit_id pg_catalog.int8) RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (
		SELECT 1 FROM ismap.principal_binding b
		JOIN ismap.information_system s ON s.org_id = b.org_id
		JOIN ismap.procurement p ON p.system_id = s.system_id
			AND (p.until_date IS NULL OR p.until_date >= CURRENT_DATE)
		JOIN ismap.registration r ON r.service_id = p.service_id AND r.audit_id = p_audit_id
		WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) IS 'whether the agency a role acts for procures a service one of whose registrations rests on the audit (package access; row-level policies)';

CREATE FUNCTION ismap.audit_party(p_audit_id pg_catalog.int8, OUT audit_body_id pg_catalog.int8,
	OUT csp_id pg_catalog.int8, OUT open pg_catalog.bool)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a.audit_body_id, s.csp_id,
		   NOT EXISTS (SELECT 1 FROM ismap.application ap
					   WHERE ap.audit_id = a.audit_id
						 AND ap.status <> ALL (ARRAY['submitted', 'accepted', 'in_review', 'returned']))
	FROM ismap.audit a JOIN ismap.service s ON s.service_id = a.service_id
	WHERE a.audit_id = p_audit_id
	  -- only an audit of a party the session may act for
	  AND EXISTS (SELECT 1 FROM ismap.principal_binding b
				  WHERE (b.csp_id = s.csp_id OR b.audit_body_id = a.audit_body_id)
					AND pg_catalog.pg_has_role(SESSION_USER, b.role_name, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.audit_party(pg_catalog.int8) IS 'the audit body and provider of an audit, and whether it is still open (no application on it approved, rejected or withdrawn; a returned one leaves it open)';

CREATE FUNCTION ismap.service_csp(p_service_id pg_catalog.int8) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.csp_id FROM ismap.service s
	WHERE s.service_id = p_service_id
	  -- only a service of a provider the session may act for
	  AND EXISTS (SELECT 1 FROM ismap.principal_binding b
				  WHERE b.csp_id = s.csp_id AND pg_catalog.pg_has_role(SESSION_USER, b.role_name, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.service_csp(pg_catalog.int8) IS 'the provider of a service (row-level policies)';

-- Tie a login role to the audit body or provider it acts for.
CREATE FUNCTION ismap.principal(p_role_name pg_catalog.name, p_audit_body_id pg_catalog.int8 DEFAULT NULL,
	p_csp_id pg_catalog.int8 DEFAULT NULL, p_org_id pg_catalog.int8 DEFAULT NULL) RETURNS ismap.principal_binding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.principal_binding;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', p_role_name USING ERRCODE = 'undefined_object';
	END IF;
	-- every provider (auditor) login is a member of ismap_csp (ismap_auditor)
	-- and may SET ROLE to it: bound to a party, a group role would let each
	-- of them act for that party
	IF p_role_name IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency') THEN
		RAISE EXCEPTION 'role "%" is a group role of the extension: bind a role of one person or one party', p_role_name
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Its members may SET ROLE to it, and would all act for the party.';
	END IF;
	IF pg_catalog.num_nonnulls(p_audit_body_id, p_csp_id, p_org_id) <> 1 THEN
		RAISE EXCEPTION 'a principal acts for exactly one audit body, one provider or one agency'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.principal_binding AS b (role_name, audit_body_id, csp_id, org_id)
	VALUES (p_role_name, p_audit_body_id, p_csp_id, p_org_id)
	ON CONFLICT (role_name) DO UPDATE SET audit_body_id = EXCLUDED.audit_body_id, csp_id = EXCLUDED.csp_id,
		org_id = EXCLUDED.org_id, bound_at = pg_catalog.now()
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8, pg_catalog.int8) IS 'tie a login role to the audit body, provider or agency (organization) it acts for (registrar)';

