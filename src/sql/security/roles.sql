CREATE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.audit_body_selection_history, ismap.csp, ismap.service,
		ismap.service_dependency, ismap.job, ismap.platform_exemption, ismap.registered_content, ismap.service_disclosure
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset,
		ismap.procurement
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	-- the monitoring reports of audit bodies: recorded by the registrar,
	-- read by it and the reviewer (a selection's status changes only
	-- through set_selection_status)
	GRANT INSERT ON ismap.audit_body_report TO ismap_registrar;
	-- certifications: row-level policies say whose (the provider writes its
	-- own; no DELETE: a certificate ends at valid_until)
	GRANT SELECT ON ismap.certification TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency;
	GRANT INSERT ON ismap.certification TO ismap_csp;
	GRANT UPDATE (service_id, scheme, certificate_number, scope, framework_id, valid_from, valid_until)
		ON ismap.certification TO ismap_csp;
	-- pre-consultations: the provider opens its own (dated today by the
	-- server); the reviewer answers through answer_consultation
	GRANT SELECT ON ismap.consultation TO ismap_csp;
	GRANT INSERT (csp_id, service_id, subject, question) ON ismap.consultation TO ismap_csp;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader, ismap_agency;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason, responsibility, inherited_from) ON ismap.statement_item TO ismap_csp;
	-- its services' disclosures (no DELETE: A2-09; a missing item is NULL)
	GRANT INSERT (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests),
		  UPDATE (regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
		ON ismap.service_disclosure TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	-- a provider withdraws only through withdraw_application, which writes
	-- the event (0.2.0 and the first 0.3.0 builds let it UPDATE the status:
	-- taken back, with its columns)
	REVOKE UPDATE ON ismap.application FROM ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by, extension) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	GRANT USAGE ON SEQUENCE ismap.procurement_procurement_id_seq TO ismap_agency;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq, ismap.audit_body_selection_history_history_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- an agency (DESIGN 3.14): records what its systems procure; reads the
	-- package (audit, statement, results) of the services they procure.
	-- Granted after the parties: an upgrade then lists each table's
	-- grantees in a fresh install's order
	GRANT SELECT ON ismap.procurement, ismap.audit, ismap.statement_item, ismap.audit_result, ismap.remediation TO ismap_agency;
	GRANT INSERT (system_id, service_id, from_date, until_date, note) ON ismap.procurement TO ismap_agency;
	GRANT UPDATE (until_date, note) ON ismap.procurement TO ismap_agency;
	-- ISMAP-LIU: an agency records its low-impact assessments; the
	-- provider reads those of its services
	GRANT SELECT ON ismap.liu_assessment TO ismap_csp, ismap_agency;
	GRANT INSERT (service_id, agency_id, assessed_on, result, note) ON ismap.liu_assessment TO ismap_agency;
	GRANT USAGE ON SEQUENCE ismap.liu_assessment_assessment_id_seq TO ismap_agency;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- every role may choose the language of its messages (lc_messages is a
	-- superuser setting; the grant reaches the login roles that are members)
	GRANT SET ON PARAMETER lc_messages TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('set_selection_status', 'ismap_registrar'), ('answer_consultation', 'ismap_reviewer'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('platform_exemption', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'), ('import_oscal_catalog_json', 'ismap_registrar'),
					 ('import_oscal_profile_json', 'ismap_registrar'), ('import_oscal_assessment_results', 'ismap_auditor'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('extend_service_scope', 'ismap_csp'), ('extend_service_scope', 'ismap_registrar'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them; so it does the reader-safe aggregates
	-- (the medians of the applications' stages, the ineffective and
	-- excluded controls, the agencies' reliance), which leave out groups of
	-- fewer than 5 (docs/security.md, "Reader-safe aggregates")
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head',
									 'application_stage_medians', 'ineffective_control_counts',
									 'control_exclusion_counts', 'agency_reliance'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor, ismap_agency;
	-- the agencies' procurements are the registrar's and each agency's own
	-- (the jobs read them with the owner's rights)
	REVOKE EXECUTE ON FUNCTION ismap.agency_impact(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_csp, ismap_jobs;
	-- the POA&M export reads remediation plans (never public): the
	-- registrar, the reviewer, providers (their own) and agencies (what they
	-- procure), by row-level security
	REVOKE EXECUTE ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_jobs;
	-- the auditor's policies' condition reads applications and statements:
	-- the roles that may read them (by row-level security)
	REVOKE EXECUTE ON FUNCTION ismap.audit_body_engaged(pg_catalog.int8) FROM ismap_reader, ismap_jobs, ismap_agency;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;
	GRANT EXECUTE ON FUNCTION ismap.principal_org(pg_catalog.name),
		ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) TO ismap_agency;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

