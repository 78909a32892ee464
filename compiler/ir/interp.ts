// A direct interpreter of the IR: the reference semantics that the JS and
// LLVM backends are tested against. Slow and simple on purpose.

import { convert, evalScalar, isScalarPrim } from "./eval.js";
import type { Atom, Block, DType, Func, Stmt } from "./syntax.js";

export type Buffer = Float64Array | Float32Array | Int32Array | Uint8Array;
export type Value = number | Buffer;

export function newBuffer(dtype: DType, n: number): Buffer {
  switch (dtype) {
    case "f64":
      return new Float64Array(n);
    case "f32":
      return new Float32Array(n);
    case "i32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
    default:
      throw new Error(`unknown dtype ${dtype as string}`);
  }
}

export function interpret(f: Func, args: Value[]): Value[] {
  if (args.length !== f.params.length) throw new Error(`${f.name} expects ${f.params.length} arguments, got ${args.length}`);
  const env = new Map<string, Value>();
  f.params.forEach((p, k) => env.set(p.name, typeof args[k] === "number" ? convert(args[k] as number, p.type.dtype) : args[k]));
  return runBlock(f.body, env);
}

function get(env: Map<string, Value>, a: Atom): Value {
  if (a.kind === "lit") return a.value;
  const x = env.get(a.name);
  if (x === undefined) throw new Error(`unbound ${a.name}`);
  return x;
}

function runBlock(b: Block, env: Map<string, Value>): Value[] {
  for (const s of b.stmts) runStmt(s, env);
  return b.results.map((r) => get(env, r));
}

function bindAll(env: Map<string, Value>, names: { name: string }[], vals: Value[]) {
  names.forEach((x, k) => env.set(x.name, vals[k]));
}

function runStmt(s: Stmt, env: Map<string, Value>): void {
  switch (s.kind) {
    case "prim": {
      const args = s.args.map((a) => get(env, a));
      env.set(s.outs[0].name, runPrim(s, args));
      return;
    }
    case "if":
      bindAll(env, s.outs, runBlock(get(env, s.cond) ? s.then : s.else, env));
      return;
    case "for": {
      const lo = get(env, s.lo) as number;
      const hi = get(env, s.hi) as number;
      let state = s.inits.map((a) => get(env, a));
      for (let k = 0; k < hi - lo; k++) {
        env.set(s.index.name, s.reverse ? hi - 1 - k : lo + k);
        bindAll(env, s.carried, state);
        state = runBlock(s.body, env);
      }
      bindAll(env, s.outs, state);
      return;
    }
    case "while": {
      let state = s.inits.map((a) => get(env, a));
      for (;;) {
        bindAll(env, s.carried, state);
        if (!runBlock(s.cond, env)[0]) break;
        state = runBlock(s.body, env);
      }
      bindAll(env, s.outs, state);
      return;
    }
    default:
      throw new Error(`unknown statement ${(s as Stmt).kind}`);
  }
}

function runPrim(s: Stmt & { kind: "prim" }, args: Value[]): Value {
  const p = s.prim;
  if (isScalarPrim(p)) return evalScalar(p, args as number[], s.attrs, s.outs[0].type.dtype);
  switch (p) {
    case "arr_new":
      return newBuffer(s.attrs!.dtype!, args[0] as number);
    case "arr_len":
      return (args[0] as Buffer).length;
    case "arr_get": {
      const a = args[0] as Buffer;
      const i = args[1] as number;
      if (i < 0 || i >= a.length) throw new Error(`index ${i} out of bounds for length ${a.length}`);
      return a[i];
    }
    case "arr_set": {
      const a = (args[0] as Buffer).slice();
      const i = args[1] as number;
      if (i < 0 || i >= a.length) throw new Error(`index ${i} out of bounds for length ${a.length}`);
      a[i] = args[2] as number;
      return a;
    }
    default:
      throw new Error(`no interpreter rule for ${p}`);
  }
}
