// Lowering state shared by expressions, statements and loops: the Builder,
// the SSA environment (binding key → current Atom), scopes, and the control
// flags of the enclosing function and loop. Branches are lowered with
// `branch`, which joins the environment: every binding changed in either arm
// becomes an out of the IR `if`.

import type { ts } from "ts-morph";
import { Builder, isLit } from "../ir/builder.js";
import { convert } from "../ir/eval.js";
import { Names } from "../ir/names.js";
import { type Atom, type Attrs, type DType, type Prim, type Stmt, type Type, type Var, bool, f64, lit, sameType } from "../ir/syntax.js";
import type { DiagnosticSink, MessageKey, MESSAGES } from "./diagnostics.js";
import type { ModuleInfo } from "./module.js";
import { type Binding, type BindingKind, Scope } from "./scope.js";
import { type SigTree, sigToVal } from "./signature.js";
import { type Val, describe as describeVal, isAtom, leaves, mapLeaves, sameStructure, unflatten } from "./value.js";

/** Type of a key's values; null for `const` bindings, whose type is their value's. */
export interface KeyInfo {
  readonly hint: string;
  readonly type: Type | null;
}

/** Flags of one loop: set by `break` / `continue` in its body (absent when the body has none). */
export interface LoopCtx {
  brkKey?: string;
  contKey?: string;
}

/** One function being lowered (the top-level one or an inlined callee). */
export interface FnCtx {
  readonly name: string;
  readonly retKey?: string; // "returned" flag; absent for expression-bodied arrows
  readonly retvalKey?: string; // the returned value (a Val); absent for expression-bodied arrows
  readonly arity: number;
  readonly loops: LoopCtx[];
}

type Args<K extends MessageKey> = Parameters<(typeof MESSAGES)[K]["text"]>;

export class Lowerer {
  readonly b: Builder;
  env = new Map<string, Val>();
  scope = new Scope(null);
  fn: FnCtx | null = null;
  readonly keyInfo = new Map<string, KeyInfo>();
  private keyCounter = 0;
  /** Module values read by the function, in first-use order: their leaves become trailing params. */
  readonly captures = new Map<string, Val>();
  readonly captureParams: Var[] = [];
  /** The type of a captured module value (from the signature or its initializer). */
  captureType: (name: string) => SigTree = () => ({ kind: "leaf", type: { dtype: "f64", rank: 0, weak: true } });
  /** Rank-0 variables that are not JS numbers (reductions, strong params): they keep their dtype against weak numbers. */
  readonly strong = new Set<string>();
  /** The float type weak numbers meet ints/bools in (jax's default float; f64 unless the signature says f32). */
  defaultFloat: DType = "f64";
  /** Makes a function value of a local arrow function (nested transforms, transforms.ts); null when unsupported. */
  closure: (fn: ts.ArrowFunction | ts.FunctionExpression) => Val | null = () => null;
  /** Lists pushed onto in a loop with a run-time trip count, now buffers: binding key → the slot this iteration writes. */
  readonly pushSlots = new Map<string, { index: Var; lo: Atom }>();
  /** The statement being lowered, where errors found while joining branches are reported. */
  at: ts.Node | null = null;
  /** Names reserved for captures so they keep the module variable's exact name. */
  readonly reserved = new Set<string>();
  /** Functions being inlined (the top-level one first): a repeat is recursion. */
  readonly inlineStack: string[] = [];
  /** Bindings whose declaration was already reported (a nested function): uses stay silent. */
  readonly failedKeys = new Set<string>();
  /** Set when lowering tried to capture in a context that cannot (constant folding). */
  captureFailed = false;

  /** The module the compiled function is in; `mod` is the one being lowered (another while inlining an imported function). */
  readonly rootMod: ModuleInfo;

  constructor(
    public mod: ModuleInfo,
    readonly diags: DiagnosticSink,
    names: Names = new Names(),
    readonly canCapture = true,
  ) {
    this.b = new Builder(names);
    this.rootMod = mod;
  }

  report<K extends MessageKey>(node: ts.Node, key: K, ...args: Args<K>): Atom {
    this.diags.report(node, key, ...args);
    return lit(NaN); // lowering goes on with a placeholder so later errors are reported too
  }

  text(node: ts.Node): string {
    const t = node.getText(this.mod.sf).replace(/\s+/g, " ");
    return t.length > 40 ? `${t.slice(0, 37)}...` : t;
  }

