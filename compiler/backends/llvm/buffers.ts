// Calls a kernel with rank-1 buffers (ABI in abi.ts and emit.ts).
//
// Inputs: each typed array is a koffi pointer argument, no copy (see load.ts
// for the measurements); its length goes into `in` after the scalars.
//
// Results: every call must return FRESH typed arrays, and allocating one is
// the expensive part on V8 (>64 bytes goes off-heap: ~0.5 µs). What we avoid
// is a second native call: the kernel copies its buffer results into a
// per-kernel native "stage" whose typed-array views JS reads directly. When
// they do not fit, the kernel keeps them (runtime.c tsg_results) and JS copies
// and frees each with ONE call (tsg_take), then grows the stage for next
// time, up to STAGE_MAX: above that a memcpy into the stage costs more than
// the tsg_take call it saves, and big results avoid the extra copy entirely.

import type { DType, Func } from "../../ir/syntax.js";
import { type Abi, OUTS_SLOTS, alignUp, elemBytes } from "./abi.js";

export type Koffi = typeof import("koffi");
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;
type TypedCtor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

const ctors: Record<DType, TypedCtor> = { f64: Float64Array, f32: Float32Array, i32: Int32Array, bool: Uint8Array };

const STAGE_MIN = 512;
const STAGE_MAX = 16 * 1024;
/** Results up to this many elements are copied out of the stage by a loop (cheaper than subarray + set). */
const LOOP_COPY = 32;

type Views = Record<DType, TypedArray>;

export class BufferCall {
  private readonly args: unknown[];
  private readonly sp: readonly number[];
  private readonly bp: readonly number[];
  private readonly sr: readonly number[];
  private readonly br: readonly number[];
  private readonly inCtors: TypedCtor[];
  private readonly outCtors: TypedCtor[];
  private readonly outBytes: number[];
  private readonly outDtypes: DType[];
  private readonly outs: unknown; // tsg_outs { char* stage; int64 cap; void* slot[] }
  private readonly take: ((dst: unknown, outs: unknown, k: number, bytes: number) => void) | undefined;
  private readonly call: (a: unknown[]) => unknown;
  private stage: unknown;
  private cap = 0;
  private views!: Views;

  constructor(
    private readonly k: Koffi,
    lib: ReturnType<Koffi["load"]>,
    private readonly f: Func,
    abi: Abi,
    private readonly fn: (...a: unknown[]) => unknown,
    io: [unknown, unknown],
    private readonly input: Float64Array,
    private readonly output: Float64Array,
    private readonly fail: (st: number) => never,
  ) {
    ({ scalarParams: this.sp, bufferParams: this.bp, scalarResults: this.sr, bufferResults: this.br } = abi);
    this.inCtors = this.bp.map((p) => ctors[f.params[p].type.dtype]);
    this.outCtors = this.br.map((r) => ctors[f.body.results[r].type.dtype]);
    this.outDtypes = this.br.map((r) => f.body.results[r].type.dtype);
    this.outBytes = this.outDtypes.map((d) => elemBytes[d]);
    this.args = [...io, ...this.bp.map(() => null)];
    if (this.br.length) {
      this.outs = k.alloc("void*", OUTS_SLOTS / 8 + this.br.length);
      this.args.push(this.outs);
      this.take = lib.func("void tsg_take(void*, void*, int, int64_t)") as BufferCall["take"];
      this.setStage(STAGE_MIN);
    }
    this.call = spreader(fn, this.args.length);
  }

