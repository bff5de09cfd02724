-- Whether a service's provider engaged the calling audit body: filed an
-- application on, or wrote its statement for, one of the body's audits of
-- the service.  Read with the caller's rights, so an auditor's own
-- policies on application, audit and statement_item narrow the two
-- subqueries to its body (for another role it tells what that role may see
-- of them).  What an auditor reads of a service before it is registered,
-- and of its private records (change reports, events, certificates),
-- depends on it: an auditor may record an audit of any service id, and an
-- audit alone opens nothing.  An SQL function without a SET clause, every
-- name schema-qualified: the policies' planner inlines it.
CREATE FUNCTION ismap.audit_body_engaged(p_service_id pg_catalog.int8) RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT EXISTS (SELECT 1 FROM ismap.application ap WHERE ap.service_id OPERATOR(pg_catalog.=) p_service_id)
		OR EXISTS (SELECT 1 FROM ismap.statement_item si JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) si.audit_id
				   WHERE a.service_id OPERATOR(pg_catalog.=) p_service_id)
$$;
COMMENT ON FUNCTION ismap.audit_body_engaged(pg_catalog.int8) IS 'whether the service''s provider engaged the calling audit body (an application on, or a statement for, one of its audits of the service, as the caller may see them); the condition of the auditor''s policies';

CREATE FUNCTION ismap_internal.create_policies() RETURNS void
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
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.csp FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	-- a dependency's published is whether its service has a registration,
	-- kept by triggers (registry/dependency_published.sql): a column, not a
	-- subquery run for every row read
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (published);
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	-- an auditing body reads a service (and what it runs on) once the
	-- provider engaged it (ismap.audit_body_engaged): an audit alone is not
	-- enough, an auditor may record an audit of any service id and would
	-- read the names and scopes of services never registered by counting
	-- ids up.  So for its change reports, events, certificates, disclosure
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (ismap.audit_body_engaged(service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d
					   WHERE d.base_service_id = service.service_id AND ismap.audit_body_engaged(d.service_id)));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (ismap.audit_body_engaged(service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	-- an additional audit supersedes only an open audit of its own body
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false
			AND (supersedes_audit_id IS NULL
				OR (SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open
					FROM ismap.audit_party(supersedes_audit_id) o) IS TRUE));
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
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
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
	-- a provider files applications (submitted) and withdraws them through
	-- withdraw_application (dated today by the server's clock, M4); it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL AND accepted_on IS NULL AND review_started_on IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- review findings: the reviewer and the registrar see all; the
	-- provider and the audit body those of the applications they see (both
	-- parties read the whole exchange); everyone writes through the
	-- review functions only
	CREATE POLICY staff ON ismap.review_finding FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY party ON ismap.review_finding FOR SELECT TO ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.application a WHERE a.application_id = review_finding.application_id));
	-- remediation plans: the reviewer and the registrar; a provider those of
	-- its own registrations; written through the remediation functions only
	CREATE POLICY staff ON ismap.remediation FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own_services ON ismap.remediation FOR SELECT TO ismap_csp
		USING (ismap.service_csp((SELECT g.service_id FROM ismap.registration g
								   WHERE g.registration_id = remediation.registration_id)) = ismap.principal_csp(current_user));
	-- certifications: the provider writes its own (for itself or one of
	-- its services); everyone reads them once the service is registered,
	-- or, for a provider-wide one, once one of its services is; an audit
	-- body those of the services whose provider engaged it
	CREATE POLICY staff ON ismap.certification FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.certification FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r JOIN ismap.service s ON s.service_id = r.service_id
					   WHERE r.service_id = certification.service_id
						  OR (certification.service_id IS NULL AND s.csp_id = certification.csp_id)));
	CREATE POLICY audited ON ismap.certification FOR SELECT TO ismap_auditor
		USING (ismap.audit_body_engaged(certification.service_id));
	CREATE POLICY own ON ismap.certification TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user))
		WITH CHECK (csp_id = ismap.principal_csp(current_user)
			AND (service_id IS NULL OR ismap.service_csp(service_id) = csp_id));
	-- pre-consultations: the provider's own (opened for itself or one of
	-- its services), the reviewer's and the registrar's; answered through
	-- answer_consultation only
	CREATE POLICY staff ON ismap.consultation FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own ON ismap.consultation TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user))
		WITH CHECK (csp_id = ismap.principal_csp(current_user)
			AND (service_id IS NULL OR ismap.service_csp(service_id) = csp_id));
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp, ismap_agency
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- whose provider engaged its body, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.service_change FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (ismap.audit_body_engaged(service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (ismap.audit_body_engaged(registry_event.service_id));
	-- an agency (DESIGN 3.14): its own systems' procurements; the package
	-- (audit, statement, results) of the services they procure
	CREATE POLICY staff ON ismap.procurement TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY own_systems ON ismap.procurement TO ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)))
		WITH CHECK (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)));
	-- ISMAP-LIU assessments: the agency's own (written under the same
	-- check), the provider's services', the registrar's all
	CREATE POLICY staff ON ismap.liu_assessment FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own_agency ON ismap.liu_assessment TO ismap_agency
		USING (agency_id = ismap.principal_org(current_user))
		WITH CHECK (agency_id = ismap.principal_org(current_user));
	CREATE POLICY own_services ON ismap.liu_assessment FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY procured ON ismap.audit FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.statement_item FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.audit_result FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	-- and the remediation plans of those registrations (the package's POA&M)
	CREATE POLICY procured ON ismap.remediation FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, (SELECT g.audit_id FROM ismap.registration g
														 WHERE g.registration_id = remediation.registration_id)));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	-- a disclosure is its provider's, the registrar's and the auditing
	-- body's until the service is registered, then public (DESIGN 3.9, 3.12).
	-- The auditing body: one the provider engaged (ismap.audit_body_engaged)
	CREATE POLICY staff ON ismap.service_disclosure FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_disclosure FOR SELECT TO ismap_auditor
		USING (ismap.audit_body_engaged(service_disclosure.service_id));
	CREATE POLICY published ON ismap.service_disclosure FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_disclosure.service_id));
	CREATE POLICY own_services_read ON ismap.service_disclosure FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_disclosure FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_disclosure FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