  // ---- bindings --------------------------------------------------------------

  newKey(hint: string, type: Type | null, value?: Val): string {
    const key = `${hint}#${++this.keyCounter}`;
    this.keyInfo.set(key, { hint, type });
    if (value) this.env.set(key, value);
    return key;
  }

  declare(name: string, kind: BindingKind, value: Val, type: Type | null): Binding {
    const binding = { key: this.newKey(name, type), name, kind };
    this.scope.vars.set(name, binding);
    this.env.set(binding.key, type && isAtom(value) ? this.coerce(value, type) : value);
    return binding;
  }

  /**
   * Assigns to a mutable binding. A scalar keeps its declared scalar type (JS
   * numbers stay f64); arrays and pytrees are rebound as they are (loops
   * re-lower when a carried type changes, see control.ts).
   */
  assign(b: Binding, value: Val): Val {
    const t = this.keyInfo.get(b.key)?.type;
    const a = t && t.rank === 0 && isAtom(value) && value.type.rank === 0 ? this.coerce(value, t) : value;
    this.env.set(b.key, a);
    return a;
  }

  get(key: string): Val {
    const a = this.env.get(key);
    if (!a) throw new Error(`internal: unbound key ${key}`);
    return a;
  }

  /** A key known to hold an atom (control flags, counters). */
  atom(key: string): Atom {
    const a = this.get(key);
    if (!isAtom(a)) throw new Error(`internal: key ${key} holds a ${a.kind}`);
    return a;
  }

  withScope<T>(f: () => T): T {
    const saved = this.scope;
    this.scope = new Scope(saved);
    try {
      return f();
    } finally {
      this.scope = saved;
    }
  }

  capture(name: string): Val {
    if (this.mod !== this.rootMod) {
      // a value of an imported module, read by a function inlined from it: only its own module could pass it in
      this.captureFailed = true;
      this.diags.reportAt(0, "freeVariable", name);
      return lit(NaN);
    }
    if (!this.canCapture) {
      this.captureFailed = true;
      return lit(NaN);
    }
    let x = this.captures.get(name);
    if (!x) {
      const t = this.captureType(name);
      // A leaf keeps the module variable's exact name (reserved up front); a pytree's leaves are named by path.
      if (t.kind === "leaf" && this.reserved.has(name)) {
        const p = { kind: "var", name, type: { dtype: t.type.dtype, rank: t.type.rank } } as Var;
        if (t.type.rank === 0 && t.type.weak !== true) this.strong.add(name);
        this.captureParams.push(p);
        x = p;
      } else x = sigToVal(t, name, this.b.names, this.captureParams, this.strong);
      this.reserved.delete(name);
      this.captures.set(name, x);
    }
    return x;
  }

  // ---- types ---------------------------------------------------------------

  prim(p: Prim, args: Atom[], hint?: string): Atom {
    return this.b.prim(p, args, undefined, hint);
  }

  /** Is `a` a JS number (or boolean): rank 0 and not marked strong? */
  isWeak(a: Atom): boolean {
    return a.type.rank === 0 && (a.kind === "lit" || !this.strong.has(a.name));
  }

  /** A primitive on array values: a rank-0 result of strong or array arguments is strong (jax: not weakly typed). */
  aprim(p: Prim, args: Atom[], attrs?: Attrs, hint?: string): Atom {
    const out = this.b.prim(p, args, attrs, hint);
    if (out.kind === "var" && out.type.rank === 0 && args.some((a) => !this.isWeak(a))) this.strong.add(out.name);
    return out;
  }

  toF64(a: Atom): Atom {
    return this.b.cast(a, "f64");
  }

  /** A branch or loop condition must be one boolean: an array is an error (jax: "truth value of an array is ambiguous"). */
  scalarCond(c: Atom): Atom {
    if (c.type.rank === 0) return c;
    const detail = `is an array (rank ${c.type.rank}); reduce it first, e.g. \`np.sum(x) > 0\`, or select elementwise with \`np.where\``;
    if (this.at) this.diags.report(this.at, "rankError", "condition", detail);
    else this.diags.reportAt(0, "rankError", "condition", detail);
    return lit(false, bool);
  }

