// lowerArrays: Func with arrays of any rank → Func over scalars and flat
// rank-1 buffers (arr_*), with if/for/while — what both backends compile.
//
// Representation (a contract the runtime depends on):
//   - an array of rank r ≥ 1 is a flat row-major rank-1 buffer of its dtype
//     plus r i32 dims;
//   - each array parameter `x` becomes the buffer `x` followed by `x_d0`, ..,
//     `x_d{r-1}`, in place; each array result becomes the buffer followed by
//     its dims, in place; carried loop values and `if` results likewise
//     (dims are carried too: they may change between iterations);
//   - rank-0 parameters and results are unchanged. A Func with no array
//     primitive, no elementwise primitive on arrays and no array of rank ≥ 2
//     comes back unchanged (its rank-1 buffers stay plain buffers).
//
// Array values are lazy while lowering (fuse.ts): a value is an element
// expression over its index space, so elementwise chains, broadcasts,
// transposes, expand_dims, squeeze, slices and reshapes fuse into the loop of
// whatever finally consumes them (a reduction, a materialization). A value
// that computes something is materialized into a buffer (arr_new) where it is
// defined unless it is used exactly once in the same block — so no work is
// repeated and none moves into a loop. Shape errors: see shapes.ts.

import { Builder } from "../ir/builder.js";
import { Names } from "../ir/names.js";
import type { Atom, Block, Func, PrimStmt, Stmt, Type, Var } from "../ir/syntax.js";
import { i32, isArrayPrim, isElementwise, lit, v } from "../ir/syntax.js";
import { type Value, broadcastChecked, isArr, lowerArrayPrim } from "./array-ops.js";
import { bufferArr, computes, mapArr, materialize } from "./fuse.js";
import { dce } from "../ir/dce.js";
import { type Arr, broadcastDims, bufType, checkOutputs, scope } from "./shapes.js";

export function lowerArrays(f: Func): Func {
  if (!needsLowering(f)) return f;
  return new ArrayLowerer(f).run();
}

/** Any array primitive, elementwise primitive on arrays, or array of rank ≥ 2? */
export function needsLowering(f: Func): boolean {
  const arrayish = (t: Type) => t.rank >= 2;
  if (f.params.some((p) => arrayish(p.type))) return true;
  const block = (b: Block): boolean => b.stmts.some(stmt) || b.results.some((r) => arrayish(r.type));
  const stmt = (s: Stmt): boolean => {
    if (s.outs.some((o) => arrayish(o.type))) return true;
    switch (s.kind) {
      case "prim":
        return isArrayPrim(s.prim) || (isElementwise(s.prim) && (s.outs[0].type.rank > 0 || s.args.some((a) => a.type.rank > 0)));
      case "if":
        return block(s.then) || block(s.else);
      case "for":
        return block(s.body) || s.carried.some((c) => arrayish(c.type));
      case "while":
        return block(s.cond) || block(s.body) || s.carried.some((c) => arrayish(c.type));
    }
  };
  return block(f.body);
}

/** The types an IR type lowers to: itself, or a buffer and its dims. */
export function loweredTypes(t: Type): Type[] {
  return t.rank === 0 ? [t] : [bufType(t.dtype), ...Array.from({ length: t.rank }, () => i32)];
}

class ArrayLowerer {
  private readonly b: Builder;
  private readonly env = new Map<string, Value>();
  private readonly uses = new Map<string, { count: number; block: Block }>();

  constructor(private readonly f: Func) {
    this.b = new Builder(Names.of(f));
    this.countUses(f.body);
  }

