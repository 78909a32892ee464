// Reverse mode as an IR→IR transform (VJP), split by construct as Futhark's
// AD/Rev/*.hs: straight.ts (primitives), if.ts, loop.ts (for/while by tapes),
// buffer.ts (undo logs of in-place writes), snapshot.ts (arrays replaced
// wholesale), copier.ts (plain copies for the forward computation).
//
// A block is reversed in two sweeps. The forward sweep emits its computation
// once: primitives are copied, loops whose results carry derivatives are
// emitted as their taping runs (loop.ts), branches as an `if` that also
// yields their residuals (if.ts). The backward sweep walks the statements in
// reverse and accumulates adjoints `x_bar` using the derivative table shared
// with forward mode (rules.ts). Memory and time per construct:
//
//  | construct                                   | memory kept for the backward sweep     | time                              |
//  |---------------------------------------------|----------------------------------------|-----------------------------------|
//  | primitive                                   | its operands (already computed)        | its partials, O(size)             |
//  | `a[i]` read (`arr_get`)                     | none                                   | O(1): adjoint updated in place    |
//  | `a[i] = v` (`arr_set`)                      | none                                   | O(1): adjoint updated in place    |
//  | `if`                                        | the taken branch's intermediates       | none extra (*)                    |
//  | loop: scalar carried                        | O(trips)                               | O(1) per iteration                |
//  | loop: array written in place, top level     | index + old value per write            | O(1) per write                    |
//  | loop: array written in branches/inner loops | growable log of the same + 2 ints/iter | O(1) per write (amortised)        |
//  | loop: array replaced (`h = tanh(h*x + b)`)  | a snapshot per iteration, O(trips×size)| O(size) per iteration             |
//  | loop body                                   | —                                      | forward twice (taping, recompute), backward once |
//  | `while`                                     | as a loop                              | + one counting run                |
//
// (*) a branch whose reversal would read an array version the branch
// overwrites (an array primitive reading it before a write) is recomputed.
// A loop nested d deep runs its body forward d + 1 times per iteration of
// the loops around it (each level's taping run is that loop's forward
// computation); memory is that of one level at a time. break / continue /
// early return reach the IR as flags carried by the loop: scalars on the
// tape. The output is ordinary IR, so it can be transformed again (grad of
// grad: the first gradient's tapes are arrays written in place at index k,
// reversed by undo logs).

import { Builder } from "../../ir/builder.js";
import { Names, adjointName } from "../../ir/names.js";
import type { Atom, Block, Func, Stmt, Var } from "../../ir/syntax.js";
import { isFloat, lit, v } from "../../ir/syntax.js";
import { activeVars } from "../activity.js";
import { zeroLike } from "../jvp.js";
import { type Adjoints, type LoopStmt, type Reverser, ReverseModeError } from "./context.js";
import { Copier } from "./copier.js";
import { type IfResiduals, forwardIf, reverseIf } from "./if.js";
import { type LoopTape, reverseLoop, tapeLoop } from "./loop.js";
import { pruneDeadCarried } from "./prune.js";
import { reversePrim } from "./straight.js";

export { Copier } from "./copier.js";
export { ReverseModeError } from "./context.js";

class VjpEmitter implements Reverser {
  readonly copy: Copier;
  private readonly tapes = new Map<Stmt, LoopTape>();
  private readonly residuals = new Map<Stmt, IfResiduals>();

  constructor(
    readonly b: Builder,
    readonly active: ReadonlySet<string>,
  ) {
    this.copy = new Copier(b);
  }

  sub(a: Atom): Atom {
    return this.copy.sub(a);
  }

  addAdjoint(adj: Adjoints, x: Atom, ct: Atom): void {
    if (x.kind !== "var" || !this.active.has(x.name)) return;
    const old = adj.get(x.name);
    adj.set(x.name, old ? this.b.add(old, ct, adjointName(x.name)) : ct);
  }

  adjointOrZero(adj: Adjoints, x: Var): Atom {
    return adj.get(x.name) ?? zeroLike(this.b, this.sub(x));
  }

  reverseBlock(blk: Block, seeds: (Atom | undefined)[], pre: Adjoints = new Map()): Adjoints {
    this.forwardStmts(blk.stmts);
    const adj: Adjoints = new Map(pre);
    blk.results.forEach((r, k) => seeds[k] && this.addAdjoint(adj, r, seeds[k]!));
    this.reverseStmts(blk.stmts, adj);
    return adj;
  }

