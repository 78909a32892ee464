// Lowers IR functions to one LLVM module. Structured control flow becomes
// basic blocks with phi nodes at loop headers and `if` joins; primitives go
// through the table in lower.ts; arrays become (element pointer, i32 length)
// pairs allocated from a per-call arena (runtime.c) and freed at return.
// Array values may share a buffer; the shared analysis in ../ownership.ts
// (also used by the JS backend) decides which arr_set may write in place and
// which loop inits must be copied at loop entry.
//
// Kernel ABI, one exported symbol per Func (see kernelSymbol):
//   int32_t tsgk_NAME(const double* in, double* out)
// params are read from in[k] and converted like eval.ts `convert`; results are
// written to out[k] as doubles. The return value is a Status (0 = success);
// on failure `out` is left unspecified.

import { convert as convertJS } from "../../ir/eval.js";
import type { Atom, Block, DType, Func, PrimStmt, Stmt } from "../../ir/syntax.js";
import { type ArrVal, type LowerCx, type NVal, convert, isArr, llType, lowerings } from "./lower.js";
import { type BasicBlock, type Fn, LLModule, type LType, type Value } from "./module.js";
import { type LoopStmt, type Ownership, analyzeOwnership, needsCopyAtLoopEntry } from "../ownership.js";
import type LLVM from "llvm-bindings";

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

/** Why `f` cannot be a native kernel yet, or undefined. */
export function unsupportedReason(f: Func): string | undefined {
  const arr = [...f.params.map((p) => p.type), ...f.body.results.map((r) => r.type)].some((t) => t.rank > 0);
  return arr ? `${f.name}: array arguments at the native boundary are not supported yet` : undefined;
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

const elemBytes: Record<DType, number> = { f64: 8, f32: 4, i32: 4, bool: 1 };

class FuncEmitter implements LowerCx {
  private readonly env = new Map<string, NVal>();
  private readonly own: Ownership;
  private fn!: Fn;
  private exit!: BasicBlock;
  private status!: LLVM.PHINode;
  private arena: Value | undefined; // i8** slot holding the arena's block list
  s!: PrimStmt; // the statement being lowered (LowerCx)

  constructor(
    readonly m: LLModule,
    private readonly f: Func,
    private readonly symbol: string,
  ) {
    this.own = analyzeOwnership(f);
  }

  emit(): void {
    const { m, f } = this;
    const b = m.b;
    const dp = m.ptr(m.f64);
    this.fn = m.defineFunction(this.symbol, m.i32, [dp, dp]);
    const entry = b.GetInsertBlock()!;
    if (usesArrays(f.body)) {
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
    f.params.forEach((p, k) => {
      const x = b.CreateLoad(m.f64, b.CreateInBoundsGEP(m.f64, inp, m.int64(k)), p.name);
      this.env.set(p.name, convert(m, x, "f64", p.type.dtype));
    });
    const results = this.block(f.body);
    results.forEach((r, k) => {
      const x = convert(m, r as Value, f.body.results[k].type.dtype, "f64");
      b.CreateStore(x, b.CreateInBoundsGEP(m.f64, out, m.int64(k)));
    });
    this.branchExit(Status.ok);
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
    this.check(b.CreateICmpULT(i, a.len), Status.outOfBounds, "index.ok");
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
        this.s = s;
        this.env.set(s.outs[0].name, lowerings[s.prim](this));
        return;
      case "if": {
        const c = this.atom(s.cond) as Value;
        const [thenB, elseB, join] = ["if.then", "if.else", "if.join"].map((n) => m.block(this.fn, n));
        b.CreateCondBr(c, thenB, elseB);
        const arms = ([[thenB, s.then], [elseB, s.else]] as const).map(([bb, body]) => {
          b.SetInsertPoint(bb);
          const vals = this.block(body);
          const end = b.GetInsertBlock()!;
          b.CreateBr(join);
          return { vals, end };
        });
        b.SetInsertPoint(join);
        const P = new Phis(m, arms[0].vals, arms[0].end);
        P.add(arms[1].vals, arms[1].end);
        this.bind(s.outs, P.vals);
        return;
      }
      case "for": {
        const lo = this.atom(s.lo) as Value;
        const hi = this.atom(s.hi) as Value;
        const inits = s.inits.map((_, k) => this.init(s, k));
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
        this.bind(s.outs, P.vals);
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
}

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
