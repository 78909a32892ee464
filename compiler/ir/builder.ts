// Builds IR statement by statement. Transforms and the front end emit code
// through a Builder so names come from one place (names.ts), types from the
// typing table (prims.ts), and literal arithmetic folds as it is built.

import { evalScalar, isScalarPrim } from "./eval.js";
import { Names } from "./names.js";
import { resultType } from "./prims.js";
import type { Atom, Attrs, Block, DType, Prim, Stmt, Type, Var } from "./syntax.js";
import { lit, scalar, v } from "./syntax.js";

export class Builder {
  private readonly stack: Stmt[][] = [[]];

  constructor(readonly names: Names = new Names()) {}

  fresh(hint: string, type: Type): Var {
    return v(this.names.fresh(hint), type);
  }

  emit(s: Stmt): void {
    this.stack[this.stack.length - 1].push(s);
  }

  /** Statements emitted so far at the outermost level. */
  get stmts(): Stmt[] {
    return this.stack[0];
  }

  /** Builds a nested block: statements emitted inside `body` go to the block. */
  block(body: () => Atom[]): Block {
    this.stack.push([]);
    const results = body();
    const stmts = this.stack.pop()!;
    return { stmts, results };
  }

  /** Applies a primitive, folding it when every argument is a literal. */
  prim(p: Prim, args: Atom[], attrs?: Attrs, hint = "t"): Atom {
    const type = resultType(p, args.map((a) => a.type), attrs);
    if (type.rank === 0 && isScalarPrim(p) && p !== "stop_gradient" && args.every((a) => a.kind === "lit")) {
      return lit(evalScalar(p, args.map((a) => a.value), attrs, type.dtype), type);
    }
    const out = this.fresh(hint, type);
    this.emit({ kind: "prim", outs: [out], prim: p, args, attrs });
    return out;
  }

  // Arithmetic with the identities that keep generated code readable
  // (x + 0 = x, x * 1 = x). No rule drops a term that could be NaN or inf.
  add(a: Atom, b: Atom, hint?: string): Atom {
    if (isLit(b, 0)) return a;
    if (isLit(a, 0)) return b;
    return this.prim("add", [a, b], undefined, hint);
  }
  sub(a: Atom, b: Atom, hint?: string): Atom {
    if (isLit(b, 0)) return a;
    if (isLit(a, 0)) return this.neg(b, hint);
    return this.prim("sub", [a, b], undefined, hint);
  }
  mul(a: Atom, b: Atom, hint?: string): Atom {
    if (isLit(b, 1)) return a;
    if (isLit(a, 1)) return b;
    if (isLit(a, -1)) return this.neg(b, hint);
    if (isLit(b, -1)) return this.neg(a, hint);
    return this.prim("mul", [a, b], undefined, hint);
  }
  div(a: Atom, b: Atom, hint?: string): Atom {
    if (isLit(b, 1)) return a;
    return this.prim("div", [a, b], undefined, hint);
  }
  neg(a: Atom, hint?: string): Atom {
    return this.prim("neg", [a], undefined, hint);
  }
  cast(a: Atom, dtype: DType, hint?: string): Atom {
    if (a.type.dtype === dtype) return a;
    return this.prim("cast", [a], { dtype }, hint);
  }
  select(c: Atom, a: Atom, b: Atom, hint?: string): Atom {
    if (c.kind === "lit") return c.value ? a : b;
    return this.prim("select", [c, a, b], undefined, hint);
  }
  /** A literal of the given scalar dtype. */
  const(value: number, dtype: DType): Atom {
    return lit(value, scalar(dtype));
  }
}

export function isLit(a: Atom, value: number): boolean {
  return a.kind === "lit" && a.value === value;
}