  invoke(args: readonly unknown[]): (number | TypedArray)[] {
    const { f, input, sp, bp } = this;
    if (args.length !== f.params.length) throw new Error(`${f.name} expects ${f.params.length} arguments, got ${args.length}`);
    for (let j = 0; j < sp.length; j++) input[j] = args[sp[j]] as number;
    for (let j = 0; j < bp.length; j++) {
      const x = this.buffer(args[bp[j]], j);
      input[sp.length + j] = x.length;
      this.args[2 + j] = x;
    }
    const st = this.call(this.args) as number;
    for (let j = 0; j < bp.length; j++) this.args[2 + j] = null; // do not keep the caller's arrays alive
    if (st !== 0) this.fail(st);
    const res = new Array<number | TypedArray>(f.body.results.length);
    for (let j = 0; j < this.sr.length; j++) res[this.sr[j]] = this.output[j];
    if (this.br.length) this.collect(res);
    return res;
  }

  /** Argument j as the typed array the kernel reads (never written: abi.ts and annotate.ts). */
  private buffer(a: unknown, j: number): TypedArray {
    const C = this.inCtors[j];
    let x: TypedArray;
    if (a instanceof C) x = a;
    else if (Array.isArray(a)) x = C.from(a as number[]);
    else throw new TypeError(`${this.f.name}: argument ${this.bp[j]} must be a ${C.name}`);
    if (x.length > 0x7fffffff) throw new RangeError(`${this.f.name}: argument ${this.bp[j]} has more than 2^31-1 elements`);
    // The kernel's own in/out/stage memory must not double as an input (annotate.ts declares them noalias).
    const buf = x.buffer;
    if (buf === this.input.buffer || buf === this.output.buffer || (this.views && buf === this.views.f64.buffer)) x = x.slice();
    return x;
  }

  private collect(res: (number | TypedArray)[]): void {
    const { output, br, outBytes, outCtors } = this;
    const base = this.sr.length;
    let total = 0;
    for (let k = 0; k < br.length; k++) total += alignUp(output[base + k] * outBytes[k]);
    if (total <= this.cap) {
      // Staged (runtime.c tsg_results applies the same rule).
      let off = 0;
      for (let k = 0; k < br.length; k++) {
        const n = output[base + k];
        const x = new outCtors[k](n);
        const view = this.views[this.outDtypes[k]];
        const at = off / outBytes[k];
        if (n <= LOOP_COPY) for (let i = 0; i < n; i++) x[i] = view[at + i];
        else x.set(view.subarray(at, at + n));
        res[br[k]] = x;
        off += alignUp(n * outBytes[k]);
      }
      return;
    }
    let k = 0;
    try {
      for (; k < br.length; k++) {
        const n = output[base + k];
        const x = new outCtors[k](n);
        this.take!(x, this.outs, k, n * outBytes[k]);
        res[br[k]] = x;
      }
    } finally {
      for (; k < br.length; k++) this.take!(null, this.outs, k, 0); // frees what was not taken
    }
    if (total <= STAGE_MAX) this.setStage(Math.min(STAGE_MAX, 2 ** Math.ceil(Math.log2(total))));
  }

  private setStage(bytes: number): void {
    const { k } = this;
    const stage = k.alloc("uint8", bytes);
    k.encode(this.outs, 0, "void*", stage);
    k.encode(this.outs, 8, "int64", bytes);
    if (this.stage) k.free(this.stage);
    this.stage = stage;
    this.cap = bytes;
    const ab = k.view(stage, bytes);
    this.views = { f64: new Float64Array(ab), f32: new Float32Array(ab), i32: new Int32Array(ab), bool: new Uint8Array(ab) };
  }
}


/** fn(...a) without the spread for the usual arities (measured: spread adds ~20 ns per call). */
function spreader(fn: (...a: unknown[]) => unknown, n: number): (a: unknown[]) => unknown {
  switch (n) {
    case 3: return (a) => fn(a[0], a[1], a[2]);
    case 4: return (a) => fn(a[0], a[1], a[2], a[3]);
    case 5: return (a) => fn(a[0], a[1], a[2], a[3], a[4]);
    case 6: return (a) => fn(a[0], a[1], a[2], a[3], a[4], a[5]);
    default: return (a) => fn(...a);
  }
}
