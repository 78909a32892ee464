// The round-trip check every IR a test builds can go through:
// print(parse(s)) === s and parse(print(f)) deep-equals f, up to the
// canonical form of attributes (absent = empty, keepdims only when true) and
// of i32 zero (there is no i32 -0).

import { expect } from "vitest";
import { parseFunc } from "../../compiler/ir/parse.js";
import { printFunc } from "../../compiler/ir/print.js";
import type { Atom, Attrs, Block, Func, Stmt } from "../../compiler/ir/syntax.js";
import { verifyFunc } from "../../compiler/ir/verify.js";

export function expectRoundTrip(f: Func): void {
  verifyFunc(f);
  const text = printFunc(f);
  const back = parseFunc(text);
  expect(printFunc(back)).toBe(text);
  expect(canonFunc(back)).toEqual(canonFunc(f));
}

export function canonFunc(f: Func): Func {
  return { name: f.name, params: f.params.map(canonAtom) as Func["params"], body: canonBlock(f.body) };
}

function canonBlock(b: Block): Block {
  return { stmts: b.stmts.map(canonStmt), results: b.results.map(canonAtom) };
}

function canonAtom(a: Atom): Atom {
  if (a.kind === "var") return { kind: "var", name: a.name, type: { dtype: a.type.dtype, rank: a.type.rank } };
  const value = a.type.dtype === "i32" && a.value === 0 ? 0 : a.value;
  return { kind: "lit", value, type: { dtype: a.type.dtype, rank: a.type.rank } };
}

function canonAttrs(a: Attrs | undefined): Attrs | undefined {
  if (!a) return undefined;
  const out: { -readonly [K in keyof Attrs]: Attrs[K] } = {};
  if (a.exponent !== undefined) out.exponent = a.exponent;
  if (a.dtype !== undefined) out.dtype = a.dtype;
  if (a.axes !== undefined) out.axes = [...a.axes];
  if (a.keepdims) out.keepdims = true;
  if (a.perm !== undefined) out.perm = [...a.perm];
  return Object.keys(out).length ? out : undefined;
}

function canonStmt(s: Stmt): Stmt {
  const outs = s.outs.map(canonAtom) as Stmt["outs"];
  const vars = <T extends Atom>(xs: T[]) => xs.map(canonAtom) as T[];
  switch (s.kind) {
    case "prim":
      return { kind: "prim", outs, prim: s.prim, args: vars(s.args), attrs: canonAttrs(s.attrs) };
    case "if":
      return { kind: "if", outs, cond: canonAtom(s.cond), then: canonBlock(s.then), else: canonBlock(s.else) };
    case "for":
      return {
        kind: "for", outs, index: canonAtom(s.index) as typeof s.index, lo: canonAtom(s.lo), hi: canonAtom(s.hi),
        reverse: s.reverse, carried: vars(s.carried), inits: vars(s.inits), body: canonBlock(s.body),
      };
    case "while":
      return { kind: "while", outs, carried: vars(s.carried), inits: vars(s.inits), cond: canonBlock(s.cond), body: canonBlock(s.body) };
    default:
      throw new Error(`unknown statement ${(s as Stmt).kind}`);
  }
}
