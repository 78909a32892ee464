/* tsgrad native runtime: a per-call arena for IR arrays.
 *
 * A kernel keeps one `void *arena` slot on its stack (NULL at entry). Every
 * array it allocates is a calloc'd block linked into that slot; the kernel's
 * single exit block calls tsg_arena_free, so arrays never outlive the call and
 * a failed bounds check cannot leak. Blocks are zero-filled because IR
 * `arr_new` arrays start as zeros (like JS typed arrays).
 *
 * Buffer results leave the kernel through tsg_results: small ones are copied
 * into a stage the JS side reads directly (no second native call); big ones
 * are "kept" (left out of the arena free) and handed to JS, which copies and
 * frees each with one tsg_take call. */

#include <stdlib.h>
#include <string.h>

typedef struct tsg_block {
  struct tsg_block *next;
  long long kept; /* handed to JS: tsg_arena_free skips it; also keeps the payload 16-byte aligned */
} tsg_block;

static void *arena_block(void **arena, long long bytes, int zero) {
  if (bytes < 0) return NULL;
  size_t n = sizeof(tsg_block) + (size_t)bytes;
  tsg_block *b = zero ? calloc(1, n) : malloc(n);
  if (!b) return NULL;
  b->next = *arena;
  b->kept = 0;
  *arena = b;
  return b + 1;
}

/* A zero-filled array of `bytes` bytes (arr_new), or NULL when out of memory. */
void *tsg_alloc(void **arena, long long bytes) {
  return arena_block(arena, bytes, 1);
}

/* A copy of `bytes` bytes at `src` (arr_set on an array that is still live). */
void *tsg_clone(void **arena, const void *src, long long bytes) {
  void *p = arena_block(arena, bytes, 0);
  if (p && bytes > 0) memcpy(p, src, (size_t)bytes);
  return p;
}

void tsg_arena_free(void **arena) {
  tsg_block *b = *arena;
  while (b) {
    tsg_block *next = b->next;
    if (!b->kept) free(b);
    b = next;
  }
  *arena = NULL;
}

/* The kernel's view of the JS side's result block (load.ts allocates it). */
typedef struct {
  char *stage;    /* staged results, each at a 16-byte aligned offset, in order */
  long long cap;  /* bytes in stage */
  void *slot[];   /* otherwise: result k's payload, for tsg_take */
} tsg_outs;

static long long align16(long long n) { return (n + 15) & ~15LL; }

static tsg_block *find_block(void **arena, const void *p) {
  for (tsg_block *b = *arena; b; b = b->next)
    if ((const void *)(b + 1) == p) return b;
  return NULL;
}

/* Hands the kernel's n buffer results to JS: all staged when they fit
 * (load.ts applies the same rule to know where to read), else each one kept:
 * an arena block without copying, anything else (a parameter buffer, or a
 * block already kept for an earlier result) as a kept copy. Returns 0, or 3
 * (out of memory), after which nothing is kept and the arena frees it all. */
int tsg_results(void **arena, tsg_outs *outs, int n, void *const *ptrs, const long long *bytes) {
  long long total = 0;
  for (int k = 0; k < n; k++) total += align16(bytes[k]);
  if (total <= outs->cap) {
    long long off = 0;
    for (int k = 0; k < n; k++) {
      if (bytes[k] > 0) memcpy(outs->stage + off, ptrs[k], (size_t)bytes[k]);
      off += align16(bytes[k]);
    }
    return 0;
  }
  for (int k = 0; k < n; k++) {
    tsg_block *b = find_block(arena, ptrs[k]);
    if (!b || b->kept) {
      void *copy = tsg_clone(arena, ptrs[k], bytes[k]);
      if (!copy) {
        for (int j = 0; j < k; j++) ((tsg_block *)outs->slot[j] - 1)->kept = 0;
        return 3;
      }
      b = (tsg_block *)copy - 1;
    }
    b->kept = 1;
    outs->slot[k] = b + 1;
  }
  return 0;
}

/* Copies kept result k into dst (a JS typed array) and frees it. */
void tsg_take(void *dst, tsg_outs *outs, int k, long long bytes) {
  void *p = outs->slot[k];
  if (!p) return;
  if (bytes > 0) memcpy(dst, p, (size_t)bytes);
  free((tsg_block *)p - 1);
  outs->slot[k] = NULL;
}
