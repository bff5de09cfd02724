/*
 * ismap.h — declarations shared by the backend glue files
 */
#ifndef ISMAP_PG_H
#define ISMAP_PG_H

/*
 * ismap.so is compiled with -fvisibility=hidden (Makefile): only what
 * PostgreSQL looks up with dlsym is exported — Pg_magic_func, _PG_init and
 * each SQL-callable function with its pg_finfo_ record, all declared
 * PGDLLEXPORT by fmgr.h's macros or below.  PostgreSQL 15 leaves
 * PGDLLEXPORT empty on Linux unless it is already defined (c.h), so it is
 * defined here, before postgres.h; 16 and later define it the same way.
 * scripts/check-exported-symbols checks the result.
 */
#ifndef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

#include "postgres.h"
#include "fmgr.h"

/*
 * PostgreSQL 15's PG_FUNCTION_INFO_V1 exports the info function but
 * declares the function itself without PGDLLEXPORT (16 adds it), so under
 * -fvisibility=hidden it would stay hidden and CREATE FUNCTION could not
 * find it.  The same macro, with the function exported too.
 */
#if PG_VERSION_NUM < 160000
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record * CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record my_finfo = { 1 }; \
	return &my_finfo; \
} \
extern int no_such_variable
#endif

/*
 * The extension's gettext domain, "ismap-15" on PostgreSQL 15 (as PL/pgSQL
 * does with "plpgsql-15"): every ereport of the glue looks its messages up
 * there.  Each glue file includes this header right after postgres.h.
 */
#undef TEXTDOMAIN
#define TEXTDOMAIN PG_TEXTDOMAIN("ismap")

#include "ctrlid.h"
#include "cia.h"
#include "csv.h"
#include "sampling.h"
#include "oscal.h"
#include "oscal_write.h"

/*
 * ctrlid on disk: a varlena holding the segment count, the key length, the
 * order-preserving key, then the text as the user spelled it.  Every byte is
 * uint8, so a short-header (unaligned) varlena can be read in place.
 */
#define CTRLID_HDRSZ 2
#define CTRLID_NSEG(p)		(((const uint8 *) VARDATA_ANY(p))[0])
#define CTRLID_KEYLEN(p)	(((const uint8 *) VARDATA_ANY(p))[1])
#define CTRLID_KEY(p)		(((const uint8 *) VARDATA_ANY(p)) + CTRLID_HDRSZ)
#define CTRLID_TEXT(p)		((const char *) CTRLID_KEY(p) + CTRLID_KEYLEN(p))
#define CTRLID_TEXTLEN(p) \
	(VARSIZE_ANY_EXHDR(p) - CTRLID_HDRSZ - CTRLID_KEYLEN(p))

/*
 * Messages follow lc_messages through the extension's own gettext domain
 * (TEXTDOMAIN above; bound in _PG_init).  ereport's
 * errmsg/errdetail/errhint look their format up there by themselves; a text
 * that comes from the pure core (a status description) is looked up with
 * ISMAP_T.  Without NLS, dgettext is the identity.
 */
#define ISMAP_T(s) dgettext(TEXTDOMAIN, (s))

/* errors.c: the one place where core statuses become SQLSTATEs */
extern void ismap_ctrlid_error(ctrlid_status st, const char *input,
							   size_t len, size_t errpos) pg_attribute_noreturn();
extern void ismap_cia_error(cia_status st, const char *input, size_t len,
							size_t errpos, char which) pg_attribute_noreturn();
extern void ismap_cia_range_error(char which, long value) pg_attribute_noreturn();
extern void ismap_csv_error(csv_status st, long line) pg_attribute_noreturn();

/* The arguments of a sampling function, for the error messages. */
typedef struct ismap_sampling_args
{
	double		confidence;
	double		tolerable_rate;
	double		expected_rate;
	int64		population;		/* SAMPLING_NO_POPULATION for none */
	int64		sample_size;
	int64		deviations;
	bool		draw;			/* ismap_draw_sample (population 0 is allowed) */
} ismap_sampling_args;

extern void ismap_sampling_error(sampling_status st,
								 const ismap_sampling_args *a) pg_attribute_noreturn();
extern void ismap_sampling_model_error(const char *name) pg_attribute_noreturn();

extern void ismap_oscal_error(const oscal_error *err, const char *kind) pg_attribute_noreturn();
extern void ismap_oscal_json_error(const oscal_error *err, const char *kind) pg_attribute_noreturn();
extern void ismap_oscal_write_error(const oscal_write_error *err,
									const char *framework_id) pg_attribute_noreturn();

/* oscal.c: ismap.max_document_size in kB (a GUC defined in module.c) */
extern int	ismap_max_document_size;
/* ismap.allow_drop: DROP EXTENSION ismap goes through (drop_guard.c) */
extern bool ismap_allow_drop;

/* messages.c: translate the PL/pgSQL messages of the extension (_PG_init) */
extern void ismap_install_message_hook(void);

/* ctrlid.c */
extern struct varlena *ismap_ctrlid_from_text(const char *text, size_t len);

#endif							/* ISMAP_PG_H */
