// Forward mode as an IR→IR transform (JVP). Each active variable x gets a
// tangent x_dot computed next to it; control flow carries tangents along
// (an `if` yields them, a loop carries them). Plain copies (no tangents)
// are vjp/copier.ts.

import { Builder } from "../ir/builder.js";
import { Names, tangentName } from "../ir/names.js";
import type { Atom, Block, Func, Stmt, Var } from "../ir/syntax.js";
import { isElementwise, isFloat, lit, v } from "../ir/syntax.js";
import { activeVars } from "./activity.js";
import { rules } from "./rules.js";

/** Zero of the type of `like`: a literal for scalars, a fresh zero array of like's shape for arrays. */
export function zeroLike(b: Builder, like: Atom): Atom {
  if (like.type.rank === 0) return lit(0, like.type);
  if (like.type.rank === 1 && like.kind === "var") return b.prim("arr_new", [b.prim("arr_len", [like])], { dtype: like.type.dtype }, "zeros");
  return b.prim("broadcast_like", [lit(0, { dtype: like.type.dtype, rank: 0 }), like], undefined, "zeros");
}

export class JvpEmitter {
  constructor(
    readonly b: Builder,
    readonly active: ReadonlySet<string>,
    readonly env: Map<string, Atom> = new Map(),
    readonly tan: Map<string, Atom> = new Map(),
  ) {}

  sub(a: Atom): Atom {
    if (a.kind === "lit") return a;
    const x = this.env.get(a.name);
    if (!x) throw new Error(`jvp: ${a.name} is not in scope`);
    return x;
  }

  isActive(a: Atom): boolean {
    return a.kind === "var" && this.active.has(a.name);
  }

  /** The tangent of an atom, or null where it is zero. */
  tangent(a: Atom): Atom | null {
    return a.kind === "var" ? (this.tan.get(a.name) ?? null) : null;
  }

  tangentOrZero(a: Atom): Atom {
    return this.tangent(a) ?? zeroLike(this.b, this.sub(a));
  }

  /** Binds an original variable to a new one (and its tangent) under the same name hint. */
  bind(x: Var, value: Atom, tangent?: Atom | null): void {
    this.env.set(x.name, value);
    if (tangent) this.tan.set(x.name, tangent);
  }

  freshLike(x: Var, hint = x.name): Var {
    return this.b.fresh(hint, x.type);
  }

  /** Emits a block's statements into the builder's current block; returns its results and their tangents. */
  block(blk: Block): { results: Atom[]; tangents: (Atom | null)[] } {
    for (const s of blk.stmts) this.stmt(s);
    return { results: blk.results.map((r) => this.sub(r)), tangents: blk.results.map((r) => this.tangent(r)) };
  }

  stmt(s: Stmt): void {
    switch (s.kind) {
      case "prim":
        return this.prim(s);
      case "if":
        return this.ifStmt(s);
      case "for":
      case "while":
        return this.loop(s);
      default:
        throw new Error(`jvp: unknown statement ${(s as Stmt).kind}`);
    }
  }

  private prim(s: Stmt & { kind: "prim" }): void {
    const out = s.outs[0];
    const args = s.args.map((a) => this.sub(a));
    const y = this.b.prim(s.prim, args, s.attrs, out.name);
    this.env.set(out.name, y);
    if (!this.active.has(out.name)) return;
    const rule = rules[s.prim];
    const ts = s.args.map((a) => this.tangent(a));
    let t: Atom | null = null;
    if (rule.kind === "partials") {
      const ps = rule.partials(this.b, args, y, s.attrs);
      ts.forEach((tk, k) => {
        if (!tk || !ps[k]) return;
        const term = this.b.mul(ps[k]!, tk, tangentName(out.name));
        t = t ? this.b.add(t, term, tangentName(out.name)) : term;
      });
    } else if (rule.kind === "linear") {
      t = rule.jvp(this.b, ts, args, s.attrs);
    } else if (rule.kind === "custom") {
      t = rule.jvp(this.b, ts, args, y, s.attrs);
    }
    // an elementwise tangent built from broadcast arguments may have a smaller shape than the result
    if (t && isElementwise(s.prim) && y.type.rank > 0 && s.args.length > 1) t = this.b.prim("broadcast_like", [t, y], undefined, tangentName(out.name));
    this.tan.set(out.name, t ?? zeroLike(this.b, y));
  }

