-- The published registry is a view with the owner's rights over the
-- registrations (all of which are public); security_barrier keeps a
-- caller's functions from seeing rows before the view's own filters.
CREATE VIEW ismap.registry WITH (security_invoker = false, security_barrier = true) AS
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