  forwardStmts(stmts: Stmt[]): void {
    for (const s of stmts) this.forward(s);
  }

  substitute(map: Map<string, Atom>): void {
    const sub = (a: Atom): Atom => (a.kind === "var" ? (map.get(a.name) ?? a) : a);
    for (const [name, a] of this.copy.env) this.copy.env.set(name, sub(a));
    for (const [s, t] of this.tapes) this.tapes.set(s, { ...t, lo: sub(t.lo), hi: sub(t.hi), tapes: t.tapes.map((ts) => ts.map(sub)), outs: t.outs.map(sub) });
    for (const [s, res] of this.residuals) {
      const maps = res.maps.map((m) => new Map([...m].map(([k, a]) => [k, sub(a)] as const)));
      this.residuals.set(s, { ...res, maps, lens: new Map([...res.lens].map(([k, a]) => [k, sub(a)] as const)) });
    }
  }

  reverseStmts(stmts: Stmt[], adj: Adjoints): void {
    for (let k = stmts.length - 1; k >= 0; k--) this.backward(stmts[k], adj);
  }

  /** The forward computation of `s`; a loop whose results may carry derivatives is taped. */
  private forward(s: Stmt): void {
    if ((s.kind === "for" || s.kind === "while") && s.outs.some((o) => this.active.has(o.name))) {
      this.tapes.set(s, tapeLoop(this, s));
    } else if (s.kind === "if" && s.outs.some((o) => this.active.has(o.name))) {
      this.residuals.set(s, forwardIf(this, s));
    } else this.copy.stmt(s);
  }

  private backward(s: Stmt, adj: Adjoints): void {
    if (!s.outs.some((o) => adj.has(o.name))) return; // no adjoint flows back through s
    switch (s.kind) {
      case "prim":
        return reversePrim(this, s, adj);
      case "if":
        return reverseIf(this, s, adj, this.residuals.get(s));
      case "for":
      case "while":
        return reverseLoop(this, s, this.tapeOf(s), adj);
      default:
        throw new ReverseModeError("TSG2001", `a ${(s as Stmt).kind} statement`, "write it with for, while, if and primitives");
    }
  }

  private tapeOf(s: LoopStmt): LoopTape {
    const t = this.tapes.get(s);
    if (!t) throw new Error("vjp: a loop receives an adjoint but was not taped");
    this.tapes.delete(s); // a body reversed again (in an enclosing loop's next step) tapes its loops again
    return t;
  }
}

export interface VjpOptions {
  /** Literal cotangents for the results (null = zero); without them the function takes one cotangent parameter per result. */
  seeds?: (number | null)[];
  /** Also return the primal results, before the adjoints. */
  keepPrimal?: boolean;
  /** Name of the function built. */
  name?: string;
}

/**
 * vjp(f) with respect to `activeParams`:
 * (params..., [cotangent per result]) → ([results...], adjoint of each active param...).
 */
export function vjpFunc(f: Func, activeParams: string[], opts: VjpOptions = {}): Func {
  const active = activeVars(f, new Set(activeParams));
  const b = new Builder(new Names());
  const e = new VjpEmitter(b, active);
  const params = f.params.map((p) => v(b.names.fresh(p.name), p.type));
  f.params.forEach((p, k) => e.copy.bind(p, params[k]));
  const results = f.body.results;
  const ctParams = opts.seeds ? [] : results.map((r) => b.fresh(`${adjointName("out")}`, isFloat(r.type) ? r.type : { dtype: "f64", rank: 0 }));
  const seeds: (Atom | undefined)[] = results.map((r, k) => {
    if (opts.seeds) {
      const s = opts.seeds[k];
      return s === null || s === undefined ? undefined : lit(s, r.type);
    }
    return isFloat(r.type) ? ctParams[k] : undefined;
  });
  const adj = e.reverseBlock(f.body, seeds);
  const primal = results.map((r) => e.sub(r));
  const grads = activeParams.map((name) => {
    const p = f.params.find((q) => q.name === name);
    if (!p) throw new Error(`vjp: ${f.name} has no parameter ${name}`);
    return adj.get(name) ?? zeroLike(b, e.sub(p));
  });
  return pruneDeadCarried({
    name: opts.name ?? `${f.name}_vjp`,
    params: [...params, ...ctParams],
    body: { stmts: b.stmts, results: [...(opts.keepPrimal ? primal : []), ...grads] },
  });
}