  private ifStmt(s: Stmt & { kind: "if" }): void {
    const activeOuts = s.outs.filter((o) => this.active.has(o.name));
    const branch = (blk: Block) =>
      this.b.block(() => {
        const r = this.block(blk);
        return [...r.results, ...activeOuts.map((o) => this.tangentOrZero(blk.results[s.outs.indexOf(o)]))];
      });
    const cond = this.sub(s.cond);
    const thenB = branch(s.then);
    const elseB = branch(s.else);
    const outs = s.outs.map((o) => this.freshLike(o));
    const touts = activeOuts.map((o) => this.freshLike(o, tangentName(o.name)));
    this.b.emit({ kind: "if", outs: [...outs, ...touts], cond, then: thenB, else: elseB });
    s.outs.forEach((o, k) => this.bind(o, outs[k]));
    activeOuts.forEach((o, k) => this.tan.set(o.name, touts[k]));
  }

  private loop(s: Stmt & { kind: "for" | "while" }): void {
    const activeK = s.carried.map((c, k) => (this.active.has(c.name) ? k : -1)).filter((k) => k >= 0);
    const inits = [...s.inits.map((a) => this.sub(a)), ...activeK.map((k) => this.tangentOrZero(s.inits[k]))];
    const carried = s.carried.map((c) => this.freshLike(c));
    const tcarried = activeK.map((k) => this.freshLike(s.carried[k], tangentName(s.carried[k].name)));
    const bindCarried = () => {
      s.carried.forEach((c, k) => this.bind(c, carried[k]));
      activeK.forEach((k, j) => this.tan.set(s.carried[k].name, tcarried[j]));
    };
    const body = () => {
      bindCarried();
      const r = this.block(s.body);
      return [...r.results, ...activeK.map((k) => this.tangentOrZero(s.body.results[k]))];
    };
    const outs = s.outs.map((o) => this.freshLike(o));
    const touts = activeK.map((k) => this.freshLike(s.outs[k], tangentName(s.outs[k].name)));
    const allCarried = [...carried, ...tcarried];
    if (s.kind === "for") {
      const lo = this.sub(s.lo);
      const hi = this.sub(s.hi);
      const index = this.freshLike(s.index);
      this.env.set(s.index.name, index);
      const bodyB = this.b.block(body);
      this.b.emit({ kind: "for", outs: [...outs, ...touts], index, lo, hi, reverse: s.reverse, carried: allCarried, inits, body: bodyB });
    } else {
      const condB = this.b.block(() => {
        bindCarried();
        return this.block(s.cond).results;
      });
      const bodyB = this.b.block(body);
      this.b.emit({ kind: "while", outs: [...outs, ...touts], carried: allCarried, inits, cond: condB, body: bodyB });
    }
    s.outs.forEach((o, k) => this.bind(o, outs[k]));
    activeK.forEach((k, j) => this.tan.set(s.outs[k].name, touts[j]));
  }
}

/**
 * jvp(f) with respect to the parameters named in `activeParams`:
 * (params..., tangents of the active float params...) → (results..., tangent of each result).
 */
export function jvpFunc(f: Func, activeParams: string[], name = `${f.name}_jvp`): Func {
  const active = activeVars(f, new Set(activeParams));
  const b = new Builder(new Names());
  const e = new JvpEmitter(b, active);
  const params = f.params.map((p) => v(b.names.fresh(p.name), p.type));
  f.params.forEach((p, k) => e.bind(p, params[k]));
  const tparams: Var[] = [];
  for (const p of f.params) {
    if (!activeParams.includes(p.name) || !isFloat(p.type)) continue;
    const t = b.fresh(tangentName(p.name), p.type);
    tparams.push(t);
    if (active.has(p.name)) e.tan.set(p.name, t);
  }
  const r = e.block(f.body);
  const tangents = f.body.results.map((res, k) => (isFloat(res.type) ? e.tangentOrZero(res) : lit(0, { dtype: "f64", rank: 0 })));
  return { name, params: [...params, ...tparams], body: { stmts: b.stmts, results: [...r.results, ...tangents] } };
}
