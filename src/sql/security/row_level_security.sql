ALTER TABLE ismap.audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.statement_item ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.audit_result ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.control_test ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.application ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service_dependency ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.csp ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.auditor ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.auditor_qualification ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.principal_binding ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service_change ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.registry_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.service_disclosure ENABLE ROW LEVEL SECURITY;

-- FORCE: even a non-superuser owner obeys the policies of the parties'
-- work (the owner's own SECURITY DEFINER functions have policies below)
ALTER TABLE ismap.statement_item FORCE ROW LEVEL SECURITY;
ALTER TABLE ismap.audit_result FORCE ROW LEVEL SECURITY;
ALTER TABLE ismap.control_test FORCE ROW LEVEL SECURITY;

