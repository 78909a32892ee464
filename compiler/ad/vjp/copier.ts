// A plain copy of IR with renaming: every statement is emitted again into a
// Builder with its variables looked up in `env`. Reverse mode uses it to emit
// the forward computation and to recompute a loop body or a branch before
// reversing it; grad.ts uses it to inline one function into another.

import type { Builder } from "../../ir/builder.js";
import type { Atom, Block, Stmt, Var } from "../../ir/syntax.js";

export class Copier {
  constructor(
    readonly b: Builder,
    readonly env: Map<string, Atom> = new Map(),
  ) {}

  sub(a: Atom): Atom {
    if (a.kind === "lit") return a;
    const x = this.env.get(a.name);
    if (!x) throw new Error(`copy: ${a.name} is not in scope`);
    return x;
  }

  bind(x: Var, value: Atom): void {
    this.env.set(x.name, value);
  }

  /** Emits a block's statements into the builder's current block; returns its results. */
  block(blk: Block): Atom[] {
    for (const s of blk.stmts) this.stmt(s);
    return blk.results.map((r) => this.sub(r));
  }

  stmt(s: Stmt): void {
    const b = this.b;
    switch (s.kind) {
      case "prim": {
        const y = b.prim(s.prim, s.args.map((a) => this.sub(a)), s.attrs, s.outs[0].name);
        return this.bind(s.outs[0], y);
      }
      case "if": {
        const cond = this.sub(s.cond);
        const thenB = b.block(() => this.block(s.then));
        const elseB = b.block(() => this.block(s.else));
        const outs = s.outs.map((o) => b.fresh(o.name, o.type));
        b.emit({ kind: "if", outs, cond, then: thenB, else: elseB });
        return s.outs.forEach((o, k) => this.bind(o, outs[k]));
      }
      case "for":
      case "while": {
        const inits = s.inits.map((a) => this.sub(a));
        const carried = s.carried.map((c) => b.fresh(c.name, c.type));
        const bindCarried = () => s.carried.forEach((c, k) => this.bind(c, carried[k]));
        const outs = s.outs.map((o) => b.fresh(o.name, o.type));
        if (s.kind === "for") {
          const [lo, hi] = [this.sub(s.lo), this.sub(s.hi)];
          const index = b.fresh(s.index.name, s.index.type);
          const body = b.block(() => (this.bind(s.index, index), bindCarried(), this.block(s.body)));
          b.emit({ kind: "for", outs, index, lo, hi, reverse: s.reverse, carried, inits, body });
        } else {
          const cond = b.block(() => (bindCarried(), this.block(s.cond)));
          const body = b.block(() => (bindCarried(), this.block(s.body)));
          b.emit({ kind: "while", outs, carried, inits, cond, body });
        }
        return s.outs.forEach((o, k) => this.bind(o, outs[k]));
      }
      default:
        throw new Error(`copy: unknown statement ${(s as Stmt).kind}`);
    }
  }
}