  run(): Func {
    const { b, f } = this;
    const params: Var[] = [];
    for (const p of f.params) {
      if (p.type.rank === 0) {
        params.push(p);
        continue;
      }
      const [buf, dims] = this.fresh(p);
      params.push(buf, ...dims);
      this.env.set(p.name, bufferArr(b, buf, p.type.dtype, dims));
    }
    for (const s of f.body.stmts) this.stmt(s, f.body);
    const results = f.body.results.flatMap((r) => this.flatten(r));
    const checks = checkOutputs(b);
    // shape checks are kept: they produce no value anyone reads
    return dce({ name: f.name, params, body: { stmts: b.stmts, results } }, (s) => s.kind === "if" && s.outs.length === 1 && checks.has(s.outs[0].name));
  }

  // ---- values --------------------------------------------------------------------------

  /** A buffer variable named like `x` and dims `x_d0`, ..: how arrays cross block boundaries. */
  private fresh(x: Var): [Var, Var[]] {
    const buf = v(x.name, bufType(x.type.dtype)); // x itself is never emitted: its name is free
    const dims = Array.from({ length: x.type.rank }, (_, k) => this.b.fresh(`${x.name}_d${k}`, i32));
    return [buf, dims];
  }

  private value(a: Atom): Value {
    if (a.kind === "lit") return a;
    return this.env.get(a.name) ?? a;
  }

  private scalar(a: Atom): Atom {
    const x = this.value(a);
    if (isArr(x)) throw new Error(`lower-arrays: ${a.kind === "var" ? a.name : "literal"} is an array`);
    return x;
  }

  private array(a: Atom): Arr {
    const x = this.value(a);
    if (!isArr(x)) throw new Error(`lower-arrays: ${a.kind === "var" ? a.name : "literal"} is not a lowered array`);
    return x;
  }

  /** An atom as the values that cross a block boundary: itself, or a buffer and dims. */
  private flatten(a: Atom): Atom[] {
    if (a.type.rank === 0) return [this.scalar(a)];
    const m = materialize(this.b, this.array(a), a.kind === "var" ? a.name : "arr");
    return [m.whole, ...m.dims];
  }

  /** Binds an array result: lazily when used once in this block, else in a buffer now. */
  private bind(out: Var, x: Value, blk: Block): void {
    if (isArr(x) && computes(x.tree)) {
      const u = this.uses.get(out.name);
      // Never read (only its shape is): nothing to compute.
      if (u && (u.count > 1 || u.block !== blk)) x = materialize(this.b, x, out.name);
    }
    this.env.set(out.name, x);
  }

  private countUses(b: Block): void {
    const use = (a: Atom) => {
      if (a.kind !== "var") return;
      const u = this.uses.get(a.name);
      this.uses.set(a.name, { count: (u?.count ?? 0) + 1, block: b });
    };
    for (const s of b.stmts) {
      switch (s.kind) {
        case "prim":
          // Arguments only read for their shape do not count: `like` of
          // broadcast_like/sum_like (the AD passes forward values there), shape, arr_len.
          s.args.forEach((a, k) => {
            const shapeOnly = ((s.prim === "broadcast_like" || s.prim === "sum_like") && k === 1) || s.prim === "shape" || s.prim === "arr_len";
            if (!shapeOnly) use(a);
          });
          break;
        case "if":
          use(s.cond);
          this.countUses(s.then);
          this.countUses(s.else);
          break;
        case "for":
          [s.lo, s.hi, ...s.inits].forEach(use);
          this.countUses(s.body);
          break;
        case "while":
          s.inits.forEach(use);
          this.countUses(s.cond);
          this.countUses(s.body);
          break;
      }
    }
    b.results.forEach(use);
  }

  // ---- statements ----------------------------------------------------------------------