  /** Truthiness of a number is `x != 0`; bools pass through. */
  toBool(a: Atom): Atom {
    return a.type.dtype === "bool" ? a : this.prim("ne", [a, lit(0, a.type)]);
  }

  coerce(a: Atom, t: Type): Atom {
    if (sameType(a.type, t)) return a;
    return t.dtype === "bool" ? this.toBool(a) : this.b.cast(a, t.dtype);
  }

  not(a: Atom): Atom {
    return this.prim("not", [a]);
  }

  and(a: Atom, c: Atom): Atom {
    if (isLit(a, 1)) return c;
    if (isLit(c, 1)) return a;
    if (isLit(a, 0) || isLit(c, 0)) return lit(false, bool);
    return this.prim("and", [a, c]);
  }

  or(a: Atom, c: Atom): Atom {
    if (isLit(a, 0)) return c;
    if (isLit(c, 0)) return a;
    if (isLit(a, 1) || isLit(c, 1)) return lit(true, bool);
    return this.prim("or", [a, c]);
  }

  // ---- branches and control flags -----------------------------------------------

  /**
   * Lowers `cond ? then : else`, where each arm may also assign bindings.
   * Returns the arms' (type-unified) results; the environment afterwards holds
   * the joined value of every binding that existed before the branch.
   */
  branch(cond: Atom, thenFn: () => Val[], elseFn: () => Val[], hint = "t"): Val[] {
    cond = this.scalarCond(cond);
    const before = this.env;
    const arm = (f: () => Val[]) => {
      this.env = new Map(before);
      let res: Val[] = [];
      const blk = this.b.block(() => {
        res = f();
        return [];
      });
      return { stmts: [...blk.stmts], res, env: this.env };
    };
    const t = arm(thenFn);
    const e = arm(elseFn);
    this.env = new Map(before);
    if (cond.kind === "lit") {
      // Constant condition: splice the taken arm (names are unique function-wide).
      const c = cond.value ? t : e;
      for (const s of c.stmts) this.b.emit(s);
      for (const k of before.keys()) this.env.set(k, c.env.get(k)!);
      return c.res;
    }
    const outs: Var[] = [];
    const ty: Atom[] = [];
    const ey: Atom[] = [];
    const joinAtom = (a: Atom, c: Atom, h: string): Atom => {
      const type = this.joinTypes(a.type, c.type, h);
      a = this.castInto(t.stmts, a, type);
      c = this.castInto(e.stmts, c, type);
      if (sameAtom(a, c)) return a;
      // A flag set to true in one arm and false in the other is the condition itself.
      if (type.dtype === "bool" && a.kind === "lit" && c.kind === "lit") return a.value ? cond : this.not(cond);
      const out = this.b.fresh(h, type);
      if (!this.isWeak(a) || !this.isWeak(c)) this.strong.add(out.name);
      outs.push(out);
      ty.push(a);
      ey.push(c);
      return out;
    };
    // Pytrees join leaf by leaf; a value missing in one arm (undef) takes a placeholder there.
    const join = (a: Val, c: Val, h: string): Val => {
      if (isAtom(a) && isAtom(c)) return joinAtom(a, c, h);
      if (a.kind === "undef" && c.kind !== "undef") a = this.placeholder(t.stmts, c);
      if (c.kind === "undef" && a.kind !== "undef") c = this.placeholder(e.stmts, a);
      if (!sameStructure(a, c)) {
        this.mismatch(a, c, h);
        return a;
      }
      const cl = leaves(c);
      return unflatten(a, leaves(a).map((x, k) => joinAtom(x, cl[k], h)));
    };
    const n = Math.min(t.res.length, e.res.length);
    const results: Val[] = [];
    for (let j = 0; j < n; j++) results.push(join(t.res[j], e.res[j], hint));
    for (const k of before.keys()) this.env.set(k, join(t.env.get(k)!, e.env.get(k)!, this.keyInfo.get(k)?.hint ?? "t"));
    // An if without outs computes nothing observable (every primitive is pure): drop it.
    if (outs.length > 0) this.b.emit({ kind: "if", outs, cond, then: { stmts: t.stmts, results: ty }, else: { stmts: e.stmts, results: ey } });
    return results;
  }

