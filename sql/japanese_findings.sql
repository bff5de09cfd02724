-- notices in Japanese (docs/japanese.md): ismap.notice.detail_ja is
-- generated from the English detail the jobs write, one form per kind; the
-- findings of validate_application in Japanese are at the end of
-- sql/validation.sql
\i test/regress/setup.psql

INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail) VALUES
('renewal_due', 1, '2026-01-01', 90, '2026-01-01', 'C26-0001-1: valid until 2026-03-31 (89 days); 90-day renewal notice'),
('renewal_pending', 2, '2026-03-31', NULL, '2026-04-01', 'C26-0002-1: valid until 2026-03-31, kept while renewal application 17 (filed 2026-01-10) is under review'),
('report_overdue', 3, '2026-02-01', NULL, '2026-02-10', 'Example Audit Corp.: monitoring report due on 2026-02-01 not received'),
('body_not_selected', 4, '2026-02-01', NULL, '2026-02-10', 'application 4 (service 9): audit 5 reported on 2026-02-01 by Example Audit Corp., not selected on that day'),
('change_audit_due', 5, '2026-02-01', 30, '2026-02-01', 'change 5 of service 9 (scope, effective 2026-01-01) needs an audit by 2026-03-02 (29 days); 30-day notice'),
('control_limit_exceeded', 6, '2026-02-01', NULL, '2026-02-01', 'service 9 control 5.1.1.2: 3 deviations in 40 observations from 2026-01-03 to 2026-02-01; upper deviation limit 0.1540 above the tolerable rate 0.10'),
('remediation_overdue', 7, '2026-02-01', NULL, '2026-02-02', 'C26-0003-1: remediation 7 of control 5.1.1.2 was due on 2026-02-01'),
('platform_level_drift', 8, '2026-02-01', NULL, '2026-02-02', 'C26-0004-1 (service 9, level 3): its platform C26-0005-1 (service 2) is registered at level 2 since 2026-02-01'),
('exemption_ending', 9, '2026-02-01', 30, '2026-02-01', 'exemption 9: service 9 may stand on unregistered platform 2 until 2026-03-01 (28 days); 30-day notice'),
('agency_notice', 10, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 10: service 9 (C26-0004-1) expired on 2026-02-01: validity ended on 2026-01-31 without renewal'),
('agency_notice', 11, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 11: service 9 (C26-0004-1) expired on 2026-02-01: validity ended on 2026-01-31; renewal application 17 rejected on 2026-01-20'),
('agency_notice', 12, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 12: service 9 (C26-0004-1) delisted on 2026-02-01: platform C26-0005-1 (service 2) has had no registration since 2026-01-01; grace of 30 days passed (chain 2 -> 9)'),
('agency_notice', 13, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 13: service 9 (C26-0004-1) suspended on 2026-02-01: material change 5 (scope, effective 2026-01-01) not covered by an audit by 2026-01-31'),
('agency_notice', 14, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 14: service 9 (C26-0004-1) suspended on 2026-02-01: platform suspended: C26-0005-1 (service 2) has material change 5 (scope, effective 2026-01-01) not covered by an audit by 2026-01-31'),
('agency_notice', 15, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 15: service 9 (C26-0004-1) is on a platform below its level on 2026-02-01: platform C26-0005-1 (service 2) is registered at level 2, below level 3'),
('agency_notice', 16, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 16: service 9 (C26-0004-1) delisted on 2026-02-01: platform delisted: 重大な虚偽記載'),
('agency_notice', 17, '2026-02-01', NULL, '2026-02-02', 'agency 1, system 2, procurement 17: service 9 (C26-0004-1) expired on 2026-02-01: no reason recorded');
SELECT kind, object_id, detail_ja FROM ismap.notice ORDER BY notice_id;
-- what is left of the Latin alphabet is values: numbers, names, codes
SELECT DISTINCT m[1] AS latin
FROM ismap.notice, pg_catalog.regexp_matches(detail_ja, '([A-Za-z][A-Za-z_ .]{2,})', 'g') m ORDER BY 1;

-- a detail of no known form has no Japanese (the jobs tests check every
-- notice the jobs write has one); the column cannot be written
INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail)
VALUES ('renewal_due', 99, '2026-01-01', '2026-01-01', 'something else') RETURNING detail_ja IS NULL AS no_japanese;
INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, detail_ja)
VALUES ('renewal_due', 98, '2026-01-01', '2026-01-01', 'x', 'y');
\echo :LAST_ERROR_SQLSTATE