  private stmt(s: Stmt, blk: Block): void {
    switch (s.kind) {
      case "prim":
        return this.prim(s, blk);
      case "if": {
        const cond = this.scalar(s.cond);
        const then = this.block(s.then, () => {});
        const other = this.block(s.else, () => {});
        const outs = this.boundary(s.outs);
        this.b.emit({ kind: "if", outs: outs.vars, cond, then, else: other });
        outs.bind();
        return;
      }
      case "for":
      case "while": {
        const inits = s.inits.flatMap((a) => this.flatten(a));
        const carried = this.boundary(s.carried);
        const body = this.block(s.body, carried.bind);
        const outs = this.boundary(s.outs);
        if (s.kind === "for") {
          this.b.emit({ kind: "for", outs: outs.vars, index: s.index, lo: this.scalar(s.lo), hi: this.scalar(s.hi), reverse: s.reverse, carried: carried.vars, inits, body });
        } else {
          const cond = this.block(s.cond, carried.bind);
          this.b.emit({ kind: "while", outs: outs.vars, carried: carried.vars, inits, cond, body });
        }
        outs.bind();
        return;
      }
    }
  }

  /** Lowers a nested block; `enter` binds what the block binds (carried values). */
  private block(blk: Block, enter: () => void): Block {
    return scope(this.b, () =>
      this.b.block(() => {
        enter();
        for (const s of blk.stmts) this.stmt(s, blk);
        return blk.results.flatMap((r) => this.flatten(r));
      }),
    );
  }

  /** Variables for values crossing a block boundary (if results, carried values, loop results). */
  private boundary(xs: Var[]): { vars: Var[]; bind: () => void } {
    const parts = xs.map((x) => (x.type.rank === 0 ? null : this.fresh(x)));
    const vars = xs.flatMap((x, k) => (parts[k] ? [parts[k]![0], ...parts[k]![1]] : [x]));
    const bind = () =>
      xs.forEach((x, k) => {
        const p = parts[k];
        if (p) this.env.set(x.name, bufferArr(this.b, p[0], x.type.dtype, p[1]));
        else this.env.delete(x.name);
      });
    return { vars, bind };
  }

  private prim(s: PrimStmt, blk: Block): void {
    const b = this.b;
    const out = s.outs[0];
    const hint = out.name;
    if (isElementwise(s.prim)) {
      if (out.type.rank === 0 && s.args.every((a) => a.type.rank === 0)) {
        b.emit({ ...s, args: s.args.map((a) => this.scalar(a)) });
        return;
      }
      const args = s.args.map((a) => this.value(a));
      const dims = broadcastDims(b, args.filter(isArr).map((x) => x.dims));
      const wide = args.map((x) => (isArr(x) ? broadcastChecked(b, x, dims, "arg") : x));
      return this.bind(out, mapArr(s.prim, s.attrs, wide, dims, out.type), blk);
    }
    switch (s.prim) {
      case "arr_new": {
        const n = this.scalar(s.args[0]);
        b.emit({ ...s, args: [n] });
        this.env.set(out.name, bufferArr(b, out, out.type.dtype, [n]));
        return;
      }
      case "arr_len":
        this.env.set(out.name, this.array(s.args[0]).dims[0]);
        return;
      case "arr_get":
      case "arr_set": {
        const x = materialize(b, this.array(s.args[0]), s.args[0].kind === "var" ? s.args[0].name : "arr");
        b.emit({ ...s, args: [x.whole, ...s.args.slice(1).map((a) => this.scalar(a))] });
        if (s.prim === "arr_set") this.env.set(out.name, bufferArr(b, out, out.type.dtype, x.dims));
        return;
      }
    }
    if (!isArrayPrim(s.prim)) throw new Error(`lower-arrays: unexpected primitive ${s.prim}`);
    const r = lowerArrayPrim(b, s.prim, s.args.map((a) => this.value(a)), s.attrs, out.type, hint);
    if (isArr(r) && out.type.rank === 0) {
      // a rank-0 result (squeeze or reshape to a scalar) is its single element
      const m = materialize(b, r, hint);
      this.env.set(out.name, b.prim("arr_get", [m.whole, lit(0, i32)], undefined, hint));
    } else if (isArr(r)) this.bind(out, r, blk);
    else this.env.set(out.name, r);
  }
}
