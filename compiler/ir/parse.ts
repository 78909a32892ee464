// Reads IR text in the grammar written at the top of syntax.ts: exactly what
// print.ts writes, plus `//` comments and free layout. Variable uses carry no
// type in the text; the parser takes it from the definition in scope. Errors
// name line:col. (Futhark's IR/Parse.hs: any stage can be started from text.)

import { LITERAL_WORDS } from "./print.js";
import type { Atom, Attrs, Block, DType, Func, Lit, Prim, Stmt, Type, Var } from "./syntax.js";
import { PRIMS, sameType, typeToString } from "./syntax.js";

export class IrParseError extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    detail: string,
    file?: string,
  ) {
    super(`${file ? `${file}:` : ""}${line}:${col}: ${detail}`);
    this.name = "IrParseError";
  }
}

type TokKind = "word" | "name" | "number" | "punct" | "eof";
interface Tok {
  kind: TokKind; // word: a bare identifier (keyword or name); name: a quoted name
  text: string;
  line: number;
  col: number;
}

const DTYPES: readonly string[] = ["f64", "f32", "i32", "bool"];
const PUNCT = ["->", "..", "(", ")", "{", "}", "[", "]", "<", ">", ",", ":", "="];

function lex(src: string, file?: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (msg: string): never => {
    throw new IrParseError(line, i - lineStart + 1, msg, file);
  };
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const col = i - lineStart + 1;
    const rest = src.slice(i);
    const m =
      /^-?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(rest) ?? (rest.startsWith("-inf") && !/^-inf[A-Za-z0-9_$%]/.test(rest) ? ["-inf"] : null);
    if (m) {
      toks.push({ kind: "number", text: m[0], line, col });
      i += m[0].length;
      continue;
    }
    const w = /^[A-Za-z_$%][A-Za-z0-9_$%]*/.exec(rest);
    if (w) {
      toks.push({ kind: "word", text: w[0], line, col });
      i += w[0].length;
      continue;
    }
    if (c === '"') {
      const q = /^"(?:[^"\\\n]|\\.)*"/.exec(rest) ?? fail("unterminated quoted name");
      toks.push({ kind: "name", text: JSON.parse(q[0]) as string, line, col });
      i += q[0].length;
      continue;
    }
    const p = PUNCT.find((s) => rest.startsWith(s)) ?? fail(`unexpected character ${JSON.stringify(c)}`);
    toks.push({ kind: "punct", text: p, line, col });
    i += p.length;
  }
  toks.push({ kind: "eof", text: "end of input", line, col: i - lineStart + 1 });
  return toks;
}

/** Every function in `src`, in order. */
export function parseFuncs(src: string, file?: string): Func[] {
  const p = new Parser(lex(src, file), file);
  const funcs: Func[] = [];
  while (!p.at("eof")) funcs.push(p.func());
  return funcs;
}

/** The one function in `src`. */
export function parseFunc(src: string, file?: string): Func {
  const fs = parseFuncs(src, file);
  if (fs.length !== 1) throw new IrParseError(1, 1, `expected one function, found ${fs.length}`, file);
  return fs[0];
}

class Parser {
  private k = 0;
  private scopes: Map<string, Type>[] = [];

  constructor(
    private readonly toks: Tok[],
    private readonly file?: string,
  ) {}

  // ---- tokens ----------------------------------------------------------------------------

  private get tok(): Tok {
    return this.toks[this.k];
  }

  private fail(msg: string, t: Tok = this.tok): never {
    throw new IrParseError(t.line, t.col, msg, this.file);
  }

  at(kind: TokKind, text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }

  private atPunct(text: string): boolean {
    return this.at("punct", text);
  }

  private eat(kind: TokKind, text?: string): boolean {
    if (!this.at(kind, text)) return false;
    this.k++;
    return true;
  }

