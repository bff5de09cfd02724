-- The published registry is a view with the owner's rights over the
-- registrations (all of which are public).  It filters nothing and its
-- listing is readable by every role, so it is not a security_barrier (a
-- barrier would hide no row, and would keep the planner from merging the
-- view into the caller's query: no index of the listing for the caller's
-- conditions on an expression, such as the days listed of query 13 of the
-- analyst cookbook, nor for its ORDER BY).
CREATE VIEW ismap.registry WITH (security_invoker = false) AS
SELECT l.registration_number,
	   l.registration_id,
	   l.service_id,
	   l.service_name,
	   l.csp_id,
	   l.csp_name,
	   l.corporate_number,
	   l.level,
	   l.delivery_models,
	   l.deployment_models,
	   l.scope,
	   l.registered_on,
	   l.valid_until,
	   l.status,
	   l.ended_on,
	   l.end_reason,
	   l.audit_body,
	   l.audit_id
FROM ismap.registry_listing l;
COMMENT ON VIEW ismap.registry IS 'the published registry: every registration with its service, provider, level, models, scope, dates, status and audit body';
COMMENT ON COLUMN ismap.registry.registration_number IS 'C<yy>-<nnnn>-<level>: the year and serial of the service''s first registration, then the level';
COMMENT ON COLUMN ismap.registry.registration_id IS 'the registration (ismap.registration)';
COMMENT ON COLUMN ismap.registry.service_id IS 'the registered service (ismap.service)';
COMMENT ON COLUMN ismap.registry.service_name IS 'the service''s name';
COMMENT ON COLUMN ismap.registry.csp_id IS 'the provider (ismap.csp)';
COMMENT ON COLUMN ismap.registry.csp_name IS 'the provider''s name';
COMMENT ON COLUMN ismap.registry.corporate_number IS 'the provider''s 13-digit corporate number (法人番号)';
COMMENT ON COLUMN ismap.registry.level IS 'the registry level, 1 to 3 (a higher level satisfies every lower one)';
COMMENT ON COLUMN ismap.registry.delivery_models IS 'IaaS, PaaS, SaaS: the delivery models of the service';
COMMENT ON COLUMN ismap.registry.deployment_models IS 'public, private, community, hybrid: the deployment models of the service';
COMMENT ON COLUMN ismap.registry.scope IS 'the service''s scope as its provider defines it (the audited scope)';
COMMENT ON COLUMN ismap.registry.registered_on IS 'the day of the registration decision';
COMMENT ON COLUMN ismap.registry.valid_until IS 'the last day of validity (end of the audited period plus the policy''s registration_validity), unless renewed';
COMMENT ON COLUMN ismap.registry.status IS 'active, suspended, expired or delisted';
COMMENT ON COLUMN ismap.registry.ended_on IS 'the day an expired or delisted registration ended';
COMMENT ON COLUMN ismap.registry.end_reason IS 'why it ended (expiry, delisting, a platform''s delisting, replacement by a renewal)';
COMMENT ON COLUMN ismap.registry.audit_body IS 'the name of the audit body whose audit the registration rests on';
COMMENT ON COLUMN ismap.registry.audit_id IS 'the audit the registration rests on (ismap.audit)';
