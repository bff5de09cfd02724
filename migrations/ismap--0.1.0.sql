\echo Use "CREATE EXTENSION ismap" to load this file. \quit

-- pg_ismap 0.1.0: types of the registry of security-assessed cloud services.
-- Everything lives in schema ismap (ismap.control: schema = ismap,
-- relocatable = false) and is schema-qualified, pg_catalog included.

-------------------------------------------------------------------------------
-- ismap.ctrlid: hierarchical control identifier
-------------------------------------------------------------------------------

CREATE TYPE ismap.ctrlid;

CREATE FUNCTION ismap.ctrlid_in(pg_catalog.cstring) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ismap.ctrlid_out(ismap.ctrlid) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'ctrlid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ismap.ctrlid_recv(pg_catalog.internal) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ismap.ctrlid_send(ismap.ctrlid) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'ctrlid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE ismap.ctrlid (
	INPUT = ismap.ctrlid_in,
	OUTPUT = ismap.ctrlid_out,
	RECEIVE = ismap.ctrlid_recv,
	SEND = ismap.ctrlid_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = main,
	CATEGORY = 'S',
	COLLATABLE = false
);
COMMENT ON TYPE ismap.ctrlid IS
	'hierarchical control identifier such as 6.1.1.1, A.9.2.1 or AC-2(1); compared by segments, spelled as given';

