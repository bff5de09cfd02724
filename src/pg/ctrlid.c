/*
 * ctrlid.c — the ismap.ctrlid type: I/O, comparison, hashing, hierarchy
 *
 * The stored value carries an order-preserving key next to the spelling the
 * user gave, so comparisons are a memcmp and output returns the original
 * text.  See src/core/ctrlid.h for the key format.
 */
#include "ismap.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"

/* The first byte of the binary format, so it can evolve. */
#define CTRLID_BINARY_VERSION 1

#define PG_GETARG_CTRLID_PP(n) ((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))

/* Build a datum from already-parsed text. */
static struct varlena *
ctrlid_build(const char *text, size_t len, const ctrlid_parsed *p)
{
	Size		sz = VARHDRSZ + CTRLID_HDRSZ + p->keylen + len;
	struct varlena *res = (struct varlena *) palloc(sz);
	uint8	   *d;

	SET_VARSIZE(res, sz);
	d = (uint8 *) VARDATA(res);
	d[0] = (uint8) p->nseg;
	d[1] = (uint8) p->keylen;
	memcpy(d + CTRLID_HDRSZ, p->key, p->keylen);
	memcpy(d + CTRLID_HDRSZ + p->keylen, text, len);
	return res;
}

/* Parse text or raise the proper error; used by input, recv and helpers. */
struct varlena *
ismap_ctrlid_from_text(const char *text, size_t len)
{
	ctrlid_parsed p;
	size_t		errpos;
	ctrlid_status st = ctrlid_parse(text, len, &p, &errpos);

	if (st != CTRLID_OK)
		ismap_ctrlid_error(st, text, len, errpos);
	StaticAssertStmt(CTRLID_MAX_KEY <= 65535, "key length must fit");
	if (p.keylen > 255)			/* cannot happen within CTRLID_MAX_LEN */
		elog(ERROR, "ctrlid key of %zu bytes does not fit", p.keylen);
	return ctrlid_build(text, len, &p);
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_in);
Datum
ismap_ctrlid_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(ismap_ctrlid_from_text(str, strlen(str)));
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_out);
Datum
ismap_ctrlid_out(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);

	PG_RETURN_CSTRING(pnstrdup(CTRLID_TEXT(id), CTRLID_TEXTLEN(id)));
}

/*
 * Binary format: one version byte, then the text.  The key is rebuilt on
 * receipt, so a client can never smuggle in a key that disagrees with the
 * text.
 */
PG_FUNCTION_INFO_V1(ismap_ctrlid_recv);
Datum
ismap_ctrlid_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	char	   *text;
	int			len;

	if (version != CTRLID_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type %s",
						version, "ctrlid"),
				 errdetail("This server reads version %d.", CTRLID_BINARY_VERSION)));
	/*
	 * The text travels in the client's encoding, as textrecv's does:
	 * pq_getmsgtext converts it and refuses invalid bytes (showing them in
	 * hex), so no raw byte of the message reaches an error message.
	 */
	text = pq_getmsgtext(buf, buf->len - buf->cursor, &len);
	PG_RETURN_POINTER(ismap_ctrlid_from_text(text, (size_t) len));
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_send);
Datum
ismap_ctrlid_send(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CTRLID_BINARY_VERSION);
	pq_sendbytes(&buf, CTRLID_TEXT(id), (int) CTRLID_TEXTLEN(id));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static inline int
ctrlid_cmp_internal(const struct varlena *a, const struct varlena *b)
{
	return ctrlid_key_cmp(CTRLID_KEY(a), CTRLID_KEYLEN(a),
						  CTRLID_KEY(b), CTRLID_KEYLEN(b));
}

/* Defines a two-argument comparison function over the three-way compare. */
#define CTRLID_CMP_FN(name, expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	struct varlena *a = PG_GETARG_CTRLID_PP(0); \
	struct varlena *b = PG_GETARG_CTRLID_PP(1); \
	int			r = ctrlid_cmp_internal(a, b); \
	PG_FREE_IF_COPY(a, 0); \
	PG_FREE_IF_COPY(b, 1); \
	return expr; \
}

