-------------------------------------------------------------------------------
-- policy: the scheme's parameters as data (docs/registry.md, "Policy")
-------------------------------------------------------------------------------
CREATE TABLE ismap.policy (
	name		pg_catalog.text PRIMARY KEY,
	value		pg_catalog.jsonb NOT NULL,
	description	pg_catalog.text NOT NULL,
	builtin		pg_catalog.bool NOT NULL DEFAULT false,
	updated_at	pg_catalog.timestamptz DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.policy IS 'the scheme''s parameters as data: validity, notice windows, grace periods, auditor requirements, sampling tolerances';
CREATE TRIGGER policy_edit BEFORE INSERT OR UPDATE ON ismap.policy
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.default_row_edit('name');
-- ENABLE ALWAYS: a restore (session_replication_role = replica) replaces
-- the shipped default with the dumped row through it
ALTER TABLE ismap.policy ENABLE ALWAYS TRIGGER policy_edit;
COMMENT ON COLUMN ismap.policy.builtin IS 'true while the row is the default shipped with the extension; any edit makes it false';

-- Parameters read by the registry functions.  Durations are interval text.
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('registration_validity', '"1 year 4 months"', 'a registration is valid until the end of the audited period plus this', true),
	('audit_period_max', '"1 year"', 'longest audited period accepted', true),
	('notice_windows_days', '[90, 30, 7]', 'days before valid_until at which a renewal notice is written, once each', true),
	('max_as_of_ahead', '"7 days"', 'how far after today a batch job may be run as of, unless called with allow_future', true),
	('job_runs_keep_at_least', '"30 days"', 'prune_job_runs never deletes runs younger than this', true),
	('cascade_grace', '"30 days"', 'how long a service may stay registered after its platform lost its registration', true),
	('auditor_qualifications', '["CISSP", "CISA", "情報処理安全確保支援士", "公認情報セキュリティ主任監査人"]', 'qualifications of which a lead auditor must hold at least one, valid at the report date', true),
	('auditor_min_experience_years', '3', 'minimum years of audit practice of a lead auditor', true),
	('auditor_nationality', '"JP"', 'nationality (ISO 3166-1 alpha-2) required of a lead auditor; null for none', true),
	('control_standard', '"ismap"', 'framework_id of the control standard that statements and validation use', true),
	('high_water_mark_share', '0.2', 'classification finding: the confidentiality is set by at most this share of a system''s assets', true),
	('audit_body_report_interval', '"1 year"', 'how often a selected audit body reports during its selection term', true);

-- a policy parameter, or 42704 naming it
CREATE FUNCTION ismap.policy_value(p_name pg_catalog.text) RETURNS pg_catalog.jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v pg_catalog.jsonb;
BEGIN
	SELECT p.value INTO v FROM ismap.policy p WHERE p.name = p_name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'policy parameter "%" does not exist', p_name
			USING ERRCODE = 'undefined_object', HINT = 'See ismap.policy for the parameters.';
	END IF;
	RETURN v;
END
$$;
COMMENT ON FUNCTION ismap.policy_value(pg_catalog.text) IS 'the value of a policy parameter; 42704 when it does not exist';

-- pg_dump keeps the rows of these tables (user data, not extension objects)
SELECT pg_catalog.pg_extension_config_dump('ismap.policy', 'WHERE NOT builtin');

-- Tolerances used to evaluate control tests (docs/validation.md, SAMPLE_LIMIT_EXCEEDED).
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('sampling_confidence', '0.90', 'confidence of the upper deviation limit when control tests are evaluated (1 - risk of overreliance)', true),
	('sampling_tolerable_rate', '0.10', 'tolerable deviation rate: a control test whose upper deviation limit exceeds it after deviations were found is flagged', true),
	('sampling_expected_rate', '0', 'expected deviation rate used for the statistical sample size shown next to each control test', true);

-- ==== Change management ====
-- docs/monitoring.md; docs/scheme.md §4.2, §5 and footnote 26: a scope extension, an
-- architecture update or a governance change of a registered service needs
-- a new audit.  Changes are reported into ismap.service_change (every row
-- an event in the hash chain); the changes job (ismap.run_changes, run by
-- ismap-jobs changes) writes notices before a change's audit window ends,
-- suspends the registration once it has passed without an audit covering
-- the change, cascades the suspension along the dependencies with the
-- walk of ismap.delisting_impact, and reinstates what it suspended once an
-- audit covers the change.  Continuous control evidence from a provider's
-- own monitoring goes into ismap.evidence, partitioned by month;
-- ismap.control_health evaluates it with the sampling functions, and the
-- job writes one notice each time a control crosses the policy's limit.
-- This section widens three things of the batch jobs section: the job
-- names of job_run, the notice kinds, the rows of ismap.job and job_health.
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('change_audit_window', '"6 months"', 'how long after its effective date a material change may stay without an audit covering it before the registration is suspended', true),
	('change_notice_days', '[60, 30, 7]', 'days before the end of a material change''s audit window at which a notice is written, once each', true),
	('evidence_window', '"90 days"', 'the window of control evidence the changes job evaluates for limit crossings', true),
	('evidence_months_ahead', '3', 'how many months after the current one the changes job keeps evidence partitions created for', true);

