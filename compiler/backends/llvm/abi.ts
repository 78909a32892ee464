// Where each param and result of a Func lives at the native boundary; shared by
// the emitter (emit.ts) and the JS wrapper (load.ts) so they cannot disagree.
//
// Scalars travel as doubles in `in` / `out`. Rank-1 buffers are separate
// pointer arguments (JS typed arrays passed without copying, see load.ts);
// their lengths follow the scalars in `in`. Buffer results come back through
// a `tsg_outs` block (runtime.c), their lengths following the scalars in `out`.

import type { DType, Func } from "../../ir/syntax.js";

export interface Abi {
  /** Indices into f.params of the scalar params, in `in` order. */
  readonly scalarParams: readonly number[];
  /** Indices into f.params of the buffer params, in argument order. */
  readonly bufferParams: readonly number[];
  /** Indices into the results of the scalar results, in `out` order. */
  readonly scalarResults: readonly number[];
  /** Indices into the results of the buffer results, in `outs` slot order. */
  readonly bufferResults: readonly number[];
}

export function abiOf(f: Func): Abi {
  const split = (ts: { type: { rank: number } }[], rank1: boolean) => ts.flatMap((t, k) => ((t.type.rank > 0) === rank1 ? [k] : []));
  return {
    scalarParams: split(f.params, false),
    bufferParams: split(f.params, true),
    scalarResults: split(f.body.results, false),
    bufferResults: split(f.body.results, true),
  };
}

/** Bytes per element of a buffer; bool is one byte (0/1) like a Uint8Array. */
export const elemBytes: Record<DType, number> = { f64: 8, f32: 4, i32: 4, bool: 1 };

/** Staged results start at multiples of this (so every typed-array view of the stage is aligned). */
export const STAGE_ALIGN = 16;

/** Byte offset of slot 0 in `tsg_outs { char* stage; int64 cap; void* slot[]; }`. */
export const OUTS_SLOTS = 16;

export const alignUp = (n: number) => Math.ceil(n / STAGE_ALIGN) * STAGE_ALIGN;