CTRLID_CMP_FN(ismap_ctrlid_cmp, Int32GetDatum(r))
CTRLID_CMP_FN(ismap_ctrlid_eq, BoolGetDatum(r == 0))
CTRLID_CMP_FN(ismap_ctrlid_ne, BoolGetDatum(r != 0))
CTRLID_CMP_FN(ismap_ctrlid_lt, BoolGetDatum(r < 0))
CTRLID_CMP_FN(ismap_ctrlid_le, BoolGetDatum(r <= 0))
CTRLID_CMP_FN(ismap_ctrlid_gt, BoolGetDatum(r > 0))
CTRLID_CMP_FN(ismap_ctrlid_ge, BoolGetDatum(r >= 0))

/* transitions of the min and max aggregates: one of the arguments, as is */
PG_FUNCTION_INFO_V1(ismap_ctrlid_smaller);
Datum
ismap_ctrlid_smaller(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_CTRLID_PP(0);
	struct varlena *b = PG_GETARG_CTRLID_PP(1);

	PG_RETURN_POINTER(ctrlid_cmp_internal(a, b) <= 0 ? a : b);
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_larger);
Datum
ismap_ctrlid_larger(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_CTRLID_PP(0);
	struct varlena *b = PG_GETARG_CTRLID_PP(1);

	PG_RETURN_POINTER(ctrlid_cmp_internal(a, b) >= 0 ? a : b);
}

/* ---- sort support with abbreviated keys ---- */

static int
ctrlid_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	struct varlena *a = (struct varlena *) PG_DETOAST_DATUM_PACKED(x);
	struct varlena *b = (struct varlena *) PG_DETOAST_DATUM_PACKED(y);
	int			r = ctrlid_cmp_internal(a, b);

	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	if ((Pointer) b != DatumGetPointer(y))
		pfree(b);
	return r;
}

/* The abbreviated key: see ctrlid_key_abbrev() for why it is safe. */
static Datum
ctrlid_abbrev_convert(Datum original, SortSupport ssup)
{
	struct varlena *id = (struct varlena *) PG_DETOAST_DATUM_PACKED(original);
	uint64		abbrev = ctrlid_key_abbrev(CTRLID_KEY(id), CTRLID_KEYLEN(id));

	if ((Pointer) id != DatumGetPointer(original))
		pfree(id);
#if SIZEOF_DATUM == 8
	return UInt64GetDatum(abbrev);
#else
	return UInt32GetDatum((uint32) (abbrev >> 32));
#endif
}

/*
 * Control ids of up to eight small-numbered segments are told apart by the
 * abbreviation alone, so it pays off for nearly every catalog; never abort.
 */
static bool
ctrlid_abbrev_abort(int memtupcount, SortSupport ssup)
{
	return false;
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_sortsupport);
Datum
ismap_ctrlid_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = ctrlid_fastcmp;
	if (ssup->abbreviate)
	{
		ssup->abbrev_full_comparator = ctrlid_fastcmp;
		ssup->abbrev_converter = ctrlid_abbrev_convert;
		ssup->abbrev_abort = ctrlid_abbrev_abort;
		ssup->comparator = ssup_datum_unsigned_cmp;
	}
	PG_RETURN_VOID();
}

/* ---- hashing: over the key, so equal ids hash alike whatever the spelling ---- */

PG_FUNCTION_INFO_V1(ismap_ctrlid_hash);
Datum
ismap_ctrlid_hash(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);
	Datum		h = hash_any(CTRLID_KEY(id), CTRLID_KEYLEN(id));

	PG_FREE_IF_COPY(id, 0);
	return h;
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_hash_extended);
Datum
ismap_ctrlid_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);
	Datum		h = hash_any_extended(CTRLID_KEY(id), CTRLID_KEYLEN(id),
									  PG_GETARG_INT64(1));

	PG_FREE_IF_COPY(id, 0);
	return h;
}

/* ---- hierarchy ---- */

/* a @> b: a is b or one of its ancestors */
PG_FUNCTION_INFO_V1(ismap_ctrlid_contains);
Datum
ismap_ctrlid_contains(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_CTRLID_PP(0);
	struct varlena *b = PG_GETARG_CTRLID_PP(1);

	PG_RETURN_BOOL(ctrlid_key_is_prefix(CTRLID_KEY(a), CTRLID_KEYLEN(a),
										CTRLID_KEY(b), CTRLID_KEYLEN(b)));
}

