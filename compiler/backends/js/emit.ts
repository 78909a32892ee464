// IR → JavaScript source. One `const` per primitive, real `for` / `while`
// loops and `if`s, carried values as `let`s reassigned at the end of the
// body. The code is monomorphic (numbers and typed arrays only; bools are
// 0 / 1) and allocates nothing but arrays, so V8 optimizes it well.
// Array updates are in place where ownership.ts proves it safe.

import { fma32, fma64 } from "../../ir/fma.js";
import { type LoopStmt, type Ownership, analyzeOwnership } from "../ownership.js";
import type { Atom, Block, Func, PrimStmt, Stmt, Var } from "../../ir/syntax.js";
import { conv, jsPrims } from "./prims.js";

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;
export type JsValue = number | TypedArray;

// Names that would clash with JS keywords or the globals generated code uses.
// IR names never contain `$`, so appending one cannot collide.
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof let new null return static super switch this throw true try typeof var void while with yield await " +
    "implements interface package private protected public arguments eval undefined NaN Infinity Math Error RangeError " +
    "Float64Array Float32Array Int32Array Uint8Array Number Object Array").split(" "),
);

export function jsName(name: string): string {
  return RESERVED.has(name) ? `${name}$` : name;
}

export function jsLit(x: number): string {
  if (Object.is(x, -0)) return "(-0)";
  return x < 0 ? `(${x})` : String(x); // String gives the shortest round-tripping form; NaN, Infinity too
}

function atom(a: Atom): string {
  return a.kind === "var" ? jsName(a.name) : jsLit(a.value);
}

export function emitJs(f: Func): string {
  const e = new JsEmitter(analyzeOwnership(f));
  const lines: string[] = [];
  // Scalar arguments are converted to their dtype, as the interpreter does.
  for (const p of f.params) if (p.type.rank === 0 && p.type.dtype !== "f64") lines.push(`  ${jsName(p.name)} = ${conv(jsName(p.name), p.type.dtype)};`);
  e.stmts(f.body, "  ", lines);
  lines.push(`  return [${f.body.results.map(atom).join(", ")}];`);
  return `function ${jsName(f.name.replace(/[^A-Za-z0-9_$]/g, "_").replace(/^(?=\d)/, "_"))}(${f.params.map((p) => jsName(p.name)).join(", ")}) {\n${lines.join("\n")}\n}`;
}

/** Compiles `f` to a JS function returning its results as an array. */
export function compileJs(f: Func): (...args: JsValue[]) => JsValue[] {
  // helpers the generated code may call (jsPrims): JS has no fused multiply-add
  return new Function("__fma32", "__fma64", `"use strict"; return (${emitJs(f)});`)(fma32, fma64) as (...args: JsValue[]) => JsValue[];
}

class JsEmitter {
  constructor(private readonly own: Ownership) {}

  stmts(b: Block, ind: string, out: string[]): void {
    for (const s of b.stmts) this.stmt(s, ind, out);
  }

  private stmt(s: Stmt, ind: string, out: string[]): void {
    switch (s.kind) {
      case "prim":
        return this.prim(s, ind, out);
      case "if": {
        const outs = s.outs.map((o) => jsName(o.name));
        if (outs.length) out.push(`${ind}let ${outs.join(", ")};`);
        out.push(`${ind}if (${atom(s.cond)}) {`);
        this.branch(s.then, outs, ind + "  ", out);
        out.push(`${ind}} else {`);
        this.branch(s.else, outs, ind + "  ", out);
        out.push(`${ind}}`);
        return;
      }
      case "for": {
        this.carry(s, ind, out);
        const i = jsName(s.index.name);
        const [lo, hi] = [atom(s.lo), atom(s.hi)];
        out.push(s.reverse ? `${ind}for (let ${i} = ${hi} - 1; ${i} >= ${lo}; ${i}--) {` : `${ind}for (let ${i} = ${lo}; ${i} < ${hi}; ${i}++) {`);
        this.stmts(s.body, ind + "  ", out);
        this.next(s.carried, s.body.results, ind + "  ", out);
        out.push(`${ind}}`);
        this.outs(s.outs, s.carried, ind, out);
        return;
      }
      case "while": {
        this.carry(s, ind, out);
        out.push(`${ind}for (;;) {`);
        this.stmts(s.cond, ind + "  ", out);
        out.push(`${ind}  if (!${atom(s.cond.results[0])}) break;`);
        this.stmts(s.body, ind + "  ", out);
        this.next(s.carried, s.body.results, ind + "  ", out);
        out.push(`${ind}}`);
        this.outs(s.outs, s.carried, ind, out);
        return;
      }
    }
  }

  private prim(s: PrimStmt, ind: string, out: string[]): void {
    const o = jsName(s.outs[0].name);
    const args = s.args.map(atom);
    if (s.prim === "arr_get" || s.prim === "arr_set") {
      const [a, i] = args;
      // One unsigned compare covers i < 0 too; the interpreter throws here as well.
      out.push(`${ind}if (${i} >>> 0 >= ${a}.length) throw new RangeError("index " + ${i} + " out of bounds for length " + ${a}.length);`);
    }
    if (s.prim === "arr_set") {
      const inPlace = this.own.inPlace.has(s);
      out.push(`${ind}const ${o} = ${inPlace ? args[0] : `${args[0]}.slice()`};`);
      out.push(`${ind}${jsPrims.arr_set([o, args[1], args[2]], s.attrs, s.outs[0].type)};`);
      return;
    }
    out.push(`${ind}const ${o} = ${jsPrims[s.prim](args, s.attrs, s.outs[0].type)};`);
  }

  private branch(b: Block, outs: string[], ind: string, out: string[]): void {
    this.stmts(b, ind, out);
    b.results.forEach((r, k) => out.push(`${ind}${outs[k]} = ${atom(r)};`));
  }

  private carry(s: LoopStmt, ind: string, out: string[]): void {
    const copies = this.own.entryCopies.get(s);
    s.carried.forEach((c, k) => out.push(`${ind}let ${jsName(c.name)} = ${atom(s.inits[k])}${copies?.[k] ? ".slice()" : ""};`));
  }

  /** Assigns the next carried values; temporaries only when a value reads a carried var assigned before it. */
  private next(carried: Var[], results: Atom[], ind: string, out: string[]): void {
    const names = carried.map((c) => jsName(c.name));
    const vals = results.map(atom);
    const clash = vals.some((v, k) => names.some((n, j) => j < k && v === n && vals[j] !== n));
    if (clash) {
      vals.forEach((v, k) => v !== names[k] && out.push(`${ind}const ${names[k]}$next = ${v};`));
      vals.forEach((v, k) => v !== names[k] && out.push(`${ind}${names[k]} = ${names[k]}$next;`));
    } else vals.forEach((v, k) => v !== names[k] && out.push(`${ind}${names[k]} = ${v};`));
  }

  private outs(outs: Var[], carried: Var[], ind: string, out: string[]): void {
    outs.forEach((o, k) => out.push(`${ind}const ${jsName(o.name)} = ${jsName(carried[k].name)};`));
  }
}
