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

CREATE FUNCTION ismap.ctrlid_smaller(ismap.ctrlid, ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_smaller(ismap.ctrlid, ismap.ctrlid) IS 'the identifier that sorts first (transition of min)';
CREATE FUNCTION ismap.ctrlid_larger(ismap.ctrlid, ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ctrlid_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_larger(ismap.ctrlid, ismap.ctrlid) IS 'the identifier that sorts last (transition of max)';
CREATE AGGREGATE ismap.min(ismap.ctrlid) (
	SFUNC = ismap.ctrlid_smaller, STYPE = ismap.ctrlid, SORTOP = OPERATOR(ismap.<),
	COMBINEFUNC = ismap.ctrlid_smaller, PARALLEL = SAFE);
COMMENT ON AGGREGATE ismap.min(ismap.ctrlid) IS 'the first control identifier in natural order';
CREATE AGGREGATE ismap.max(ismap.ctrlid) (
	SFUNC = ismap.ctrlid_larger, STYPE = ismap.ctrlid, SORTOP = OPERATOR(ismap.>),
	COMBINEFUNC = ismap.ctrlid_larger, PARALLEL = SAFE);
COMMENT ON AGGREGATE ismap.max(ismap.ctrlid) IS 'the last control identifier in natural order';

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

-------------------------------------------------------------------------------
-- policy: the scheme's parameters as data (DESIGN §3.4)
-------------------------------------------------------------------------------

CREATE TABLE ismap.policy (
	name		pg_catalog.text PRIMARY KEY,
	value		pg_catalog.jsonb NOT NULL,
	description	pg_catalog.text NOT NULL,
	builtin		pg_catalog.bool NOT NULL DEFAULT false,
	updated_at	pg_catalog.timestamptz DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.policy IS 'the scheme''s parameters as data: validity, notice windows, grace periods, auditor requirements, sampling tolerances';

COMMENT ON COLUMN ismap.policy.builtin IS 'true while the row is the default shipped with the extension; any edit makes it false';

-- Defaults shipped with the extension are inserted with builtin = true and
-- are not dumped (pg_extension_config_dump ... WHERE NOT builtin): CREATE
-- EXTENSION makes them again.  An edited row is the registrar's own and is
-- dumped; restoring it over a fresh default replaces the default instead of
-- colliding with it.  The same trigger serves the other tables of defaults.
CREATE FUNCTION ismap.default_row_edit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key pg_catalog.text := TG_ARGV[0];
	replaced pg_catalog.int8;
BEGIN
	IF TG_OP = 'INSERT' THEN
		-- a key that is still a default: the new row takes its place
		EXECUTE pg_catalog.format('DELETE FROM %I.%I WHERE %I = ($1).%I AND builtin',
			TG_TABLE_SCHEMA, TG_TABLE_NAME, key, key) USING NEW;
		GET DIAGNOSTICS replaced = ROW_COUNT;
		IF replaced > 0 THEN
			NEW.builtin := false;
		END IF;
		-- a default carries no time; a restored row keeps its own
		IF NEW.builtin THEN
			NEW.updated_at := NULL;
		END IF;
	ELSE
		NEW.builtin := false;
		IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
			NEW.updated_at := pg_catalog.now();
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap.default_row_edit() IS 'trigger: an edited default becomes the registrar''s own (dumped); inserting a key that is still a default replaces the default';
CREATE TRIGGER policy_edit BEFORE INSERT OR UPDATE ON ismap.policy
	FOR EACH ROW EXECUTE FUNCTION ismap.default_row_edit('name');

-- Parameters read by the registry functions.  Durations are interval text.
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('registration_validity', '"1 year 4 months"', 'a registration is valid until the end of the audited period plus this', true),
	('audit_period_max', '"1 year"', 'longest audited period accepted', true),
	('notice_windows_days', '[90, 30, 7]', 'days before valid_until at which a renewal notice is written, once each', true),
	('cascade_grace', '"30 days"', 'how long a service may stay registered after its platform lost its registration', true),
	('auditor_qualifications', '["CISSP", "CISA", "情報処理安全確保支援士", "公認情報セキュリティ主任監査人"]', 'qualifications of which a lead auditor must hold at least one, valid at the report date', true),
	('auditor_min_experience_years', '3', 'minimum years of audit practice of a lead auditor', true),
	('auditor_nationality', '"JP"', 'nationality (ISO 3166-1 alpha-2) required of a lead auditor; null for none', true),
	('control_standard', '"ismap"', 'framework_id of the control standard that statements and validation use', true),
	('high_water_mark_share', '0.2', 'classification finding: the confidentiality is set by at most this share of a system''s assets', true),
	('audit_body_report_interval', '"1 year"', 'how often a selected audit body reports during its selection term', true);

-------------------------------------------------------------------------------
-- classification (DESIGN §3.3; seed §2)
-------------------------------------------------------------------------------

CREATE TABLE ismap.organization (
	org_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name		pg_catalog.text NOT NULL UNIQUE,
	created_at	pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.organization IS 'a government organization (agency) that classifies its information and systems';

CREATE TABLE ismap.information_asset (
	asset_id	pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	org_id		pg_catalog.int8 NOT NULL REFERENCES ismap.organization ON DELETE CASCADE,
	name		pg_catalog.text NOT NULL,
	rating		ismap.cia NOT NULL,
	description	pg_catalog.text,
	UNIQUE (org_id, name),
	UNIQUE (asset_id, org_id)
);
COMMENT ON TABLE ismap.information_asset IS 'a kind of information an organization handles, with its C/I/A rating under the Unified Standards';

CREATE TABLE ismap.information_system (
	system_id			pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	org_id				pg_catalog.int8 NOT NULL REFERENCES ismap.organization ON DELETE CASCADE,
	name				pg_catalog.text NOT NULL,
	business_function	pg_catalog.text NOT NULL,
	availability		pg_catalog.int2 NOT NULL
		CONSTRAINT system_availability_range CHECK (availability OPERATOR(pg_catalog.>=) 1 AND availability OPERATOR(pg_catalog.<=) 3),
	aggregation_raises	pg_catalog.bool NOT NULL DEFAULT false,
	override			ismap.cia,
	override_reason		pg_catalog.text,
	CONSTRAINT system_override_needs_reason CHECK (override IS NULL OR
		COALESCE(pg_catalog.length(pg_catalog.btrim(override_reason)), 0) OPERATOR(pg_catalog.>) 0),
	UNIQUE (org_id, name, business_function),
	UNIQUE (system_id, org_id)
);
COMMENT ON TABLE ismap.information_system IS 'an information system, rated per business function (業務); availability 1-3 by the impact of slowdown or stoppage';

CREATE TABLE ismap.system_asset (
	system_id	pg_catalog.int8 NOT NULL,
	asset_id	pg_catalog.int8 NOT NULL,
	org_id		pg_catalog.int8 NOT NULL,
	PRIMARY KEY (system_id, asset_id),
	FOREIGN KEY (system_id, org_id) REFERENCES ismap.information_system (system_id, org_id) ON DELETE CASCADE,
	FOREIGN KEY (asset_id, org_id) REFERENCES ismap.information_asset (asset_id, org_id) ON DELETE CASCADE
);
COMMENT ON TABLE ismap.system_asset IS 'the information a system handles (system and asset belong to the same organization)';
CREATE INDEX system_asset_asset_idx ON ismap.system_asset (asset_id);

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
	FOR EACH ROW EXECUTE FUNCTION ismap.default_row_edit('availability');
INSERT INTO ismap.sla_template (availability, uptime_pct, rto, rpo, backup, builtin) VALUES
	(1, 99.000, '72 hours', '24 hours', 'daily backup, kept 7 days', true),
	(2, 99.500, '24 hours', '1 hour', 'daily backup kept 30 days, point-in-time recovery', true),
	(3, 99.900, '4 hours', '5 minutes', 'continuous replication to a second site, daily backup kept 90 days', true);

-------------------------------------------------------------------------------
-- parties: providers, services, audit bodies (DESIGN §3.4; seed §3.3.2, §3.3.4)
-------------------------------------------------------------------------------

CREATE FUNCTION ismap.corporate_number_is_valid(pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'corporate_number_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.corporate_number_is_valid(pg_catalog.text) IS 'true when the text is a 13-digit Japanese corporate number (法人番号) with a correct check digit';
CREATE FUNCTION ismap.corporate_number_check_digit(base pg_catalog.text) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'corporate_number_check_digit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.corporate_number_check_digit(pg_catalog.text) IS 'the check digit to put before a 12-digit corporate number base';

CREATE TABLE ismap.csp (
	csp_id				pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name				pg_catalog.text NOT NULL,
	corporate_number	pg_catalog.text NOT NULL UNIQUE
		CONSTRAINT csp_corporate_number_valid CHECK (ismap.corporate_number_is_valid(corporate_number)),
	address				pg_catalog.text,
	created_at			pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.csp IS 'a cloud service provider, identified by its corporate number';

CREATE TABLE ismap.service (
	service_id			pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	csp_id				pg_catalog.int8 NOT NULL REFERENCES ismap.csp,
	name				pg_catalog.text NOT NULL,
	scope				pg_catalog.text NOT NULL,
	delivery_models		ismap.delivery_model[] NOT NULL
		CONSTRAINT service_has_delivery_model CHECK (pg_catalog.cardinality(delivery_models) OPERATOR(pg_catalog.>=) 1
			AND pg_catalog.array_position(delivery_models, NULL) IS NULL),
	deployment_models	ismap.deployment_model[] NOT NULL
		CONSTRAINT service_has_deployment_model CHECK (pg_catalog.cardinality(deployment_models) OPERATOR(pg_catalog.>=) 1
			AND pg_catalog.array_position(deployment_models, NULL) IS NULL),
	responsibility		pg_catalog.jsonb NOT NULL DEFAULT '{}',
	created_at			pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	UNIQUE (csp_id, name)
);
COMMENT ON TABLE ismap.service IS 'the unit of registration: a cloud service as its provider defines its scope (§3.3.4)';
COMMENT ON COLUMN ismap.service.responsibility IS 'responsibility split per delivery model: {"IaaS": {"provider": [...], "customer": [...], "shared": [...]}, ...}; see docs/registry.md';

-- The documented shape of service.responsibility: an object whose keys are
-- delivery models of the service, each an object with optional arrays of
-- strings "provider", "customer" and "shared" (areas of responsibility).
CREATE FUNCTION ismap.responsibility_is_valid(split pg_catalog.jsonb, models ismap.delivery_model[])
RETURNS pg_catalog.bool LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_typeof(split) = 'object'
	   AND NOT EXISTS (
		SELECT 1 FROM pg_catalog.jsonb_each(split) AS m(model, parts)
		WHERE NOT (m.model = ANY (models::pg_catalog.text[]))
		   OR pg_catalog.jsonb_typeof(m.parts) <> 'object'
		   OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_each(m.parts) AS p(who, areas)
					  WHERE p.who NOT IN ('provider', 'customer', 'shared')
						 OR pg_catalog.jsonb_typeof(p.areas) <> 'array'
						 OR EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(p.areas) AS a(area)
									WHERE pg_catalog.jsonb_typeof(a.area) <> 'string')))
$$;
COMMENT ON FUNCTION ismap.responsibility_is_valid(pg_catalog.jsonb, ismap.delivery_model[]) IS 'true when a responsibility split has the documented shape and names only the service''s delivery models';
ALTER TABLE ismap.service ADD CONSTRAINT service_responsibility_shape
	CHECK (ismap.responsibility_is_valid(responsibility, delivery_models));

CREATE TABLE ismap.audit_body (
	audit_body_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name				pg_catalog.text NOT NULL,
	corporate_number	pg_catalog.text NOT NULL UNIQUE
		CONSTRAINT audit_body_corporate_number_valid CHECK (ismap.corporate_number_is_valid(corporate_number)),
	created_at			pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.audit_body IS 'an audit firm that may be selected to audit services (監査主体, §3.3.2); domestic registration is its corporate number';

CREATE TABLE ismap.auditor (
	auditor_id			pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	audit_body_id		pg_catalog.int8 NOT NULL REFERENCES ismap.audit_body,
	name				pg_catalog.text NOT NULL,
	nationality			pg_catalog.text NOT NULL
		CONSTRAINT auditor_nationality_format CHECK (nationality OPERATOR(pg_catalog.~) '^[A-Z]{2}$'),
	experience_years	pg_catalog.int4 NOT NULL
		CONSTRAINT auditor_experience_nonnegative CHECK (experience_years OPERATOR(pg_catalog.>=) 0),
	UNIQUE (auditor_id, audit_body_id)
);
COMMENT ON TABLE ismap.auditor IS 'an auditor with signing authority, member of an audit body; nationality as ISO 3166-1 alpha-2';

CREATE TABLE ismap.auditor_qualification (
	auditor_id		pg_catalog.int8 NOT NULL REFERENCES ismap.auditor ON DELETE CASCADE,
	qualification	pg_catalog.text NOT NULL,
	valid_until		pg_catalog.date,
	PRIMARY KEY (auditor_id, qualification)
);
COMMENT ON TABLE ismap.auditor_qualification IS 'a qualification an auditor holds (CISSP, CISA, ...); valid_until NULL means it does not lapse';

CREATE TABLE ismap.audit_body_selection (
	selection_id	pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	audit_body_id	pg_catalog.int8 NOT NULL REFERENCES ismap.audit_body,
	valid_from		pg_catalog.date NOT NULL,
	valid_until		pg_catalog.date NOT NULL,
	status			pg_catalog.text NOT NULL DEFAULT 'active'
		CONSTRAINT selection_status CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended', 'revoked', 'expired']::pg_catalog.text[])),
	next_report_due	pg_catalog.date,
	status_reason	pg_catalog.text,
	CONSTRAINT selection_period CHECK (valid_until OPERATOR(pg_catalog.>) valid_from),
	CONSTRAINT selection_end_needs_reason CHECK (status OPERATOR(pg_catalog.<>) ALL (ARRAY['suspended', 'revoked']::pg_catalog.text[])
		OR COALESCE(pg_catalog.length(pg_catalog.btrim(status_reason)), 0) OPERATOR(pg_catalog.>) 0)
);
COMMENT ON TABLE ismap.audit_body_selection IS 'the government''s selection of an audit body for a term of several years, with monitoring reports due during it';
CREATE INDEX audit_body_selection_body_idx ON ismap.audit_body_selection (audit_body_id, valid_from);

CREATE TABLE ismap.service_dependency (
	service_id				pg_catalog.int8 NOT NULL REFERENCES ismap.service ON DELETE CASCADE,
	base_service_id			pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	self_assessed_audit_id	pg_catalog.int8,
	PRIMARY KEY (service_id, base_service_id),
	CONSTRAINT dependency_not_on_itself CHECK (service_id OPERATOR(pg_catalog.<>) base_service_id)
);
COMMENT ON TABLE ismap.service_dependency IS 'the service runs on the base service''s platform; self_assessed_audit_id names the service''s own audit that evaluated the platform (§3.3.4 ④), which stops a delisting cascade';
CREATE INDEX service_dependency_base_idx ON ismap.service_dependency (base_service_id);

-------------------------------------------------------------------------------
-- audits, statements, results, applications (DESIGN §3.4; seed §3.3.3)
-------------------------------------------------------------------------------

CREATE TABLE ismap.audit (
	audit_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	service_id		pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	audit_body_id	pg_catalog.int8 NOT NULL REFERENCES ismap.audit_body,
	lead_auditor_id	pg_catalog.int8 NOT NULL,
	kind			pg_catalog.text NOT NULL DEFAULT 'external'
		CONSTRAINT audit_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['external', 'internal_review']::pg_catalog.text[])),
	target_level	ismap.level NOT NULL,
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework,
	period_start	pg_catalog.date NOT NULL,
	period_end		pg_catalog.date NOT NULL,
	report_date		pg_catalog.date NOT NULL,
	scope			pg_catalog.text NOT NULL,
	CONSTRAINT audit_period_order CHECK (period_end OPERATOR(pg_catalog.>=) period_start),
	CONSTRAINT audit_report_after_period CHECK (report_date OPERATOR(pg_catalog.>=) period_end),
	FOREIGN KEY (lead_auditor_id, audit_body_id) REFERENCES ismap.auditor (auditor_id, audit_body_id),
	UNIQUE (audit_id, service_id),
	UNIQUE (audit_id, framework_id)
);
COMMENT ON TABLE ismap.audit IS 'an audit of a service by an audit body over a period (external), or the review of an internal audit (internal_review, level 1 only)';
COMMENT ON COLUMN ismap.audit.framework_id IS 'the control standard the statement is made against (policy control_standard when the audit is recorded)';
CREATE INDEX audit_service_idx ON ismap.audit (service_id);
ALTER TABLE ismap.service_dependency ADD CONSTRAINT service_dependency_self_assessed_audit
	FOREIGN KEY (self_assessed_audit_id, service_id) REFERENCES ismap.audit (audit_id, service_id);

CREATE TABLE ismap.statement_item (
	audit_id			pg_catalog.int8 NOT NULL,
	framework_id		pg_catalog.text NOT NULL,
	control_id			ismap.ctrlid NOT NULL,
	selected			pg_catalog.bool NOT NULL,
	exclusion_reason	pg_catalog.text,
	PRIMARY KEY (audit_id, control_id),
	FOREIGN KEY (audit_id, framework_id) REFERENCES ismap.audit (audit_id, framework_id) ON DELETE CASCADE,
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id)
);
COMMENT ON TABLE ismap.statement_item IS 'the provider''s statement (言明書): which controls of the standard it selects, and why it leaves out the others';

CREATE TABLE ismap.audit_result (
	audit_id	pg_catalog.int8 NOT NULL,
	control_id	ismap.ctrlid NOT NULL,
	result		pg_catalog.text NOT NULL
		CONSTRAINT audit_result_value CHECK (result OPERATOR(pg_catalog.=) ANY (ARRAY['effective', 'ineffective', 'not_tested']::pg_catalog.text[])),
	rationale	pg_catalog.text,
	PRIMARY KEY (audit_id, control_id),
	FOREIGN KEY (audit_id, control_id) REFERENCES ismap.statement_item (audit_id, control_id) ON DELETE CASCADE
);
COMMENT ON TABLE ismap.audit_result IS 'the auditor''s conclusion on one stated control';

CREATE TABLE ismap.application (
	application_id	pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	service_id		pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	audit_id		pg_catalog.int8 NOT NULL,
	requested_level	ismap.level NOT NULL,
	kind			pg_catalog.text NOT NULL DEFAULT 'new'
		CONSTRAINT application_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['new', 'renewal']::pg_catalog.text[])),
	submitted_on	pg_catalog.date NOT NULL,
	status			pg_catalog.text NOT NULL DEFAULT 'submitted'
		CONSTRAINT application_status CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'approved', 'rejected', 'withdrawn']::pg_catalog.text[])),
	decided_on		pg_catalog.date,
	decision_reason	pg_catalog.text,
	FOREIGN KEY (audit_id, service_id) REFERENCES ismap.audit (audit_id, service_id),
	CONSTRAINT application_decision_date CHECK ((status OPERATOR(pg_catalog.=) 'submitted') OPERATOR(pg_catalog.=) (decided_on IS NULL))
);
COMMENT ON TABLE ismap.application IS 'a provider''s application for registration (new) or renewal, with the audit that supports it';
CREATE INDEX application_service_idx ON ismap.application (service_id);
CREATE INDEX application_open_idx ON ismap.application (service_id) WHERE status OPERATOR(pg_catalog.=) 'submitted';

-------------------------------------------------------------------------------
-- registrations and the event log (DESIGN §3.4)
-------------------------------------------------------------------------------

CREATE TABLE ismap.registration_serial (
	year		pg_catalog.int2 PRIMARY KEY,
	last_serial	pg_catalog.int4 NOT NULL
);
COMMENT ON TABLE ismap.registration_serial IS 'last serial allocated per registration year; a row lock makes numbers gapless and unique under concurrency';

