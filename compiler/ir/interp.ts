// A direct interpreter of the IR: the reference semantics that the JS and
// LLVM backends are tested against. Slow and simple on purpose.
//
// Values: scalars are numbers; the flat buffers of the arr_* primitives are
// typed arrays; arrays made by array primitives (or elementwise primitives on
// arrays) are NDValue (array-eval.ts). arr_* accept a rank-1 NDValue too, and
// array primitives accept a typed array as rank 1, so the two mix freely.

import { type NDValue, evalArrayPrim } from "./array-eval.js";
import { newData } from "./array-shape.js";
import { convert, evalScalar, isScalarPrim } from "./eval.js";
import { type Atom, type Block, type DType, type Func, type Stmt, isArrayPrim } from "./syntax.js";

export type Buffer = Float64Array | Float32Array | Int32Array | Uint8Array;
/** A scalar or a flat buffer: what the scalar-and-buffer subset of the IR uses. */
export type Value = number | Buffer;
/** Any interpreter value, including arrays of any rank. */
export type AnyValue = Value | NDValue;

export function newBuffer(dtype: DType, n: number): Buffer {
  return newData(dtype, n);
}

export function interpret(f: Func, args: AnyValue[]): AnyValue[] {
  if (args.length !== f.params.length) throw new Error(`${f.name} expects ${f.params.length} arguments, got ${args.length}`);
  const env = new Map<string, AnyValue>();
  f.params.forEach((p, k) => env.set(p.name, typeof args[k] === "number" ? convert(args[k] as number, p.type.dtype) : args[k]));
  return runBlock(f.body, env);
}

function get(env: Map<string, AnyValue>, a: Atom): AnyValue {
  if (a.kind === "lit") return a.value;
  const x = env.get(a.name);
  if (x === undefined) throw new Error(`unbound ${a.name}`);
  return x;
}

function runBlock(b: Block, env: Map<string, AnyValue>): AnyValue[] {
  for (const s of b.stmts) runStmt(s, env);
  return b.results.map((r) => get(env, r));
}

function bindAll(env: Map<string, AnyValue>, names: { name: string }[], vals: AnyValue[]) {
  names.forEach((x, k) => env.set(x.name, vals[k]));
}

function runStmt(s: Stmt, env: Map<string, AnyValue>): void {
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

/** The flat buffer behind an arr_* argument (a rank-1 NDValue's data). */
function buffer(x: AnyValue): Buffer {
  if (typeof x === "number") throw new Error("expected an array, got a number");
  if (ArrayBuffer.isView(x)) return x;
  if (x.shape.length !== 1) throw new Error(`buffer primitives expect rank 1, got shape [${x.shape.join(",")}]`);
  return x.data;
}

function runPrim(s: Stmt & { kind: "prim" }, args: AnyValue[]): AnyValue {
  const p = s.prim;
  const out = s.outs[0].type;
  // Scalars keep the direct path; arrays (of any rank) go through numpy-style broadcasting.
  if (isScalarPrim(p) && args.every((a) => typeof a === "number")) return evalScalar(p, args as number[], s.attrs, out.dtype);
  if (p === "stop_gradient") return args[0]; // the identity, on any value (arrays alias, as before)
  if (isScalarPrim(p) || isArrayPrim(p)) {
    const r = evalArrayPrim(p, args, s.attrs, out);
    // Elementwise on flat buffers stays in the buffer world: the result is a buffer again.
    const buffersOnly = args.every((a) => typeof a === "number" || ArrayBuffer.isView(a));
    return isScalarPrim(p) && buffersOnly && typeof r !== "number" ? r.data : r;
  }
  switch (p) {
    case "arr_new":
      return newBuffer(s.attrs!.dtype!, args[0] as number);
    case "arr_len":
      return buffer(args[0]).length;
    case "arr_get": {
      const a = buffer(args[0]);
      const i = args[1] as number;
      if (i < 0 || i >= a.length) throw new Error(`index ${i} out of bounds for length ${a.length}`);
      return a[i];
    }
    case "arr_set": {
      const a = buffer(args[0]).slice();
      const i = args[1] as number;
      if (i < 0 || i >= a.length) throw new Error(`index ${i} out of bounds for length ${a.length}`);
      a[i] = args[2] as number;
      return a;
    }
    default:
      throw new Error(`no interpreter rule for ${p}`);
  }
}
