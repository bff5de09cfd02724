-- ismap.ctrlid: hierarchical control identifier (docs/reference.md).
-- Everything lives in schema ismap (ismap.control: schema = ismap,
-- relocatable = false) and is schema-qualified, pg_catalog included.
CREATE TYPE ismap.ctrlid;

CREATE FUNCTION ismap.ctrlid_in(pg_catalog.cstring) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ismap.ctrlid_out(ismap.ctrlid) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ismap.ctrlid_recv(pg_catalog.internal) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ismap.ctrlid_send(ismap.ctrlid) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_cmp(ismap.ctrlid, ismap.ctrlid) IS 'three-way comparison of control identifiers (btree support)';

CREATE FUNCTION ismap.ctrlid_eq(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_ne(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_lt(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_le(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_gt(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_ge(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_contains(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_contained(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.ctrlid_sortsupport(pg_catalog.internal) RETURNS pg_catalog.void
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_sortsupport(pg_catalog.internal) IS 'sort support with abbreviated keys (btree support)';

CREATE FUNCTION ismap.ctrlid_hash(ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_hash(ismap.ctrlid) IS 'hash of a control identifier; equal identifiers hash alike whatever their spelling';

CREATE FUNCTION ismap.ctrlid_hash_extended(ismap.ctrlid, pg_catalog.int8) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_smaller(ismap.ctrlid, ismap.ctrlid) IS 'the identifier that sorts first (transition of min)';

CREATE FUNCTION ismap.ctrlid_larger(ismap.ctrlid, ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_depth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.depth(ismap.ctrlid) IS 'number of segments: 3 for a control objective 6.1.1, 4 for a detailed control 6.1.1.1';

CREATE FUNCTION ismap.parent(ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.parent(ismap.ctrlid) IS 'the identifier without its last segment, spelled as given; NULL at depth 1';

CREATE FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4, pg_catalog.int4) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4, pg_catalog.int4) IS
	'len segments from offset (0-based; negative offset counts from the end, negative len leaves segments off the end)';

CREATE FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_subpath_to_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4) IS 'segments from offset to the end';

CREATE FUNCTION ismap.ctrlid(pg_catalog.text) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_text_to_ctrlid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid(pg_catalog.text) IS 'parse text as a control identifier (the text-to-ctrlid cast)';

CREATE CAST (pg_catalog.text AS ismap.ctrlid) WITH FUNCTION ismap.ctrlid(pg_catalog.text);

CREATE CAST (pg_catalog.varchar AS ismap.ctrlid) WITH FUNCTION ismap.ctrlid(pg_catalog.text);

CREATE FUNCTION ismap.ctrlid_is_valid(pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.ctrlid_is_valid(pg_catalog.text) IS 'true when the text is a valid control identifier (never raises)';