CREATE TABLE ismap.registration (
	registration_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	registration_number	pg_catalog.text NOT NULL
		CONSTRAINT registration_number_format CHECK (registration_number OPERATOR(pg_catalog.~) '^C[0-9]{2}-[0-9]{4,}-[1-3]$'),
	service_id			pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	level				ismap.level NOT NULL,
	application_id		pg_catalog.int8 NOT NULL UNIQUE REFERENCES ismap.application,
	registered_on		pg_catalog.date NOT NULL,
	valid_until			pg_catalog.date NOT NULL,
	status				pg_catalog.text NOT NULL DEFAULT 'active'
		CONSTRAINT registration_status CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'expired', 'delisted', 'suspended']::pg_catalog.text[])),
	ended_on			pg_catalog.date,
	end_reason			pg_catalog.text,
	cascaded_from		pg_catalog.int8 REFERENCES ismap.registration,
	cascade_path		pg_catalog.int8[],
	CONSTRAINT registration_number_level CHECK (pg_catalog.right(registration_number, 1) OPERATOR(pg_catalog.=) level::pg_catalog.text),
	CONSTRAINT registration_end_consistent CHECK ((status OPERATOR(pg_catalog.=) ANY (ARRAY['expired', 'delisted']::pg_catalog.text[]))
		OPERATOR(pg_catalog.=) (ended_on IS NOT NULL)),
	CONSTRAINT registration_validity_order CHECK (valid_until OPERATOR(pg_catalog.>=) registered_on)
);
COMMENT ON TABLE ismap.registration IS 'an entry of the registry (登録簿); at most one active or suspended registration per service; change it only through the registry functions';
COMMENT ON COLUMN ismap.registration.registration_number IS 'C<yy>-<nnnn>-<level>: year and serial of the service''s first registration (kept by renewals), then the level';
COMMENT ON COLUMN ismap.registration.cascaded_from IS 'the base service''s registration whose end ended this one';
COMMENT ON COLUMN ismap.registration.cascade_path IS 'for a cascaded end: the chain of base services from the service that was delisted first';
CREATE UNIQUE INDEX registration_one_live_per_service ON ismap.registration (service_id)
	WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']::pg_catalog.text[]);
CREATE UNIQUE INDEX registration_live_number ON ismap.registration (registration_number)
	WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']::pg_catalog.text[]);
CREATE INDEX registration_valid_until_idx ON ismap.registration (valid_until)
	WHERE status OPERATOR(pg_catalog.=) 'active';
CREATE INDEX registration_service_idx ON ismap.registration (service_id, registered_on);

CREATE TABLE ismap.registry_event (
	event_id		pg_catalog.int8 PRIMARY KEY,
	occurred_at		pg_catalog.timestamptz NOT NULL,
	kind			pg_catalog.text NOT NULL,
	registration_id	pg_catalog.int8,
	service_id		pg_catalog.int8,
	payload			pg_catalog.jsonb NOT NULL,
	actor			pg_catalog.name NOT NULL,
	prev_hash		pg_catalog.bytea,
	hash			pg_catalog.bytea NOT NULL
);
COMMENT ON TABLE ismap.registry_event IS 'append-only, hash-chained log of every registration change: hash = sha256(prev_hash || canonical content)';
CREATE SEQUENCE ismap.registry_event_event_id_seq OWNED BY ismap.registry_event.event_id;
CREATE INDEX registry_event_registration_idx ON ismap.registry_event (registration_id);
CREATE INDEX registry_event_service_idx ON ismap.registry_event (service_id);

-- The bytes an event's hash covers (after the previous event's hash).
CREATE FUNCTION ismap.event_digest_input(e ismap.registry_event) RETURNS pg_catalog.bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.convert_to(pg_catalog.concat_ws('|',
		e.event_id,
		pg_catalog.to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
		e.kind, e.registration_id, e.service_id, e.payload::pg_catalog.text, e.actor), 'UTF8')
$$;
COMMENT ON FUNCTION ismap.event_digest_input(ismap.registry_event) IS 'canonical bytes of an event covered by its hash: id|time (UTC, microseconds)|kind|registration|service|payload|actor';

-- Append one event to the chain.  The advisory lock serializes writers, so
-- each event links to the one committed before it.  enable_seqscan = off:
-- the head lookup's plan is cached per session; planned while the log was
-- (nearly) empty it would stay a scan and sort of the whole log, and a
-- statement changing many registrations would take quadratic time.
CREATE FUNCTION ismap.append_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
	e ismap.registry_event;
BEGIN
	PERFORM pg_catalog.pg_advisory_xact_lock(1769172321, 1);	-- 'isma', event chain
	SELECT r.hash INTO e.prev_hash FROM ismap.registry_event r ORDER BY r.event_id DESC LIMIT 1;
	e.event_id := pg_catalog.nextval('ismap.registry_event_event_id_seq');
	e.occurred_at := pg_catalog.clock_timestamp();
	e.kind := p_kind;
	e.registration_id := p_registration_id;
	e.service_id := p_service_id;
	e.payload := COALESCE(p_payload, '{}');
	-- the person who acted: the role set with SET ROLE, else the login role
	-- (CURRENT_USER would name the owner inside SECURITY DEFINER functions)
	e.actor := CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
					ELSE pg_catalog.current_setting('role')::pg_catalog.name END;
	e.hash := pg_catalog.sha256(COALESCE(e.prev_hash, '\x'::pg_catalog.bytea) OPERATOR(pg_catalog.||) ismap.event_digest_input(e));
	INSERT INTO ismap.registry_event SELECT e.*;
	RETURN e.event_id;
END
$$;
COMMENT ON FUNCTION ismap.append_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'append one event to the hash-chained registry log (used by the registry functions and triggers)';

CREATE FUNCTION ismap.verify_event_chain(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	e ismap.registry_event;
	prev pg_catalog.bytea := NULL;
BEGIN
	FOR e IN SELECT * FROM ismap.registry_event ORDER BY event_id LOOP
		IF e.prev_hash IS DISTINCT FROM prev
		   OR e.hash IS DISTINCT FROM pg_catalog.sha256(COALESCE(e.prev_hash, '\x'::pg_catalog.bytea) OPERATOR(pg_catalog.||) ismap.event_digest_input(e)) THEN
			ok := false;
			first_bad_event := e.event_id;
			RETURN;
		END IF;
		prev := e.hash;
	END LOOP;
	ok := true;
	first_bad_event := NULL;
END
$$;
COMMENT ON FUNCTION ismap.verify_event_chain() IS 'recompute the event chain; the first event whose content, link or order was altered, or whose predecessor was removed';

CREATE FUNCTION ismap.event_chain_head(OUT event_id pg_catalog.int8, OUT hash pg_catalog.bytea)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT e.event_id, e.hash FROM ismap.registry_event e ORDER BY e.event_id DESC LIMIT 1
$$;
COMMENT ON FUNCTION ismap.event_chain_head() IS 'the newest event and its hash: publish it, and removal of the newest events becomes detectable too';

CREATE FUNCTION ismap.registry_event_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'registry events are append-only'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = pg_catalog.format('%s on ismap.registry_event is refused.', TG_OP),
			  HINT = 'Record a correction as a new event instead.';
END
$$;
COMMENT ON FUNCTION ismap.registry_event_guard() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE of the event log';
CREATE TRIGGER registry_event_append_only BEFORE UPDATE OR DELETE ON ismap.registry_event
	FOR EACH ROW EXECUTE FUNCTION ismap.registry_event_guard();
CREATE TRIGGER registry_event_no_truncate BEFORE TRUNCATE ON ismap.registry_event
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registry_event_guard();
-- ENABLE ALWAYS: session_replication_role = replica does not switch them off.
ALTER TABLE ismap.registry_event ENABLE ALWAYS TRIGGER registry_event_append_only;
ALTER TABLE ismap.registry_event ENABLE ALWAYS TRIGGER registry_event_no_truncate;

-- Every insert or update of a registration writes an event, whoever makes
-- it; the registry functions add their context through ismap.event_context.
CREATE FUNCTION ismap.registration_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind pg_catalog.text;
	ctx pg_catalog.jsonb := NULLIF(pg_catalog.current_setting('ismap.event_context', true), '')::pg_catalog.jsonb;
BEGIN
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own data,
	-- and writing new ones would fork the chain.  The registry functions
	-- never COPY.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		kind := 'registered';
	ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
		kind := CASE NEW.status WHEN 'active' THEN 'reinstated' ELSE NEW.status END;
	ELSE
		kind := 'changed';
	END IF;
	PERFORM ismap.append_event(kind, NEW.registration_id, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', NEW.registration_number,
			'level', NEW.level,
			'old_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
			'status', NEW.status,
			'registered_on', NEW.registered_on,
			'valid_until', NEW.valid_until,
			'ended_on', NEW.ended_on,
			'end_reason', NEW.end_reason,
			'cascaded_from', NEW.cascaded_from,
			'cascade_path', NEW.cascade_path,
			'context', ctx)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registration_event_trigger() IS 'trigger: writes a registry event for every registration insert or update';
CREATE TRIGGER registration_events AFTER INSERT OR UPDATE ON ismap.registration
	FOR EACH ROW EXECUTE FUNCTION ismap.registration_event_trigger();
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_events;

CREATE FUNCTION ismap.registration_no_delete() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'registrations are never deleted'
		USING ERRCODE = 'insufficient_privilege',
			  HINT = 'End a registration with ismap.delist() or let it expire.';
END
$$;
COMMENT ON FUNCTION ismap.registration_no_delete() IS 'trigger: refuses DELETE and TRUNCATE of registrations, so the history stays whole';
CREATE TRIGGER registration_keep_history BEFORE DELETE ON ismap.registration
	FOR EACH ROW EXECUTE FUNCTION ismap.registration_no_delete();
CREATE TRIGGER registration_no_truncate BEFORE TRUNCATE ON ismap.registration
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.registration_no_delete();

-- a policy parameter, or 42704 naming it
CREATE FUNCTION ismap.policy_value(p_name pg_catalog.text) RETURNS pg_catalog.jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v pg_catalog.jsonb;
BEGIN
	SELECT p.value INTO v FROM ismap.policy p WHERE p.name = p_name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'policy parameter "%" does not exist', p_name
			USING ERRCODE = 'undefined_object', HINT = 'See ismap.policy for the parameters.';
	END IF;
	RETURN v;
END
$$;
COMMENT ON FUNCTION ismap.policy_value(pg_catalog.text) IS 'the value of a policy parameter; 42704 when it does not exist';

-- Lock an application for a decision: it must exist (42704) and still be
-- submitted (55000).  Used by every function that decides one.
CREATE FUNCTION ismap.lock_submitted_application(p_application_id pg_catalog.int8) RETURNS ismap.application
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	SELECT * INTO app FROM ismap.application WHERE application_id = p_application_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'application % does not exist', p_application_id USING ERRCODE = 'undefined_object';
	END IF;
	IF app.status <> 'submitted' THEN
		RAISE EXCEPTION 'application % is %, not submitted', p_application_id, app.status
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.lock_submitted_application(pg_catalog.int8) IS 'lock an application for a decision: 42704 when it does not exist, 55000 when it is no longer submitted';

CREATE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'register', 'application_id', app.application_id, 'application_kind', app.kind,
		'audit_id', app.audit_id, 'as_of', p_as_of,
		'acknowledged', NULLIF(pg_catalog.current_setting('ismap.acknowledged', true), '')::pg_catalog.jsonb)::pg_catalog.text, true);
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id)
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event)';

-- what ismap.delist(service) would end: the service's live registration
-- (depth 0) and, transitively, every live registration of a service built
-- on it, except across self-assessed dependencies
CREATE FUNCTION ismap.delisting_impact(p_service_id pg_catalog.int8)
RETURNS TABLE (registration_id pg_catalog.int8, service_id pg_catalog.int8, depth pg_catalog.int4, via pg_catalog.int8[])
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE walk (service_id, depth, via) AS (
		SELECT p_service_id, 0, ARRAY[]::pg_catalog.int8[]
		UNION ALL
		SELECT d.service_id, w.depth + 1, w.via OPERATOR(pg_catalog.||) w.service_id
		FROM walk w
		JOIN ismap.service_dependency d ON d.base_service_id = w.service_id
		WHERE d.self_assessed_audit_id IS NULL
		  AND d.service_id <> ALL (w.via OPERATOR(pg_catalog.||) w.service_id)
	)
	SELECT DISTINCT ON (w.service_id) r.registration_id, w.service_id, w.depth, w.via
	FROM walk w
	JOIN ismap.registration r ON r.service_id = w.service_id AND r.status IN ('active', 'suspended')
	ORDER BY w.service_id, w.depth, w.via
$$;
COMMENT ON FUNCTION ismap.delisting_impact(pg_catalog.int8) IS 'preview of ismap.delist: the registrations it would end, with depth and the chain of base services; changes nothing';

CREATE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
BEGIN
	IF p_reason IS NULL OR pg_catalog.btrim(p_reason) = '' THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'delist', 'reason', p_reason, 'as_of', p_as_of, 'root_service_id', p_service_id)::pg_catalog.text, true);
	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';

-------------------------------------------------------------------------------
-- classification functions (DESIGN §3.3; seed §2.3)
-------------------------------------------------------------------------------

-- C = the highest confidentiality of the system's information, one higher
-- (at most 3) when aggregating it raises it; I = 2 (one high level for
-- now); A = the system's availability.  An override replaces the result.
CREATE FUNCTION ismap.classify_system(p_system_id pg_catalog.int8) RETURNS ismap.cia
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sys ismap.information_system;
	c pg_catalog.int4;
BEGIN
	SELECT * INTO sys FROM ismap.information_system WHERE system_id = p_system_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'information system % does not exist', p_system_id USING ERRCODE = 'undefined_object';
	END IF;
	IF sys.override IS NOT NULL THEN
		RETURN sys.override;
	END IF;
	SELECT COALESCE(pg_catalog.max(ismap.conf(a.rating)), 1) INTO c
	FROM ismap.system_asset sa JOIN ismap.information_asset a ON a.asset_id = sa.asset_id
	WHERE sa.system_id = p_system_id;
	IF sys.aggregation_raises THEN
		c := LEAST(c + 1, 3);
	END IF;
	RETURN ismap.cia(c, 2, sys.availability);
END
$$;
COMMENT ON FUNCTION ismap.classify_system(pg_catalog.int8) IS 'C/I/A of a system: highest asset confidentiality (+1 when aggregation raises it, at most 3), integrity 2, its availability; an override wins';

CREATE FUNCTION ismap.required_level(p_system_id pg_catalog.int8) RETURNS ismap.level
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT ismap.conf(ismap.classify_system(p_system_id))::ismap.level
$$;
COMMENT ON FUNCTION ismap.required_level(pg_catalog.int8) IS 'the registry level a system needs: its confidentiality rating (§2.3)';

CREATE FUNCTION ismap.eligible_services(p_system_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE (registration_id pg_catalog.int8, registration_number pg_catalog.text, service_id pg_catalog.int8,
	service_name pg_catalog.text, csp_name pg_catalog.text, level ismap.level, valid_until pg_catalog.date,
	delivery_models ismap.delivery_model[], deployment_models ismap.deployment_model[],
	required_level ismap.level, availability pg_catalog.int2, uptime_pct pg_catalog.numeric,
	rto pg_catalog.interval, rpo pg_catalog.interval, backup pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.registration_id, r.registration_number, s.service_id, s.name, c.name, r.level, r.valid_until,
		   s.delivery_models, s.deployment_models, need.lvl, t.availability, t.uptime_pct, t.rto, t.rpo, t.backup
	FROM (SELECT ismap.required_level(p_system_id) AS lvl,
				 (SELECT sys.availability FROM ismap.information_system sys WHERE sys.system_id = p_system_id) AS avail) need
	JOIN ismap.registration r ON r.status = 'active' AND r.level >= need.lvl
		AND r.registered_on <= p_as_of AND r.valid_until >= p_as_of
	JOIN ismap.service s ON s.service_id = r.service_id
	JOIN ismap.csp c ON c.csp_id = s.csp_id
	LEFT JOIN ismap.sla_template t ON t.availability = need.avail
	ORDER BY r.level, s.name, r.registration_number
$$;
COMMENT ON FUNCTION ismap.eligible_services(pg_catalog.int8, pg_catalog.date) IS 'active registrations at or above the level a system needs on a date, with the SLA template its availability asks for';

CREATE FUNCTION ismap.classification_findings(p_system_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sys ismap.information_system;
	n_assets pg_catalog.int4;
	max_c pg_catalog.int4;
	min_c pg_catalog.int4;
	n_top pg_catalog.int4;
	top_names pg_catalog.text;
	share pg_catalog.float8 := (ismap.policy_value('high_water_mark_share') #>> '{}')::pg_catalog.float8;
	computed ismap.cia;
BEGIN
	SELECT * INTO sys FROM ismap.information_system WHERE system_id = p_system_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'information system % does not exist', p_system_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT pg_catalog.count(*), pg_catalog.max(ismap.conf(a.rating)), pg_catalog.min(ismap.conf(a.rating))
	INTO n_assets, max_c, min_c
	FROM ismap.system_asset sa JOIN ismap.information_asset a ON a.asset_id = sa.asset_id
	WHERE sa.system_id = p_system_id;

	IF n_assets = 0 THEN
		code := 'NO_ASSETS'; severity := 'warning'; control_id := NULL;
		message := pg_catalog.format('system "%s" lists no information assets; its confidentiality is taken as 1 until they are recorded', sys.name);
		RETURN NEXT;
	ELSIF max_c > min_c THEN
		SELECT pg_catalog.count(*), pg_catalog.string_agg(pg_catalog.quote_ident(a.name), ', ' ORDER BY a.name)
		INTO n_top, top_names
		FROM ismap.system_asset sa JOIN ismap.information_asset a ON a.asset_id = sa.asset_id
		WHERE sa.system_id = p_system_id AND ismap.conf(a.rating) = max_c;
		IF n_top::pg_catalog.float8 / n_assets <= share THEN
			code := 'HIGH_WATER_MARK_FEW_ASSETS'; severity := 'warning'; control_id := NULL;
			message := pg_catalog.format('confidentiality %s of system "%s" is set by %s of its %s assets (%s); separating them into their own system would let the rest be rated %s (seed §2.3)',
				max_c, sys.name, n_top, n_assets, top_names, min_c);
			RETURN NEXT;
		END IF;
	END IF;

	IF sys.aggregation_raises THEN
		code := 'AGGREGATION_RAISES_CONFIDENTIALITY'; severity := 'warning'; control_id := NULL;
		message := pg_catalog.format('system "%s" aggregates its information: confidentiality raised from %s to %s',
			sys.name, COALESCE(max_c, 1), LEAST(COALESCE(max_c, 1) + 1, 3));
		RETURN NEXT;
	END IF;

	IF sys.override IS NOT NULL THEN
		computed := ismap.cia(LEAST(COALESCE(max_c, 1) + CASE WHEN sys.aggregation_raises THEN 1 ELSE 0 END, 3), 2, sys.availability);
		IF computed OPERATOR(ismap.<>) sys.override THEN
			code := CASE WHEN ismap.conf(sys.override) < ismap.conf(computed) OR ismap.avail(sys.override) < ismap.avail(computed)
				THEN 'OVERRIDE_BELOW_COMPUTED' ELSE 'OVERRIDE_IN_EFFECT' END;
			severity := CASE WHEN code = 'OVERRIDE_BELOW_COMPUTED' THEN 'query' ELSE 'warning' END;
			control_id := NULL;
			message := pg_catalog.format('system "%s" is rated %s by override instead of the computed %s; reason: %s',
				sys.name, sys.override, computed, sys.override_reason);
			RETURN NEXT;
		END IF;
	END IF;

	IF sys.availability >= 2 THEN
		code := 'AVAILABILITY_NEEDS_SLA'; severity := 'warning'; control_id := NULL;
		message := pg_catalog.format('availability %s of system "%s" is met through the procurement specification or SLA (uptime, recovery time, backup), not by registration alone',
			sys.availability, sys.name);
		RETURN NEXT;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.classification_findings(pg_catalog.int8) IS 'findings on a system''s classification (code, severity, control_id, message), e.g. a high-water mark set by few assets';

-------------------------------------------------------------------------------
-- reports (DESIGN §3.4, §3.8)
-------------------------------------------------------------------------------

CREATE VIEW ismap.registry WITH (security_invoker = true) AS
SELECT r.registration_number,
	   r.registration_id,
	   s.service_id,
	   s.name AS service_name,
	   c.csp_id,
	   c.name AS csp_name,
	   c.corporate_number,
	   r.level,
	   s.delivery_models,
	   s.deployment_models,
	   s.scope,
	   r.registered_on,
	   r.valid_until,
	   r.status,
	   r.ended_on,
	   r.end_reason,
	   b.name AS audit_body,
	   a.audit_id
FROM ismap.registration r
JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) r.service_id
JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
JOIN ismap.application ap ON ap.application_id OPERATOR(pg_catalog.=) r.application_id
JOIN ismap.audit a ON a.audit_id OPERATOR(pg_catalog.=) ap.audit_id
JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) a.audit_body_id;
COMMENT ON VIEW ismap.registry IS 'the published registry: every registration with its service, provider, level, models, scope, dates, status and audit body';

CREATE FUNCTION ismap.registry_json() RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'format', 'pg_ismap registry 1',
		'registrations', COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', g.registration_number, 'service', g.service_name, 'service_id', g.service_id,
			'csp', g.csp_name, 'corporate_number', g.corporate_number, 'level', g.level,
			'delivery_models', pg_catalog.to_jsonb(g.delivery_models), 'deployment_models', pg_catalog.to_jsonb(g.deployment_models),
			'scope', g.scope, 'registered_on', g.registered_on, 'valid_until', g.valid_until,
			'status', g.status, 'ended_on', g.ended_on, 'end_reason', g.end_reason, 'audit_body', g.audit_body))
			ORDER BY g.registration_number, g.registered_on, g.registration_id), '[]'::pg_catalog.jsonb))
	FROM ismap.registry g
