-- test/upgrade/catalog.sql: the extension's catalog as sorted lines of
-- text, so that two databases can be compared whatever order their objects
-- were made in (test/upgrade/run).  Covers the schemas of the extension:
-- relations, columns with types and defaults, constraints, indexes,
-- triggers, policies, row-level security, functions (arguments, result,
-- body, language, volatility, strictness, parallel safety, security,
-- settings), types, operators, grants, comments and pg_dump's
-- configuration tables.
\pset format unaligned
\pset tuples_only on
WITH ns AS (
	SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('ismap', 'ismap_internal')
), rel AS (
	SELECT c.oid, ns.nspname || '.' || c.relname AS name, c.relkind, c.reloptions, c.relrowsecurity, c.relforcerowsecurity, c.relacl
	FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
), lines AS (
	SELECT 'relation ' || name || ' kind=' || relkind::text || ' options=' || coalesce(reloptions::text, '')
		|| ' rls=' || relrowsecurity || '/' || relforcerowsecurity || ' acl=' || coalesce(relacl::text, '') AS l
	FROM rel WHERE relkind <> 'i'
	UNION ALL
	SELECT 'column ' || r.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
		|| ' notnull=' || a.attnotnull || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
		|| ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' acl=' || coalesce(a.attacl::text, '')
	FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
	WHERE r.relkind IN ('r', 'p', 'v', 'c')
	UNION ALL
	SELECT 'constraint ' || r.name || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
	FROM rel r JOIN pg_constraint co ON co.conrelid = r.oid
	UNION ALL
	SELECT 'constraint ' || t.oid::regtype || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
	FROM pg_type t JOIN ns ON ns.oid = t.typnamespace JOIN pg_constraint co ON co.contypid = t.oid
	UNION ALL
	SELECT 'index ' || pg_get_indexdef(r.oid) FROM rel r WHERE relkind = 'i'
	UNION ALL
	SELECT 'view ' || r.name || ' ' || pg_get_viewdef(r.oid) FROM rel r WHERE relkind = 'v'
	UNION ALL
	SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
	FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
	UNION ALL
	SELECT 'policy ' || p.schemaname || '.' || p.tablename || ' ' || p.policyname || ' ' || p.permissive || ' '
		|| p.roles::text || ' ' || p.cmd || ' using=' || coalesce(p.qual, '') || ' check=' || coalesce(p.with_check, '')
	FROM pg_policies p WHERE p.schemaname IN (SELECT nspname FROM ns)
	UNION ALL
	SELECT 'function ' || p.oid::regprocedure || ' args=' || pg_get_function_arguments(p.oid)
		|| ' returns=' || coalesce(pg_get_function_result(p.oid), '') || ' lang=' || l.lanname
		|| ' kind=' || p.prokind::text || ' volatile=' || p.provolatile::text || ' strict=' || p.proisstrict
		|| ' parallel=' || p.proparallel::text || ' secdef=' || p.prosecdef || ' leakproof=' || p.proleakproof
		|| ' cost=' || p.procost || ' rows=' || p.prorows || ' config=' || coalesce(p.proconfig::text, '')
		|| ' acl=' || coalesce(p.proacl::text, '') || ' body=' || md5(coalesce(p.prosrc, '') || '|' || coalesce(p.probin, ''))
	FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
	UNION ALL
	SELECT 'type ' || t.oid::regtype || ' type=' || t.typtype::text || ' acl=' || coalesce(t.typacl::text, '')
		|| coalesce(' labels=' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')
		|| ' base=' || format_type(t.typbasetype, t.typtypmod) || ' notnull=' || t.typnotnull
	FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
	WHERE t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'
	UNION ALL
	SELECT 'operator ' || o.oid::regoperator || ' ' || o.oprcode::regproc || ' commutator=' || o.oprcom::regoperator
		|| ' negator=' || o.oprnegate::regoperator || ' restrict=' || o.oprrest::regproc || ' join=' || o.oprjoin::regproc
	FROM pg_operator o JOIN ns ON ns.oid = o.oprnamespace
	UNION ALL
	SELECT 'opclass ' || am.amname || ' ' || ns.nspname || '.' || oc.opcname || ' for ' || oc.opcintype::regtype || ' default=' || oc.opcdefault
		|| ' ops=' || (SELECT string_agg(ao.amopstrategy || ':' || ao.amopopr::regoperator, ',' ORDER BY ao.amopstrategy) FROM pg_amop ao WHERE ao.amopfamily = oc.opcfamily)
		|| ' procs=' || (SELECT string_agg(ap.amprocnum || ':' || ap.amproc::regprocedure, ',' ORDER BY ap.amprocnum) FROM pg_amproc ap WHERE ap.amprocfamily = oc.opcfamily)
	FROM pg_opclass oc JOIN ns ON ns.oid = oc.opcnamespace JOIN pg_am am ON am.oid = oc.opcmethod
	UNION ALL
	SELECT 'cast ' || format_type(c.castsource, NULL) || ' -> ' || format_type(c.casttarget, NULL) || ' ' || c.castcontext::text || ' ' || coalesce(c.castfunc::regprocedure::text, '')
	FROM pg_cast c JOIN pg_depend d ON d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
	UNION ALL
	SELECT 'comment ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ' = ' || d.description
	FROM pg_description d
	WHERE (pg_identify_object(d.classoid, d.objoid, d.objsubid)).schema IN (SELECT nspname FROM ns)
	UNION ALL
	SELECT 'schema ' || ns.nspname || ' acl=' || coalesce(n.nspacl::text, '') FROM ns JOIN pg_namespace n ON n.oid = ns.oid
	UNION ALL
	SELECT 'dumped ' || c.cfg::regclass || ' ' || coalesce(w.cond, '')
	FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY c(cfg, i)
	LEFT JOIN LATERAL unnest(e.extcondition) WITH ORDINALITY w(cond, j) ON w.j = c.i
	WHERE e.extname = 'ismap'
	UNION ALL
	SELECT 'event trigger ' || t.evtname || ' on ' || t.evtevent || ' tags=' || coalesce(t.evttags::text, '')
		|| ' function=' || t.evtfoid::regprocedure || ' enabled=' || t.evtenabled::text
	FROM pg_event_trigger t JOIN pg_depend d ON d.classid = 'pg_event_trigger'::regclass AND d.objid = t.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
	UNION ALL
	SELECT 'comment event trigger ' || t.evtname || ' = ' || d.description
	FROM pg_event_trigger t JOIN pg_description d ON d.classoid = 'pg_event_trigger'::regclass AND d.objoid = t.oid
	UNION ALL
	SELECT 'extension ' || extname || ' ' || extversion || ' ' || extrelocatable FROM pg_extension WHERE extname = 'ismap'
)
SELECT pg_catalog.replace(l, E'\n', ' ') AS l FROM lines ORDER BY l COLLATE "C";
