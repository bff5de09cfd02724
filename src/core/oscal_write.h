/*
 * oscal_write.h — OSCAL XML catalog writer (pure C, no PostgreSQL headers)
 *
 * The counterpart of oscal_walk_catalog(): it takes the same records the
 * walker hands out (oscal_meta, oscal_group, oscal_control, oscal_param)
 * and writes an OSCAL 1.1 XML catalog that the walker reads back to the
 * same records.  Output goes to the caller's sink in chunks; scratch memory
 * (the tree of groups and controls, its indexes) comes from the caller's
 * allocator, which never frees (a memory context or an arena).  Nothing is
 * global; the only error channel is the status and the oscal_write_error.
 *
 * Characters.  XML 1.0 has no way to carry a C0 control character other
 * than tab, line feed and carriage return, nor U+FFFE or U+FFFF: not as
 * text and not as a character reference (&#1; is not well-formed either).
 * Every value is checked before it is written, and such a value is refused
 * (OSCAL_WRITE_CONTROL_CHAR, OSCAL_WRITE_NONCHARACTER), as is text that is
 * not well-formed UTF-8 (OSCAL_WRITE_BAD_UTF8).  The error names the record,
 * the field and the 1-based character position; it never holds the bad
 * bytes themselves.  So whatever the writer returns with OSCAL_WRITE_OK is
 * a well-formed document.
 *
 * Order.  groups[] and controls[] are each in document order; the writer
 * merges them by their order field (a group first on a tie), hangs a
 * control under its parent control, else its group, else the catalog, and
 * a group under its parent group.  A param hangs under its control, else
 * its group, else the catalog.  The catalog lists its params, then its own
 * controls, then its groups (OSCAL's order).
 */
#ifndef ISMAP_CORE_OSCAL_WRITE_H
#define ISMAP_CORE_OSCAL_WRITE_H

#include <stddef.h>

#include "oscal.h"

typedef enum oscal_write_status
{
	OSCAL_WRITE_OK = 0,
	/* a value XML 1.0 cannot carry (2200N) */
	OSCAL_WRITE_CONTROL_CHAR,	/* C0 control other than tab, LF, CR */
	OSCAL_WRITE_NONCHARACTER,	/* U+FFFE or U+FFFF */
	OSCAL_WRITE_BAD_UTF8,		/* not well-formed UTF-8 */
	/* records that do not make a catalog */
	OSCAL_WRITE_MISSING,		/* a required value (id, title, ...) is NULL */
	OSCAL_WRITE_DUPLICATE_ID,	/* two groups or two controls share an id */
	OSCAL_WRITE_CYCLE,			/* a group or control is its own ancestor */
	/* limits (54000) */
	OSCAL_WRITE_TOO_DEEP,		/* groups and controls nested too deep */
	OSCAL_WRITE_TOO_MANY,		/* too many groups, controls and params */
	OSCAL_WRITE_TOO_LONG,		/* the document would exceed max_output */
	/* other */
	OSCAL_WRITE_NO_MEMORY,
	OSCAL_WRITE_ABORTED			/* the sink returned non-zero */
} oscal_write_status;

typedef struct oscal_write_limits
{
	int			max_depth;		/* nesting of groups and controls together */
	long		max_items;		/* groups + controls + params */
	size_t		max_output;		/* bytes of the whole document */
} oscal_write_limits;

#define OSCAL_WRITE_DEFAULT_LIMITS {64, 1000000, (size_t) 1024 * 1024 * 1024 - 1}

/* Receives the document in order; returns 0, or non-zero to stop. */
typedef struct oscal_sink
{
	int			(*write) (void *ctx, const char *data, size_t len);
	void	   *ctx;
} oscal_sink;

/*
 * What to write.  meta.uuid, meta.title, meta.last_modified and
 * meta.oscal_version are required; publisher_uuid is required when
 * meta.publisher is set.  A control whose order is unknown sorts last with
 * order INT_MAX.
 */
typedef struct oscal_catalog_doc
{
	oscal_meta	meta;
	const char *publisher_uuid; /* the publisher party's uuid */
	const oscal_group *groups;
	int			ngroups;
	const oscal_control *controls;
	int			ncontrols;
	const oscal_param *params;
	int			nparams;
} oscal_catalog_doc;

/*
 * Where the writer stopped.  kind is "catalog", "group", "control" or
 * "param", index the record's 0-based index in its array (-1 for the
 * catalog), id the record's id when it is itself writable text (else
 * empty), field the value concerned ("title", "statement", "choice", ...).
 * For a character fault, char_pos is the 1-based character position in the
 * value, byte_pos the byte offset and codepoint the character (-1 for
 * bytes that are not UTF-8).  All strings are static or copies: the error
 * stays valid when the records are gone.
 */
typedef struct oscal_write_error
{
	oscal_write_status status;
	const char *kind;
	long		index;
	char		id[128];
	const char *field;
	long		char_pos;
	size_t		byte_pos;
	long		codepoint;
} oscal_write_error;

extern oscal_write_status oscal_write_catalog(const oscal_catalog_doc *doc,
											  const oscal_write_limits *lim,
											  const oscal_alloc *al,
											  const oscal_sink *sink,
											  oscal_write_error *err);

/*
 * Check that s (NUL-terminated) is UTF-8 that XML 1.0 can carry.  Returns
 * OSCAL_WRITE_OK or a character status with *char_pos (1-based),
 * *byte_pos and *codepoint (-1 for bad UTF-8) set.
 */
extern oscal_write_status oscal_xml_text_check(const char *s, long *char_pos,
											   size_t *byte_pos,
											   long *codepoint);

/* A sentence describing the status, for an error detail. */
extern const char *oscal_write_status_text(oscal_write_status st);

#endif							/* ISMAP_CORE_OSCAL_WRITE_H */
