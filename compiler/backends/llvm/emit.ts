// Lowers IR functions to one LLVM module. Structured control flow becomes
// basic blocks with phi nodes at loop headers and `if` joins; primitives go
// through the table in lower.ts; arrays become (element pointer, i32 length)
// pairs allocated from a per-call arena (runtime.c) and freed at return.
// Array values may share a buffer; the shared analysis in ../ownership.ts
// (also used by the JS backend) decides which arr_set may write in place and
// which loop inits must be copied at loop entry. Innermost loops whose
// accesses one test can prove in bounds are emitted twice (versioning.ts),
// so the vectorizer sees a copy without the bounds-check exits.
//
// Kernel ABI, one exported symbol per Func (see kernelSymbol and abi.ts):
//   int32_t tsgk_NAME(const double* in, double* out,      // scalars, as before
//                     const T* buf_0, .., const T* buf_n-1, // rank-1 buffer params, in order
//                     tsg_outs* outs)                      // only when there are buffer results
// in  = [scalar params in order.., length of buf_0 .. buf_n-1]
// out = [scalar results in order.., length of buffer result 0 .. m-1]
// Scalars are converted like eval.ts `convert`. Buffer results are handed over
// by tsg_results (runtime.c): copied into outs->stage, or left in outs->slot[k]
// for JS to take. The return value is a Status (0 = success); on failure `out`
// is left unspecified. A Func without buffers has exactly the old 2-pointer ABI.

import { convert as convertJS } from "../../ir/eval.js";
import type { Atom, Block, DType, ForStmt, Func, PrimStmt, Stmt } from "../../ir/syntax.js";
import { type ArrVal, type LowerCx, type NVal, convert, isArr, llType, lowerings } from "./lower.js";
import { type BasicBlock, type Fn, LLModule, type LType, type Value } from "./module.js";
import { type LoopStmt, type Ownership, analyzeOwnership, needsCopyAtLoopEntry } from "../ownership.js";
import type LLVM from "llvm-bindings";
import { abiOf, elemBytes } from "./abi.js";
import { type RangeAccess, rangeAccesses } from "./versioning.js";
import { REDUCTION_NAME, reductionAdds } from "./annotate.js";

/** Kernel return codes; load.ts turns them into exceptions. */
export const Status = { ok: 0, outOfBounds: 1, negativeLength: 2, outOfMemory: 3 } as const;

export const statusMessages: Record<number, string> = {
  [Status.outOfBounds]: "index out of bounds",
  [Status.negativeLength]: "invalid array length",
  [Status.outOfMemory]: "out of memory",
};