$$;
COMMENT ON FUNCTION ismap.registry_json() IS 'the registry as one JSON document, ordered by registration number';

CREATE FUNCTION ismap.registry_xml() RETURNS pg_catalog.xml
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT XMLELEMENT(NAME registry,
		XMLATTRIBUTES('urn:pg-ismap:registry:1' AS xmlns),
		XMLAGG(XMLELEMENT(NAME registration,
			XMLATTRIBUTES(g.registration_number AS number, g.level AS level, g.status AS status),
			XMLELEMENT(NAME service, XMLATTRIBUTES(g.service_id AS id), g.service_name),
			XMLELEMENT(NAME provider, XMLATTRIBUTES(g.corporate_number AS "corporate-number"), g.csp_name),
			XMLELEMENT(NAME "delivery-models", pg_catalog.array_to_string(g.delivery_models, ' ')),
			XMLELEMENT(NAME "deployment-models", pg_catalog.array_to_string(g.deployment_models, ' ')),
			XMLELEMENT(NAME scope, g.scope),
			XMLELEMENT(NAME "registered-on", g.registered_on),
			XMLELEMENT(NAME "valid-until", g.valid_until),
			CASE WHEN g.ended_on IS NOT NULL THEN
				XMLELEMENT(NAME ended, XMLATTRIBUTES(g.ended_on AS "on"), g.end_reason) END,
			XMLELEMENT(NAME "audit-body", g.audit_body))
			ORDER BY g.registration_number, g.registered_on, g.registration_id))
	FROM ismap.registry g
$$;
COMMENT ON FUNCTION ismap.registry_xml() IS 'the registry as one XML document (namespace urn:pg-ismap:registry:1)';

-- Graphviz DOT of services and their platforms; an edge points from a
-- service to the base it runs on, dashed when the dependency was
-- self-assessed.  With a service: only what is connected to it.
CREATE FUNCTION ismap.dependency_dot(p_service_id pg_catalog.int8 DEFAULT NULL) RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE
	up (service_id, via) AS (
		SELECT p_service_id, ARRAY[p_service_id]
		WHERE p_service_id IS NOT NULL
		UNION ALL
		SELECT d.base_service_id, up.via OPERATOR(pg_catalog.||) d.base_service_id
		FROM up JOIN ismap.service_dependency d ON d.service_id = up.service_id
		WHERE d.base_service_id <> ALL (up.via)
	),
	down (service_id, via) AS (
		SELECT p_service_id, ARRAY[p_service_id]
		WHERE p_service_id IS NOT NULL
		UNION ALL
		SELECT d.service_id, down.via OPERATOR(pg_catalog.||) d.service_id
		FROM down JOIN ismap.service_dependency d ON d.base_service_id = down.service_id
		WHERE d.service_id <> ALL (down.via)
	),
	picked AS (
		SELECT s.service_id FROM ismap.service s WHERE p_service_id IS NULL
		UNION SELECT service_id FROM up
		UNION SELECT service_id FROM down
	),
	node AS (
		SELECT s.service_id, s.name, r.registration_number, r.level, COALESCE(r.status, 'unregistered') AS status
		FROM picked p
		JOIN ismap.service s ON s.service_id = p.service_id
		LEFT JOIN LATERAL (
			SELECT x.registration_number, x.level, x.status FROM ismap.registration x
			WHERE x.service_id = s.service_id
			ORDER BY (x.status IN ('active', 'suspended')) DESC, x.registered_on DESC, x.registration_id DESC
			LIMIT 1) r ON true
	)
	SELECT 'digraph ismap_dependencies {' OPERATOR(pg_catalog.||) E'\n'
		OPERATOR(pg_catalog.||) E'  rankdir=BT;\n  node [shape=box, style="rounded,filled", fontname="Helvetica"];\n'
		OPERATOR(pg_catalog.||) COALESCE((
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s [label="%s\n%s", fillcolor="%s"];',
				n.service_id,
				pg_catalog.replace(pg_catalog.replace(n.name, '\', '\\'), '"', '\"'),
				CASE WHEN n.registration_number IS NULL THEN 'not registered'
					 ELSE n.registration_number OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) n.status END,
				CASE n.status WHEN 'active' THEN '#c8e6c9' WHEN 'suspended' THEN '#fff59d'
					 WHEN 'delisted' THEN '#ef9a9a' WHEN 'expired' THEN '#e0e0e0' ELSE '#ffffff' END),
				E'\n' ORDER BY n.service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM node n), '')
		OPERATOR(pg_catalog.||) COALESCE((
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s -> s%s%s;', d.service_id, d.base_service_id,
				CASE WHEN d.self_assessed_audit_id IS NOT NULL THEN ' [style=dashed, label="self-assessed"]' ELSE '' END),
				E'\n' ORDER BY d.service_id, d.base_service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM ismap.service_dependency d
			WHERE d.service_id IN (SELECT service_id FROM node) AND d.base_service_id IN (SELECT service_id FROM node)), '')
		OPERATOR(pg_catalog.||) '}' OPERATOR(pg_catalog.||) E'\n'
$$;
COMMENT ON FUNCTION ismap.dependency_dot(pg_catalog.int8) IS 'Graphviz DOT of services and the platforms they run on (all services, or those connected to one), coloured by registration status';

-- pg_dump keeps the rows of these tables (user data, not extension objects)
SELECT pg_catalog.pg_extension_config_dump('ismap.policy', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('ismap.organization', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.organization_org_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.information_asset', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.information_asset_asset_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.information_system', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.information_system_system_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.system_asset', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.sla_template', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('ismap.csp', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.csp_csp_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.service', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.service_service_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.service_dependency', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit_body', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit_body_audit_body_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.auditor', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.auditor_auditor_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.auditor_qualification', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit_body_selection', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit_body_selection_selection_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit_audit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.statement_item', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.audit_result', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.application', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.application_application_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.registration_serial', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.registration', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.registration_registration_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.registry_event', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.registry_event_event_id_seq', '');

-- ==== Validation ====
-------------------------------------------------------------------------------
-- validation and decisions (DESIGN §3.5; seed §3.3.3(4), §3.3.2, §3.3.4)
-------------------------------------------------------------------------------

CREATE FUNCTION ismap.validate_application(application_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
AS 'MODULE_PATHNAME', 'validate_application'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.validate_application(pg_catalog.int8) IS 'every finding of the government''s check of an application (code, severity error/query/warning, control, message); see docs/validation.md';

CREATE FUNCTION ismap.validation_rules()
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, description pg_catalog.text)
AS 'MODULE_PATHNAME', 'validation_rules'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.validation_rules() IS 'the codes validate_application can report, with their usual severity and meaning';

-- SARIF 2.1.0: error -> "error", query -> "warning" (blocks approval until
-- acknowledged), warning -> "note"; the scheme's own severity is kept in
-- each result's properties.
CREATE FUNCTION ismap.validate_application_sarif(application_id pg_catalog.int8) RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH rules AS (
		SELECT r.code, r.severity, r.description, (pg_catalog.row_number() OVER (ORDER BY r.ord) - 1)::pg_catalog.int4 AS idx
		FROM ismap.validation_rules() WITH ORDINALITY AS r(code, severity, description, ord)
	),
	findings AS (
		SELECT f.*, pg_catalog.row_number() OVER () AS n FROM ismap.validate_application($1) f
	)
	SELECT pg_catalog.jsonb_build_object(
		'$schema', 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
		'version', '2.1.0',
		'runs', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'tool', pg_catalog.jsonb_build_object('driver', pg_catalog.jsonb_build_object(
				'name', 'pg_ismap',
				'version', (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'ismap'),
				'informationUri', 'https://github.com/pg-ismap/pg_ismap/blob/main/docs/validation.md',
				'rules', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
						'id', r.code,
						'shortDescription', pg_catalog.jsonb_build_object('text', r.description),
						'defaultConfiguration', pg_catalog.jsonb_build_object('level',
							CASE r.severity WHEN 'error' THEN 'error' WHEN 'query' THEN 'warning' ELSE 'note' END),
						'properties', pg_catalog.jsonb_build_object('severity', r.severity))
					ORDER BY r.idx) FROM rules r))),
			'automationDetails', pg_catalog.jsonb_build_object('id', 'ismap/application/' OPERATOR(pg_catalog.||) $1),
			'results', COALESCE((SELECT pg_catalog.jsonb_agg(
					pg_catalog.jsonb_build_object(
						'ruleId', f.code,
						'ruleIndex', r.idx,
						'level', CASE f.severity WHEN 'error' THEN 'error' WHEN 'query' THEN 'warning' ELSE 'note' END,
						'message', pg_catalog.jsonb_build_object('text', f.message),
						'properties', pg_catalog.jsonb_build_object('severity', f.severity))
					OPERATOR(pg_catalog.||) CASE WHEN f.control_id IS NULL THEN '{}'::pg_catalog.jsonb ELSE
						pg_catalog.jsonb_build_object('locations', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
							'logicalLocations', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
								'name', f.control_id::pg_catalog.text,
								'fullyQualifiedName', (ismap.policy_value('control_standard') OPERATOR(pg_catalog.#>>) '{}')
									OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) f.control_id::pg_catalog.text,
								'kind', 'element'))))) END
					ORDER BY f.n)
				FROM findings f JOIN rules r ON r.code = f.code), '[]'::pg_catalog.jsonb),
			'properties', pg_catalog.jsonb_build_object('application_id', $1)))
	)
$$;
COMMENT ON FUNCTION ismap.validate_application_sarif(pg_catalog.int8) IS 'the findings of validate_application as a SARIF 2.1.0 log (one run, tool pg_ismap, one rule per code)';

CREATE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acknowledged pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the decision
	PERFORM ismap.lock_submitted_application(p_application_id);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acknowledged
	FROM ismap.validate_application(p_application_id) f;
	IF blocking IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: % error finding(s) remain', p_application_id,
			(SELECT pg_catalog.count(*) FROM ismap.validate_application(p_application_id) f WHERE f.severity = 'error')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Blocking codes: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(blocking, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'See ismap.validate_application() for what is wrong and how to fix it.';
	END IF;
	IF unacknowledged IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: query finding(s) not acknowledged', p_application_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Codes to acknowledge: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(unacknowledged, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Pass the codes the registrar accepts in the acknowledged argument.';
	END IF;
	PERFORM pg_catalog.set_config('ismap.acknowledged', COALESCE(pg_catalog.array_to_json(acknowledged)::pg_catalog.text, '[]'), true);
	res := ismap.register(p_application_id, p_as_of);
	PERFORM pg_catalog.set_config('ismap.acknowledged', '', true);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'validate and register an application: refused (55000) while an error finding remains or a query code is not acknowledged; the acknowledgements go into the event';

CREATE FUNCTION ismap.reject_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF p_reason IS NULL OR pg_catalog.btrim(p_reason) = '' THEN
		RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap.lock_submitted_application(p_application_id);
	UPDATE ismap.application SET status = 'rejected', decided_on = CURRENT_DATE, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap.append_event('application_rejected', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'reason', p_reason,
			'findings', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', f.code, 'severity', f.severity))
						 FROM ismap.validate_application(p_application_id) f)));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) IS 'reject a submitted application with a reason; the decision and the findings at that time go into the event log';
-- ==== Control standards and mappings ====
-- DESIGN §3.2, issue 3 (everything but OSCAL): the CSV loader for standards
-- published as spreadsheets (the ISMAP control standard), the NIST SP 800-53
-- Rev. 5 <-> ISO/IEC 27001:2013 crosswalk, mapped_controls and coverage.
-- See docs/control-standards.md.

-- Which part of a control standard a control belongs to (seed §3.3.1): the
-- governance standard, the management standard or the control standard
-- proper (管理策基準).  NULL for catalogs that have no such parts.
ALTER TABLE ismap.control ADD COLUMN part pg_catalog.text
	CONSTRAINT control_part CHECK (part OPERATOR(pg_catalog.=) ANY
		(ARRAY['governance', 'management', 'control']::pg_catalog.text[]));
COMMENT ON COLUMN ismap.control.part IS 'governance, management or control (管理策基準) part of a control standard; NULL for other catalogs';
-- A withdrawn control can be required of nobody.
ALTER TABLE ismap.control ADD CONSTRAINT control_withdrawn_not_mandatory
	CHECK (NOT (withdrawn AND mandatory));
ALTER TABLE ismap.control ADD CONSTRAINT control_title_not_blank
	CHECK (pg_catalog.btrim(title) OPERATOR(pg_catalog.<>) '');
ALTER TABLE ismap.control_mapping ADD CONSTRAINT mapping_provenance_not_blank
	CHECK (pg_catalog.btrim(provenance) OPERATOR(pg_catalog.<>) '');

-- References of a spreadsheet-published standard to the standards it was
-- built from (seed §3.3.1 I.), kept as published.  The ones that name a
-- loaded framework also become rows of control_mapping.
CREATE TABLE ismap.control_reference (
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	ref_framework	pg_catalog.text NOT NULL,
	ref_control		pg_catalog.text NOT NULL,
	relationship	pg_catalog.text NOT NULL
		CONSTRAINT control_reference_relationship CHECK (relationship OPERATOR(pg_catalog.=) ANY
			(ARRAY['equal', 'subset', 'superset', 'intersects', 'not_related']::pg_catalog.text[])),
	line			pg_catalog.int4 NOT NULL,
	PRIMARY KEY (framework_id, control_id, ref_framework, ref_control),
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE
);
COMMENT ON TABLE ismap.control_reference IS 'references of a CSV-loaded standard''s controls to other standards, as published (also those to frameworks not loaded)';
SELECT pg_catalog.pg_extension_config_dump('ismap.control_reference', '');

-- A pair of controls is recorded once: the inverse direction is derived
-- (subset <-> superset), so a second row the other way round could only
-- repeat or contradict the first.
CREATE FUNCTION ismap.control_mapping_refuse_inverse() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM ismap.control_mapping m
			   WHERE m.source_framework OPERATOR(pg_catalog.=) NEW.target_framework
				 AND m.source_control OPERATOR(ismap.=) NEW.target_control
				 AND m.target_framework OPERATOR(pg_catalog.=) NEW.source_framework
				 AND m.target_control OPERATOR(ismap.=) NEW.source_control) THEN
		RAISE EXCEPTION 'mapping of %:% to %:% is already recorded in the other direction',
			NEW.source_framework, NEW.source_control, NEW.target_framework, NEW.target_control
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A pair of controls is recorded once; mapped_controls derives the inverse relationship.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap.control_mapping_refuse_inverse() IS 'trigger: refuse a mapping whose inverse is already recorded';
CREATE TRIGGER control_mapping_refuse_inverse
	BEFORE INSERT OR UPDATE OF source_framework, source_control, target_framework, target_control
	ON ismap.control_mapping
	FOR EACH ROW EXECUTE FUNCTION ismap.control_mapping_refuse_inverse();

CREATE FUNCTION ismap.parse_csv(document pg_catalog.text)
RETURNS TABLE (line pg_catalog.int4, fields pg_catalog.text[])
AS 'MODULE_PATHNAME', 'parse_csv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.parse_csv(pg_catalog.text) IS
	'the records of an RFC 4180 CSV document: the line each starts on and its fields (22P02 on malformed CSV, naming the line)';

