// All generated variable names come from here, so generated code reads the
// same way everywhere: a primal `x` has tangent `x_dot` and adjoint `x_bar`,
// tapes are `x_tape`, and clashes get a numeric suffix (`t`, `t_1`, `t_2`).

import { boundInside, forEachStmt } from "./analysis.js";
import type { Block, Func } from "./syntax.js";

export const tangentName = (name: string) => `${name}_dot`;
export const adjointName = (name: string) => `${name}_bar`;
export const tapeName = (name: string) => `${name}_tape`;

/** Hands out names not used before in one function. */
export class Names {
  private readonly used = new Set<string>();

  static of(f: Func): Names {
    const n = new Names();
    for (const p of f.params) n.reserve(p.name);
    n.reserveBlock(f.body);
    return n;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  fresh(hint: string): string {
    const base = sanitize(hint);
    if (!this.used.has(base)) {
      this.used.add(base);
      return base;
    }
    const stem = base.replace(/_\d+$/, "");
    for (let k = 1; ; k++) {
      const name = `${stem}_${k}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }

  private reserveBlock(b: Block): void {
    forEachStmt(b, (s) => {
      for (const x of [...s.outs, ...boundInside(s)]) this.reserve(x.name);
    });
  }
}

/** Generated names must be valid identifiers in TypeScript, C and LLVM alike. */
function sanitize(hint: string): string {
  const s = hint.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(s) ? s : `v_${s}`;
}