/** The C symbol of a kernel: a prefix keeps IR names from colliding with libm (a Func named `sin`). */
export function kernelSymbol(name: string): string {
  return `tsgk_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** Why `f` cannot be a native kernel, or undefined. */
export function unsupportedReason(f: Func): string | undefined {
  const arr = [...f.params.map((p) => p.type), ...f.body.results.map((r) => r.type)].some((t) => t.rank > 1);
  return arr ? `${f.name}: arrays of rank > 1 at the native boundary must be lowered by passes/lower-arrays.ts first` : undefined;
}

/** Builds the module for `funcs`; returns it with each Func's exported symbol. */
export function emitModule(funcs: Func[], moduleName = "tsgrad"): { m: LLModule; symbols: string[] } {
  for (const f of funcs) {
    const why = unsupportedReason(f);
    if (why) throw new Error(why);
  }
  const symbols = funcs.map((f) => kernelSymbol(f.name));
  const dup = symbols.find((s, k) => symbols.indexOf(s) !== k);
  if (dup) throw new Error(`two functions lower to the same native symbol ${dup}`);
  const m = new LLModule(moduleName);
  funcs.forEach((f, k) => new FuncEmitter(m, f, symbols[k]).emit());
  if (!m.verify()) throw new LLVMVerifyError(m.print());
  return { m, symbols };
}

/** The emitted module is malformed (an emitter bug); index.ts asks `opt -verify` for the reason. */
export class LLVMVerifyError extends Error {
  constructor(readonly moduleText: string) {
    super("tsgrad emitted an LLVM module that fails verification");
  }
}


class FuncEmitter implements LowerCx {
  private readonly env = new Map<string, NVal>();
  private readonly own: Ownership;
  private readonly reductions: Set<PrimStmt>;
  private fn!: Fn;
  private exit!: BasicBlock;
  private status!: LLVM.PHINode;
  private arena: Value | undefined; // i8** slot holding the arena's block list
  s!: PrimStmt; // the statement being lowered (LowerCx)
  name: string | undefined; // LowerCx
  private unchecked = new Set<PrimStmt>(); // accesses proven in bounds (versioning.ts)

  constructor(
    readonly m: LLModule,
    private readonly f: Func,
    private readonly symbol: string,
  ) {
    this.own = analyzeOwnership(f);
    this.reductions = reductionAdds(f);
  }

  emit(): void {
    const { m, f } = this;
    const b = m.b;
    const abi = abiOf(f);
    const dp = m.ptr(m.f64);
    const bufTypes = abi.bufferParams.map((k) => m.ptr(this.elemType(f.params[k].type.dtype)));
    const hasOuts = abi.bufferResults.length > 0;
    this.fn = m.defineFunction(this.symbol, m.i32, [dp, dp, ...bufTypes, ...(hasOuts ? [m.i8p] : [])]);
    // annotate.ts finds the arguments by these names to add noalias/readonly/nocapture.
    const argNames = ["in", "out", ...abi.bufferParams.map((_, j) => `buf.${j}`), "outs"];
    for (let k = 0; k < this.fn.arg_size(); k++) this.fn.getArg(k).setName(argNames[k]);
    const entry = b.GetInsertBlock()!;
    if (usesArrays(f.body) || hasOuts) {
      this.arena = b.CreateAlloca(m.i8p, null, "arena");
      b.CreateStore(m.nullPtr(m.i8p), this.arena);
    }
    // One exit block: every path (success or a failed check) frees the arena here.
    this.exit = m.block(this.fn, "exit");
    b.SetInsertPoint(this.exit);
    this.status = b.CreatePHI(m.i32, 2, "status");
    if (this.arena) m.call("tsg_arena_free", b.getVoidTy(), [this.arena]);
    b.CreateRet(this.status);
    b.SetInsertPoint(entry);

    const [inp, out] = [this.fn.getArg(0), this.fn.getArg(1)];
    const loadIn = (k: number, name: string) => b.CreateLoad(m.f64, b.CreateInBoundsGEP(m.f64, inp, m.int64(k)), name);
    abi.scalarParams.forEach((p, k) => {
      const x = loadIn(k, f.params[p].name);
      this.env.set(f.params[p].name, convert(m, x, "f64", f.params[p].type.dtype));
    });
    abi.bufferParams.forEach((p, j) => {
      const { name, type } = f.params[p];
      // load.ts writes exact integer lengths below 2^31, so fptosi is exact.
      const len = b.CreateFPToSI(loadIn(abi.scalarParams.length + j, `${name}.len`), m.i32);
      this.env.set(name, { kind: "arr", ptr: this.fn.getArg(2 + j), len, dtype: type.dtype });
    });
    const results = this.block(f.body);
    const store = (x: Value, k: number) => b.CreateStore(x, b.CreateInBoundsGEP(m.f64, out, m.int64(k)));
    abi.scalarResults.forEach((r, k) => store(convert(m, results[r] as Value, f.body.results[r].type.dtype, "f64"), k));
    if (hasOuts) this.handOver(abi.bufferResults.map((r) => results[r] as ArrVal), abi.scalarResults.length);
    this.branchExit(Status.ok);
  }

  /** Buffer results: lengths into `out` after the scalars, contents through tsg_results (runtime.c). */
  private handOver(arrs: ArrVal[], first: number): void {
    const { m } = this;
    const b = m.b;
    const out = this.fn.getArg(1);
    const n = arrs.length;
    const ptrs = b.CreateAlloca(m.i8p, m.int32(n), "res.ptrs");
    const bytes = b.CreateAlloca(m.i64, m.int32(n), "res.bytes");
    arrs.forEach((a, k) => {
      b.CreateStore(b.CreateSIToFP(a.len, m.f64), b.CreateInBoundsGEP(m.f64, out, m.int64(first + k)));
      b.CreateStore(b.CreateBitCast(a.ptr, m.i8p), b.CreateInBoundsGEP(m.i8p, ptrs, m.int64(k)));
      b.CreateStore(this.bytes(a.len, a.dtype), b.CreateInBoundsGEP(m.i64, bytes, m.int64(k)));
    });
    const outs = this.fn.getArg(this.fn.arg_size() - 1);
    const st = m.call("tsg_results", m.i32, [this.arena!, outs, m.int32(n), ptrs, bytes]);
    this.check(b.CreateICmpEQ(st, m.int32(Status.ok)), Status.outOfMemory, "results.ok");
  }

  private branchExit(code: number): void {
    this.status.addIncoming(this.m.int32(code), this.m.b.GetInsertBlock()!);
    this.m.b.CreateBr(this.exit);
  }

  /** Continues when `ok` holds, else returns `code` from the kernel. */
  private check(ok: Value, code: number, what: string): void {
    const b = this.m.b;
    const cont = this.m.block(this.fn, what);
    b.CreateCondBr(ok, cont, this.exit);
    this.status.addIncoming(this.m.int32(code), b.GetInsertBlock()!);
    b.SetInsertPoint(cont);
  }

  // ---- values -------------------------------------------------------------------------

  private atom(a: Atom): NVal {
    if (a.kind === "var") {
      const x = this.env.get(a.name);
      if (!x) throw new Error(`${this.f.name}: ${a.name} has no native value`);
      return x;
    }
    const m = this.m;
    const d = a.type.dtype;
    if (d === "f64") return m.f(m.f64, a.value);
    if (d === "f32") return m.f(m.f32, Math.fround(a.value));
    if (d === "i32") return m.int32(convertJS(a.value, "i32"));
    return m.bool(a.value !== 0);
  }

  /** Loop init k: a copy when the loop writes it and it is still needed elsewhere. */
  private init(s: LoopStmt, k: number): NVal {
    const x = this.atom(s.inits[k]);
    return isArr(x) && needsCopyAtLoopEntry(this.own, s, k) ? this.clone(x) : x;
  }

  scalar(k: number): Value {
    const x = this.atom(this.s.args[k]);
    if (isArr(x)) throw new Error(`${this.s.prim}: argument ${k} is an array`);
    return x;
  }

  array(k: number): ArrVal {
    const x = this.atom(this.s.args[k]);
    if (!isArr(x)) throw new Error(`${this.s.prim}: argument ${k} is not an array`);
    return x;
  }

  // ---- arrays ---------------------------------------------------------------------------

  private elemType(d: DType): LType {
    return d === "bool" ? this.m.i8 : llType(this.m, d);
  }

  private bytes(len: Value, d: DType): Value {
    const b = this.m.b;
    return b.CreateMul(b.CreateSExt(len, this.m.i64), this.m.int64(elemBytes[d]));
  }

  private fromRaw(p: Value, len: Value, dtype: DType): ArrVal {
    const b = this.m.b;
    this.check(b.CreateIsNotNull(p), Status.outOfMemory, "alloc.ok");
    return { kind: "arr", ptr: b.CreateBitCast(p, this.m.ptr(this.elemType(dtype))), len, dtype };
  }

  arrNew(len: Value, dtype: DType): ArrVal {
    const { m } = this;
    this.check(m.b.CreateICmpSGE(len, m.int32(0)), Status.negativeLength, "len.ok");
    const p = m.call("tsg_alloc", m.i8p, [this.arena!, this.bytes(len, dtype)]); // zero-filled
    return this.fromRaw(p, len, dtype);
  }

  private clone(a: ArrVal): ArrVal {
    const { m } = this;
    const src = m.b.CreateBitCast(a.ptr, m.i8p);
    const p = m.call("tsg_clone", m.i8p, [this.arena!, src, this.bytes(a.len, a.dtype)]);
    return this.fromRaw(p, a.len, a.dtype);
  }

  private elemPtr(a: ArrVal, i: Value): Value {
    const b = this.m.b;
    // Unsigned compare: a negative index is a huge unsigned one.
    if (!this.unchecked.has(this.s)) this.check(b.CreateICmpULT(i, a.len), Status.outOfBounds, "index.ok");
    return b.CreateInBoundsGEP(this.elemType(a.dtype), a.ptr, b.CreateZExt(i, this.m.i64));
  }

  arrGet(a: ArrVal, i: Value): Value {
    const { m } = this;
    const x = m.b.CreateLoad(this.elemType(a.dtype), this.elemPtr(a, i));
    return a.dtype === "bool" ? m.b.CreateICmpNE(x, m.b.getInt8(0)) : x;
  }

  arrSet(arr: ArrVal, i: Value, x: Value): ArrVal {
    const { m } = this;
    const a = this.own.inPlace.has(this.s) ? arr : this.clone(arr);
    const p = this.elemPtr(a, i);
    m.b.CreateStore(a.dtype === "bool" ? m.b.CreateZExt(x, m.i8) : x, p);
    return a;
  }

  // ---- control flow ---------------------------------------------------------------------

  /** Emits a block's statements and returns its results. */
  /** Branches on `c` to two arms that emit code and return values, and joins them with phis. */
  private diamond(c: Value, kind: string, names: [string, string], arms: [() => NVal[], () => NVal[]]): NVal[] {
    const { m } = this;
    const b = m.b;
    const [first, second, join] = [...names, "join"].map((n) => m.block(this.fn, `${kind}.${n}`));
    b.CreateCondBr(c, first, second);
    const ends = ([first, second] as const).map((bb, k) => {
      b.SetInsertPoint(bb);
      const vals = arms[k]();
      const end = b.GetInsertBlock()!;
      b.CreateBr(join);
      return { vals, end };
    });
    b.SetInsertPoint(join);
    const P = new Phis(m, ends[0].vals, ends[0].end);
    P.add(ends[1].vals, ends[1].end);
    return P.vals;
  }

  private block(blk: Block): NVal[] {
    for (const s of blk.stmts) this.stmt(s);
    return blk.results.map((r) => this.atom(r));
  }

  private bind(vars: { name: string }[], vals: NVal[]): void {
    vars.forEach((x, k) => this.env.set(x.name, vals[k]));
  }

  private stmt(s: Stmt): void {
    const { m } = this;
    const b = m.b;
    switch (s.kind) {
      case "prim":
      {
        this.s = s;
        this.name = this.reductions.has(s) ? REDUCTION_NAME : undefined; // annotate.ts may mark it reassoc
        this.env.set(s.outs[0].name, lowerings[s.prim](this));
        return;
      }
      case "if": {
        const c = this.atom(s.cond) as Value;
        this.bind(s.outs, this.diamond(c, "if", ["then", "else"], [() => this.block(s.then), () => this.block(s.else)]));
        return;
      }
      case "for": {
        const lo = this.atom(s.lo) as Value;
        const hi = this.atom(s.hi) as Value;
        const inits = s.inits.map((_, k) => this.init(s, k));
        const acc = rangeAccesses(s);
        if (acc.length === 0) return this.bind(s.outs, this.forLoop(s, lo, hi, inits));
        // versioning.ts: a copy without the covered bounds checks when one test proves them.
        const loop = (unchecked: typeof acc) => () => {
          this.unchecked = new Set(unchecked.map((a) => a.stmt));
          const vals = this.forLoop(s, lo, hi, inits);
          this.unchecked = new Set();
          return vals;
        };
        this.bind(s.outs, this.diamond(this.inRange(acc, lo, hi, inits), "for", ["fast", "checked"], [loop(acc), loop([])]));
        return;
      }
      case "while": {
        const inits = s.inits.map((_, k) => this.init(s, k));
        const pre = b.GetInsertBlock()!;
        const [head, body, exit] = ["while.head", "while.body", "while.exit"].map((n) => m.block(this.fn, n));
        b.CreateBr(head);
        b.SetInsertPoint(head);
        const P = new Phis(m, inits, pre);
        this.bind(s.carried, P.vals);
        const [c] = this.block(s.cond);
        b.CreateCondBr(c as Value, body, exit);
        b.SetInsertPoint(body);
        this.bind(s.carried, P.vals);
        const next = this.block(s.body);
        P.add(next, b.GetInsertBlock()!);
        b.CreateBr(head);
        b.SetInsertPoint(exit);
        this.bind(s.outs, P.vals);
        return;
      }
      default:
        throw new Error(`unknown statement ${(s as Stmt).kind}`);
    }
  }
  /** A `for` loop from the current block; returns the final carried values. */
  private forLoop(s: ForStmt, lo: Value, hi: Value, inits: NVal[]): NVal[] {
    const { m } = this;
    const b = m.b;
    const pre = b.GetInsertBlock()!;
    const [head, body, exit] = ["for.head", "for.body", "for.exit"].map((n) => m.block(this.fn, n));
    b.CreateBr(head);
    b.SetInsertPoint(head);
    // Reverse loops count i from hi down: the body sees i - 1, and i > lo never underflows.
    const i = b.CreatePHI(m.i32, 2, s.index.name);
    i.addIncoming(s.reverse ? hi : lo, pre);
    const P = new Phis(m, inits, pre);
    b.CreateCondBr(s.reverse ? b.CreateICmpSGT(i, lo) : b.CreateICmpSLT(i, hi), body, exit);
    b.SetInsertPoint(body);
    const idx = s.reverse ? b.CreateSub(i, m.int32(1)) : i;
    this.env.set(s.index.name, idx);
    this.bind(s.carried, P.vals);
    const next = this.block(s.body);
    const step = s.reverse ? idx : b.CreateAdd(i, m.int32(1));
    const latch = b.GetInsertBlock()!;
    i.addIncoming(step, latch);
    P.add(next, latch);
    b.CreateBr(head);
    b.SetInsertPoint(exit);
    return P.vals;
  }

  /** lo >= hi, or every access base + i (lo <= i < hi) is within its array; in i64, so nothing wraps. */
  private inRange(acc: RangeAccess[], lo: Value, hi: Value, inits: NVal[]): Value {
    const { m } = this;
    const b = m.b;
    const wide = (x: Value) => b.CreateSExt(x, m.i64);
    let ok = b.CreateICmpSGE(lo, hi);
    let all: Value = m.bool(true);
    const seen = new Set<string>();
    for (const a of acc) {
      const arr = "carried" in a.array ? (inits[a.array.carried] as ArrVal) : (this.atom(a.array.outer) as ArrVal);
      const key = `${"carried" in a.array ? `c${a.array.carried}` : printAtom(a.array.outer)}|${a.base ? printAtom(a.base) : ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const base = a.base ? wide(this.atom(a.base) as Value) : m.int64(0);
      const first = b.CreateAdd(base, wide(lo));
      const end = b.CreateAdd(base, wide(hi));
      all = b.CreateAnd(all, b.CreateAnd(b.CreateICmpSGE(first, m.int64(0)), b.CreateICmpSLE(end, wide(arr.len))));
    }
    ok = b.CreateOr(ok, all);
    return ok;
  }
}