-- Relationship algebra of NIST IR 8477 set-theory mappings (DESIGN §3.2).
CREATE FUNCTION ismap.inverse_relationship(relationship pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE relationship WHEN 'subset' THEN 'superset' WHEN 'superset' THEN 'subset' ELSE relationship END;
COMMENT ON FUNCTION ismap.inverse_relationship(pg_catalog.text) IS
	'the relationship read from the other side: subset <-> superset; equal, intersects and not_related are symmetric';

CREATE FUNCTION ismap.compose_relationships(first pg_catalog.text, second pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
	WHEN first OPERATOR(pg_catalog.=) 'equal' THEN second
	WHEN second OPERATOR(pg_catalog.=) 'equal' THEN first
	WHEN first OPERATOR(pg_catalog.=) second AND first OPERATOR(pg_catalog.=) ANY (ARRAY['subset', 'superset']) THEN first
	ELSE 'intersects' END;
COMMENT ON FUNCTION ismap.compose_relationships(pg_catalog.text, pg_catalog.text) IS
	'a r1 b and b r2 c give a r c: equal∘r = r, subset∘subset = subset, superset∘superset = superset, anything else intersects';

-- a result row of import_control_standard_csv
CREATE TYPE ismap.control_standard_import AS (
	framework_id			pg_catalog.text,
	headings				pg_catalog.int4,
	objectives				pg_catalog.int4,
	detailed				pg_catalog.int4,
	mandatory				pg_catalog.int4,
	baselines				pg_catalog.int4,
	mappings				pg_catalog.int4,
	unresolved_references	pg_catalog.int4
);
COMMENT ON TYPE ismap.control_standard_import IS 'what import_control_standard_csv loaded';

-- Load a control standard published as a spreadsheet (CSV layout in
-- docs/control-standards.md).  All or nothing (one statement), idempotent
-- (the framework's controls, level baselines, references and reference
-- mappings are replaced by the file's), every error names the CSV line.
CREATE FUNCTION ismap.import_control_standard_csv(
	document pg_catalog.text,
	framework_id pg_catalog.text DEFAULT 'ismap',
	title pg_catalog.text DEFAULT NULL,
	version pg_catalog.text DEFAULT NULL,
	publisher pg_catalog.text DEFAULT NULL,
	source pg_catalog.text DEFAULT NULL)
RETURNS ismap.control_standard_import
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	fw			text := framework_id;
	hdr			text[];
	ncols		int;
	col_part	int; col_chapter int; col_id int; col_title int; col_obj int; col_det int;
	v_obj		text;
	v_det		text;
	col_mand	int; col_level int; col_stmt int;
	ref_cols	int[] := '{}';
	ref_fws		text[] := '{}';
	rec			record;
	r2			record;
	h			text;
	i			int;
	v_part		text;
	v_mand		bool;
	v_level		int;
	v_id		text;
	cell		text;
	item		text;
	rel			text;
	v_provenance	text;
	fw_title	text;
	result		ismap.control_standard_import;
	nrows		int := 0;
BEGIN
	IF document IS NULL OR fw IS NULL THEN
		RAISE EXCEPTION 'document and framework_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF fw !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
		RAISE EXCEPTION 'invalid framework id "%"', fw USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'A framework id is 1 to 63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.';
	END IF;
	v_provenance := 'references in the CSV of control standard ' || fw;

	-- scratch tables for set-based checks; gone at commit
	IF pg_catalog.to_regclass('pg_temp.ismap_csv_control') IS NULL THEN
		CREATE TEMP TABLE ismap_csv_control (
			line int, part text, id ismap.ctrlid, id_text text, depth int, mandatory bool,
			level int, title text, statement text) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_csv_reference (
			line int, id ismap.ctrlid, ref_framework text, ref_text text, ref ismap.ctrlid,
			relationship text) ON COMMIT DROP;
	END IF;
	TRUNCATE pg_temp.ismap_csv_control, pg_temp.ismap_csv_reference;

	FOR rec IN SELECT p.line, p.fields FROM ismap.parse_csv(document) p LOOP
		IF hdr IS NULL THEN
			-- the header: names are case-insensitive, order is free
			hdr := ARRAY(SELECT lower(btrim(x)) FROM unnest(rec.fields) x);
			ncols := cardinality(hdr);
			FOR i IN 1..ncols LOOP
				h := hdr[i];
				IF array_position(hdr, h) <> i THEN
					RAISE EXCEPTION 'control standard CSV line %: column "%" appears twice', rec.line, h
						USING ERRCODE = 'invalid_parameter_value';
				END IF;
				CASE
					WHEN h = 'part' THEN col_part := i;
					WHEN h = 'chapter' THEN col_chapter := i;
					WHEN h = 'control_id' THEN col_id := i;
					WHEN h = 'objective' THEN col_obj := i;
					WHEN h = 'detailed' THEN col_det := i;
					WHEN h = 'title' THEN col_title := i;
					WHEN h = 'mandatory' THEN col_mand := i;
					WHEN h = 'level' THEN col_level := i;
					WHEN h = 'statement' THEN col_stmt := i;
					WHEN h ~ '^ref:[a-z0-9][a-z0-9_.-]{0,62}$' THEN
						IF substr(h, 5) = fw THEN
							RAISE EXCEPTION 'control standard CSV line %: column "%" refers to the standard itself', rec.line, h
								USING ERRCODE = 'invalid_parameter_value';
						END IF;
						ref_cols := ref_cols || i;
						ref_fws := ref_fws || substr(h, 5);
					ELSE
						RAISE EXCEPTION 'control standard CSV line %: unknown column "%"', rec.line, h
							USING ERRCODE = 'invalid_parameter_value',
								  HINT = 'Columns are part, chapter, control_id (or objective and detailed), title, mandatory, level, statement and ref:<framework_id>.';
				END CASE;
			END LOOP;
			-- the id is either one column, control_id, or the spreadsheet's
			-- two: objective (3 segments) and detailed (4 segments, empty on
			-- an objective's own row)
			IF col_id IS NOT NULL AND (col_obj IS NOT NULL OR col_det IS NOT NULL) THEN
				RAISE EXCEPTION 'control standard CSV line %: columns "control_id" and "objective"/"detailed" exclude each other', rec.line
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			IF col_det IS NOT NULL AND col_obj IS NULL THEN
				RAISE EXCEPTION 'control standard CSV line %: column "detailed" needs column "objective"', rec.line
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			FOREACH h IN ARRAY ARRAY['part', 'chapter', CASE WHEN col_obj IS NULL THEN 'control_id' ELSE 'objective' END, 'title'] LOOP
				IF NOT h = ANY (hdr) THEN
					RAISE EXCEPTION 'control standard CSV line %: required column "%" is missing', rec.line, h
						USING ERRCODE = 'invalid_parameter_value';
				END IF;
			END LOOP;
			CONTINUE;
		END IF;

		nrows := nrows + 1;
		IF cardinality(rec.fields) <> ncols THEN
			RAISE EXCEPTION 'control standard CSV line %: % fields where the header has %', rec.line, cardinality(rec.fields), ncols
				USING ERRCODE = 'invalid_parameter_value';
		END IF;

		IF col_id IS NOT NULL THEN
			v_id := btrim(rec.fields[col_id]);
		ELSE
			v_obj := btrim(rec.fields[col_obj]);
			v_det := CASE WHEN col_det IS NULL THEN '' ELSE btrim(rec.fields[col_det]) END;
			v_id := CASE WHEN v_det = '' THEN v_obj ELSE v_det END;
			IF v_det <> '' AND (NOT ismap.ctrlid_is_valid(v_obj) OR NOT ismap.ctrlid_is_valid(v_det)
				OR NOT COALESCE(ismap.parent(v_det::ismap.ctrlid) OPERATOR(ismap.=) v_obj::ismap.ctrlid, false)) THEN
				RAISE EXCEPTION 'control standard CSV line %: detailed control "%" is not under objective "%"', rec.line, v_det, v_obj
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'A detailed control''s id extends its objective''s by one segment.';
			END IF;
		END IF;
		IF NOT ismap.ctrlid_is_valid(v_id) THEN
			RAISE EXCEPTION 'control standard CSV line %: invalid control id "%"', rec.line, v_id
				USING ERRCODE = 'invalid_text_representation';
		END IF;

		v_part := CASE lower(btrim(rec.fields[col_part]))
			WHEN 'governance' THEN 'governance' WHEN 'ガバナンス基準' THEN 'governance'
			WHEN 'management' THEN 'management' WHEN 'マネジメント基準' THEN 'management'
			WHEN 'control' THEN 'control' WHEN '管理策基準' THEN 'control' END;
		IF v_part IS NULL THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" has unknown part "%"', rec.line, v_id, rec.fields[col_part]
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'The part is governance, management or control (or ガバナンス基準, マネジメント基準, 管理策基準).';
		END IF;

		IF btrim(rec.fields[col_chapter]) = '' OR NOT ismap.ctrlid_is_valid(btrim(rec.fields[col_chapter]))
		   OR ismap.depth(btrim(rec.fields[col_chapter])::ismap.ctrlid) <> 1
		   OR btrim(rec.fields[col_chapter])::ismap.ctrlid OPERATOR(ismap.<>) ismap.subpath(v_id::ismap.ctrlid, 0, 1) THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" is not in chapter "%"', rec.line, v_id, rec.fields[col_chapter]
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'The chapter column repeats the first segment of the control id.';
		END IF;

		IF ismap.depth(v_id::ismap.ctrlid) > 4 THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" is deeper than a detailed control', rec.line, v_id
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Ids have 1 (chapter), 2 (section), 3 (control objective) or 4 (detailed control) segments.';
		END IF;

		IF btrim(rec.fields[col_title]) = '' THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" has no title', rec.line, v_id
				USING ERRCODE = 'invalid_parameter_value';
		END IF;

		v_mand := false;
		IF col_mand IS NOT NULL THEN
			v_mand := CASE upper(btrim(rec.fields[col_mand]))
				WHEN '' THEN false WHEN 'N' THEN false WHEN 'NO' THEN false WHEN 'FALSE' THEN false
				WHEN '0' THEN false WHEN '-' THEN false
				WHEN 'Y' THEN true WHEN 'YES' THEN true WHEN 'TRUE' THEN true WHEN '1' THEN true
				WHEN '○' THEN true WHEN '◯' THEN true WHEN '●' THEN true END;
			IF v_mand IS NULL THEN
				RAISE EXCEPTION 'control standard CSV line %: control "%" has mandatory flag "%"', rec.line, v_id, rec.fields[col_mand]
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Write Y or N (also yes/no, true/false, 1/0, ○, or leave it empty for no).';
			END IF;
		END IF;

		v_level := NULL;
		IF col_level IS NOT NULL AND btrim(rec.fields[col_level]) <> '' THEN
			IF btrim(rec.fields[col_level]) !~ '^[123]$' THEN
				RAISE EXCEPTION 'control standard CSV line %: control "%" has level "%"', rec.line, v_id, rec.fields[col_level]
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'The level is the lowest registry level (1, 2 or 3) that requires the control, or empty.';
			END IF;
			v_level := btrim(rec.fields[col_level])::int;
		END IF;

		INSERT INTO pg_temp.ismap_csv_control VALUES (rec.line, v_part, v_id::ismap.ctrlid, v_id,
			ismap.depth(v_id::ismap.ctrlid), v_mand, v_level, btrim(rec.fields[col_title]),
			NULLIF(btrim(CASE WHEN col_stmt IS NOT NULL THEN rec.fields[col_stmt] END), ''));

		-- references: ids separated by "," or ";", each with an optional
		-- relationship mark (docs/control-standards.md)
		FOR i IN 1..cardinality(ref_cols) LOOP
			cell := rec.fields[ref_cols[i]];
			FOREACH item IN ARRAY regexp_split_to_array(cell, '[,;]') LOOP
				item := btrim(item);
				CONTINUE WHEN item = '';
				rel := CASE left(item, 1) WHEN '=' THEN 'equal' WHEN '<' THEN 'subset'
					WHEN '>' THEN 'superset' WHEN '~' THEN 'intersects' WHEN '!' THEN 'not_related' END;
				IF rel IS NOT NULL THEN
					item := btrim(substr(item, 2));
				ELSIF right(item, 1) = '*' THEN
					rel := 'intersects';
					item := btrim(left(item, -1));
				ELSE
					rel := 'intersects';
				END IF;
				IF NOT ismap.ctrlid_is_valid(item) THEN
					RAISE EXCEPTION 'control standard CSV line %: control "%" has invalid reference "%" in column "ref:%"',
						rec.line, v_id, item, ref_fws[i]
						USING ERRCODE = 'invalid_text_representation';
				END IF;
				SELECT x.relationship INTO r2 FROM pg_temp.ismap_csv_reference x
				WHERE x.line = rec.line AND x.ref_framework = ref_fws[i] AND x.ref OPERATOR(ismap.=) item::ismap.ctrlid;
				IF FOUND THEN
					IF r2.relationship <> rel THEN
						RAISE EXCEPTION 'control standard CSV line %: control "%" lists reference "%" twice with different relationships',
							rec.line, v_id, item USING ERRCODE = 'invalid_parameter_value';
					END IF;
					CONTINUE;
				END IF;
				INSERT INTO pg_temp.ismap_csv_reference VALUES (rec.line, v_id::ismap.ctrlid, ref_fws[i], item, item::ismap.ctrlid, rel);
			END LOOP;
		END LOOP;
	END LOOP;

	IF hdr IS NULL OR nrows = 0 THEN
		RAISE EXCEPTION 'control standard CSV has no controls' USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'The first record is the header; each further record is one control.';
	END IF;

	-- the hierarchy: unique ids, each parent on an earlier line, in the same part
	SELECT a.line, a.id_text, b.line AS first_line INTO rec
	FROM pg_temp.ismap_csv_control a JOIN pg_temp.ismap_csv_control b ON b.id OPERATOR(ismap.=) a.id AND b.line < a.line
	ORDER BY a.line, b.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: control "%" is already defined on line %', rec.line, rec.id_text, rec.first_line
			USING ERRCODE = 'unique_violation';
	END IF;

	SELECT c.line, c.id_text, ismap.parent(c.id)::text AS parent_text, p.line AS parent_line, p.part AS parent_part, c.part INTO rec
	FROM pg_temp.ismap_csv_control c
	LEFT JOIN pg_temp.ismap_csv_control p ON p.id OPERATOR(ismap.=) ismap.parent(c.id)
	WHERE c.depth > 1 AND (p.line > c.line OR p.part <> c.part
		-- a missing parent: an error, except for an objective in a file
		-- that lists no headings (chapters, sections) at all
		OR (p.line IS NULL AND (c.depth <> 3 OR EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control h WHERE h.depth <= 2))))
	ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		IF rec.parent_line IS NULL THEN
			RAISE EXCEPTION 'control standard CSV line %: the parent "%" of control "%" is not defined', rec.line, rec.parent_text, rec.id_text
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Every section, control objective and detailed control follows the row of its parent.';
		ELSIF rec.parent_line > rec.line THEN
			RAISE EXCEPTION 'control standard CSV line %: the parent "%" of control "%" is defined later, on line %', rec.line, rec.parent_text, rec.id_text, rec.parent_line
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Every section, control objective and detailed control follows the row of its parent.';
		ELSE
			RAISE EXCEPTION 'control standard CSV line %: control "%" is in part "%" but its parent "%" in part "%"', rec.line, rec.id_text, rec.part, rec.parent_text, rec.parent_part
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END IF;

	SELECT c.line, c.id_text INTO rec FROM pg_temp.ismap_csv_control c
	WHERE c.mandatory AND c.depth <> 4 ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: control "%" is marked mandatory but is not a detailed control', rec.line, rec.id_text
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Only 4-segment detailed controls are designated mandatory (the basic statement requirements).';
	END IF;

	SELECT c.line, c.id_text INTO rec FROM pg_temp.ismap_csv_control c
	WHERE c.level IS NOT NULL AND c.depth < 3 ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: heading "%" has a level', rec.line, rec.id_text
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Only control objectives and detailed controls belong to level baselines.';
	END IF;

	SELECT c.line, c.id_text INTO rec FROM pg_temp.ismap_csv_control c
	WHERE c.mandatory AND c.level IS NULL ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: mandatory control "%" has no level', rec.line, rec.id_text
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A mandatory control is required from some level on.';
	END IF;

	SELECT c.line, c.id_text, c.level, p.id_text AS parent_text, p.level AS parent_level INTO rec
	FROM pg_temp.ismap_csv_control c
	JOIN pg_temp.ismap_csv_control p ON p.id OPERATOR(ismap.=) ismap.parent(c.id)
	WHERE c.depth = 4 AND c.level IS NOT NULL AND (p.level IS NULL OR p.level > c.level)
	ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: detailed control "%" is required from level % but its control objective "%" %',
			rec.line, rec.id_text, rec.level, rec.parent_text,
			CASE WHEN rec.parent_level IS NULL THEN 'at no level' ELSE 'only from level ' || rec.parent_level END
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- references into loaded frameworks must name existing controls
	SELECT x.line, x.id, x.ref_framework, x.ref_text INTO rec
	FROM pg_temp.ismap_csv_reference x
	WHERE EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = x.ref_framework)
	  AND NOT EXISTS (SELECT 1 FROM ismap.control t WHERE t.framework_id = x.ref_framework AND t.control_id OPERATOR(ismap.=) x.ref)
	ORDER BY x.line, x.ref_framework, x.ref LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: control "%" refers to "%", which framework "%" does not have', rec.line, rec.id, rec.ref_text, rec.ref_framework
			USING ERRCODE = 'undefined_object';
	END IF;

	-- write: the framework, its controls, baselines, references, mappings
	SELECT f.title INTO fw_title FROM ismap.framework f WHERE f.framework_id = fw FOR UPDATE;
	fw_title := COALESCE(title, fw_title, fw);
	INSERT INTO ismap.framework AS f (framework_id, title, version, publisher, source)
	VALUES (fw, fw_title, version, publisher, COALESCE(source, 'CSV import'))
	ON CONFLICT (framework_id) DO UPDATE SET title = EXCLUDED.title,
		version = COALESCE(EXCLUDED.version, f.version),
		publisher = COALESCE(EXCLUDED.publisher, f.publisher),
		source = CASE WHEN import_control_standard_csv.source IS NULL THEN f.source ELSE EXCLUDED.source END;

	DELETE FROM ismap.control c WHERE c.framework_id = fw
	  AND NOT EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control x WHERE x.id OPERATOR(ismap.=) c.control_id);

	INSERT INTO ismap.control AS c (framework_id, control_id, label, title, statement, parent_id, class,
		withdrawn, mandatory, part)
	SELECT fw, x.id, x.id_text, x.title, x.statement,
		CASE WHEN EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control p WHERE p.id OPERATOR(ismap.=) ismap.parent(x.id))
			 THEN ismap.parent(x.id) END,
		CASE x.depth WHEN 1 THEN 'chapter' WHEN 2 THEN 'section' WHEN 3 THEN 'objective' ELSE 'detailed' END,
		false, x.mandatory, x.part
	FROM pg_temp.ismap_csv_control x ORDER BY x.line
	ON CONFLICT (framework_id, control_id) DO UPDATE SET control_id = EXCLUDED.control_id,
		label = EXCLUDED.label, title = EXCLUDED.title, statement = EXCLUDED.statement,
		parent_id = EXCLUDED.parent_id, class = EXCLUDED.class, withdrawn = false,
		mandatory = EXCLUDED.mandatory, part = EXCLUDED.part;

	-- one cumulative baseline per level: <framework>-level<L> holds every
	-- control required at level L (level column <= L)
	SELECT b.baseline_id, b.framework_id INTO rec FROM ismap.baseline b
	WHERE b.baseline_id = ANY (ARRAY[fw || '-level1', fw || '-level2', fw || '-level3'])
	  AND b.framework_id <> fw LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'baseline "%" already belongs to framework "%"', rec.baseline_id, rec.framework_id
			USING ERRCODE = 'unique_violation';
	END IF;
	result.baselines := 0;
	IF EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control x WHERE x.level IS NOT NULL) THEN
		FOR i IN 1..3 LOOP
			INSERT INTO ismap.baseline AS b (baseline_id, framework_id, title, level, source)
			VALUES (fw || '-level' || i, fw, fw_title || ' — level ' || i, i::ismap.level,
				'level column of the control standard CSV')
			ON CONFLICT (baseline_id) DO UPDATE SET title = EXCLUDED.title, level = EXCLUDED.level, source = EXCLUDED.source;
			DELETE FROM ismap.baseline_control bc WHERE bc.baseline_id = fw || '-level' || i;
			INSERT INTO ismap.baseline_control (baseline_id, framework_id, control_id)
			SELECT fw || '-level' || i, fw, x.id FROM pg_temp.ismap_csv_control x WHERE x.level <= i;
			result.baselines := result.baselines + 1;
		END LOOP;
	ELSE
		DELETE FROM ismap.baseline b WHERE b.framework_id = fw
		  AND b.baseline_id = ANY (ARRAY[fw || '-level1', fw || '-level2', fw || '-level3']);
	END IF;

	DELETE FROM ismap.control_reference r WHERE r.framework_id = fw;
	INSERT INTO ismap.control_reference (framework_id, control_id, ref_framework, ref_control, relationship, line)
	SELECT fw, x.id, x.ref_framework, x.ref_text, x.relationship, x.line FROM pg_temp.ismap_csv_reference x;

	DELETE FROM ismap.control_mapping m WHERE m.source_framework = fw AND m.provenance = v_provenance;
	INSERT INTO ismap.control_mapping (source_framework, source_control, target_framework, target_control,
		relationship, rationale, provenance)
	SELECT fw, x.id, t.framework_id, t.control_id, x.relationship,
		'listed in column ref:' || x.ref_framework || ' on line ' || x.line,
		v_provenance
	FROM pg_temp.ismap_csv_reference x
	JOIN ismap.control t ON t.framework_id = x.ref_framework AND t.control_id OPERATOR(ismap.=) x.ref
	ORDER BY x.line, x.ref_framework, x.ref;
	GET DIAGNOSTICS result.mappings = ROW_COUNT;

	result.framework_id := fw;
	SELECT count(*) FILTER (WHERE x.depth <= 2), count(*) FILTER (WHERE x.depth = 3),
		   count(*) FILTER (WHERE x.depth = 4), count(*) FILTER (WHERE x.mandatory)
	INTO result.headings, result.objectives, result.detailed, result.mandatory
	FROM pg_temp.ismap_csv_control x;
	SELECT count(*) INTO result.unresolved_references FROM pg_temp.ismap_csv_reference x
	WHERE NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = x.ref_framework);
	TRUNCATE pg_temp.ismap_csv_control, pg_temp.ismap_csv_reference;
	RETURN result;
