CREATE TABLE ismap.service_dependency (
	service_id				pg_catalog.int8 NOT NULL REFERENCES ismap.service ON DELETE CASCADE,
	base_service_id			pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	self_assessed_audit_id	pg_catalog.int8,
	PRIMARY KEY (service_id, base_service_id),
	CONSTRAINT dependency_not_on_itself CHECK (service_id OPERATOR(pg_catalog.<>) base_service_id),
	CONSTRAINT service_dependency_self_assessed_audit
		FOREIGN KEY (self_assessed_audit_id, service_id) REFERENCES ismap.audit (audit_id, service_id)
);
COMMENT ON TABLE ismap.service_dependency IS 'the service runs on the base service''s platform; self_assessed_audit_id names the service''s own audit that evaluated the platform (§3.3.4 ④), which stops a delisting cascade';
CREATE INDEX service_dependency_base_idx ON ismap.service_dependency (base_service_id);

SELECT pg_catalog.pg_extension_config_dump('ismap.service_dependency', '');

