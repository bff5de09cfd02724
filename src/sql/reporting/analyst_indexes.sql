-- the renewals job reads active and suspended registrations by validity
CREATE INDEX registration_live_valid_until_idx ON ismap.registration (valid_until)
	WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']::pg_catalog.text[]);

-- ==== Analyst indexes ====
-- Indexes for the questions of docs/analyst-cookbook.md at the scale of
-- bench/analyst (20,000 services, ~2,000,000 audit results, 10 years); see
-- docs/benchmarks-analyst.md.  Partial where the question asks for a small
-- share of a large table.

-- the published list: active registrations in number order (registry view)
CREATE INDEX analyst_registration_active_number_idx ON ismap.registration (registration_number)
	WHERE status OPERATOR(pg_catalog.=) 'active';

-- registrations ended by a delisting, newest first (cookbook 11)
CREATE INDEX analyst_registration_delisted_idx ON ismap.registration (ended_on)
	WHERE status OPERATOR(pg_catalog.=) 'delisted';

-- audits by report date: last year's audits, recent findings (cookbook 6, 7)
CREATE INDEX analyst_audit_report_date_idx ON ismap.audit (report_date);

-- the few ineffective results among millions (cookbook 7)
CREATE INDEX analyst_audit_result_ineffective_idx ON ismap.audit_result (audit_id, control_id)
	WHERE result OPERATOR(pg_catalog.=) 'ineffective';

-- the few controls left out of statements, with their reasons and the
-- audit, read from the index alone (cookbook 7 and 8: the reader-safe
-- counts join them to the registrations by audit)
CREATE INDEX analyst_statement_item_excluded_idx ON ismap.statement_item (control_id)
	INCLUDE (exclusion_reason, framework_id, audit_id) WHERE NOT selected;