/* a <@ b: a is b or one of its descendants */
PG_FUNCTION_INFO_V1(ismap_ctrlid_contained);
Datum
ismap_ctrlid_contained(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_CTRLID_PP(0);
	struct varlena *b = PG_GETARG_CTRLID_PP(1);

	PG_RETURN_BOOL(ctrlid_key_is_prefix(CTRLID_KEY(b), CTRLID_KEYLEN(b),
										CTRLID_KEY(a), CTRLID_KEYLEN(a)));
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_depth);
Datum
ismap_ctrlid_depth(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);

	PG_RETURN_INT32(CTRLID_NSEG(id));
}

/*
 * Segments [first, first + count) as a new ctrlid, spelled as in the
 * original.  The text is re-parsed: a stored value is always valid, so a
 * failure here is a bug.
 */
static struct varlena *
ctrlid_slice(const struct varlena *id, int first, int count)
{
	const char *text = CTRLID_TEXT(id);
	size_t		len = CTRLID_TEXTLEN(id);
	ctrlid_parsed p;
	size_t		errpos;
	char		buf[CTRLID_MAX_LEN * 2 + 2];
	size_t		n;

	if (ctrlid_parse(text, len, &p, &errpos) != CTRLID_OK)
		elog(ERROR, "stored ctrlid value \"%.*s\" does not parse",
			 (int) len, text);
	n = ctrlid_respell(text, len, &p, first, count, buf, sizeof(buf));
	if (n == 0)
		elog(ERROR, "could not slice ctrlid value \"%.*s\"", (int) len, text);
	return ismap_ctrlid_from_text(buf, n);
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_parent);
Datum
ismap_ctrlid_parent(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);
	int			nseg = CTRLID_NSEG(id);

	if (nseg <= 1)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(ctrlid_slice(id, 0, nseg - 1));
}

/*
 * subpath(id, offset, len) counts like contrib ltree: a negative offset
 * counts from the end, a negative len leaves that many segments off the end.
 */
static Datum
ctrlid_subpath_internal(struct varlena *id, int32 offset, int32 len)
{
	int			nseg = CTRLID_NSEG(id);
	int32		start = offset;
	int32		end;

	if (start < 0)
		start += nseg;
	if (len < 0)
		end = nseg + len;
	else
		end = (start > nseg - len) ? nseg : start + len;	/* no overflow */

	if (start < 0 || start >= nseg || end <= start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid positions for subpath of \"%.*s\"",
						(int) CTRLID_TEXTLEN(id), CTRLID_TEXT(id)),
				 errdetail("The identifier has %d segments; offset %d and length %d select none of them.",
						   nseg, offset, len)));
	return PointerGetDatum(ctrlid_slice(id, start, end - start));
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_subpath);
Datum
ismap_ctrlid_subpath(PG_FUNCTION_ARGS)
{
	return ctrlid_subpath_internal(PG_GETARG_CTRLID_PP(0),
								   PG_GETARG_INT32(1), PG_GETARG_INT32(2));
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_subpath_to_end);
Datum
ismap_ctrlid_subpath_to_end(PG_FUNCTION_ARGS)
{
	struct varlena *id = PG_GETARG_CTRLID_PP(0);

	return ctrlid_subpath_internal(id, PG_GETARG_INT32(1), CTRLID_NSEG(id));
}

PG_FUNCTION_INFO_V1(ismap_ctrlid_is_valid);
Datum
ismap_ctrlid_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	ctrlid_parsed p;
	size_t		errpos;

	PG_RETURN_BOOL(ctrlid_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
								&p, &errpos) == CTRLID_OK);
}

/*
 * text -> ctrlid without the cstring round trip of an I/O cast: the bulk
 * path when a column of identifiers is cast for sorting or loading.
 */
PG_FUNCTION_INFO_V1(ismap_text_to_ctrlid);
Datum
ismap_text_to_ctrlid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(ismap_ctrlid_from_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}
