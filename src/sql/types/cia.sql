-------------------------------------------------------------------------------
-- ismap.cia: confidentiality / integrity / availability rating
-------------------------------------------------------------------------------
CREATE TYPE ismap.cia;

CREATE FUNCTION ismap.cia_in(pg_catalog.cstring) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ismap.cia_out(ismap.cia) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'ismap_cia_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ismap.cia_recv(pg_catalog.internal) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ismap.cia_send(ismap.cia) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'ismap_cia_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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
	AS 'MODULE_PATHNAME', 'ismap_cia_construct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia(pg_catalog.int4, pg_catalog.int4, pg_catalog.int4) IS 'rating from its components; out of range is 22003';

CREATE FUNCTION ismap.conf(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_get_conf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.conf(ismap.cia) IS 'confidentiality component (1-3)';

CREATE FUNCTION ismap.integ(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_get_integ' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.integ(ismap.cia) IS 'integrity component (1-2)';

CREATE FUNCTION ismap.avail(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_get_avail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.avail(ismap.cia) IS 'availability component (1-3)';

CREATE FUNCTION ismap.cia_eq(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_ne(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_lex_lt(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_lex_le(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_lex_gt(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_lex_ge(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_lex_cmp(ismap.cia, ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_lex_cmp(ismap.cia, ismap.cia) IS 'lexicographic (C, I, A) comparison, for sorting only (btree support)';

CREATE FUNCTION ismap.cia_dominates(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_dominates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION ismap.cia_dominates(ismap.cia, ismap.cia) IS 'true when every component of the first rating is at least that of the second';

CREATE FUNCTION ismap.cia_dominated(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_dominated' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE FUNCTION ismap.cia_join(ismap.cia, ismap.cia) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_join' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_join(ismap.cia, ismap.cia) IS 'componentwise maximum of two ratings';

CREATE FUNCTION ismap.cia_hash(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.cia_hash(ismap.cia) IS 'hash of a rating (hash support)';

CREATE FUNCTION ismap.cia_hash_extended(ismap.cia, pg_catalog.int8) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ismap_cia_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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