  /** The join of two types: scalars as before (f64 unless equal), arrays by promotion; ranks must agree. */
  joinTypes(a: Type, b: Type, name = "a variable"): Type {
    if (sameType(a, b)) return a;
    if (a.rank === 0 && b.rank === 0) return joinType(a, b);
    if (a.rank !== b.rank) {
      if (this.diags.count === 0) {
        const n = name === "ret" ? "the returned value" : name;
        if (this.at) this.diags.report(this.at, "rankChange", n, a.rank, b.rank);
        else this.diags.reportAt(0, "rankChange", n, a.rank, b.rank);
      }
      return a;
    }
    return { dtype: maxDtype(a.dtype, b.dtype), rank: a.rank };
  }

  mismatch(a: Val, c: Val, name = "a variable"): void {
    // After another error this is usually its echo (a placeholder value): report only the first cause.
    if (this.diags.count > 0) return;
    if (this.at) this.diags.report(this.at, "structureChange", name === "ret" ? "the returned value" : name, describeVal(a), describeVal(c));
    else this.diags.reportAt(0, "structureChange", name, describeVal(a), describeVal(c));
  }

  /** A value of `like`'s structure and types, emitted into `stmts`, for an arm where the binding has no value yet. */
  placeholder(stmts: Stmt[] | null, like: Val): Val {
    return mapLeaves(like, (x) => {
      if (x.type.rank === 0) return lit(0, x.type);
      const out = this.b.fresh("undef", x.type);
      const dims = Array.from({ length: x.type.rank }, () => lit(0, { dtype: "i32", rank: 0 }));
      const st: Stmt = { kind: "prim", outs: [out], prim: "full", args: [lit(0, { dtype: x.type.dtype, rank: 0 }), ...dims] };
      if (stmts) stmts.push(st);
      else this.b.emit(st);
      return out;
    });
  }

  /** Appends a cast to a finished block's statements. */
  private castInto(stmts: Stmt[], a: Atom, t: Type): Atom {
    if (sameType(a.type, t)) return a;
    if (a.kind === "lit") return lit(convert(a.value, t.dtype), t);
    const out = this.b.fresh(a.name, t);
    stmts.push(t.dtype === "bool" ? { kind: "prim", outs: [out], prim: "ne", args: [a, lit(0, a.type)] } : { kind: "prim", outs: [out], prim: "cast", args: [a], attrs: { dtype: t.dtype } });
    return out;
  }

  /** Flags that can make the rest of the current statement list skip: return, and the innermost loop's break/continue. */
  flagKeys(): string[] {
    const fn = this.fn;
    if (!fn) return [];
    const loop = fn.loops[fn.loops.length - 1];
    return [fn.retKey, loop?.brkKey, loop?.contKey].filter((k): k is string => k !== undefined && this.env.has(k));
  }

  pendingExit(): Atom {
    return this.flagKeys().reduce<Atom>((acc, k) => this.or(acc, this.atom(k)), lit(false, bool));
  }

  /** Runs `rest` only if no return/break/continue has happened: guards it with an `if` when that is not known statically. */
  guarded(rest: () => void): void {
    const exit = this.pendingExit();
    if (isLit(exit, 0)) return rest();
    if (isLit(exit, 1)) return this.discard(rest);
    const flags = this.flagKeys();
    const live = flags.filter((k) => !isLit(this.atom(k), 0));
    this.branch(
      exit,
      () => {
        if (live.length === 1) this.env.set(live[0], lit(true, bool)); // the one possible reason we skipped
        return [];
      },
      () => {
        for (const k of flags) this.env.set(k, lit(false, bool));
        rest();
        return [];
      },
    );
  }

  /** Lowers unreachable code only for its diagnostics. */
  discard(f: () => void): void {
    const saved = this.env;
    this.env = new Map(saved);
    this.b.block(() => {
      f();
      return [];
    });
    this.env = saved;
  }
}

export function sameAtom(a: Atom, b: Atom): boolean {
  if (a === b) return true;
  if (a.kind === "var" && b.kind === "var") return a.name === b.name;
  return a.kind === "lit" && b.kind === "lit" && a.type.dtype === b.type.dtype && Object.is(a.value, b.value);
}

export function joinType(a: Type, b: Type): Type {
  return sameType(a, b) ? a : f64;
}

const DTYPE_ORDER: DType[] = ["bool", "i32", "f32", "f64"];
export const maxDtype = (a: DType, b: DType): DType => (DTYPE_ORDER.indexOf(a) >= DTYPE_ORDER.indexOf(b) ? a : b);
