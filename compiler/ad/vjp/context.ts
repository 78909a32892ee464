// What the per-construct reversers (straight.ts, if.ts, loop.ts) share: the
// adjoint map, the emitter they call back into, and the error for a
// construct reverse mode cannot reverse.

import type { Builder } from "../../ir/builder.js";
import type { Atom, Block, Stmt, Var } from "../../ir/syntax.js";
import type { Copier } from "./copier.js";

/** Adjoint of each original variable, as an atom of the output function. */
export type Adjoints = Map<string, Atom>;

/** What a reverser needs from the reverse-mode emitter (vjp/index.ts). */
export interface Reverser {
  readonly b: Builder;
  readonly active: ReadonlySet<string>;
  readonly copy: Copier;
  sub(a: Atom): Atom;
  /** Adds `ct` to the adjoint of `x` (nothing when x is not active). */
  addAdjoint(adj: Adjoints, x: Atom, ct: Atom): void;
  adjointOrZero(adj: Adjoints, x: Var): Atom;
  /**
   * Emits the forward computation of a block, then its reverse with `seeds`
   * as the adjoints of its results; returns its adjoints. `pre` holds
   * adjoints of outer arrays the block reads, updated in place (one element per read).
   */
  reverseBlock(blk: Block, seeds: (Atom | undefined)[], pre?: Adjoints): Adjoints;
  /** The forward sweep alone: copies, loops taped, branches with their residuals. */
  forwardStmts(stmts: Stmt[]): void;
  /** The backward sweep alone over statements whose forward computation is bound. */
  reverseStmts(stmts: Stmt[], adj: Adjoints): void;
  /** Reads the values named in `map` from their new atoms (residuals leaving an `if`) wherever the sweeps hold them. */
  substitute(map: Map<string, Atom>): void;
}

/** A construct reverse mode cannot differentiate: a stable code, the construct, and what to write instead. */
export class ReverseModeError extends Error {
  constructor(
    readonly code: string,
    readonly construct: string,
    readonly fix: string,
  ) {
    super(`${code}: reverse mode cannot differentiate ${construct}; ${fix}`);
  }
}

/** The statement kinds reverse mode reverses as a unit (with a tape). */
export type LoopStmt = Stmt & { kind: "for" | "while" };
