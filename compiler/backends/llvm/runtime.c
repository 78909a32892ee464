/* tsgrad native runtime: a per-call arena for IR arrays.
 *
 * A kernel keeps one `void *arena` slot on its stack (NULL at entry). Every
 * array it allocates is a calloc'd block linked into that slot; the kernel's
 * single exit block calls tsg_arena_free, so arrays never outlive the call and
 * a failed bounds check cannot leak. Blocks are zero-filled because IR
 * `arr_new` arrays start as zeros (like JS typed arrays). */

#include <stdlib.h>
#include <string.h>

typedef struct tsg_block {
  struct tsg_block *next;
  void *pad; /* keeps the payload 16-byte aligned */
} tsg_block;

static void *arena_block(void **arena, long long bytes, int zero) {
  if (bytes < 0) return NULL;
  size_t n = sizeof(tsg_block) + (size_t)bytes;
  tsg_block *b = zero ? calloc(1, n) : malloc(n);
  if (!b) return NULL;
  b->next = *arena;
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
    free(b);
    b = next;
  }
  *arena = NULL;
}
