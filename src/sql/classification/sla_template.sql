CREATE TABLE ismap.sla_template (
	availability	pg_catalog.int2 PRIMARY KEY
		CONSTRAINT sla_availability_range CHECK (availability OPERATOR(pg_catalog.>=) 1 AND availability OPERATOR(pg_catalog.<=) 3),
	uptime_pct		pg_catalog.numeric(6,3) NOT NULL
		CONSTRAINT sla_uptime_range CHECK (uptime_pct OPERATOR(pg_catalog.>) 0 AND uptime_pct OPERATOR(pg_catalog.<=) 100),
	rto				pg_catalog.interval NOT NULL,
	rpo				pg_catalog.interval NOT NULL,
	backup			pg_catalog.text NOT NULL,
	builtin			pg_catalog.bool NOT NULL DEFAULT false,
	updated_at		pg_catalog.timestamptz DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.sla_template IS 'what a system of each availability rating asks of a service through the procurement specification or SLA (§2.3); editable';
CREATE TRIGGER sla_template_edit BEFORE INSERT OR UPDATE ON ismap.sla_template
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.default_row_edit('availability');
-- ENABLE ALWAYS: a restore (session_replication_role = replica) replaces
-- the shipped default with the dumped row through it
ALTER TABLE ismap.sla_template ENABLE ALWAYS TRIGGER sla_template_edit;

INSERT INTO ismap.sla_template (availability, uptime_pct, rto, rpo, backup, builtin) VALUES
	(1, 99.000, '72 hours', '24 hours', 'daily backup, kept 7 days', true),
	(2, 99.500, '24 hours', '1 hour', 'daily backup kept 30 days, point-in-time recovery', true),
	(3, 99.900, '4 hours', '5 minutes', 'continuous replication to a second site, daily backup kept 90 days', true);
SELECT pg_catalog.pg_extension_config_dump('ismap.sla_template', 'WHERE NOT builtin');