CREATE FUNCTION ismap.ctrlid_cmp(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ctrlid_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_cmp(ismap.ctrlid, ismap.ctrlid) IS 'three-way comparison of control identifiers (btree support)';
CREATE FUNCTION ismap.ctrlid_eq(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_ne(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_lt(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_le(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_gt(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_ge(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_contains(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_contained(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.ctrlid_sortsupport(pg_catalog.internal) RETURNS pg_catalog.void
	AS 'MODULE_PATHNAME', 'ctrlid_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_sortsupport(pg_catalog.internal) IS 'sort support with abbreviated keys (btree support)';
CREATE FUNCTION ismap.ctrlid_hash(ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ctrlid_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_hash(ismap.ctrlid) IS 'hash of a control identifier; equal identifiers hash alike whatever their spelling';
CREATE FUNCTION ismap.ctrlid_hash_extended(ismap.ctrlid, pg_catalog.int8) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ctrlid_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_hash_extended(ismap.ctrlid, pg_catalog.int8) IS '64-bit seeded hash of a control identifier';

CREATE OPERATOR ismap.= (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_eq,
	COMMUTATOR = OPERATOR(ismap.=), NEGATOR = OPERATOR(ismap.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR ismap.<> (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_ne,
	COMMUTATOR = OPERATOR(ismap.<>), NEGATOR = OPERATOR(ismap.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR ismap.< (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_lt,
	COMMUTATOR = OPERATOR(ismap.>), NEGATOR = OPERATOR(ismap.>=),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR ismap.<= (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_le,
	COMMUTATOR = OPERATOR(ismap.>=), NEGATOR = OPERATOR(ismap.>),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR ismap.> (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_gt,
	COMMUTATOR = OPERATOR(ismap.<), NEGATOR = OPERATOR(ismap.<=),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR ismap.>= (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_ge,
	COMMUTATOR = OPERATOR(ismap.<=), NEGATOR = OPERATOR(ismap.<),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
CREATE OPERATOR ismap.@> (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_contains,
	COMMUTATOR = OPERATOR(ismap.<@),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR ismap.@>(ismap.ctrlid, ismap.ctrlid) IS 'is ancestor of or equal to';
CREATE OPERATOR ismap.<@ (
	LEFTARG = ismap.ctrlid, RIGHTARG = ismap.ctrlid, FUNCTION = ismap.ctrlid_contained,
	COMMUTATOR = OPERATOR(ismap.@>),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR ismap.<@(ismap.ctrlid, ismap.ctrlid) IS 'is descendant of or equal to';

-- No equalimage support function: equal identifiers may be spelled
-- differently, so btree deduplication must stay off for this type.
CREATE OPERATOR CLASS ismap.ctrlid_ops
	DEFAULT FOR TYPE ismap.ctrlid USING btree AS
		OPERATOR 1 ismap.< ,
		OPERATOR 2 ismap.<= ,
		OPERATOR 3 ismap.= ,
		OPERATOR 4 ismap.>= ,
		OPERATOR 5 ismap.> ,
		FUNCTION 1 ismap.ctrlid_cmp(ismap.ctrlid, ismap.ctrlid),
		FUNCTION 2 ismap.ctrlid_sortsupport(pg_catalog.internal);

CREATE OPERATOR CLASS ismap.ctrlid_hash_ops
	DEFAULT FOR TYPE ismap.ctrlid USING hash AS
		OPERATOR 1 ismap.= ,
		FUNCTION 1 ismap.ctrlid_hash(ismap.ctrlid),
		FUNCTION 2 ismap.ctrlid_hash_extended(ismap.ctrlid, pg_catalog.int8);

CREATE FUNCTION ismap.depth(ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ctrlid_depth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.depth(ismap.ctrlid) IS 'number of segments: 3 for a control objective 6.1.1, 4 for a detailed control 6.1.1.1';

CREATE FUNCTION ismap.parent(ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.parent(ismap.ctrlid) IS 'the identifier without its last segment, spelled as given; NULL at depth 1';

CREATE FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4, pg_catalog.int4) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4, pg_catalog.int4) IS
	'len segments from offset (0-based; negative offset counts from the end, negative len leaves segments off the end)';

CREATE FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_subpath_to_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4) IS 'segments from offset to the end';

CREATE FUNCTION ismap.ctrlid(pg_catalog.text) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid(pg_catalog.text) IS 'parse text as a control identifier (the text-to-ctrlid cast)';
CREATE CAST (pg_catalog.text AS ismap.ctrlid) WITH FUNCTION ismap.ctrlid(pg_catalog.text);
CREATE CAST (pg_catalog.varchar AS ismap.ctrlid) WITH FUNCTION ismap.ctrlid(pg_catalog.text);

CREATE FUNCTION ismap.ctrlid_is_valid(pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ctrlid_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_is_valid(pg_catalog.text) IS 'true when the text is a valid control identifier (never raises)';

-------------------------------------------------------------------------------
-- ismap.cia: confidentiality / integrity / availability rating
-------------------------------------------------------------------------------

CREATE TYPE ismap.cia;

CREATE FUNCTION ismap.cia_in(pg_catalog.cstring) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'cia_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ismap.cia_out(ismap.cia) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'cia_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ismap.cia_recv(pg_catalog.internal) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'cia_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ismap.cia_send(ismap.cia) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'cia_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE ismap.cia (
	INPUT = ismap.cia_in,
	OUTPUT = ismap.cia_out,
	RECEIVE = ismap.cia_recv,
	SEND = ismap.cia_send,
	INTERNALLENGTH = 2,
	PASSEDBYVALUE,
	ALIGNMENT = int2,
	STORAGE = plain
);
COMMENT ON TYPE ismap.cia IS 'confidentiality/integrity/availability rating, written C3/I2/A1 (C 1-3, I 1-2, A 1-3)';

CREATE FUNCTION ismap.cia(c pg_catalog.int4, i pg_catalog.int4, a pg_catalog.int4) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'cia_construct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia(pg_catalog.int4, pg_catalog.int4, pg_catalog.int4) IS 'rating from its components; out of range is 22003';
CREATE FUNCTION ismap.conf(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'cia_get_conf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.conf(ismap.cia) IS 'confidentiality component (1-3)';
CREATE FUNCTION ismap.integ(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'cia_get_integ' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.integ(ismap.cia) IS 'integrity component (1-2)';
CREATE FUNCTION ismap.avail(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'cia_get_avail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.avail(ismap.cia) IS 'availability component (1-3)';

CREATE FUNCTION ismap.cia_eq(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_ne(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_lex_lt(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_lex_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_lex_le(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_lex_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_lex_gt(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_lex_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_lex_ge(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_lex_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_lex_cmp(ismap.cia, ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'cia_lex_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_lex_cmp(ismap.cia, ismap.cia) IS 'lexicographic (C, I, A) comparison, for sorting only (btree support)';
CREATE FUNCTION ismap.cia_dominates(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_dominates_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION ismap.cia_dominates(ismap.cia, ismap.cia) IS 'true when every component of the first rating is at least that of the second';
CREATE FUNCTION ismap.cia_dominated(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'cia_dominated_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ismap.cia_join(ismap.cia, ismap.cia) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'cia_join_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_join(ismap.cia, ismap.cia) IS 'componentwise maximum of two ratings';
CREATE FUNCTION ismap.cia_hash(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'cia_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_hash(ismap.cia) IS 'hash of a rating (hash support)';
CREATE FUNCTION ismap.cia_hash_extended(ismap.cia, pg_catalog.int8) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'cia_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_hash_extended(ismap.cia, pg_catalog.int8) IS '64-bit seeded hash of a rating (hash support)';

CREATE OPERATOR ismap.= (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_eq,
	COMMUTATOR = OPERATOR(ismap.=), NEGATOR = OPERATOR(ismap.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR ismap.<> (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_ne,
	COMMUTATOR = OPERATOR(ismap.<>), NEGATOR = OPERATOR(ismap.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
-- Dominance is a partial order: C3/I1/A1 and C1/I2/A1 are incomparable.
-- It is spelled @> / <@ and never < so nobody mistakes it for a total order.
CREATE OPERATOR ismap.@> (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_dominates,
	COMMUTATOR = OPERATOR(ismap.<@),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR ismap.@>(ismap.cia, ismap.cia) IS 'dominates: every component greater than or equal';
CREATE OPERATOR ismap.<@ (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_dominated,
	COMMUTATOR = OPERATOR(ismap.@>),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR ismap.<@(ismap.cia, ismap.cia) IS 'is dominated by: every component less than or equal';
-- The sort order, under names that do not suggest dominance (as text_pattern_ops does).
CREATE OPERATOR ismap.~<~ (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_lex_lt,
	COMMUTATOR = OPERATOR(ismap.~>~), NEGATOR = OPERATOR(ismap.~>=~),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR ismap.~<=~ (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_lex_le,
	COMMUTATOR = OPERATOR(ismap.~>=~), NEGATOR = OPERATOR(ismap.~>~),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR ismap.~>~ (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_lex_gt,
	COMMUTATOR = OPERATOR(ismap.~<~), NEGATOR = OPERATOR(ismap.~<=~),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR ismap.~>=~ (
	LEFTARG = ismap.cia, RIGHTARG = ismap.cia, FUNCTION = ismap.cia_lex_ge,
	COMMUTATOR = OPERATOR(ismap.~<=~), NEGATOR = OPERATOR(ismap.~<~),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);

CREATE OPERATOR CLASS ismap.cia_ops
	DEFAULT FOR TYPE ismap.cia USING btree AS
		OPERATOR 1 ismap.~<~ ,
		OPERATOR 2 ismap.~<=~ ,
		OPERATOR 3 ismap.= ,
		OPERATOR 4 ismap.~>=~ ,
		OPERATOR 5 ismap.~>~ ,
		FUNCTION 1 ismap.cia_lex_cmp(ismap.cia, ismap.cia);

CREATE OPERATOR CLASS ismap.cia_hash_ops
	DEFAULT FOR TYPE ismap.cia USING hash AS
		OPERATOR 1 ismap.= ,
		FUNCTION 1 ismap.cia_hash(ismap.cia),
		FUNCTION 2 ismap.cia_hash_extended(ismap.cia, pg_catalog.int8);

CREATE AGGREGATE ismap.cia_max(ismap.cia) (
	SFUNC = ismap.cia_join,
	STYPE = ismap.cia,
	COMBINEFUNC = ismap.cia_join,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE ismap.cia_max(ismap.cia) IS 'componentwise maximum (high-water mark) of ratings';

-------------------------------------------------------------------------------
-- levels and models
-------------------------------------------------------------------------------

CREATE DOMAIN ismap.level AS pg_catalog.int2
	CONSTRAINT level_range CHECK (VALUE OPERATOR(pg_catalog.>=) 1 AND VALUE OPERATOR(pg_catalog.<=) 3);
COMMENT ON DOMAIN ismap.level IS 'registry level 1-3; a service registered at a level satisfies every lower one';

CREATE TYPE ismap.delivery_model AS ENUM ('IaaS', 'PaaS', 'SaaS');
COMMENT ON TYPE ismap.delivery_model IS 'cloud delivery model';

CREATE TYPE ismap.deployment_model AS ENUM ('public', 'private', 'community', 'hybrid');
COMMENT ON TYPE ismap.deployment_model IS 'cloud deployment model';

-------------------------------------------------------------------------------
-- control standards: frameworks, controls, baselines, mappings
-- (DESIGN §3.2; the importers and query functions come with their sections)
-------------------------------------------------------------------------------

CREATE TABLE ismap.framework (
	framework_id	pg_catalog.text PRIMARY KEY
		CONSTRAINT framework_id_format CHECK (framework_id OPERATOR(pg_catalog.~) '^[a-z0-9][a-z0-9_.-]{0,62}$'),
	title			pg_catalog.text NOT NULL,
	version			pg_catalog.text,
	publisher		pg_catalog.text,
	source			pg_catalog.text,
	created_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.framework IS 'a control catalog: the ISMAP control standard, ISO/IEC 27001/27017, NIST SP 800-53, ...';

CREATE TABLE ismap.control (
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	control_id		ismap.ctrlid NOT NULL,
	label			pg_catalog.text,
	title			pg_catalog.text NOT NULL,
	statement		pg_catalog.text,
	parent_id		ismap.ctrlid,
	class			pg_catalog.text,
	withdrawn		pg_catalog.bool NOT NULL DEFAULT false,
	mandatory		pg_catalog.bool NOT NULL DEFAULT false,
	PRIMARY KEY (framework_id, control_id),
	CONSTRAINT control_parent_exists FOREIGN KEY (framework_id, parent_id)
		REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT control_not_own_parent CHECK (parent_id OPERATOR(ismap.<>) control_id)
);
COMMENT ON TABLE ismap.control IS 'one control of a framework: a control objective (depth 3), a detailed control (depth 4), a NIST control or enhancement, ...';
CREATE INDEX control_parent_idx ON ismap.control (framework_id, parent_id);

CREATE TABLE ismap.baseline (
	baseline_id		pg_catalog.text PRIMARY KEY
		CONSTRAINT baseline_id_format CHECK (baseline_id OPERATOR(pg_catalog.~) '^[a-z0-9][a-z0-9_.-]{0,62}$'),
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	title			pg_catalog.text NOT NULL,
	level			ismap.level,
	source			pg_catalog.text,
	created_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	UNIQUE (baseline_id, framework_id)
);
COMMENT ON TABLE ismap.baseline IS 'a selection of a framework''s controls, e.g. the controls required at a registry level';

CREATE TABLE ismap.baseline_control (
	baseline_id		pg_catalog.text NOT NULL,
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	PRIMARY KEY (baseline_id, control_id),
	FOREIGN KEY (baseline_id, framework_id) REFERENCES ismap.baseline (baseline_id, framework_id)
		ON DELETE CASCADE ON UPDATE CASCADE,
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id)
		ON DELETE CASCADE
);
COMMENT ON TABLE ismap.baseline_control IS 'the controls a baseline selects (framework_id repeats the baseline''s, so the control must belong to it)';

CREATE TABLE ismap.control_mapping (
	mapping_id			pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source_framework	pg_catalog.text NOT NULL,
	source_control		ismap.ctrlid NOT NULL,
	target_framework	pg_catalog.text NOT NULL,
	target_control		ismap.ctrlid NOT NULL,
	relationship		pg_catalog.text NOT NULL
		CONSTRAINT mapping_relationship CHECK (relationship OPERATOR(pg_catalog.=) ANY
			(ARRAY['equal', 'subset', 'superset', 'intersects', 'not_related']::pg_catalog.text[])),
	strength			pg_catalog.int2
		CONSTRAINT mapping_strength CHECK (strength OPERATOR(pg_catalog.>=) 1 AND strength OPERATOR(pg_catalog.<=) 10),
	rationale			pg_catalog.text,
	provenance			pg_catalog.text NOT NULL,
	UNIQUE (source_framework, source_control, target_framework, target_control),
	FOREIGN KEY (source_framework, source_control) REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE,
	FOREIGN KEY (target_framework, target_control) REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE,
	CONSTRAINT mapping_not_to_itself CHECK (source_framework OPERATOR(pg_catalog.<>) target_framework
		OR source_control OPERATOR(ismap.<>) target_control)
);
COMMENT ON TABLE ismap.control_mapping IS 'source control relates to target control: equal, subset (source within target), superset, intersects, not_related (NIST IR 8477)';
CREATE INDEX control_mapping_target_idx ON ismap.control_mapping (target_framework, target_control);

-- pg_dump keeps the rows of extension tables only when they are registered.
SELECT pg_catalog.pg_extension_config_dump('ismap.framework', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.baseline', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.baseline_control', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_mapping', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_mapping_mapping_id_seq', '');
