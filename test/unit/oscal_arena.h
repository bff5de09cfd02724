/*
 * oscal_arena.h — a malloc arena for the OSCAL walker in tests and fuzzers
 *
 * The walker's allocator never frees; the arena frees everything at once.
 * A cap on the total makes runaway allocation visible as OSCAL_NO_MEMORY.
 */
#ifndef ISMAP_OSCAL_ARENA_H
#define ISMAP_OSCAL_ARENA_H

#include <stdlib.h>

typedef struct arena_block
{
	struct arena_block *next;
	size_t		size;
	/* data follows, max-aligned */
} arena_block;

typedef struct arena
{
	arena_block *blocks;
	size_t		total;
	size_t		cap;
} arena;

static void *
arena_alloc(void *ctx, size_t size)
{
	arena	   *a = (arena *) ctx;
	size_t		hdr = (sizeof(arena_block) + 15) & ~(size_t) 15;
	arena_block *b;

	if (size > a->cap || a->total + size > a->cap)
		return NULL;
	b = malloc(hdr + size);
	if (b == NULL)
		return NULL;
	b->next = a->blocks;
	b->size = size;
	a->blocks = b;
	a->total += size;
	return (char *) b + hdr;
}

static void
arena_free_all(arena *a)
{
	while (a->blocks)
	{
		arena_block *n = a->blocks->next;

		free(a->blocks);
		a->blocks = n;
	}
	a->total = 0;
}

#endif
