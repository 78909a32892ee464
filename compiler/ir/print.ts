// Prints IR in the grammar written at the top of syntax.ts; parse.ts reads it
// back (print(parse(s)) === s for every printed s).

import type { Atom, Block, Func, Lit, PrimStmt, Stmt, Var } from "./syntax.js";
import { typeToString } from "./syntax.js";

export function printFunc(f: Func): string {
  const params = f.params.map(decl).join(", ");
  const results = f.body.results.map((r) => typeToString(r.type)).join(", ");
  return `func ${printName(f.name)}(${params}) -> (${results}) ${printBlock(f.body, "")}\n`;
}

/** Words that read as literals, so a variable spelled like one is quoted. */
export const LITERAL_WORDS: ReadonlySet<string> = new Set(["true", "false", "nan", "inf"]);

/** A name as the grammar spells it: bare when it is an identifier (`%` allowed), else quoted. */
export function printName(name: string): string {
  return /^[A-Za-z_$%][A-Za-z0-9_$%]*$/.test(name) && !LITERAL_WORDS.has(name) ? name : JSON.stringify(name);
}

export function printLit(l: Lit): string {
  switch (l.type.dtype) {
    case "bool":
      return l.value ? "true" : "false";
    case "i32":
      return `${l.value}:i32`;
    default: {
      let s = Number.isFinite(l.value) ? String(l.value) : l.value > 0 ? "inf" : l.value < 0 ? "-inf" : "nan";
      if (Object.is(l.value, -0)) s = "-0";
      if (/^-?\d+$/.test(s)) s += ".0";
      return l.type.dtype === "f32" ? `${s}:f32` : s;
    }
  }
}

export function printAtom(a: Atom): string {
  return a.kind === "var" ? printName(a.name) : printLit(a);
}

function decl(x: Var): string {
  return `${printName(x.name)}: ${typeToString(x.type)}`;
}

function atoms(as: Atom[]): string {
  return as.map(printAtom).join(", ");
}

function printBlock(b: Block, indent: string): string {
  const inner = indent + "  ";
  const lines = b.stmts.map((s) => inner + printStmt(s, inner));
  lines.push(b.results.length ? `${inner}yield ${atoms(b.results)}` : `${inner}yield`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function carry(vars: Var[], inits: Atom[]): string {
  return vars.map((c, k) => `${decl(c)} = ${printAtom(inits[k])}`).join(", ");
}

export function printStmt(s: Stmt, indent = ""): string {
  const outs = s.outs.map(decl).join(", ");
  const lhs = outs ? `${outs} = ` : "";
  switch (s.kind) {
    case "prim": {
      const attr = printAttrs(s.attrs);
      return `${lhs}${s.prim}${attr}(${atoms(s.args)})`;
    }
    case "if":
      return `${lhs}if ${printAtom(s.cond)} ${printBlock(s.then, indent)} else ${printBlock(s.else, indent)}`;
    case "for":
      return (
        `${lhs}for ${printName(s.index.name)} in ${printAtom(s.lo)}..${printAtom(s.hi)}${s.reverse ? " rev" : ""} ` +
        `carry (${carry(s.carried, s.inits)}) ${printBlock(s.body, indent)}`
      );
    case "while":
      return `${lhs}while carry (${carry(s.carried, s.inits)}) cond ${printBlock(s.cond, indent)} do ${printBlock(s.body, indent)}`;
    default:
      throw new Error(`unknown statement ${(s as Stmt).kind}`);
  }
}

function printAttrs(a: PrimStmt["attrs"]): string {
  if (!a) return "";
  const parts: string[] = [];
  if (a.exponent !== undefined) parts.push(String(a.exponent));
  if (a.dtype) parts.push(a.dtype);
  if (a.axes) parts.push(`axes=[${a.axes.join(",")}]`);
  if (a.keepdims) parts.push("keepdims");
  if (a.perm) parts.push(`perm=[${a.perm.join(",")}]`);
  return parts.length ? `<${parts.join(", ")}>` : "";
}