  private expect(kind: TokKind, text?: string): Tok {
    const t = this.tok;
    if (!this.eat(kind, text)) this.fail(`expected ${text ? `\`${text}\`` : kind}, found ${describe(t)}`);
    return t;
  }

  private punct(text: string): void {
    this.expect("punct", text);
  }

  private keyword(text: string): void {
    this.expect("word", text);
  }

  /** `f(item) ("," f(item))*` up to the closing punctuation (consumed). */
  private list<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    if (this.atPunct(close)) {
      this.k++;
      return out;
    }
    do out.push(item());
    while (this.eat("punct", ","));
    this.punct(close);
    return out;
  }

  // ---- names, types, atoms -----------------------------------------------------------------

  private name(): string {
    const t = this.tok;
    if (t.kind === "name" || (t.kind === "word" && !LITERAL_WORDS.has(t.text))) {
      this.k++;
      return t.text;
    }
    return this.fail(`expected a name, found ${describe(t)}`);
  }

  private type(): Type {
    const t = this.expect("word");
    if (!DTYPES.includes(t.text)) this.fail(`unknown dtype \`${t.text}\` (f64, f32, i32, bool)`, t);
    let rank = 0;
    if (this.eat("punct", "[")) {
      const r = this.expect("number");
      rank = Number(r.text);
      if (!Number.isInteger(rank) || rank < 1) this.fail(`array rank must be a positive integer, found ${r.text}`, r);
      this.punct("]");
    }
    return { dtype: t.text as DType, rank };
  }

  /** `name ":" type`, defined in the innermost scope. */
  private decl(): Var {
    const t = this.tok;
    const name = this.name();
    this.punct(":");
    const x: Var = { kind: "var", name, type: this.type() };
    this.define(x, t);
    return x;
  }

  private define(x: Var, at: Tok): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope.has(x.name)) this.fail(`${x.name} is defined twice`, at);
    scope.set(x.name, x.type);
  }

  private lookup(name: string): Type | undefined {
    for (let j = this.scopes.length - 1; j >= 0; j--) {
      const t = this.scopes[j].get(name);
      if (t) return t;
    }
    return undefined;
  }

  private atom(): Atom {
    const t = this.tok;
    if (t.kind === "word" && (t.text === "true" || t.text === "false")) {
      this.k++;
      return lit(t.text === "true" ? 1 : 0, "bool");
    }
    if (t.kind === "number" || (t.kind === "word" && (t.text === "nan" || t.text === "inf"))) {
      this.k++;
      const value = t.text === "nan" ? NaN : t.text === "inf" ? Infinity : t.text === "-inf" ? -Infinity : Number(t.text);
      if (!this.eat("punct", ":")) {
        if (t.kind === "number" && !/[.eE]|inf/.test(t.text)) this.fail(`integer literal ${t.text} needs a type: write ${t.text}:i32 or ${t.text}.0`, t);
        return lit(value, "f64");
      }
      const d = this.expect("word");
      if (d.text !== "i32" && d.text !== "f32") this.fail(`a literal's suffix is :i32 or :f32 (f64 has none), found :${d.text}`, d);
      if (d.text === "i32" && !Number.isInteger(value)) this.fail(`i32 literal ${t.text} is not an integer`, t);
      return lit(value, d.text as DType);
    }
    const name = this.name();
    const type = this.lookup(name) ?? this.fail(`unknown variable ${name}`, t);
    return { kind: "var", name, type };
  }

  private scoped<T>(bind: Var[], body: () => T): T {
    this.scopes.push(new Map(bind.map((x) => [x.name, x.type])));
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  // ---- functions, blocks, statements -------------------------------------------------------

  func(): Func {
    this.keyword("func");
    const name = this.name();
    this.punct("(");
    this.scopes = [new Map()];
    const params = this.list(")", () => this.decl());
    this.punct("->");
    this.punct("(");
    const at = this.tok;
    const results = this.list(")", () => this.type());
    const body = this.block();
    const got = body.results.map((r) => r.type);
    if (got.length !== results.length || got.some((t, j) => !sameType(t, results[j])))
      this.fail(`${name} is declared to return (${results.map(typeToString).join(", ")}) but yields (${got.map(typeToString).join(", ")})`, at);
    return { name, params, body };
  }

  /** `{ stmt* yield atom,* }` in a new scope. */
  private block(bind: Var[] = []): Block {
    return this.scoped(bind, () => {
      this.punct("{");
      const stmts: Stmt[] = [];
      while (!(this.at("word", "yield") && !this.nextIs(":"))) {
        if (this.at("eof") || this.atPunct("}")) this.fail(`expected a statement or \`yield\`, found ${describe(this.tok)}`);
        stmts.push(this.stmt());
      }
      this.k++;
      const results: Atom[] = [];
      if (!this.atPunct("}")) {
        do results.push(this.atom());
        while (this.eat("punct", ","));
      }
      this.punct("}");
      return { stmts, results };
    });
  }

  private nextIs(punct: string): boolean {
    const t = this.toks[this.k + 1];
    return t.kind === "punct" && t.text === punct;
  }

  private stmt(): Stmt {
    // outs are declared after the statement's own blocks are read (they are not in scope inside them)
    const outsAt = this.tok;
    const outs: { name: string; type: Type; at: Tok }[] = [];
    if (!this.startsStmtBody()) {
      do {
        const at = this.tok;
        const name = this.name();
        this.punct(":");
        outs.push({ name, type: this.type(), at });
      } while (this.eat("punct", ","));
      this.punct("=");
    }
    const vars: Var[] = outs.map((o) => ({ kind: "var", name: o.name, type: o.type }));
    const s = this.stmtBody(vars, outsAt);
    outs.forEach((o, j) => this.define(vars[j], o.at));
    return s;
  }

  /** A statement with no outs starts with its keyword (`if c {..}`, `for i in ..`, `while carry ..`). */
  private startsStmtBody(): boolean {
    return this.tok.kind === "word" && ["if", "for", "while"].includes(this.tok.text) && !this.nextIs(":") && !this.nextIs(",");
  }

  private stmtBody(outs: Var[], at: Tok): Stmt {
    const t = this.expect("word");
    switch (t.text) {
      case "if": {
        const cond = this.atom();
        const then = this.block();
        this.keyword("else");
        return { kind: "if", outs, cond, then, else: this.block() };
      }
      case "for": {
        const index: Var = { kind: "var", name: this.name(), type: { dtype: "i32", rank: 0 } };
        this.keyword("in");
        const lo = this.atom();
        this.punct("..");
        const hi = this.atom();
        const reverse = this.eat("word", "rev");
        const [carried, inits] = this.carry();
        const body = this.block([index, ...carried]);
        return { kind: "for", outs, index, lo, hi, reverse, carried, inits, body };
      }
      case "while": {
        const [carried, inits] = this.carry();
        this.keyword("cond");
        const cond = this.block(carried);
        this.keyword("do");
        const body = this.block(carried);
        return { kind: "while", outs, carried, inits, cond, body };
      }
      default: {
        if (!(PRIMS as readonly string[]).includes(t.text)) this.fail(`unknown primitive \`${t.text}\``, t);
        const attrs = this.atPunct("<") ? this.attrs() : undefined;
        this.punct("(");
        const args = this.list(")", () => this.atom());
        if (outs.length !== 1) this.fail(`${t.text} has one result, found ${outs.length}`, at);
        const s: Stmt = { kind: "prim", outs, prim: t.text as Prim, args };
        return attrs ? { ...s, attrs } : s;
      }
    }
  }

  /** `carry ( var: type = atom, .. )`: inits are read in the enclosing scope. */
  private carry(): [Var[], Atom[]] {
    this.keyword("carry");
    this.punct("(");
    const carried: Var[] = [];
    const inits: Atom[] = [];
    this.list(")", () => {
      const name = this.name();
      this.punct(":");
      carried.push({ kind: "var", name, type: this.type() });
      this.punct("=");
      inits.push(this.atom());
    });
    return [carried, inits];
  }

  /** `< exponent?, dtype?, axes=[..]?, keepdims?, perm=[..]? >`, in the order print.ts writes them. */
  private attrs(): Attrs {
    this.punct("<");
    const a: { -readonly [K in keyof Attrs]: Attrs[K] } = {};
    const ints = (): number[] => {
      this.punct("=");
      this.punct("[");
      return this.list("]", () => {
        const t = this.expect("number");
        const n = Number(t.text);
        if (!Number.isInteger(n)) this.fail(`expected an integer, found ${t.text}`, t);
        return n;
      });
    };
    this.list(">", () => {
      const t = this.tok;
      if (this.eat("number")) a.exponent = Number(t.text);
      else if (this.eat("word", "axes")) a.axes = ints();
      else if (this.eat("word", "perm")) a.perm = ints();
      else if (this.eat("word", "keepdims")) a.keepdims = true;
      else if (t.kind === "word" && DTYPES.includes(t.text)) {
        this.k++;
        a.dtype = t.text as DType;
      } else this.fail(`expected an attribute (an exponent, a dtype, axes=[..], keepdims, perm=[..]), found ${describe(t)}`);
    });
    return a;
  }
}

function lit(value: number, dtype: DType): Lit {
  return { kind: "lit", value, type: { dtype, rank: 0 } };
}

function describe(t: Tok): string {
  return t.kind === "eof" ? "end of input" : t.kind === "name" ? JSON.stringify(t.text) : `\`${t.text}\``;
}

/**
 * The input IR of a `.tsir` file (test/ir/*.tsir): the text before its first
 * `// ---- ` line. The sections after it name passes and hold their expected
 * output (test/ir.test.ts reads them).
 */
export function tsirInput(text: string): string {
  const m = /^\/\/ ---- /m.exec(text);
  return m ? text.slice(0, m.index) : text;
}