const printAtom = (a: Atom) => (a.kind === "var" ? a.name : `${a.value}:${a.type.dtype}`);

/** Phi nodes for a list of values (two per array), created at the current insertion point. */
class Phis {
  private readonly nodes: LLVM.PHINode[] = [];
  readonly vals: NVal[];

  constructor(
    private readonly m: LLModule,
    first: NVal[],
    from: BasicBlock,
  ) {
    const phi = (x: Value) => {
      const p = m.b.CreatePHI(x.getType(), 2);
      p.addIncoming(x, from);
      this.nodes.push(p);
      return p;
    };
    this.vals = first.map((x) => (isArr(x) ? { kind: "arr", ptr: phi(x.ptr), len: phi(x.len), dtype: x.dtype } : phi(x)));
  }

  add(vals: NVal[], from: BasicBlock): void {
    const flat = vals.flatMap((x) => (isArr(x) ? [x.ptr, x.len] : [x]));
    flat.forEach((x, k) => this.nodes[k].addIncoming(x, from));
  }
}

function usesArrays(b: Block): boolean {
  return b.stmts.some((s) => {
    if (s.outs.some((o) => o.type.rank > 0)) return true;
    if (s.kind === "if") return usesArrays(s.then) || usesArrays(s.else);
    if (s.kind === "for") return usesArrays(s.body);
    if (s.kind === "while") return usesArrays(s.cond) || usesArrays(s.body);
    return false;
  });
}