END
$$;
COMMENT ON FUNCTION ismap.import_control_standard_csv(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'load a control standard published as a spreadsheet (CSV: part, chapter, control_id, title, mandatory, level, statement, ref:<framework>); idempotent, all or nothing, errors name the line';

-- a result row of import_nist_iso27001_mapping
CREATE TYPE ismap.mapping_import AS (
	nist_controls	pg_catalog.int4,
	iso_controls	pg_catalog.int4,
	mappings		pg_catalog.int4,
	equal			pg_catalog.int4,
	subset			pg_catalog.int4,
	superset		pg_catalog.int4,
	intersects		pg_catalog.int4,
	skipped			pg_catalog.int4
);
COMMENT ON TYPE ismap.mapping_import IS 'what import_nist_iso27001_mapping loaded';

-- The records of one of the four CSVs of NIST's SP 800-53 Rev. 5 <->
-- ISO/IEC 27001:2013 crosswalk, header checked (internal helper).
CREATE FUNCTION ismap.mapping_csv_records(document pg_catalog.text, what pg_catalog.text, header pg_catalog.text[])
RETURNS TABLE (line pg_catalog.int4, fields pg_catalog.text[])
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r record;
	first bool := true;
BEGIN
	FOR r IN SELECT p.line, p.fields FROM ismap.parse_csv(document) p LOOP
		IF first THEN
			IF r.fields IS DISTINCT FROM header THEN
				RAISE EXCEPTION '% line %: the header is not "%"', what, r.line, array_to_string(header, ',')
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			first := false;
			CONTINUE;
		END IF;
		IF cardinality(r.fields) <> cardinality(header) THEN
			RAISE EXCEPTION '% line %: % fields where the header has %', what, r.line, cardinality(r.fields), cardinality(header)
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		line := r.line;
		fields := r.fields;
		RETURN NEXT;
	END LOOP;
	IF first THEN
		RAISE EXCEPTION '% is empty', what USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.mapping_csv_records(pg_catalog.text, pg_catalog.text, pg_catalog.text[]) IS
	'internal: the data records of a CSV whose header must be exactly the one given';

-- Load NIST's crosswalk "NIST SP 800-53, Revision 5 Control Mappings to
-- ISO/IEC 27001" from the four CSVs shipped in data/mappings/ (README there).
-- The two frameworks are created from the tables when missing (ids, titles
-- as NIST printed them); controls already present are left as they are.
-- Relationships, per pair of controls (docs/control-standards.md):
--   Table 1 (NIST -> ISO): a "*" means the ISO control(s) do not fully satisfy
--   the NIST control: intersects; the only ISO entry without "*" satisfies it:
--   NIST subset ISO; one of several entries: intersects.
--   Table 2 (ISO -> NIST) likewise: the only NIST entry: ISO subset NIST.
--   A pair in both tables combines: subset both ways is equal, a subset
--   beats an intersects.
CREATE FUNCTION ismap.import_nist_iso27001_mapping(
	table1 pg_catalog.text, table1_pairs pg_catalog.text,
	table2 pg_catalog.text, table2_pairs pg_catalog.text,
	nist_framework pg_catalog.text DEFAULT 'nist-800-53-r5',
	iso_framework pg_catalog.text DEFAULT 'iso27001-2013')
RETURNS ismap.mapping_import
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	prov	text := 'NIST SP 800-53 Rev. 5 control mappings to ISO/IEC 27001:2013 (NIST, 2020), Tables 1 and 2';
	result	ismap.mapping_import;
	r		record;
	iso_ref	text;
BEGIN
	IF table1 IS NULL OR table1_pairs IS NULL OR table2 IS NULL OR table2_pairs IS NULL
	   OR nist_framework IS NULL OR iso_framework IS NULL THEN
		RAISE EXCEPTION 'no argument of import_nist_iso27001_mapping may be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF nist_framework = iso_framework THEN
		RAISE EXCEPTION 'the NIST and ISO frameworks must differ' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- scratch tables for set-based checks; gone at commit
	IF pg_catalog.to_regclass('pg_temp.ismap_nist_t1') IS NULL THEN
		CREATE TEMP TABLE ismap_nist_t1 (line int, id ismap.ctrlid, id_text text, title text, status text) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_t2 (line int, id ismap.ctrlid, id_text text, title text, kind text) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_p1 (line int, nist ismap.ctrlid, iso ismap.ctrlid, partial bool) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_p2 (line int, iso ismap.ctrlid, nist ismap.ctrlid, nist_text text, partial bool, entries int) ON COMMIT DROP;
	END IF;
	TRUNCATE pg_temp.ismap_nist_t1, pg_temp.ismap_nist_t2, pg_temp.ismap_nist_p1, pg_temp.ismap_nist_p2;

	FOR r IN SELECT * FROM ismap.mapping_csv_records(table1, 'mapping table 1',
			ARRAY['nist_control', 'oscal_id', 'nist_title', 'status', 'iso_refs_as_published']) LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR r.fields[4] NOT IN ('mapped', 'none', 'withdrawn') THEN
			RAISE EXCEPTION 'mapping table 1 line %: invalid control "%" or status "%"', r.line, r.fields[1], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_t1 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[1], r.fields[3], r.fields[4]);
	END LOOP;
	FOR r IN SELECT * FROM ismap.mapping_csv_records(table2, 'mapping table 2',
			ARRAY['iso_ref', 'iso_short_title', 'kind', 'nist_refs_as_published']) LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1])
		   OR r.fields[3] NOT IN ('clause', 'subclause', 'annex_a_section', 'annex_a_objective', 'annex_a_control') THEN
			RAISE EXCEPTION 'mapping table 2 line %: invalid reference "%" or kind "%"', r.line, r.fields[1], r.fields[3]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_t2 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[1], r.fields[2], r.fields[3]);
	END LOOP;

	FOR r IN SELECT * FROM ismap.mapping_csv_records(table1_pairs, 'mapping table 1 pairs',
			ARRAY['nist_control', 'oscal_id', 'iso_ref', 'partial']) LOOP
		-- "A.12.x" (SC-38) is NIST's way of naming all of section A.12
		iso_ref := r.fields[3];
		IF iso_ref ~ '^A\.[0-9]+\.x$' THEN
			iso_ref := left(iso_ref, -2);
		END IF;
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR NOT ismap.ctrlid_is_valid(iso_ref) OR r.fields[4] NOT IN ('Y', 'N') THEN
			RAISE EXCEPTION 'mapping table 1 pairs line %: invalid pair "%", "%", "%"', r.line, r.fields[1], r.fields[3], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_p1 VALUES (r.line, r.fields[1]::ismap.ctrlid, iso_ref::ismap.ctrlid, r.fields[4] = 'Y');
	END LOOP;

	result.skipped := 0;
	FOR r IN SELECT * FROM ismap.mapping_csv_records(table2_pairs, 'mapping table 2 pairs',
			ARRAY['iso_ref', 'nist_ref', 'oscal_id', 'partial']) LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR r.fields[4] NOT IN ('Y', 'N') THEN
			RAISE EXCEPTION 'mapping table 2 pairs line %: invalid pair "%", "%", "%"', r.line, r.fields[1], r.fields[2], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF r.fields[2] = 'All XX-1 controls' THEN
			-- every family's policy-and-procedures control
			INSERT INTO pg_temp.ismap_nist_p2
			SELECT r.line, r.fields[1]::ismap.ctrlid, t.id, t.id_text, r.fields[4] = 'Y', NULL
			FROM pg_temp.ismap_nist_t1 t WHERE t.id_text ~ '^[A-Z]{2}-1$' AND t.status <> 'withdrawn';
		ELSIF r.fields[2] = 'Appendix J Privacy controls' THEN
			-- a Rev. 4 appendix that Rev. 5 no longer has: nothing to map to
			result.skipped := result.skipped + 1;
		ELSIF ismap.ctrlid_is_valid(r.fields[2]) THEN
			INSERT INTO pg_temp.ismap_nist_p2 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[2]::ismap.ctrlid, r.fields[2], r.fields[4] = 'Y', NULL);
		ELSE
			RAISE EXCEPTION 'mapping table 2 pairs line %: invalid NIST reference "%"', r.line, r.fields[2]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END LOOP;

	-- every pair names a control of its table
	SELECT p.line, p.nist::text AS nist INTO r FROM pg_temp.ismap_nist_p1 p
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 t WHERE t.id OPERATOR(ismap.=) p.nist) ORDER BY p.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'mapping table 1 pairs line %: control "%" is not in table 1', r.line, r.nist USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT p.line, p.iso::text AS iso INTO r FROM (
		SELECT line, iso FROM pg_temp.ismap_nist_p1 UNION ALL SELECT line, iso FROM pg_temp.ismap_nist_p2) p
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t2 t WHERE t.id OPERATOR(ismap.=) p.iso) ORDER BY p.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'mapping pairs line %: ISO/IEC 27001 reference "%" is not in table 2', r.line, r.iso USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT p.line, p.nist_text INTO r FROM pg_temp.ismap_nist_p2 p
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 t WHERE t.id OPERATOR(ismap.=) p.nist)
	  AND NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 t WHERE t.id OPERATOR(ismap.=) ismap.parent(p.nist))
	ORDER BY p.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'mapping table 2 pairs line %: control "%" is neither in table 1 nor an enhancement of a control there', r.line, r.nist_text
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- how many NIST entries each ISO row listed (the "All XX-1" entry counts as many)
	UPDATE pg_temp.ismap_nist_p2 p SET entries = n.cnt
	FROM (SELECT iso, count(*) AS cnt FROM pg_temp.ismap_nist_p2 GROUP BY iso) n WHERE n.iso OPERATOR(ismap.=) p.iso;

	-- the frameworks and controls, where missing
	INSERT INTO ismap.framework (framework_id, title, version, publisher, source)
	VALUES (nist_framework, 'NIST SP 800-53 Rev. 5 (controls named in NIST''s mapping to ISO/IEC 27001)', '5', 'NIST', prov),
		   (iso_framework, 'ISO/IEC 27001:2013 (numbers and short titles as printed in NIST''s mapping)', '2013', 'ISO/IEC', prov)
	ON CONFLICT (framework_id) DO NOTHING;

	INSERT INTO ismap.control (framework_id, control_id, label, title, class, withdrawn)
	SELECT nist_framework, t.id, t.id_text, t.title, 'control', t.status = 'withdrawn'
	FROM pg_temp.ismap_nist_t1 t ORDER BY t.line
	ON CONFLICT (framework_id, control_id) DO NOTHING;
	-- enhancements named in table 2: the mapping gives no title
	INSERT INTO ismap.control (framework_id, control_id, label, title, parent_id, class)
	SELECT DISTINCT ON (p.nist) nist_framework, p.nist, p.nist_text,
		p.nist_text || ' (enhancement of ' || t.id_text || '; no title in the mapping)', t.id, 'enhancement'
	FROM pg_temp.ismap_nist_p2 p JOIN pg_temp.ismap_nist_t1 t ON t.id OPERATOR(ismap.=) ismap.parent(p.nist)
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 x WHERE x.id OPERATOR(ismap.=) p.nist)
	ORDER BY p.nist
	ON CONFLICT (framework_id, control_id) DO NOTHING;

	INSERT INTO ismap.control (framework_id, control_id, label, title, parent_id, class)
	SELECT iso_framework, t.id, t.id_text, t.title,
		(SELECT q.id FROM pg_temp.ismap_nist_t2 q WHERE q.id OPERATOR(ismap.=) ismap.parent(t.id)), t.kind
	FROM pg_temp.ismap_nist_t2 t ORDER BY t.line
	ON CONFLICT (framework_id, control_id) DO NOTHING;

	-- the pairs, one row each, NIST -> ISO
	DELETE FROM ismap.control_mapping m
	WHERE m.provenance = prov
	  AND ((m.source_framework = nist_framework AND m.target_framework = iso_framework)
		OR (m.source_framework = iso_framework AND m.target_framework = nist_framework));

	WITH t1 AS (
		SELECT p.nist, p.iso, bool_or(p.partial) AS partial,
			count(*) OVER (PARTITION BY p.nist) AS entries
		FROM pg_temp.ismap_nist_p1 p GROUP BY p.nist, p.iso
	), t2 AS (
		SELECT p.nist, p.iso, bool_or(p.partial) AS partial, max(p.entries) AS entries
		FROM pg_temp.ismap_nist_p2 p GROUP BY p.nist, p.iso
	), judged AS (
		SELECT COALESCE(t1.nist, t2.nist) AS nist, COALESCE(t1.iso, t2.iso) AS iso,
			CASE WHEN t1.nist IS NULL THEN NULL WHEN t1.partial OR t1.entries > 1 THEN 'intersects' ELSE 'subset' END AS r1,
			CASE WHEN t2.nist IS NULL THEN NULL WHEN t2.partial OR t2.entries > 1 THEN 'intersects' ELSE 'superset' END AS r2,
			CASE WHEN t1.nist IS NULL THEN NULL
				 WHEN t1.partial THEN 'Table 1 marks the ISO/IEC 27001 entries "*" (not fully satisfying the NIST control)'
				 WHEN t1.entries > 1 THEN 'Table 1: one of ' || t1.entries || ' ISO/IEC 27001 entries that together satisfy the NIST control'
				 ELSE 'Table 1: the only ISO/IEC 27001 entry, satisfying the NIST control' END AS why1,
			CASE WHEN t2.nist IS NULL THEN NULL
				 WHEN t2.partial THEN 'Table 2 marks the NIST entries "*" (not fully satisfying the ISO/IEC 27001 control)'
				 WHEN t2.entries > 1 THEN 'Table 2: one of ' || t2.entries || ' NIST entries that together satisfy the ISO/IEC 27001 control'
				 ELSE 'Table 2: the only NIST entry, satisfying the ISO/IEC 27001 control' END AS why2
		FROM t1 FULL JOIN t2 ON t1.nist OPERATOR(ismap.=) t2.nist AND t1.iso OPERATOR(ismap.=) t2.iso
	)
	INSERT INTO ismap.control_mapping (source_framework, source_control, target_framework, target_control,
		relationship, rationale, provenance)
	SELECT nist_framework, n.control_id, iso_framework, i.control_id,
		CASE WHEN j.r1 IS NULL THEN j.r2 WHEN j.r2 IS NULL THEN j.r1
			 WHEN j.r1 = 'subset' AND j.r2 = 'superset' THEN 'equal'
			 WHEN j.r1 = 'subset' THEN 'subset' WHEN j.r2 = 'superset' THEN 'superset'
			 ELSE 'intersects' END,
		concat_ws('; ', j.why1, j.why2), prov
	FROM judged j
	JOIN ismap.control n ON n.framework_id = nist_framework AND n.control_id OPERATOR(ismap.=) j.nist
	JOIN ismap.control i ON i.framework_id = iso_framework AND i.control_id OPERATOR(ismap.=) j.iso
	ORDER BY j.nist, j.iso;

	SELECT count(*), count(*) FILTER (WHERE m.relationship = 'equal'), count(*) FILTER (WHERE m.relationship = 'subset'),
		   count(*) FILTER (WHERE m.relationship = 'superset'), count(*) FILTER (WHERE m.relationship = 'intersects')
	INTO result.mappings, result.equal, result.subset, result.superset, result.intersects
	FROM ismap.control_mapping m WHERE m.provenance = prov AND m.source_framework = nist_framework AND m.target_framework = iso_framework;
	SELECT count(*) INTO result.nist_controls FROM ismap.control c WHERE c.framework_id = nist_framework;
	SELECT count(*) INTO result.iso_controls FROM ismap.control c WHERE c.framework_id = iso_framework;
	TRUNCATE pg_temp.ismap_nist_t1, pg_temp.ismap_nist_t2, pg_temp.ismap_nist_p1, pg_temp.ismap_nist_p2;
	RETURN result;
