/*
 * module.c — the one PG_MODULE_MAGIC of ismap.so, and the module's settings
 */
#include "ismap.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	/*
	 * The largest OSCAL document the importers accept, checked before the
	 * document is parsed (or even decompressed).  The rev4 catalog is 3.5 MB.
	 * Superuser-only: it guards the server's memory.
	 */
	DefineCustomIntVariable("ismap.max_document_size",
							"Largest OSCAL document the importers accept.",
							"Larger documents are refused before parsing.",
							&ismap_max_document_size,
							64 * 1024, 1, MAX_KILOBYTES,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("ismap");
}
