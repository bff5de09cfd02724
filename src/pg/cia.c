/*
 * cia.c — the ismap.cia rating type
 *
 * A pass-by-value 16-bit packing of (C, I, A).  Dominance (@>) is a partial
 * order and is never spelled "<"; the btree opclass sorts by the
 * lexicographic (C, I, A) order through the ~<~ family of operators only.
 */
#include "ismap.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#define CIA_BINARY_VERSION 1

#define DatumGetCia(d)		((cia_value) DatumGetUInt16(d))
#define CiaGetDatum(v)		UInt16GetDatum(v)
#define PG_GETARG_CIA(n)	DatumGetCia(PG_GETARG_DATUM(n))
#define PG_RETURN_CIA(v)	return CiaGetDatum(v)

PG_FUNCTION_INFO_V1(ismap_cia_in);
Datum
ismap_cia_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		len = strlen(str);
	cia_value	v;
	size_t		errpos;
	char		which = 0;
	cia_status	st = cia_parse(str, len, &v, &errpos, &which);

	if (st != CIA_OK)
		ismap_cia_error(st, str, len, errpos, which);
	PG_RETURN_CIA(v);
}

PG_FUNCTION_INFO_V1(ismap_cia_out);
Datum
ismap_cia_out(PG_FUNCTION_ARGS)
{
	char	   *buf = palloc(CIA_TEXT_LEN + 1);

	cia_format(PG_GETARG_CIA(0), buf);
	PG_RETURN_CSTRING(buf);
}

/* Binary format: a version byte, then C, I and A as one byte each. */
PG_FUNCTION_INFO_V1(ismap_cia_recv);
Datum
ismap_cia_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int			c,
				i,
				a;
	cia_value	v;
	char		which = 0;

	if (version != CIA_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type %s",
						version, "cia"),
				 errdetail("This server reads version %d.", CIA_BINARY_VERSION)));
	c = pq_getmsgbyte(buf);
	i = pq_getmsgbyte(buf);
	a = pq_getmsgbyte(buf);
	if (cia_make(c, i, a, &v, &which) != CIA_OK)
		ismap_cia_range_error(which, which == 'C' ? c : which == 'I' ? i : a);
	PG_RETURN_CIA(v);
}

PG_FUNCTION_INFO_V1(ismap_cia_send);
Datum
ismap_cia_send(PG_FUNCTION_ARGS)
{
	cia_value	v = PG_GETARG_CIA(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CIA_BINARY_VERSION);
	pq_sendbyte(&buf, cia_conf(v));
	pq_sendbyte(&buf, cia_integ(v));
	pq_sendbyte(&buf, cia_avail(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ismap.cia(c, i, a) */
PG_FUNCTION_INFO_V1(ismap_cia_construct);
Datum
ismap_cia_construct(PG_FUNCTION_ARGS)
{
	int32		c = PG_GETARG_INT32(0);
	int32		i = PG_GETARG_INT32(1);
	int32		a = PG_GETARG_INT32(2);
	cia_value	v;
	char		which = 0;

	if (cia_make(c, i, a, &v, &which) != CIA_OK)
		ismap_cia_range_error(which, which == 'C' ? c : which == 'I' ? i : a);
	PG_RETURN_CIA(v);
}

PG_FUNCTION_INFO_V1(ismap_cia_get_conf);
Datum
ismap_cia_get_conf(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cia_conf(PG_GETARG_CIA(0)));
}

PG_FUNCTION_INFO_V1(ismap_cia_get_integ);
Datum
ismap_cia_get_integ(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cia_integ(PG_GETARG_CIA(0)));
}

PG_FUNCTION_INFO_V1(ismap_cia_get_avail);
Datum
ismap_cia_get_avail(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cia_avail(PG_GETARG_CIA(0)));
}

#define CIA_BOOL_FN(name, expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	cia_value	a = PG_GETARG_CIA(0); \
	cia_value	b = PG_GETARG_CIA(1); \
	PG_RETURN_BOOL(expr); \
}

CIA_BOOL_FN(ismap_cia_eq, a == b)
CIA_BOOL_FN(ismap_cia_ne, a != b)
CIA_BOOL_FN(ismap_cia_lex_lt, a < b)
CIA_BOOL_FN(ismap_cia_lex_le, a <= b)
CIA_BOOL_FN(ismap_cia_lex_gt, a > b)
CIA_BOOL_FN(ismap_cia_lex_ge, a >= b)
CIA_BOOL_FN(ismap_cia_dominates, cia_dominates(a, b))
CIA_BOOL_FN(ismap_cia_dominated, cia_dominates(b, a))

PG_FUNCTION_INFO_V1(ismap_cia_lex_cmp);
Datum
ismap_cia_lex_cmp(PG_FUNCTION_ARGS)
{
	cia_value	a = PG_GETARG_CIA(0);
	cia_value	b = PG_GETARG_CIA(1);

	PG_RETURN_INT32(a < b ? -1 : a > b ? 1 : 0);
}

PG_FUNCTION_INFO_V1(ismap_cia_join);
Datum
ismap_cia_join(PG_FUNCTION_ARGS)
{
	PG_RETURN_CIA(cia_join(PG_GETARG_CIA(0), PG_GETARG_CIA(1)));
}

PG_FUNCTION_INFO_V1(ismap_cia_hash);
Datum
ismap_cia_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_CIA(0));
}

PG_FUNCTION_INFO_V1(ismap_cia_hash_extended);
Datum
ismap_cia_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_CIA(0), PG_GETARG_INT64(1));
}