END
$$;
COMMENT ON FUNCTION ismap.import_nist_iso27001_mapping(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'load NIST''s SP 800-53 Rev. 5 <-> ISO/IEC 27001:2013 crosswalk from its four CSVs (data/mappings); idempotent, all or nothing';

-- one state of the mapped_controls search (internal)
CREATE TYPE ismap.mapping_step AS (
	framework_id	pg_catalog.text,
	control_id		ismap.ctrlid,
	relationship	pg_catalog.text,
	path			pg_catalog.text[]
);
COMMENT ON TYPE ismap.mapping_step IS 'internal: a control reached by mapped_controls, with the composed relationship and the path';

-- Controls of target_framework related to (framework, control), following
-- mappings both ways (the inverse of subset is superset) for up to max_hops
-- hops and composing relationships along the way (compose_relationships).
-- Breadth first, one layer of hops per query: a control is reached once, at
-- its smallest number of hops, which also makes the search cycle-safe and
-- keeps it linear in the mappings instead of in the paths.  One row per
-- target control: the fewest hops; among paths that short the strongest
-- relationship (equal, subset, superset, intersects, not_related), then the
-- first path in text order.  A not_related mapping is reported only as a
-- direct (1-hop) answer and never followed.
CREATE FUNCTION ismap.mapped_controls(framework pg_catalog.text, control ismap.ctrlid,
	target_framework pg_catalog.text, max_hops pg_catalog.int4 DEFAULT 1)
RETURNS TABLE (target_control ismap.ctrlid, relationship pg_catalog.text, hops pg_catalog.int4, path pg_catalog.text[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	start		ismap.ctrlid;
	frontier	ismap.mapping_step[];
	seen_fw		text[];
	seen_ctl	ismap.ctrlid[];
	k			int;
BEGIN
	IF max_hops < 1 OR max_hops > 10 THEN
		RAISE EXCEPTION 'max_hops must be between 1 and 10, not %', max_hops USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = mapped_controls.framework) THEN
		RAISE EXCEPTION 'framework "%" does not exist', mapped_controls.framework USING ERRCODE = 'undefined_object';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = mapped_controls.target_framework) THEN
		RAISE EXCEPTION 'framework "%" does not exist', mapped_controls.target_framework USING ERRCODE = 'undefined_object';
	END IF;
	SELECT c.control_id INTO start FROM ismap.control c
	WHERE c.framework_id = mapped_controls.framework AND c.control_id OPERATOR(ismap.=) mapped_controls.control;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'control "%" does not exist in framework "%"', mapped_controls.control, mapped_controls.framework
			USING ERRCODE = 'undefined_object';
	END IF;

	frontier := ARRAY[ROW(mapped_controls.framework, start, 'equal',
		ARRAY[mapped_controls.framework || ':' || start::text])::ismap.mapping_step];
	seen_fw := ARRAY[mapped_controls.framework];
	seen_ctl := ARRAY[start];

	FOR k IN 1..max_hops LOOP
		SELECT array_agg(ROW(g.fw, g.ctl, g.rel, g.path)::ismap.mapping_step)
		INTO frontier
		FROM (
			SELECT n.fw, n.ctl, n.rel, min(n.path) AS path
			FROM (
				SELECT e.fw, e.ctl, ismap.compose_relationships(f.relationship, e.rel) AS rel,
					f.path || (e.fw || ':' || e.ctl::text) AS path
				FROM unnest(frontier) f
				CROSS JOIN LATERAL (
					SELECT m.target_framework AS fw, m.target_control AS ctl, m.relationship AS rel
					FROM ismap.control_mapping m
					WHERE m.source_framework = f.framework_id AND m.source_control OPERATOR(ismap.=) f.control_id
					UNION ALL
					SELECT m.source_framework, m.source_control, ismap.inverse_relationship(m.relationship)
					FROM ismap.control_mapping m
					WHERE m.target_framework = f.framework_id AND m.target_control OPERATOR(ismap.=) f.control_id
				) e
				WHERE f.relationship <> 'not_related' AND (e.rel <> 'not_related' OR k = 1)
			) n
			WHERE NOT EXISTS (SELECT 1 FROM unnest(seen_fw, seen_ctl) s(fw, ctl)
							  WHERE s.fw = n.fw AND s.ctl OPERATOR(ismap.=) n.ctl)
			GROUP BY n.fw, n.ctl, n.rel
		) g;
		EXIT WHEN frontier IS NULL;

		SELECT seen_fw || array_agg(d.fw), seen_ctl || array_agg(d.ctl)
		INTO seen_fw, seen_ctl
		FROM (SELECT DISTINCT f.framework_id AS fw, f.control_id AS ctl FROM unnest(frontier) f) d;

		RETURN QUERY
		SELECT DISTINCT ON (f.control_id) f.control_id, f.relationship, k, f.path
		FROM unnest(frontier) f
		WHERE f.framework_id = mapped_controls.target_framework
		ORDER BY f.control_id, array_position(ARRAY['equal', 'subset', 'superset', 'intersects', 'not_related'], f.relationship), f.path;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap.mapped_controls(pg_catalog.text, ismap.ctrlid, pg_catalog.text, pg_catalog.int4) IS
	'controls of target_framework related to a control, following mappings both ways over up to max_hops hops: (target_control, relationship, hops, path)';

-- What holding certain frameworks (an ISO/IEC 27001 certification, say)
-- already covers of a baseline (seed §3.3.1: use existing certifications).
-- coverage: full when a held control is equal to or a superset of the
-- baseline control (the baseline control is equal or subset), partial for
-- superset/intersects, none otherwise; via lists the held controls behind
-- the answer as framework:control.  A held framework that is the baseline's
-- own covers it fully.
CREATE FUNCTION ismap.coverage(baseline_id pg_catalog.text, held_frameworks pg_catalog.text[],
	max_hops pg_catalog.int4 DEFAULT 1)
RETURNS TABLE (control_id ismap.ctrlid, coverage pg_catalog.text, via pg_catalog.text[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_baseline	text := $1;
	v_held		text[] := $2;
	v_hops		int := $3;
	v_fw		text;
	missing		text;
BEGIN
	SELECT b.framework_id INTO v_fw FROM ismap.baseline b WHERE b.baseline_id = v_baseline;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'baseline "%" does not exist', v_baseline USING ERRCODE = 'undefined_object';
	END IF;
	SELECT h INTO missing FROM unnest(v_held) h
	WHERE h IS NULL OR NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = h) LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'framework "%" does not exist', missing USING ERRCODE = 'undefined_object';
	END IF;
	IF v_hops < 1 OR v_hops > 10 THEN
		RAISE EXCEPTION 'max_hops must be between 1 and 10, not %', v_hops USING ERRCODE = 'invalid_parameter_value';
	END IF;

	RETURN QUERY
	WITH bc AS (
		SELECT x.control_id FROM ismap.baseline_control x WHERE x.baseline_id = v_baseline
	), hit AS (
		SELECT bc.control_id, h.fw || ':' || m.target_control::text AS held,
			CASE WHEN m.relationship IN ('equal', 'subset') THEN 2
				 WHEN m.relationship IN ('superset', 'intersects') THEN 1 ELSE 0 END AS score
		FROM bc
		CROSS JOIN (SELECT DISTINCT u AS fw FROM unnest(v_held) u WHERE u <> v_fw) h
		CROSS JOIN LATERAL ismap.mapped_controls(v_fw, bc.control_id, h.fw, v_hops) m
		UNION ALL
		SELECT bc.control_id, v_fw || ':' || bc.control_id::text, 2 FROM bc WHERE v_fw = ANY (v_held)
	), best AS (
		SELECT h.control_id, h.held, h.score, max(h.score) OVER (PARTITION BY h.control_id) AS top
		FROM hit h
	)
	SELECT bc.control_id,
		CASE max(b.top) WHEN 2 THEN 'full' WHEN 1 THEN 'partial' ELSE 'none' END,
		array_agg(DISTINCT b.held ORDER BY b.held) FILTER (WHERE b.score = b.top AND b.top > 0)
	FROM bc LEFT JOIN best b ON b.control_id OPERATOR(ismap.=) bc.control_id
	GROUP BY bc.control_id
	ORDER BY bc.control_id;
END
$$;
COMMENT ON FUNCTION ismap.coverage(pg_catalog.text, pg_catalog.text[], pg_catalog.int4) IS
	'what held frameworks (e.g. an ISO/IEC 27001 certification) cover of a baseline: (control_id, coverage full/partial/none, via held controls)';

-- ==== Sampling ====
-------------------------------------------------------------------------------
-- sampling: the sample table, statistical sample sizes, upper deviation
-- limits, reproducible selection and the evaluation of control tests
-- (DESIGN §3.6; seed §3.3.3(2)③ and footnote 18; docs/sampling.md)
-------------------------------------------------------------------------------

-- The sample table: minimum samples by how often a control operates.
-- Rows shipped here are marked builtin; editing a row (or inserting a
-- frequency that is still a builtin default) makes it the registrar's own,
-- and only such rows are dumped, so a restore over a fresh CREATE EXTENSION
-- replaces the defaults instead of colliding with them.
CREATE TABLE ismap.sampling_table (
	frequency				pg_catalog.text PRIMARY KEY
		CONSTRAINT sampling_table_frequency_name CHECK (frequency OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
	min_sample				pg_catalog.int4 NOT NULL
		CONSTRAINT sampling_table_min_sample CHECK (min_sample OPERATOR(pg_catalog.>=) 1),
	occurrences_per_year	pg_catalog.int4
		CONSTRAINT sampling_table_occurrences CHECK (occurrences_per_year OPERATOR(pg_catalog.>=) 1),
	description				pg_catalog.text,
	source					pg_catalog.text,
	builtin					pg_catalog.bool NOT NULL DEFAULT false,
	updated_at				pg_catalog.timestamptz DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.sampling_table IS 'the sample table (サンプルテーブル, §3.3.3(2)③): the minimum sample for testing a control, by how often the control operates; editable by the registrar';
COMMENT ON COLUMN ismap.sampling_table.builtin IS 'true while the row is the default shipped with the extension; any edit makes it false';

INSERT INTO ismap.sampling_table (frequency, min_sample, occurrences_per_year, description, source, builtin, updated_at) VALUES
	('annual', 1, 1, 'operates once a year', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('quarterly', 2, 4, 'operates once a quarter', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('monthly', 2, 12, 'operates once a month', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('weekly', 5, 52, 'operates once a week', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('daily', 25, 250, 'operates once a working day', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('multiple_daily', 25, NULL, 'operates several times a day, or whenever an event occurs', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7 (multiple times per day); METI システム管理基準 追補版 (2007) 付録5 (daily or ad hoc)', true, NULL);

CREATE FUNCTION ismap.sampling_table_edit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		-- a frequency that is still a default: the new row replaces it
		UPDATE ismap.sampling_table s
		SET min_sample = NEW.min_sample, occurrences_per_year = NEW.occurrences_per_year,
			description = NEW.description, source = NEW.source,
			updated_at = COALESCE(NEW.updated_at, now())
		WHERE s.frequency = NEW.frequency AND s.builtin;
		IF FOUND THEN
			RETURN NULL;
		END IF;
		-- a default carries no time; a restored row keeps its own
		IF NEW.builtin THEN
			NEW.updated_at := NULL;
		END IF;
		RETURN NEW;
	END IF;
	NEW.builtin := false;
	IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
		NEW.updated_at := now();
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap.sampling_table_edit() IS 'trigger: an edited sample-table row becomes the registrar''s own (dumped, no longer builtin); inserting a frequency that is still a default replaces the default';
CREATE TRIGGER sampling_table_edit BEFORE INSERT OR UPDATE ON ismap.sampling_table
	FOR EACH ROW EXECUTE FUNCTION ismap.sampling_table_edit();

-- Tolerances used to evaluate control tests (DESIGN §3.5 SAMPLE_LIMIT_EXCEEDED).
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('sampling_confidence', '0.90', 'confidence of the upper deviation limit when control tests are evaluated (1 - risk of overreliance)', true),
	('sampling_tolerable_rate', '0.10', 'tolerable deviation rate: a control test whose upper deviation limit exceeds it after deviations were found is flagged', true),
	('sampling_expected_rate', '0', 'expected deviation rate used for the statistical sample size shown next to each control test', true);

-- The minimum sample of a frequency from the sample table.
CREATE FUNCTION ismap.sample_size(p_frequency pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int4;
BEGIN
	SELECT s.min_sample INTO n FROM ismap.sampling_table s WHERE s.frequency = p_frequency;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown control frequency "%"', p_frequency
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = pg_catalog.format('The sample table knows: %s.',
					(SELECT pg_catalog.string_agg(s.frequency, ', ' ORDER BY s.occurrences_per_year NULLS LAST, s.frequency)
					 FROM ismap.sampling_table s));
	END IF;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.sample_size(pg_catalog.text) IS 'the minimum sample for a control of this frequency, from ismap.sampling_table; 22023 naming the known frequencies when it is not there';

CREATE FUNCTION ismap.attribute_sample_size(
	confidence pg_catalog.float8, tolerable_rate pg_catalog.float8,
	expected_rate pg_catalog.float8 DEFAULT 0, population pg_catalog.int8 DEFAULT NULL,
	model pg_catalog.text DEFAULT 'binomial') RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'attribute_sample_size' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ismap.attribute_sample_size(pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.int8, pg_catalog.text) IS
	'statistical sample size for a test of controls: the smallest n with P(X <= ceil(n * expected_rate)) <= 1 - confidence at the tolerable rate; models binomial (exact, AICPA A-1/A-2), poisson, hypergeometric (needs population); never more than the population';

CREATE FUNCTION ismap.upper_deviation_limit(
	sample_size pg_catalog.int4, deviations pg_catalog.int4, confidence pg_catalog.float8,
	population pg_catalog.int8 DEFAULT NULL) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'upper_deviation_limit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ismap.upper_deviation_limit(pg_catalog.int4, pg_catalog.int4, pg_catalog.float8, pg_catalog.int8) IS
	'exact one-sided upper confidence limit of the deviation rate after finding deviations in a sample: binomial (Clopper-Pearson, AICPA A-3/A-4), or hypergeometric K_U / N with a population';

CREATE FUNCTION ismap.draw_sample(population pg_catalog.int8, n pg_catalog.int4, seed pg_catalog.int8)
	RETURNS SETOF pg_catalog.int8
	AS 'MODULE_PATHNAME', 'draw_sample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 25;
COMMENT ON FUNCTION ismap.draw_sample(pg_catalog.int8, pg_catalog.int4, pg_catalog.int8) IS
	'n distinct item numbers of 1..population, ascending, chosen by the published algorithm (SplitMix64 from seed, rejection-bounded integers, sparse Fisher-Yates); the same seed always gives the same items, and a larger n keeps them';

-- Control tests: the operating-effectiveness test of one stated control.
CREATE TABLE ismap.control_test (
	audit_id	pg_catalog.int8 NOT NULL,
	control_id	ismap.ctrlid NOT NULL,
	frequency	pg_catalog.text NOT NULL REFERENCES ismap.sampling_table ON UPDATE CASCADE,
	population	pg_catalog.int8
		CONSTRAINT control_test_population CHECK (population OPERATOR(pg_catalog.>=) 1),
	sample_size	pg_catalog.int4 NOT NULL
		CONSTRAINT control_test_sample_size CHECK (sample_size OPERATOR(pg_catalog.>=) 0),
	deviations	pg_catalog.int4 NOT NULL DEFAULT 0
		CONSTRAINT control_test_deviations CHECK (deviations OPERATOR(pg_catalog.>=) 0
			AND deviations OPERATOR(pg_catalog.<=) sample_size),
	seed		pg_catalog.int8,
	CONSTRAINT control_test_sample_in_population CHECK (sample_size OPERATOR(pg_catalog.<=) population),
	PRIMARY KEY (audit_id, control_id),
	FOREIGN KEY (audit_id, control_id) REFERENCES ismap.statement_item (audit_id, control_id) ON DELETE CASCADE
);
COMMENT ON TABLE ismap.control_test IS 'the test of a stated control''s operation over the audit period: its frequency, the population of occurrences, the sample examined, the deviations found, and the seed of the selection (ismap.draw_sample)';
COMMENT ON COLUMN ismap.control_test.population IS 'occurrences of the control in the audit period, when known (NULL: treated as large)';
COMMENT ON COLUMN ismap.control_test.seed IS 'seed of ismap.draw_sample(population, sample_size, seed) when the items were selected by it';

-- Each control test against the sample table and the policy tolerances.
CREATE VIEW ismap.control_test_evaluation WITH (security_invoker = true) AS
SELECT t.audit_id, t.control_id, t.frequency, t.population, t.sample_size, t.deviations, t.seed,
	e.required_minimum,
	t.sample_size OPERATOR(pg_catalog.>=) e.required_minimum AS sample_ok,
	p.confidence, p.tolerable_rate,
	e.upper_limit,
	e.limit_exceeded,
	ismap.attribute_sample_size(p.confidence, p.tolerable_rate, p.expected_rate, t.population,
		CASE WHEN t.population IS NULL THEN 'binomial' ELSE 'hypergeometric' END) AS statistical_sample_size,
	r.result,
	t.sample_size OPERATOR(pg_catalog.>=) e.required_minimum AND NOT e.limit_exceeded AS passes,
	CASE WHEN t.sample_size OPERATOR(pg_catalog.<) e.required_minimum THEN 'SAMPLE_TOO_SMALL'
		 WHEN e.limit_exceeded AND r.result OPERATOR(pg_catalog.=) 'effective' THEN 'SAMPLE_LIMIT_EXCEEDED'
	END AS finding
FROM ismap.control_test t
JOIN ismap.sampling_table s ON s.frequency OPERATOR(pg_catalog.=) t.frequency
CROSS JOIN LATERAL (SELECT
	(ismap.policy_value('sampling_confidence') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 AS confidence,
	(ismap.policy_value('sampling_tolerable_rate') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 AS tolerable_rate,
	(ismap.policy_value('sampling_expected_rate') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 AS expected_rate) p
CROSS JOIN LATERAL (SELECT
	-- a population smaller than the table's minimum is tested in full
	LEAST(s.min_sample::pg_catalog.int8, COALESCE(t.population, s.min_sample)) AS required_minimum,
	u.upper_limit,
	COALESCE(t.deviations OPERATOR(pg_catalog.>) 0 AND u.upper_limit OPERATOR(pg_catalog.>) p.tolerable_rate, false) AS limit_exceeded
	FROM (SELECT CASE WHEN t.sample_size OPERATOR(pg_catalog.>) 0
		THEN ismap.upper_deviation_limit(t.sample_size, t.deviations, p.confidence, t.population) END AS upper_limit) u) e
LEFT JOIN ismap.audit_result r
	ON r.audit_id OPERATOR(pg_catalog.=) t.audit_id AND r.control_id OPERATOR(ismap.=) t.control_id;
COMMENT ON VIEW ismap.control_test_evaluation IS 'each control test against the sample table (required_minimum, sample_ok) and the policy tolerances (upper_limit at sampling_confidence, limit_exceeded when deviations push it above sampling_tolerable_rate); finding is SAMPLE_TOO_SMALL or SAMPLE_LIMIT_EXCEEDED (the latter only while the result says effective)';

-- The items a control test selected, redrawn from its seed.
CREATE FUNCTION ismap.control_test_items(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	SELECT d.item
	FROM ismap.control_test t
	CROSS JOIN LATERAL ismap.draw_sample(t.population, t.sample_size, t.seed) AS d(item)
	WHERE t.audit_id OPERATOR(pg_catalog.=) p_audit_id AND t.control_id OPERATOR(ismap.=) p_control_id
	ORDER BY d.item
$$;
COMMENT ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) IS 'the item numbers a control test examines, redrawn with ismap.draw_sample from its population, sample size and seed (none when either is missing)';

SELECT pg_catalog.pg_extension_config_dump('ismap.sampling_table', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_test', '');

-- ==== OSCAL ====
-------------------------------------------------------------------------------
-- OSCAL catalog and profile import/export (DESIGN §3.2, docs/oscal-import.md)
-- The parser and tree walk are C (src/core/oscal.c, src/pg/oscal.c); these
-- columns and tables keep what an OSCAL catalog says beyond the contract's
-- columns, so that an export re-imports to the same rows.
-------------------------------------------------------------------------------

ALTER TABLE ismap.framework
	ADD COLUMN oscal_uuid			pg_catalog.text,
	ADD COLUMN oscal_version		pg_catalog.text,
	ADD COLUMN oscal_last_modified	pg_catalog.text,
	ADD COLUMN document_sha256		pg_catalog.text
		CONSTRAINT framework_sha256_hex CHECK (document_sha256 OPERATOR(pg_catalog.~) '^[0-9a-f]{64}$');
COMMENT ON COLUMN ismap.framework.oscal_uuid IS 'uuid of the imported OSCAL catalog document';
COMMENT ON COLUMN ismap.framework.oscal_version IS 'oscal-version the imported catalog declared';
COMMENT ON COLUMN ismap.framework.oscal_last_modified IS 'metadata last-modified of the imported catalog, as written';
COMMENT ON COLUMN ismap.framework.document_sha256 IS 'SHA-256 (hex) of the last imported document, as UTF-8';

CREATE TABLE ismap.control_group (
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	group_id		pg_catalog.text NOT NULL,
	parent_group_id	pg_catalog.text,
	title			pg_catalog.text NOT NULL,
	class			pg_catalog.text,
	sort_order		pg_catalog.int4 NOT NULL,
	PRIMARY KEY (framework_id, group_id),
	CONSTRAINT control_group_parent_exists FOREIGN KEY (framework_id, parent_group_id)
		REFERENCES ismap.control_group (framework_id, group_id) ON DELETE CASCADE
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT control_group_not_own_parent CHECK (parent_group_id OPERATOR(pg_catalog.<>) group_id)
);
COMMENT ON TABLE ismap.control_group IS 'a group of a catalog''s controls, e.g. a NIST SP 800-53 family (OSCAL group); groups may nest';

ALTER TABLE ismap.control
	ADD COLUMN group_id		pg_catalog.text,
	ADD COLUMN sort_id		pg_catalog.text,
	ADD COLUMN sort_order	pg_catalog.int4,
	ADD CONSTRAINT control_group_exists FOREIGN KEY (framework_id, group_id)
		REFERENCES ismap.control_group (framework_id, group_id) DEFERRABLE INITIALLY DEFERRED;
COMMENT ON COLUMN ismap.control.group_id IS 'the nearest enclosing group (OSCAL), enhancements included';
COMMENT ON COLUMN ismap.control.sort_id IS 'the publisher''s sort key (OSCAL prop sort-id), e.g. ac-02.01';
COMMENT ON COLUMN ismap.control.sort_order IS 'position in the imported document, groups and controls counted together';
CREATE INDEX control_group_idx ON ismap.control (framework_id, group_id);

CREATE TABLE ismap.control_param (
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	param_id		pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid,
	group_id		pg_catalog.text,
	label			pg_catalog.text,
	how_many		pg_catalog.text,
	choices			pg_catalog.text[],
	value			pg_catalog.text,
	sort_order		pg_catalog.int4 NOT NULL,
	PRIMARY KEY (framework_id, param_id),
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id)
		ON DELETE CASCADE,
	FOREIGN KEY (framework_id, group_id) REFERENCES ismap.control_group (framework_id, group_id)
		ON DELETE CASCADE
);
COMMENT ON TABLE ismap.control_param IS 'an OSCAL parameter of a control (or of a group or the catalog): an assignment label or a selection of choices';
CREATE INDEX control_param_control_idx ON ismap.control_param (framework_id, control_id);

ALTER TABLE ismap.baseline
	ADD COLUMN oscal_uuid		pg_catalog.text,
	ADD COLUMN document_sha256	pg_catalog.text
		CONSTRAINT baseline_sha256_hex CHECK (document_sha256 OPERATOR(pg_catalog.~) '^[0-9a-f]{64}$');
COMMENT ON COLUMN ismap.baseline.oscal_uuid IS 'uuid of the imported OSCAL profile document';
COMMENT ON COLUMN ismap.baseline.document_sha256 IS 'SHA-256 (hex) of the last imported profile, as UTF-8';

SELECT pg_catalog.pg_extension_config_dump('ismap.control_group', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_param', '');

CREATE FUNCTION ismap.import_oscal_catalog(document pg_catalog.text, framework_id pg_catalog.text DEFAULT NULL,
	OUT framework_id pg_catalog.text, OUT groups pg_catalog.int4, OUT controls pg_catalog.int4,
	OUT enhancements pg_catalog.int4, OUT withdrawn pg_catalog.int4, OUT params pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_catalog' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_catalog(pg_catalog.text, pg_catalog.text) IS
	'import an OSCAL 1.0/1.1 XML catalog into framework, control, control_group and control_param (idempotent, all or nothing, never reads files or the network)';

CREATE FUNCTION ismap.import_oscal_profile(document pg_catalog.text, baseline_id pg_catalog.text, framework_id pg_catalog.text,
	OUT baseline_id pg_catalog.text, OUT selected pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_profile' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_profile(pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'import an OSCAL XML profile as a baseline of an already imported framework: include-all, include-controls, exclude-controls';

CREATE FUNCTION ismap.export_oscal_catalog(framework_id pg_catalog.text)
	RETURNS pg_catalog.xml
	AS 'MODULE_PATHNAME', 'ismap_export_oscal_catalog' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.export_oscal_catalog(pg_catalog.text) IS
	'a framework as an OSCAL 1.1 XML catalog; importing it again yields the same rows';

-- The importers parse untrusted documents: only roles granted it may run them.
REVOKE ALL ON FUNCTION ismap.import_oscal_catalog(pg_catalog.text, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION ismap.import_oscal_profile(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
-- ==== Batch jobs ====
-- DESIGN §3.7; seed §3.3.2(2)③ (selection terms and monitoring reports),
-- §3.3.3(5) (periodic renewal), §3.3.4④ (a service on a delisted platform
-- is delisted).  Each job is one set-based, idempotent SQL function:
-- the ledger that makes a rerun harmless (registration status, notices,
-- selection status) is written in the same transaction as the work, and
-- a transaction-level advisory lock keeps two runs of one job apart.
-- ismap-jobs (jobs/) and pg_cron only call these functions.  They run with
-- jit = off: right after a large update the statistics are stale, the
-- estimates huge, and compiling the plans cost more than running them; and
-- with work_mem = 64MB, so that sorting a large run's rows stays in memory;
-- and with ISO dates, so that the texts they store (end_reason, notices)
-- do not depend on the DateStyle of the session that ran them.

CREATE TABLE ismap.job_run (
	run_id			pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	job				pg_catalog.text NOT NULL
		CONSTRAINT job_run_job CHECK (job OPERATOR(pg_catalog.=) ANY (ARRAY['renewals', 'auditor-expiry', 'cascade']::pg_catalog.text[])),
	as_of			pg_catalog.date NOT NULL,
	status			pg_catalog.text NOT NULL DEFAULT 'running'
		CONSTRAINT job_run_status CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['running', 'succeeded', 'failed', 'skipped']::pg_catalog.text[])),
	started_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	finished_at		pg_catalog.timestamptz,
	backend_pid		pg_catalog.int4 NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
	backend_start	pg_catalog.timestamptz,
	run_by			pg_catalog.name NOT NULL DEFAULT CURRENT_USER,
	application_name pg_catalog.text,
	actions			pg_catalog.jsonb,
	message			pg_catalog.text,
	CONSTRAINT job_run_finished CHECK ((status OPERATOR(pg_catalog.=) 'running') OPERATOR(pg_catalog.=) (finished_at IS NULL))
);
COMMENT ON TABLE ismap.job_run IS 'one row per run of a batch job: running, then succeeded, failed or skipped; actions counts what the run did';
CREATE INDEX job_run_job_idx ON ismap.job_run (job, started_at);
CREATE INDEX job_run_running_idx ON ismap.job_run (job) WHERE status OPERATOR(pg_catalog.=) 'running';

CREATE TABLE ismap.notice (
	notice_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	kind			pg_catalog.text NOT NULL
		CONSTRAINT notice_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['renewal_due', 'renewal_pending', 'report_overdue', 'body_not_selected']::pg_catalog.text[])),
	object_id		pg_catalog.int8 NOT NULL,
	occasion		pg_catalog.date NOT NULL,
	window_days		pg_catalog.int4,
	as_of			pg_catalog.date NOT NULL,
	detail			pg_catalog.text NOT NULL,
	run_id			pg_catalog.int8 REFERENCES ismap.job_run ON DELETE SET NULL,
	created_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT notice_once UNIQUE (kind, object_id, occasion)
);
COMMENT ON TABLE ismap.notice IS 'notices and flags written by the batch jobs, each at most once per (kind, object, occasion)';
COMMENT ON COLUMN ismap.notice.object_id IS 'registration_id (renewal_due, renewal_pending), selection_id (report_overdue) or application_id (body_not_selected)';
COMMENT ON COLUMN ismap.notice.occasion IS 'the date the notice is about: valid_until minus the window (renewal_due), valid_until (renewal_pending), the report due date (report_overdue), the audit report date (body_not_selected)';
CREATE INDEX notice_run_idx ON ismap.notice (run_id);

-- the renewals job reads active and suspended registrations by validity
CREATE INDEX registration_live_valid_until_idx ON ismap.registration (valid_until)
	WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']::pg_catalog.text[]);

-- Lock keys: (1769172321, 101..103); 1769172321 is 'isma' as in the event
-- chain's lock (1769172321, 1).
CREATE FUNCTION ismap.job_lock_key(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN CASE p_job WHEN 'renewals' THEN 101 WHEN 'auditor-expiry' THEN 102 WHEN 'cascade' THEN 103 END;
END
$$;
COMMENT ON FUNCTION ismap.job_lock_key(pg_catalog.text) IS 'second key of a job''s advisory lock (the first is 1769172321): renewals 101, auditor-expiry 102, cascade 103; NULL for an unknown job';

-- Take the job's transaction-level advisory lock, or fail at once with
-- 55P03 naming the session that holds it.
CREATE FUNCTION ismap.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k pg_catalog.int4 := ismap.job_lock_key(p_job);
	holder pg_catalog.int4;
BEGIN
	IF k IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are renewals, auditor-expiry, cascade and changes.';
	END IF;
	IF NOT pg_catalog.pg_try_advisory_xact_lock(1769172321, k) THEN
		SELECT l.pid INTO holder FROM pg_catalog.pg_locks l
		WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.granted
		  AND l.classid OPERATOR(pg_catalog.=) 1769172321::pg_catalog.oid
		  AND l.objid OPERATOR(pg_catalog.=) k::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) 2
		LIMIT 1;
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('The advisory lock (1769172321, %s) is held by the session with process ID %s.', k, COALESCE(holder::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_try_lock(pg_catalog.text) IS 'take a job''s transaction-level advisory lock; 55P03 when another run holds it';

-- Runs whose session has gone (killed client, crashed backend, restart)
-- stay "running" for ever unless someone looks: this marks them failed.
CREATE FUNCTION ismap.job_mark_stale(p_job pg_catalog.text DEFAULT NULL) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	UPDATE ismap.job_run j
	SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),
		message = pg_catalog.format('stale: the session (process ID %s) ended without finishing the run', j.backend_pid)
	WHERE j.status OPERATOR(pg_catalog.=) 'running'
	  AND (p_job IS NULL OR j.job OPERATOR(pg_catalog.=) p_job)
	  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
					  WHERE a.pid OPERATOR(pg_catalog.=) j.backend_pid
						AND (a.backend_start IS NULL OR j.backend_start IS NULL
							 OR a.backend_start OPERATOR(pg_catalog.=) j.backend_start));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.job_mark_stale(pg_catalog.text) IS 'mark failed the running job_run rows (of one job, or all) whose session no longer exists; returns how many';

-- A client that wants failures and skips recorded (ismap-jobs) commits a
-- running row first, runs the job in a transaction with ismap.job_run_id
-- set to it, and finishes the row itself when the job fails.
CREATE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF ismap.job_lock_key(p_job) IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are renewals, auditor-expiry, cascade and changes.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), '')
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';

CREATE FUNCTION ismap.job_finish(p_run_id pg_catalog.int8, p_status pg_catalog.text, p_message pg_catalog.text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_status IS NULL OR p_status OPERATOR(pg_catalog.<>) ALL (ARRAY['failed', 'skipped']) THEN
		RAISE EXCEPTION 'a run is finished by a client as failed or skipped, not "%"', p_status
			USING ERRCODE = 'invalid_parameter_value', HINT = 'A run succeeds only in the job''s own transaction.';
	END IF;
	UPDATE ismap.job_run SET status = p_status, finished_at = pg_catalog.clock_timestamp(), message = p_message
	WHERE run_id OPERATOR(pg_catalog.=) p_run_id AND status OPERATOR(pg_catalog.=) 'running';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'job run % is not running', p_run_id USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) IS 'finish a running job run as failed or skipped, with the error message (used by ismap-jobs after a rolled-back run)';

-- Inside a batch function, after the lock: adopt the run that ismap-jobs
-- started (ismap.job_run_id), or record a new one.  A dry run records
-- nothing and returns NULL.
CREATE FUNCTION ismap.job_begin(p_job pg_catalog.text, p_as_of pg_catalog.date, p_dry_run pg_catalog.bool)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8 := NULLIF(pg_catalog.current_setting('ismap.job_run_id', true), '')::pg_catalog.int8;
BEGIN
	IF p_dry_run THEN
		RETURN NULL;
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	IF id IS NOT NULL THEN
		UPDATE ismap.job_run SET as_of = p_as_of
		WHERE run_id OPERATOR(pg_catalog.=) id AND job OPERATOR(pg_catalog.=) p_job
		  AND status OPERATOR(pg_catalog.=) 'running' AND backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
		IF FOUND THEN
			RETURN id;
		END IF;
	END IF;
	RETURN ismap.job_start(p_job, p_as_of);
END
$$;
COMMENT ON FUNCTION ismap.job_begin(pg_catalog.text, pg_catalog.date, pg_catalog.bool) IS 'used by the batch functions: the run_id of this run (adopted from ismap.job_run_id or new); NULL for a dry run';

CREATE FUNCTION ismap.job_end(p_run_id pg_catalog.int8, p_actions pg_catalog.jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_run_id IS NOT NULL THEN
		UPDATE ismap.job_run SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), actions = p_actions
		WHERE run_id OPERATOR(pg_catalog.=) p_run_id;
	END IF;
	IF pg_catalog.current_setting('ismap.job_progress', true) OPERATOR(pg_catalog.=) 'on' THEN
		RAISE NOTICE 'run %: %', COALESCE(p_run_id::pg_catalog.text, '(dry run)'), p_actions;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_end(pg_catalog.int8, pg_catalog.jsonb) IS 'used by the batch functions: mark the run succeeded with its action counts, in the run''s own transaction';

-- progress messages for ismap-jobs -v (NOTICE when ismap.job_progress = on)
CREATE FUNCTION ismap.job_progress(p_message pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.current_setting('ismap.job_progress', true) OPERATOR(pg_catalog.=) 'on' THEN
		RAISE NOTICE '%', p_message;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_progress(pg_catalog.text) IS 'used by the batch functions: a progress message (NOTICE) when the setting ismap.job_progress is on';

CREATE FUNCTION ismap.job_check_args(p_as_of pg_catalog.date, p_dry_run pg_catalog.bool) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_as_of IS NULL OR p_dry_run IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(p_as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', p_as_of USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_check_args(pg_catalog.date, pg_catalog.bool) IS 'used by the batch functions: refuses a null or infinite date (22004, 22023)';

-------------------------------------------------------------------------------
-- renewals (seed §3.3.3(5); DESIGN §1: valid while a filed renewal is open)
-------------------------------------------------------------------------------

-- A renewal is pending for a registration on a day when the service filed
-- a renewal application on or before both that day and the registration's
-- valid_until, and it was not decided by that day.
CREATE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := run_renewals.as_of;
	dry pg_catalog.bool := run_renewals.dry_run;
	run pg_catalog.int8;
	windows pg_catalog.int4[];
	n_expired pg_catalog.int8 := 0;
	n_kept pg_catalog.int8 := 0;
	n_notices pg_catalog.int8;
	rec record;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('renewals');
	run := ismap.job_begin('renewals', d, dry);
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'expire', 'job', 'renewals', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	FOR rec IN
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'expired' THEN
			n_expired := n_expired + 1;
		ELSE
			n_kept := n_kept + 1;
		END IF;
	END LOOP;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap.job_progress(pg_catalog.format('renewals: %s expired, %s kept; writing notices at %s days before expiry', n_expired, n_kept, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('expired', n_expired, 'kept', n_kept, 'notice', n_notices));
END
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each; idempotent';

-------------------------------------------------------------------------------
-- audit-body selections (seed §3.3.2(2)③, §3.3.3(4))
-------------------------------------------------------------------------------

CREATE FUNCTION ismap.expire_audit_body_selections(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := expire_audit_body_selections.as_of;
	dry pg_catalog.bool := expire_audit_body_selections.dry_run;
	run pg_catalog.int8;
	report_interval pg_catalog.interval := (ismap.policy_value('audit_body_report_interval') #>> '{}')::pg_catalog.interval;
	n_expired pg_catalog.int8;
	n_overdue pg_catalog.int8;
	n_apps pg_catalog.int8;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('auditor-expiry');
	run := ismap.job_begin('auditor-expiry', d, dry);

	-- 1. selections whose term ended (active or suspended) expire
	RETURN QUERY
	WITH due AS (
		SELECT s.selection_id, b.name, s.valid_from, s.valid_until, s.status
		FROM ismap.audit_body_selection s JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		WHERE s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']) AND s.valid_until OPERATOR(pg_catalog.<) d
	),
	upd AS (
		UPDATE ismap.audit_body_selection s
		SET status = 'expired', status_reason = pg_catalog.format('term ended on %s (was %s)', s.valid_until, s.status)
		FROM due
		WHERE NOT dry AND s.selection_id OPERATOR(pg_catalog.=) due.selection_id
		  AND s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		RETURNING s.selection_id
	)
	SELECT 'expired', due.selection_id,
		   pg_catalog.format('%s: selection %s to %s (%s) expired', due.name, due.valid_from, due.valid_until, due.status)
	FROM due WHERE dry OR due.selection_id IN (SELECT u.selection_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_expired = ROW_COUNT;

	-- 2. monitoring reports overdue: flagged once per due date (a report
	-- received moves next_report_due, and a new date can be flagged again)
	RETURN QUERY
	WITH overdue AS (
		SELECT s.selection_id, b.name, x.due
		FROM ismap.audit_body_selection s
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		CROSS JOIN LATERAL (SELECT COALESCE(s.next_report_due, (s.valid_from OPERATOR(pg_catalog.+) report_interval)::pg_catalog.date) AS due) x
		WHERE s.status OPERATOR(pg_catalog.=) 'active' AND s.valid_until OPERATOR(pg_catalog.>=) d
		  AND x.due OPERATOR(pg_catalog.<) d
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'report_overdue' AND n.object_id OPERATOR(pg_catalog.=) s.selection_id
							AND n.occasion OPERATOR(pg_catalog.=) x.due)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'report_overdue', o.selection_id, o.due, d,
			   pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due), run
		FROM overdue o WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'report_overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'report_overdue', o.selection_id, pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due)
	FROM overdue o WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_overdue = ROW_COUNT;

	-- 3. open applications whose audit was reported by a body that was not
	-- selected on the report date (a formal defect, §3.3.3(4)).  Terms that
	-- ran out normally count for the days they covered; a selection now
	-- suspended or revoked does not count (its history is not kept), so
	-- the registrar looks at those.
	RETURN QUERY
	WITH bad AS (
		SELECT ap.application_id, ap.service_id, au.audit_id, au.report_date, b.name
		FROM ismap.application ap
		JOIN ismap.audit au ON au.audit_id OPERATOR(pg_catalog.=) ap.audit_id
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
		WHERE ap.status OPERATOR(pg_catalog.=) 'submitted' AND ap.submitted_on OPERATOR(pg_catalog.<=) d
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.audit_body_selection s
			WHERE s.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
			  AND s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'expired'])
			  AND au.report_date OPERATOR(pg_catalog.>=) s.valid_from AND au.report_date OPERATOR(pg_catalog.<=) s.valid_until)
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'body_not_selected' AND n.object_id OPERATOR(pg_catalog.=) ap.application_id
							AND n.occasion OPERATOR(pg_catalog.=) au.report_date)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'body_not_selected', x.application_id, x.report_date, d,
			   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
				   x.application_id, x.service_id, x.audit_id, x.report_date, x.name), run
		FROM bad x WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'body_not_selected', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'body_not_selected', x.application_id,
		   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
			   x.application_id, x.service_id, x.audit_id, x.report_date, x.name)
	FROM bad x WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_apps = ROW_COUNT;

	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('expired', n_expired, 'report_overdue', n_overdue, 'body_not_selected', n_apps));
END
$$;
COMMENT ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool) IS 'audit-body job: expire selections whose term ended, flag overdue monitoring reports and open applications whose audit body was not selected at the report date, once each; idempotent';

-------------------------------------------------------------------------------
-- cascading delistings (seed §3.3.4④)
-------------------------------------------------------------------------------

-- A platform "lapsed" when its newest registration ended (expired or
-- delisted) and no registration is live.  Once the policy cascade_grace
-- has passed since that end, every live registration built on it is
-- delisted, transitively, with the rules of ismap.delist: self-assessed
-- dependencies stop the walk, cycles are walked once, and a service
-- reached on several paths takes the shortest (then the lowest chain).
CREATE FUNCTION ismap.cascade_delistings(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := cascade_delistings.as_of;
	dry pg_catalog.bool := cascade_delistings.dry_run;
	run pg_catalog.int8;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('cascade');
	run := ismap.job_begin('cascade', d, dry);
	PERFORM ismap.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'cascade', 'job', 'cascade', 'run_id', run, 'as_of', d, 'grace', grace)::pg_catalog.text, true);
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);
	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('delisted', n_delisted));
END
$$;
COMMENT ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool) IS 'cascade job: delist, transitively, live registrations whose platform has had no registration for the policy cascade_grace (self-assessed dependencies excepted), with cascaded_from and cascade_path; idempotent';

-------------------------------------------------------------------------------
-- monitoring and retention
-------------------------------------------------------------------------------

CREATE VIEW ismap.job_health WITH (security_invoker = true) AS
SELECT j.job,
	   ok.run_id AS last_success_run_id,
	   ok.as_of AS last_success_as_of,
	   ok.finished_at AS last_success_at,
	   pg_catalog.now() OPERATOR(pg_catalog.-) ok.finished_at AS age,
	   last.status AS last_status,
	   last.started_at AS last_started_at,
	   last.message AS last_message,
	   (SELECT pg_catalog.count(*) FROM ismap.job_run f
		WHERE f.job OPERATOR(pg_catalog.=) j.job AND f.status OPERATOR(pg_catalog.=) 'failed'
		  AND f.started_at OPERATOR(pg_catalog.>) COALESCE(ok.finished_at, '-infinity')) AS failures_since_success,
	   EXISTS (SELECT 1 FROM ismap.job_run x
			   WHERE x.job OPERATOR(pg_catalog.=) j.job AND x.status OPERATOR(pg_catalog.=) 'running') AS running
FROM (VALUES ('renewals'::pg_catalog.text), ('auditor-expiry'), ('cascade')) AS j(job)
LEFT JOIN LATERAL (
	SELECT r.run_id, r.as_of, r.finished_at FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'succeeded'
	ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1) ok ON true
LEFT JOIN LATERAL (
	SELECT r.status, r.started_at, r.message FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job
	ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) last ON true;
COMMENT ON VIEW ismap.job_health IS 'per batch job: the last successful run, its age, the last run''s status and message, failures since the last success, whether one is running';

-- Keep the runs of the last keep interval, and always each job's last
-- success (job_health needs it).  Notices keep their rows (run_id NULL).
CREATE FUNCTION ismap.prune_job_runs(keep pg_catalog.interval DEFAULT '1 year') RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	IF keep IS NULL OR keep OPERATOR(pg_catalog.<) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'keep must be a non-negative interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	DELETE FROM ismap.job_run r
	WHERE r.status OPERATOR(pg_catalog.<>) 'running'
	  AND r.finished_at OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) keep)
	  AND r.run_id OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT h.last_success_run_id FROM ismap.job_health h
												 WHERE h.last_success_run_id IS NOT NULL));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.prune_job_runs(pg_catalog.interval) IS 'delete finished job runs older than keep (default 1 year), keeping each job''s last success; returns how many';

-- Only the owner (and roles it grants, e.g. ismap_jobs) runs the jobs.
REVOKE EXECUTE ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_mark_stale(pg_catalog.text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.prune_job_runs(pg_catalog.interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_begin(pg_catalog.text, pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_end(pg_catalog.int8, pg_catalog.jsonb) FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('ismap.job_run', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.job_run_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.notice', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.notice_notice_id_seq', '');
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
-- the few controls left out of statements, with their reasons, read from the
-- index alone (cookbook 8)
CREATE INDEX analyst_statement_item_excluded_idx ON ismap.statement_item (control_id)
	INCLUDE (exclusion_reason) WHERE NOT selected;

-- ==== Change management ====
-- DESIGN §3.10; seed §4.2, §5 and footnote 26: a scope extension, an
-- architecture update or a governance change of a registered service needs
-- a new audit.  Changes are reported into ismap.service_change (every row
-- an event in the hash chain); the changes job (ismap.run_changes, run by
-- ismap-jobs changes) writes notices before a change's audit window ends,
-- suspends the registration once it has passed without an audit covering
-- the change, cascades the suspension along the dependencies with the
-- walk of ismap.delisting_impact, and reinstates what it suspended once an
-- audit covers the change.  Continuous control evidence from a provider's
-- own monitoring goes into ismap.evidence, partitioned by month;
-- ismap.control_health evaluates it with the sampling functions, and the
-- job writes one notice each time a control crosses the policy's limit.
-- This section widens three things of the batch jobs section: the job
-- names of job_run, the notice kinds, job_lock_key and job_health.

INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('change_audit_window', '"6 months"', 'how long after its effective date a material change may stay without an audit covering it before the registration is suspended', true),
	('change_notice_days', '[60, 30, 7]', 'days before the end of a material change''s audit window at which a notice is written, once each', true),
	('evidence_window', '"90 days"', 'the window of control evidence the changes job evaluates for limit crossings', true),
	('evidence_months_ahead', '3', 'how many months after the current one the changes job keeps evidence partitions created for', true);

ALTER TABLE ismap.job_run DROP CONSTRAINT job_run_job;
ALTER TABLE ismap.job_run ADD CONSTRAINT job_run_job
	CHECK (job OPERATOR(pg_catalog.=) ANY (ARRAY['renewals', 'auditor-expiry', 'cascade', 'changes']::pg_catalog.text[]));
ALTER TABLE ismap.notice DROP CONSTRAINT notice_kind;
ALTER TABLE ismap.notice ADD CONSTRAINT notice_kind
	CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['renewal_due', 'renewal_pending', 'report_overdue', 'body_not_selected',
		'change_audit_due', 'control_limit_exceeded']::pg_catalog.text[]));
COMMENT ON COLUMN ismap.notice.object_id IS 'registration_id (renewal_due, renewal_pending), selection_id (report_overdue), application_id (body_not_selected), change_id (change_audit_due) or crossing_id (control_limit_exceeded)';
COMMENT ON COLUMN ismap.notice.occasion IS 'the date the notice is about: valid_until minus the window (renewal_due), valid_until (renewal_pending), the report due date (report_overdue), the audit report date (body_not_selected), the end of the change''s audit window minus the window (change_audit_due), the day the limit was crossed (control_limit_exceeded)';

CREATE OR REPLACE FUNCTION ismap.job_lock_key(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN CASE p_job WHEN 'renewals' THEN 101 WHEN 'auditor-expiry' THEN 102 WHEN 'cascade' THEN 103 WHEN 'changes' THEN 104 END;
END
$$;
COMMENT ON FUNCTION ismap.job_lock_key(pg_catalog.text) IS 'second key of a job''s advisory lock (the first is 1769172321): renewals 101, auditor-expiry 102, cascade 103, changes 104; NULL for an unknown job';

CREATE OR REPLACE VIEW ismap.job_health WITH (security_invoker = true) AS
SELECT j.job,
	   ok.run_id AS last_success_run_id,
	   ok.as_of AS last_success_as_of,
	   ok.finished_at AS last_success_at,
	   pg_catalog.now() OPERATOR(pg_catalog.-) ok.finished_at AS age,
	   last.status AS last_status,
	   last.started_at AS last_started_at,
	   last.message AS last_message,
	   (SELECT pg_catalog.count(*) FROM ismap.job_run f
		WHERE f.job OPERATOR(pg_catalog.=) j.job AND f.status OPERATOR(pg_catalog.=) 'failed'
		  AND f.started_at OPERATOR(pg_catalog.>) COALESCE(ok.finished_at, '-infinity')) AS failures_since_success,
	   EXISTS (SELECT 1 FROM ismap.job_run x
			   WHERE x.job OPERATOR(pg_catalog.=) j.job AND x.status OPERATOR(pg_catalog.=) 'running') AS running
FROM (VALUES ('renewals'::pg_catalog.text), ('auditor-expiry'), ('cascade'), ('changes')) AS j(job)
LEFT JOIN LATERAL (
	SELECT r.run_id, r.as_of, r.finished_at FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job AND r.status OPERATOR(pg_catalog.=) 'succeeded'
	ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1) ok ON true
LEFT JOIN LATERAL (
	SELECT r.status, r.started_at, r.message FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job
	ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) last ON true;
COMMENT ON VIEW ismap.job_health IS 'per batch job: the last successful run, its age, the last run''s status and message, failures since the last success, whether one is running';

-------------------------------------------------------------------------------
-- service changes
-------------------------------------------------------------------------------

CREATE TABLE ismap.service_change (
	change_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	service_id		pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	kind			pg_catalog.text NOT NULL
		CONSTRAINT service_change_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['scope_extension', 'architecture', 'governance', 'minor']::pg_catalog.text[])),
	effective_on	pg_catalog.date NOT NULL,
	description		pg_catalog.text NOT NULL
		CONSTRAINT service_change_described CHECK (pg_catalog.length(pg_catalog.btrim(description)) OPERATOR(pg_catalog.>) 0),
	reported_by		pg_catalog.text NOT NULL
		CONSTRAINT service_change_reporter CHECK (pg_catalog.length(pg_catalog.btrim(reported_by)) OPERATOR(pg_catalog.>) 0),
	reported_on		pg_catalog.date NOT NULL DEFAULT CURRENT_DATE,
	material		pg_catalog.bool NOT NULL GENERATED ALWAYS AS (kind OPERATOR(pg_catalog.<>) 'minor') STORED,
	covered_by		pg_catalog.int8 REFERENCES ismap.registration,
	covered_on		pg_catalog.date,
	recorded_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT service_change_cover CHECK ((covered_by IS NULL) OPERATOR(pg_catalog.=) (covered_on IS NULL)
		AND (covered_by IS NULL OR material))
);
COMMENT ON TABLE ismap.service_change IS 'a change of a service reported by its provider: scope_extension, architecture and governance are material (a new audit is needed, seed footnote 26), minor is recorded only; every row is an event of the registry log';
COMMENT ON COLUMN ismap.service_change.covered_by IS 'set by the changes job: the first registration of the service whose audit period ends on or after effective_on';
CREATE INDEX service_change_service_idx ON ismap.service_change (service_id, effective_on);
CREATE INDEX service_change_open_idx ON ismap.service_change (service_id) WHERE material AND covered_by IS NULL;

-- Why a registration is suspended: one row per (change, registration) the
-- changes job suspended, depth and chain as in ismap.delisting_impact.  A
-- registration is reinstated when every row of it is lifted.
CREATE TABLE ismap.change_suspension (
	change_id		pg_catalog.int8 NOT NULL REFERENCES ismap.service_change,
	registration_id	pg_catalog.int8 NOT NULL REFERENCES ismap.registration,
	depth			pg_catalog.int4 NOT NULL,
	via				pg_catalog.int8[] NOT NULL,
	suspended_on	pg_catalog.date NOT NULL,
	lifted_on		pg_catalog.date,
	run_id			pg_catalog.int8 REFERENCES ismap.job_run ON DELETE SET NULL,
	PRIMARY KEY (change_id, registration_id)
);
COMMENT ON TABLE ismap.change_suspension IS 'the changes job''s ledger: a registration suspended because of a material change of its service (depth 0) or of a platform below it (depth > 0, via the chain of base services); lifted_on once an audit covers the change';
CREATE INDEX change_suspension_open_idx ON ismap.change_suspension (registration_id) WHERE lifted_on IS NULL;

-- Every reported change, and its coverage by an audit, is an event.  The
-- reported facts cannot be edited or the row deleted: a correction is a
-- new change.
CREATE FUNCTION ismap.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own rows,
	-- and new ones would fork the chain.  Changes are reported by INSERT.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
		RETURN NULL;
	END IF;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap.append_event(CASE WHEN TG_OP = 'INSERT' THEN 'change_reported' ELSE 'change_covered' END,
		live, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'change_id', NEW.change_id,
			'kind', NEW.kind,
			'material', NEW.material,
			'effective_on', NEW.effective_on,
			'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
			'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
			'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
			'covered_by', NEW.covered_by,
			'covered_on', NEW.covered_on,
			'context', NULLIF(pg_catalog.current_setting('ismap.event_context', true), '')::pg_catalog.jsonb)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.service_change_event_trigger() IS 'trigger: writes a registry event (change_reported, change_covered) for a reported change and for its coverage by an audit';
CREATE TRIGGER service_change_events AFTER INSERT OR UPDATE ON ismap.service_change
	FOR EACH ROW EXECUTE FUNCTION ismap.service_change_event_trigger();
ALTER TABLE ismap.service_change ENABLE ALWAYS TRIGGER service_change_events;

CREATE FUNCTION ismap.service_change_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = ANY (ARRAY['DELETE', 'TRUNCATE']) THEN
		RAISE EXCEPTION 'reported changes are never deleted'
			USING ERRCODE = 'insufficient_privilege', HINT = 'Report a correction as a new change.';
	END IF;
	IF NEW.change_id IS DISTINCT FROM OLD.change_id OR NEW.service_id IS DISTINCT FROM OLD.service_id
	   OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.effective_on IS DISTINCT FROM OLD.effective_on
	   OR NEW.description IS DISTINCT FROM OLD.description OR NEW.reported_by IS DISTINCT FROM OLD.reported_by
	   OR NEW.reported_on IS DISTINCT FROM OLD.reported_on OR NEW.recorded_at IS DISTINCT FROM OLD.recorded_at THEN
		RAISE EXCEPTION 'the reported facts of change % cannot be edited', OLD.change_id
			USING ERRCODE = 'insufficient_privilege', HINT = 'Report a correction as a new change.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap.service_change_guard() IS 'trigger: refuses deleting a reported change and editing what was reported (only the coverage columns change)';
CREATE TRIGGER service_change_guard BEFORE UPDATE OR DELETE ON ismap.service_change
	FOR EACH ROW EXECUTE FUNCTION ismap.service_change_guard();
CREATE TRIGGER service_change_no_truncate BEFORE TRUNCATE ON ismap.service_change
	FOR EACH STATEMENT EXECUTE FUNCTION ismap.service_change_guard();
ALTER TABLE ismap.service_change ENABLE ALWAYS TRIGGER service_change_guard;
ALTER TABLE ismap.service_change ENABLE ALWAYS TRIGGER service_change_no_truncate;

-- The state of each change reported by as_of.  An audit covers a material
-- change when its audited period ends on or after the effective date and a
-- registration was made from it by as_of (renewal or new registration):
-- that is the "new audit" of footnote 26.
CREATE FUNCTION ismap.change_status(as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE (change_id pg_catalog.int8, service_id pg_catalog.int8, kind pg_catalog.text, material pg_catalog.bool,
	effective_on pg_catalog.date, due_on pg_catalog.date, covered_by pg_catalog.int8, covered_on pg_catalog.date,
	status pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.change_id, c.service_id, c.kind, c.material, c.effective_on,
		   CASE WHEN c.material THEN (c.effective_on OPERATOR(pg_catalog.+) w.win)::pg_catalog.date END,
		   cov.registration_id, cov.registered_on,
		   CASE WHEN NOT c.material THEN 'recorded'
				WHEN cov.registration_id IS NOT NULL THEN 'covered'
				WHEN (c.effective_on OPERATOR(pg_catalog.+) w.win)::pg_catalog.date OPERATOR(pg_catalog.<) $1 THEN 'overdue'
				ELSE 'audit_required' END
	FROM ismap.service_change c
	CROSS JOIN (SELECT (ismap.policy_value('change_audit_window') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval AS win) w
	LEFT JOIN LATERAL (
		SELECT r.registration_id, r.registered_on
		FROM ismap.registration r
		JOIN ismap.application a ON a.application_id OPERATOR(pg_catalog.=) r.application_id
		JOIN ismap.audit au ON au.audit_id OPERATOR(pg_catalog.=) a.audit_id
		WHERE c.material AND r.service_id OPERATOR(pg_catalog.=) c.service_id
		  AND r.registered_on OPERATOR(pg_catalog.<=) $1
		  AND au.period_end OPERATOR(pg_catalog.>=) c.effective_on
		ORDER BY r.registered_on, r.registration_id
		LIMIT 1) cov ON true
	WHERE c.reported_on OPERATOR(pg_catalog.<=) $1
$$;
COMMENT ON FUNCTION ismap.change_status(pg_catalog.date) IS 'each change reported by as_of: due_on (effective_on plus the policy change_audit_window, material changes), the registration whose audit covers it, and status recorded (minor), audit_required, overdue or covered';

-------------------------------------------------------------------------------
-- continuous control evidence
-------------------------------------------------------------------------------

-- Partitioned by month of occurred_at (months in UTC).  There is no default
-- partition on purpose: a row for a month nobody created a partition for
-- fails with 23514 ("no partition of relation "evidence" found for row")
-- and the whole COPY is rolled back, so nothing is lost unnoticed.  No
-- foreign keys either: evidence arrives by the million from providers'
-- monitoring, and a per-row check would cost more than the load itself.
-- The partitions are made at run time by ismap.ensure_evidence_partitions
-- (the changes job keeps evidence_months_ahead months ready); they are not
-- members of the extension, so pg_dump dumps them, rows and all, as
-- partitions of this table, which CREATE EXTENSION makes.  That is why the
-- parent itself is not marked with pg_extension_config_dump: it holds no
-- rows of its own.  Never call ensure_evidence_partitions from an
-- extension script: partitions made there would be members, left out of
-- dumps.
CREATE TABLE ismap.evidence (
	service_id		pg_catalog.int8 NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	occurred_at		pg_catalog.timestamptz NOT NULL,
	outcome			pg_catalog.text NOT NULL
		CONSTRAINT evidence_outcome CHECK (outcome OPERATOR(pg_catalog.=) ANY (ARRAY['pass', 'fail']::pg_catalog.text[])),
	source			pg_catalog.text NOT NULL,
	reference		pg_catalog.text
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE ismap.evidence IS 'one observation of a control from a provider''s continuous monitoring: pass or fail; partitioned by month (UTC) of occurred_at, partitions made by ismap.ensure_evidence_partitions';
COMMENT ON COLUMN ismap.evidence.source IS 'the system that observed it (a monitoring tool, a scanner, a log pipeline)';
COMMENT ON COLUMN ismap.evidence.reference IS 'where the observation can be looked up in the source (a ticket, a run, a log position)';
-- The index (service_id, occurred_at) is made on each partition by
-- ismap.ensure_evidence_partitions, not on the parent: a partitioned index
-- made here would be a member of the extension, exist before a restore
-- attaches the dumped partitions, index them on ATTACH, and make the
-- dump's own CREATE INDEX of each partition fail ("already exists").

-- Crossings of the limit seen by the changes job: open while the control
-- exceeds, cleared when it no longer does; one notice per row.
CREATE TABLE ismap.control_crossing (
	crossing_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	service_id		pg_catalog.int8 NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	crossed_on		pg_catalog.date NOT NULL,
	observations	pg_catalog.int8 NOT NULL,
	deviations		pg_catalog.int8 NOT NULL,
	upper_limit		pg_catalog.float8 NOT NULL,
	cleared_on		pg_catalog.date,
	run_id			pg_catalog.int8 REFERENCES ismap.job_run ON DELETE SET NULL,
	CONSTRAINT control_crossing_order CHECK (cleared_on IS NULL OR cleared_on OPERATOR(pg_catalog.>=) crossed_on)
);
COMMENT ON TABLE ismap.control_crossing IS 'a control whose evidence went above the policy''s tolerable rate (upper deviation limit with deviations found), from the day the changes job saw it to the day it saw it back within';
CREATE UNIQUE INDEX control_crossing_open ON ismap.control_crossing (service_id, control_id) WHERE cleared_on IS NULL;

-- Create the monthly partitions of ismap.evidence for every month from
-- from_date's to to_date's that has none; returns the partitions made.
CREATE FUNCTION ismap.ensure_evidence_partitions(from_date pg_catalog.date, to_date pg_catalog.date)
RETURNS SETOF pg_catalog.text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m pg_catalog.date;
	part pg_catalog.text;
BEGIN
	IF from_date IS NULL OR to_date IS NULL THEN
		RAISE EXCEPTION 'from_date and to_date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(from_date) OR NOT pg_catalog.isfinite(to_date) OR to_date < from_date THEN
		RAISE EXCEPTION 'invalid range of months from % to %', from_date, to_date
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Give two finite dates, the first not after the second.';
	END IF;
	IF (pg_catalog.date_part('year', to_date) - pg_catalog.date_part('year', from_date)) * 12
	   + pg_catalog.date_part('month', to_date) - pg_catalog.date_part('month', from_date) >= 1200 THEN
		RAISE EXCEPTION 'too many evidence partitions from % to %', from_date, to_date
			USING ERRCODE = 'program_limit_exceeded', DETAIL = 'At most 1200 months are made in one call.';
	END IF;
	-- two callers would race for the same names
	PERFORM pg_catalog.pg_advisory_xact_lock(1769172321, 105);
	m := pg_catalog.date_trunc('month', from_date)::pg_catalog.date;
	WHILE m <= to_date LOOP
		part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
		IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
			EXECUTE pg_catalog.format('CREATE TABLE ismap.%I PARTITION OF ismap.evidence FOR VALUES FROM (%L) TO (%L)',
				part, pg_catalog.to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
				pg_catalog.to_char((m + '1 month'::pg_catalog.interval)::pg_catalog.date, 'YYYY-MM-DD') || ' 00:00:00+00');
			EXECUTE pg_catalog.format('CREATE INDEX %I ON ismap.%I (service_id, occurred_at)', part || '_service_idx', part);
			EXECUTE pg_catalog.format('COMMENT ON TABLE ismap.%I IS %L', part,
				pg_catalog.format('control evidence of %s (UTC); a partition of ismap.evidence', pg_catalog.to_char(m, 'YYYY-MM')));
			RETURN NEXT 'ismap.' || part;
		END IF;
		m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap.ensure_evidence_partitions(pg_catalog.date, pg_catalog.date) IS 'create the missing monthly partitions ismap.evidence_YYYY_MM of ismap.evidence (with their index on service_id, occurred_at) from from_date''s month to to_date''s; returns the names made';

-- Per control of a service: the evidence of the window ending with as_of
-- (days in the session's time zone), the upper deviation limit at the
-- policy's sampling_confidence, and whether it exceeds the policy's
-- sampling_tolerable_rate after deviations were found — the rule of
-- ismap.control_test_evaluation.
CREATE FUNCTION ismap.control_health(service_id pg_catalog.int8, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	"window" pg_catalog.interval DEFAULT '1 year')
RETURNS TABLE (control_id ismap.ctrlid, observations pg_catalog.int8, deviations pg_catalog.int8,
	upper_limit pg_catalog.float8, exceeds pg_catalog.bool)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sid pg_catalog.int8 := control_health.service_id;
	hi pg_catalog.timestamptz;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
BEGIN
	IF sid IS NULL OR control_health.as_of IS NULL OR control_health."window" IS NULL THEN
		RAISE EXCEPTION 'service_id, as_of and window must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(control_health.as_of) OR control_health."window" <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'as_of must be a finite date and window a positive interval'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM ismap.service s WHERE s.service_id = sid) THEN
		RAISE EXCEPTION 'service % does not exist', sid USING ERRCODE = 'undefined_object';
	END IF;
	hi := (control_health.as_of + 1)::pg_catalog.timestamptz;
	RETURN QUERY
	SELECT g.control_id, g.n, g.dev, u.ul, (g.dev > 0 AND u.ul > tol)
	FROM (SELECT e.control_id, pg_catalog.count(*) AS n,
				 pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
		  FROM ismap.evidence e
		  WHERE e.service_id = sid
			AND e.occurred_at >= hi - control_health."window" AND e.occurred_at < hi
		  GROUP BY e.control_id) g
	CROSS JOIN LATERAL (SELECT ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
		LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul) u
	ORDER BY g.control_id;
END
$$;
COMMENT ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) IS 'per control of a service, the evidence of the window ending with as_of: observations, deviations (fail), the upper deviation limit at the policy sampling_confidence, and exceeds (deviations found and the limit above sampling_tolerable_rate)';

-------------------------------------------------------------------------------
-- the changes job
-------------------------------------------------------------------------------

-- In this order: evidence partitions ahead; changes newly covered by an
-- audit (an event each); suspensions lifted and registrations reinstated
-- once no uncovered change holds them; material changes past their window
-- suspend the service's live registration and, with the walk of
-- ismap.delisting_impact, every live registration built on it; notices
-- before a window ends; controls crossing the limit and back.  The ledger
-- (covered_by, change_suspension, registration status, notice, the open
-- control_crossing) is written in the same transaction, so a rerun with
-- the same date does nothing.
CREATE FUNCTION ismap.run_changes(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := run_changes.as_of;
	dry pg_catalog.bool := run_changes.dry_run;
	run pg_catalog.int8;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('changes');
	run := ismap.job_begin('changes', d, dry);
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'cover', 'job', 'changes', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'reinstate', 'job', 'changes', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'suspend', 'job', 'changes', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;

	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('partition_created', n_parts, 'covered', n_covered,
		'reinstated', n_reinstated, 'suspended', n_suspended, 'notice', n_notices,
		'limit_exceeded', n_crossed, 'limit_cleared', n_cleared));
END
$$;
COMMENT ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool) IS 'changes job: make evidence partitions ahead, record changes an audit covers, reinstate what they held, suspend (with the delisting walk) registrations whose service has a material change past the policy change_audit_window, write notices before the window ends and one notice per crossing of the control-evidence limit; idempotent';

-- the name of DESIGN §3.10
CREATE FUNCTION ismap.run_change_checks(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_changes($1, $2)
$$;
COMMENT ON FUNCTION ismap.run_change_checks(pg_catalog.date, pg_catalog.bool) IS 'the same as ismap.run_changes (the name DESIGN §3.10 gives it)';

REVOKE EXECUTE ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.run_change_checks(pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.ensure_evidence_partitions(pg_catalog.date, pg_catalog.date) FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('ismap.service_change', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.service_change_change_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.change_suspension', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_crossing', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_crossing_crossing_id_seq', '');
