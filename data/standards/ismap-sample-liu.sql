-- data/standards/ismap-sample-liu.sql — an ILLUSTRATIVE ISMAP-LIU baseline
-- for the sample standard of ismap-sample.csv (framework "ismap").
--
-- This is not the ISMAP-LIU control set of the real program and contains
-- none of its text: it is a choice made for this project's demo and tests,
-- namely the sample's mandatory controls required from level 1 (24 detailed
-- controls).  Validation takes the baselines of an application's program
-- (ismap.baseline.program): an ISMAP-LIU application at level 1 is checked
-- against this one instead of ismap-level1.  Load it after the sample
-- (psql -f, as the registrar or the owner); loading it twice changes nothing.
INSERT INTO ismap.baseline (baseline_id, framework_id, title, level, program, source)
VALUES ('ismap-liu-level1', 'ismap', 'ISMAP-LIU baseline (illustrative sample, not the official control set)',
	1, 'ISMAP-LIU', 'data/standards/ismap-sample-liu.sql')
ON CONFLICT (baseline_id) DO NOTHING;
INSERT INTO ismap.baseline_control (baseline_id, framework_id, control_id)
SELECT 'ismap-liu-level1', 'ismap', c::ismap.ctrlid
FROM pg_catalog.unnest(ARRAY['3.1.1.1', '3.1.2.1', '4.1.1.1', '4.1.2.1', '4.1.2.2', '5.1.1.1', '6.1.1.1',
	'6.1.1.2', '7.2.2.1', '8.1.1.1', '8.3.2.1', '9.2.1.1', '9.2.3.1', '9.4.2.1', '10.1.1.1', '11.1.2.1',
	'12.1.2.1', '12.3.1.1', '12.4.1.1', '12.6.1.1', '13.1.3.1', '16.1.2.1', '18.1.1.1', '18.2.1.1']) c
ON CONFLICT DO NOTHING;
