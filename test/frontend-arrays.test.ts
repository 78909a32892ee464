// Front end on array programs: signatures, pytrees, numpy broadcasting and
// promotion, captured arrays, kernels over typed arrays, unrolled pytree
// loops, local lists and nested transforms. Every Func is verified and run in
// the reference interpreter against values computed by a small JS reference.

import { ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { compileSource, formatDiagnostic, type SigTree, type Signature } from "../compiler/frontend/index.js";
import type { NDValue } from "../compiler/ir/array-eval.js";
import { gradFunc } from "../compiler/ad/grad.js";
import { interpret } from "../compiler/ir/interp.js";
import { printFunc } from "../compiler/ir/print.js";
import type { DType, Func } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";

const leaf = (dtype: DType, rank = 0, weak?: boolean): SigTree => ({ kind: "leaf", type: weak === undefined ? { dtype, rank } : { dtype, rank, weak } });
const dict = (entries: Record<string, SigTree>): SigTree => {
  const keys = Object.keys(entries).sort();
  return { kind: "dict", keys, items: keys.map((k) => entries[k]) };
};
const listOf = (...items: SigTree[]): SigTree => ({ kind: "list", items });

function compileOk(src: string, signatures: Record<string, Signature> = {}) {
  const r = compileSource(src, { signatures });
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  for (const f of r.funcs.values()) verifyFunc(f);
  return r;
}

const nd = (data: number[], shape: number[], dtype: DType = "f64"): NDValue => ({
  data: dtype === "f32" ? Float32Array.from(data) : dtype === "i32" ? Int32Array.from(data) : dtype === "bool" ? Uint8Array.from(data) : Float64Array.from(data),
  shape,
});
const flat = (x: unknown): number[] =>
  typeof x === "number" ? [x] : Array.isArray(x) ? x.flatMap(flat) : ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : Array.from((x as NDValue).data);

function expectClose(got: unknown, want: number[] | number, tol = 1e-6) {
  const g = flat(got);
  const w = typeof want === "number" ? [want] : want;
  expect(g.length).toBe(w.length);
  g.forEach((x, k) => expect(Math.abs(x - w[k])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w[k]))));
}

const run = (f: Func, args: unknown[]) => interpret(f, args as never);

describe("JAX tutorial: logistic regression", () => {
  const src = `
const inputs = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]]);
const targets = np.array([true, true, false, true]);
function sigmoid(x) { return 0.5 * (np.tanh(x / 2) + 1); }
function predict(W, b, inputs) { return sigmoid(np.dot(inputs, W) + b); }
export function loss(W, b) {
  const preds = predict(W, b, inputs);
  const label_probs = preds * targets + (1 - preds) * (1 - targets);
  return -np.sum(np.log(label_probs));
}
export function loss2(params) {
  const preds = predict(params.W, params.b, inputs);
  const label_probs = preds * targets + (1 - preds) * (1 - targets);
  return -np.sum(np.log(label_probs));
}
`;
  const X = [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]];
  const T = [1, 1, 0, 1];
  const refLoss = (W: number[], b: number) => {
    let s = 0;
    X.forEach((row, i) => {
      const z = row.reduce((a, x, j) => a + x * W[j], 0) + b;
      const p = 0.5 * (Math.tanh(z / 2) + 1);
      s += Math.log(p * T[i] + (1 - p) * (1 - T[i]));
    });
    return -s;
  };
  const W = [0.1, -0.2, 0.3];
  const caps = { inputs: leaf("f32", 2), targets: leaf("bool", 1) };
  const inputs = nd(X.flat(), [4, 3], "f32");
  const targets = nd(T, [4], "bool");
  const sigs = {
    loss: { params: [leaf("f32", 1), leaf("f32", 0, false)], captures: caps, defaultFloat: "f32" as const },
    loss2: { params: [dict({ W: leaf("f32", 1), b: leaf("f32", 0, false) })], captures: caps, defaultFloat: "f32" as const },
  };

  test("loss(W, b) with captured inputs/targets, f32", () => {
    const r = compileOk(src, sigs);
    const f = r.funcs.get("loss")!;
    expect(printFunc(f)).not.toContain("f64"); // jax without x64: bools and JS numbers meet f32 as f32
    expect(f.params.map((p) => p.name)).toEqual(["W", "b", "inputs", "targets"]);
    expect(r.captures.get("loss")).toEqual(["inputs", "targets"]);
    expect(f.body.results[0].type).toEqual({ dtype: "f32", rank: 0 });
    expectClose(run(f, [nd(W, [3], "f32"), 0.5, inputs, targets])[0], refLoss(W, 0.5), 1e-5);
  });

  test("loss2(params) with a dict of params", () => {
    const r = compileOk(src, sigs);
    const f = r.funcs.get("loss2")!;
    expect(f.params.map((p) => p.name)).toEqual(["params_W", "params_b", "inputs", "targets"]);
    expectClose(run(f, [nd(W, [3], "f32"), -0.3, inputs, targets])[0], refLoss(W, -0.3), 1e-5);
    expect(r.outTrees.get("loss2")).toEqual({ kind: "leaf" });
  });

  test("the compiled loss differentiates (gradFunc) like finite differences", () => {
    const r = compileOk(src, { loss: { params: [leaf("f64", 1), leaf("f64", 0, true)] }, loss2: { params: [dict({ W: leaf("f64", 1), b: leaf("f64", 0, true) })] } });
    const g = gradFunc(r.funcs.get("loss")!, { argnums: [0, 1], keep: [0] });
    verifyFunc(g);
    const Xd = nd(X.flat(), [4, 3]);
    const [value, gW, gb] = run(g, [nd(W, [3]), 0.5, Xd, targets]);
    expectClose(value, refLoss(W, 0.5), 1e-12);
    const h = 1e-6;
    const fd = W.map((_, j) => (refLoss(W.map((w, k) => (k === j ? w + h : w)), 0.5) - refLoss(W.map((w, k) => (k === j ? w - h : w)), 0.5)) / (2 * h));
    expectClose(gW, fd, 1e-7);
    expectClose(gb, (refLoss(W, 0.5 + h) - refLoss(W, 0.5 - h)) / (2 * h), 1e-7);
  });

  test("f64 everywhere, and types inferred from the initializers when no signature is given", () => {
    const r = compileOk(src, { loss: { params: [leaf("f64", 1), leaf("f64", 0, true)] }, loss2: { params: [dict({ W: leaf("f64", 1), b: leaf("f64", 0, true) })] } });
    const f = r.funcs.get("loss")!;
    expect(f.params.map((p) => `${p.name}:${p.type.dtype}[${p.type.rank}]`)).toEqual(["W:f64[1]", "b:f64[0]", "inputs:f64[2]", "targets:bool[1]"]);
    expectClose(run(f, [nd(W, [3]), 0.5, nd(X.flat(), [4, 3]), targets])[0], refLoss(W, 0.5), 1e-12);
  });
});

describe("arrays: broadcasting, promotion, shapes, indexing, pytree results", () => {
  test("broadcasting (3,1) with (4,) and scalars; comparisons give bool; promotion", () => {
    const src = `
export function f(a, b) { return a * b + 1; }
export function g(a, b) { return [a > b, a - b]; }
export function h(x, k) { return { y: x * 2.0, z: k * x, s: np.sin(k) }; }`;
    const r = compileOk(src, {
      f: { params: [leaf("f64", 2), leaf("f64", 1)] },
      g: { params: [leaf("i32", 1), leaf("f32", 0, false)] },
      h: { params: [leaf("f32", 1), leaf("i32", 1)] },
    });
    const a = nd([1, 2, 3], [3, 1]);
    const b = nd([10, 20, 30, 40], [4]);
    const out = run(r.funcs.get("f")!, [a, b])[0] as NDValue;
    expect(out.shape).toEqual([3, 4]);
    expectClose(out, [11, 21, 31, 41, 21, 41, 61, 81, 31, 61, 91, 121]);
    const g = r.funcs.get("g")!;
    expect(g.body.results.map((x) => x.type)).toEqual([{ dtype: "bool", rank: 1 }, { dtype: "f32", rank: 1 }]);
    const [gt, diff] = run(g, [nd([1, 5], [2], "i32"), 2.5]);
    expect(flat(gt)).toEqual([0, 1]);
    expectClose(diff, [-1.5, 2.5]);
    expect(r.outTrees.get("g")).toEqual({ kind: "list", items: [{ kind: "leaf" }, { kind: "leaf" }] });
    const h = r.funcs.get("h")!;
    expect(r.outTrees.get("h")).toEqual({ kind: "dict", keys: ["s", "y", "z"], items: [{ kind: "leaf" }, { kind: "leaf" }, { kind: "leaf" }] });
    // s = sin(int array) is the default float; y stays f32 (weak 2.0); k * x: i32 with f32 is f32
    expect(h.body.results.map((x) => x.type.dtype)).toEqual(["f64", "f32", "f32"]);
  });

  test("x.shape, x.ndim, x.size, x[i] (rows, elements, negative), np.zeros of a shape", () => {
    const src = `
export function f(x) {
  const [n, m] = x.shape;
  const row = x[1];
  const last = x[-1];
  let acc = np.zeros(x.shape[1]);
  for (let i = 0; i < x.shape[0]; i++) acc = acc + x[i];
  return { n, m, size: x.size, ndim: x.ndim, row, last, e: row[2], acc };
}`;
    const r = compileOk(src, { f: { params: [leaf("f64", 2)] } });
    const out = run(r.funcs.get("f")!, [nd([1, 2, 3, 4, 5, 6], [2, 3])]);
    const tree = r.outTrees.get("f") as { keys: string[] };
    const byKey = Object.fromEntries(tree.keys.map((k, j) => [k, flat(out[j])]));
    expect(byKey).toEqual({ acc: [5, 7, 9], e: [6], last: [4, 5, 6], m: [3], n: [2], ndim: [2], row: [4, 5, 6], size: [6] });
  });
});

/** Runs a module as plain JS (kernels are valid JS on typed arrays), returning its functions. */
function runAsJs(source: string, names: string[]): Record<string, (...a: unknown[]) => unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Function("exports", `${js}\nreturn { ${names.join(", ")} };`)({});
}

describe("kernels (Enzyme style): typed arrays, indexed reads and writes", () => {
  const src = `
export function saxpy(a: number, x: Float64Array, y: Float64Array) {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i] + y[i];
  return out;
}
export function gatherAdd(x: Float64Array, idx: Int32Array, w: Float64Array) {
  const out = new Float64Array(w.length);
  for (let i = 0; i < idx.length; i++) out[i % w.length] += x[idx[i]] * w[i % w.length];
  return out;
}
export function overwrite(x: Float64Array) {
  const buf = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    buf[i] = x[i];
    buf[i] = buf[i] * buf[i] + 1;
    if (i > 0) buf[i] -= buf[i - 1];
    s += buf[i];
  }
  return [s, buf];
}
export function inPlace(x: Float64Array, n: number) {
  for (let k = 0; k < n; k++) for (let i = 0; i < x.length; i++) x[i] *= 0.5;
  x[0]++;
  return x;
}
export function f32(x: Float32Array) {
  const out = new Float32Array(x.length);
  let acc = 0;
  for (let i = 0; i < x.length; i++) { out[i] = x[i] * 2.5; acc += out[i]; }
  return [out, acc];
}
export function dotLoop(x: Float64Array, y: Float64Array) {
  let s = 0;
  let i = 0;
  while (i < x.length) { s += x[i] * y[i]; i++; }
  return s;
}`;
  const names = ["saxpy", "gatherAdd", "overwrite", "inPlace", "f32", "dotLoop"];
  const r = compileOk(src);
  const js = runAsJs(src, names);
  const X = () => Float64Array.of(0.5, -1.25, 2, 3.5);
  const cases: Record<string, () => unknown[]> = {
    saxpy: () => [2, X(), Float64Array.of(1, 2, 3, 4)],
    gatherAdd: () => [X(), Int32Array.of(3, 0, 0, 2, 1, 3), Float64Array.of(0.5, 2, -1)],
    overwrite: () => [X()],
    inPlace: () => [X(), 3],
    f32: () => [Float32Array.of(0.1, 0.2, 0.3)],
    dotLoop: () => [X(), Float64Array.of(1, 2, 3, 4)],
  };
  for (const name of names)
    test(name, () => {
      const f = r.funcs.get(name)!;
      const want = js[name](...cases[name]());
      const got = run(f, cases[name]());
      const wantList = Array.isArray(want) ? want : [want];
      expect(got.length).toBe(wantList.length);
      wantList.forEach((w, k) => expectClose(got[k], flat(w), 1e-12));
    });

  test("lowering: arr_new / arr_get / arr_set carried by the loop, typed-array dtypes kept", () => {
    const ir = printFunc(r.funcs.get("saxpy")!);
    expect(ir).toMatch(/buf: f64\[1\] = arr_new<f64>\(n\)/);
    expect(ir).toMatch(/out_2: f64\[1\] = for i in 0:i32\.\.n_1 carry \(out: f64\[1\] = buf\)/);
    expect(ir).toContain("out_1: f64[1] = arr_set(out, i, t_1)");
    const f32ir = printFunc(r.funcs.get("f32")!);
    expect(r.funcs.get("f32")!.body.results.map((x) => x.type)).toEqual([{ dtype: "f32", rank: 1 }, { dtype: "f64", rank: 0 }]);
    expect(f32ir).toContain("cast<f32>");
  });
});

describe("np on arrays (jax.numpy semantics)", () => {
  const src = `
export function f(x, v) {
  return {
    sum0: np.sum(x, 0), sum1k: np.sum(x, 1, true), sumAll: np.sum(x), sumOpt: np.sum(x, { axis: -1 }),
    mean1: np.mean(x, 1), meanAll: np.mean(x), max0: np.max(x, 0), min1: np.min(x, 1), prod: np.prod(v),
    argmax: np.argmax(v), argmin1: np.argmin(x, 1),
    mv: np.dot(x, v), mm: np.matmul(x, np.transpose(x)), vdot: np.vdot(v, v), outer: np.outer(v, v), scal: np.dot(2, v),
    t: x.T, r: np.reshape(x, [3, -1]), rm: x.reshape(6), e: np.expandDims(v, 0), sq: np.squeeze(np.expandDims(v, 1), 1),
    cat: np.concatenate([v, v], 0), st: np.stack([v, v]), st1: np.stack([v, v], 1), tk: np.take(v, np.array([2, 0])),
    clip: np.clip(v, -1, 1), wh: np.where(v > 0, v, 0), lae: np.logaddexp(v, 1), sig: np.sigmoid(v), sp: np.softplus(v),
    lse: np.logsumexp(x, 1), lseAll: np.logsumexp(x), ar: np.arange(4), ar2: np.arange(1, 2, 0.25), ls: np.linspace(0, 1, 5),
    eye: np.eye(2), z: np.zeros([2, 2]), o: np.ones(3), fu: np.full([2], 7), zl: np.zerosLike(v), mx: np.maximum(v, 0.5),
    pw: np.power(v, 2), sqr: np.square(v), sqt: np.sqrt(np.abs(v)), sg: np.sign(v), mean0k: x.mean(0, true), sm: x.sum(1),
  };
}`;
  const X = [[1, -2, 3], [0.5, 4, -1]];
  const V = [2, -1.5, 0.25];
  const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
  const want: Record<string, [number[], number[]]> = {
    sum0: [[1.5, 2, 2], [3]],
    sum1k: [[2, 3.5], [2, 1]],
    sumAll: [[5.5], []],
    sumOpt: [[2, 3.5], [2]],
    mean1: [[2 / 3, 3.5 / 3], [2]],
    meanAll: [[5.5 / 6], []],
    max0: [[1, 4, 3], [3]],
    min1: [[-2, -1], [2]],
    prod: [[-0.75], []],
    argmax: [[0], []],
    argmin1: [[1, 2], [2]],
    mv: [[2 + 3 + 0.75, 1 - 6 - 0.25], [2]],
    mm: [[14, -10.5, -10.5, 17.25], [2, 2]],
    vdot: [[4 + 2.25 + 0.0625], []],
    outer: [[4, -3, 0.5, -3, 2.25, -0.375, 0.5, -0.375, 0.0625], [3, 3]],
    scal: [[4, -3, 0.5], [3]],
    t: [[1, 0.5, -2, 4, 3, -1], [3, 2]],
    r: [[1, -2, 3, 0.5, 4, -1], [3, 2]],
    rm: [[1, -2, 3, 0.5, 4, -1], [6]],
    e: [V, [1, 3]],
    sq: [V, [3]],
    cat: [[...V, ...V], [6]],
    st: [[...V, ...V], [2, 3]],
    st1: [[2, 2, -1.5, -1.5, 0.25, 0.25], [3, 2]],
    tk: [[0.25, 2], [2]],
    clip: [[1, -1, 0.25], [3]],
    wh: [[2, 0, 0.25], [3]],
    lae: [V.map((x) => Math.log(Math.exp(x) + Math.E)), [3]],
    sig: [V.map((x) => 1 / (1 + Math.exp(-x))), [3]],
    sp: [V.map((x) => Math.log1p(Math.exp(x))), [3]],
    lse: [[lse(X[0]), lse(X[1])], [2]],
    lseAll: [[lse(X.flat())], []],
    ar: [[0, 1, 2, 3], [4]],
    ar2: [[1, 1.25, 1.5, 1.75], [4]],
    ls: [[0, 0.25, 0.5, 0.75, 1], [5]],
    eye: [[1, 0, 0, 1], [2, 2]],
    z: [[0, 0, 0, 0], [2, 2]],
    o: [[1, 1, 1], [3]],
    fu: [[7, 7], [2]],
    zl: [[0, 0, 0], [3]],
    mx: [[2, 0.5, 0.5], [3]],
    pw: [V.map((x) => x * x), [3]],
    sqr: [V.map((x) => x * x), [3]],
    sqt: [V.map((x) => Math.sqrt(Math.abs(x))), [3]],
    sg: [[1, -1, 1], [3]],
    mean0k: [[0.75, 1, 1], [1, 3]],
    sm: [[2, 3.5], [2]],
  };
  test("values and shapes", () => {
    const r = compileOk(src, { f: { params: [leaf("f64", 2), leaf("f64", 1)] } });
    const out = run(r.funcs.get("f")!, [nd(X.flat(), [2, 3]), nd(V, [3])]);
    const tree = r.outTrees.get("f") as { keys: string[] };
    expect(tree.keys).toEqual(Object.keys(want).sort());
    tree.keys.forEach((k, j) => {
      const [data, shape] = want[k];
      const got = out[j];
      expect(typeof got === "number" ? [] : (got as NDValue).shape, k).toEqual(shape);
      expectClose(got, data, 1e-12);
    });
    const f = r.funcs.get("f")!;
    const types = Object.fromEntries(tree.keys.map((k, j) => [k, f.body.results[j].type.dtype]));
    expect([types.argmax, types.argmin1, types.ar, types.eye, types.fu]).toEqual(["i32", "i32", "i32", "f64", "f64"]);
  });
});

describe("pytree-list loops (unrolled) and local lists", () => {
  const src = `
function dense(layer, h) { return np.dot(h, layer.W) + layer.b; }
export function mlp(params, x) {
  let h = x;
  for (const layer of params.layers) h = np.tanh(dense(layer, h));
  return h;
}
export function mlp2(params, x) {
  let h = x;
  for (let i = 0; i < params.layers.length; i++) {
    const { W, b } = params.layers[i];
    h = i < params.layers.length - 1 ? np.tanh(np.dot(h, W) + b) : np.dot(h, W) + b;
  }
  return np.sum(h);
}
export function step(params, lr) {
  const layers = [];
  for (const l of params.layers) layers.push({ W: l.W - lr * l.W, b: l.b * 0.5 });
  return { layers, scale: params.scale };
}
export function powers(x) {
  const xs = [];
  for (let i = 0; i < 4; i++) xs.push(x ** i);
  const ys = [x, 2 * x];
  ys.push(np.sin(x));
  return [np.stack(xs), np.array(ys), xs.length];
}
export function rows(m) {
  const out = [];
  for (let i = 0; i < 2; i++) out.push(np.sum(m[i]));
  return np.array(out);
}`;
  const layer = (i: number, o: number): SigTree => dict({ W: leaf("f64", 2), b: leaf("f64", 1) });
  const paramsSig = dict({ layers: listOf(layer(3, 4), layer(4, 2)), scale: leaf("f64", 0, true) });
  const r = compileOk(src, {
    dense: { params: [layer(3, 4), leaf("f64", 1)] }, // helpers compile on their own too (the runtime only asks for what it calls)
    mlp: { params: [paramsSig, leaf("f64", 1)] },
    mlp2: { params: [paramsSig, leaf("f64", 1)] },
    step: { params: [paramsSig, leaf("f64", 0, true)] },
    powers: { params: [leaf("f64", 1)] },
    rows: { params: [leaf("f64", 2)] },
  });
  // layer 0: 3 -> 4, layer 1: 4 -> 2
  const W0 = Array.from({ length: 12 }, (_, k) => Math.sin(k + 1) / 2);
  const b0 = [0.1, -0.2, 0.3, 0];
  const W1 = Array.from({ length: 8 }, (_, k) => Math.cos(k) / 3);
  const b1 = [0.05, -0.05];
  const x = [0.3, -0.7, 1.1];
  const denseRef = (h: number[], W: number[], b: number[], n: number, m: number) => Array.from({ length: m }, (_, j) => b[j] + h.reduce((a, hv, i) => a + hv * W[i * m + j], 0));
  const args = [nd(W0, [3, 4]), nd(b0, [4]), nd(W1, [4, 2]), nd(b1, [2]), 1.5];

  test("params flatten depth-first with sorted keys", () => {
    expect(r.funcs.get("mlp")!.params.map((p) => p.name)).toEqual(["params_layers_0_W", "params_layers_0_b", "params_layers_1_W", "params_layers_1_b", "params_scale", "x"]);
  });

  test("for...of over params.layers, and an index loop bounded by .length", () => {
    const h1 = denseRef(x, W0, b0, 3, 4).map(Math.tanh);
    const h2 = denseRef(h1, W1, b1, 4, 2);
    expectClose(run(r.funcs.get("mlp")!, [...args, nd(x, [3])])[0], h2.map(Math.tanh), 1e-12);
    expectClose(run(r.funcs.get("mlp2")!, [...args, nd(x, [3])])[0], h2[0] + h2[1], 1e-12);
    expect(printFunc(r.funcs.get("mlp")!)).not.toMatch(/\bfor\b/);
  });

  test("a pytree result built by push in an unrolled loop", () => {
    expect(r.outTrees.get("step")).toEqual({
      kind: "dict",
      keys: ["layers", "scale"],
      items: [{ kind: "list", items: [0, 1].map(() => ({ kind: "dict", keys: ["W", "b"], items: [{ kind: "leaf" }, { kind: "leaf" }] })) }, { kind: "leaf" }],
    });
    const out = run(r.funcs.get("step")!, [...args, 0.1]);
    expectClose(out[0], W0.map((w) => w * 0.9), 1e-12);
    expectClose(out[1], b0.map((b) => b * 0.5), 1e-12);
    expectClose(out[3], b1.map((b) => b * 0.5), 1e-12);
    expectClose(out[4], 1.5);
  });

  test("push + np.stack / np.array of local lists", () => {
    const v = [0.5, 2];
    const [st, arr, n] = run(r.funcs.get("powers")!, [nd(v, [2])]);
    expect((st as NDValue).shape).toEqual([4, 2]);
    expectClose(st, [1, 1, 0.5, 2, 0.25, 4, 0.125, 8]);
    expect((arr as NDValue).shape).toEqual([3, 2]);
    expectClose(arr, [0.5, 2, 1, 4, Math.sin(0.5), Math.sin(2)]);
    expectClose(n, 4);
    expectClose(run(r.funcs.get("rows")!, [nd([1, 2, 3, 4], [2, 2])])[0], [3, 7]);
  });
});

describe("local arrow functions and nested transforms", () => {
  const src = `
const inputs = np.array([[0.5, 1.0], [-1.5, 2.0], [0.25, -0.75]]);
function loss(w, xs) { return np.sum(np.tanh(np.dot(xs, w)) ** 2); }
function sq(x) { return x * x * x; }
export function train(W, lr) {
  const g = grad((w) => loss(w, inputs))(W);
  return W - lr * g;
}
export function both(x, y) {
  const [v, dy] = valueAndGrad((a, b) => a * np.sin(b), 1)(x, y);
  const [dx2, dy2] = grad((a, b) => a * np.sin(b), [0, 1])(x, y);
  return [v, dy, dx2, dy2, grad(sq)(x), grad(grad(sq))(x)];
}
export function tangent(x, t) {
  const [y, dy] = jvp(sq, [x], [t]);
  return [y, dy];
}
export function closures(x, k) {
  let scale = k * 2;
  const f = (y) => y * scale;
  const a = f(x);
  scale = 10;
  return [a, f(x)];
}
export function pyGrad(params) {
  const g = grad((p) => np.sum(p.W * p.W) + p.b * 3)(params);
  return g;
}`;
  const r = compileOk(src, {
    loss: { params: [leaf("f64", 1), leaf("f64", 2)] },
    train: { params: [leaf("f64", 1), leaf("f64", 0, true)] },
    pyGrad: { params: [dict({ W: leaf("f64", 1), b: leaf("f64", 0, true) })] },
  });
  test("grad of an arrow closing over a captured array", () => {
    const X = [[0.5, 1.0], [-1.5, 2.0], [0.25, -0.75]];
    const W = [0.3, -0.2];
    // d/dw sum(tanh(Xw)^2) = X^T (2 tanh(Xw) (1 - tanh^2(Xw)))
    const z = X.map((row) => Math.tanh(row[0] * W[0] + row[1] * W[1]));
    const g = [0, 1].map((j) => X.reduce((a, row, i) => a + row[j] * 2 * z[i] * (1 - z[i] * z[i]), 0));
    const f = r.funcs.get("train")!;
    expect(f.params.map((p) => p.name)).toEqual(["W", "lr", "inputs"]);
    expectClose(run(f, [nd(W, [2]), 0.1, nd(X.flat(), [3, 2])])[0], W.map((w, j) => w - 0.1 * g[j]), 1e-12);
  });
  test("valueAndGrad, argnums, grad of grad", () => {
    const [x, y] = [1.5, 0.7];
    expectClose(run(r.funcs.get("both")!, [x, y]), [x * Math.sin(y), x * Math.cos(y), Math.sin(y), x * Math.cos(y), 3 * x * x, 6 * x], 1e-12);
  });
  test("jvp", () => {
    expectClose(run(r.funcs.get("tangent")!, [2, 0.5]), [8, 12 * 0.5], 1e-12);
  });
  test("local arrows read enclosing variables at call time", () => {
    expectClose(run(r.funcs.get("closures")!, [3, 2]), [12, 30]);
  });
  test("grad with respect to a pytree returns the same pytree", () => {
    expect(r.outTrees.get("pyGrad")).toEqual({ kind: "dict", keys: ["W", "b"], items: [{ kind: "leaf" }, { kind: "leaf" }] });
    const out = run(r.funcs.get("pyGrad")!, [nd([1, -2], [2]), 0.5]);
    expectClose(out[0], [2, -4]);
    expectClose(out[1], 3);
  });
});

describe("more forms and errors", () => {
  test("for...of over an array's rows and a typed array's elements; typed-array captures", () => {
    const src = `
const w = new Float64Array(3);
export function rowsum(x) {
  let acc = np.zeros(x.shape[1]);
  for (const row of x) acc = acc + row * 2;
  return acc;
}
export function useW(x: Float64Array) {
  let s = 0;
  for (const v of x) s += v;
  return s + w.length;
}`;
    const r = compileOk(src, { rowsum: { params: [leaf("f64", 2)] } });
    expectClose(run(r.funcs.get("rowsum")!, [nd([1, 2, 3, 4, 5, 6], [2, 3])])[0], [10, 14, 18]);
    expect(r.funcs.get("useW")!.params.map((p) => `${p.name}:${p.type.dtype}[${p.type.rank}]`)).toEqual(["x:f64[1]", "w:f64[1]"]);
    expectClose(run(r.funcs.get("useW")!, [Float64Array.of(1, 2.5), new Float64Array(3)])[0], 6.5);
  });

  test("push in a loop with a run-time bound fills a buffer of the trip count", () => {
    const src = "export function f(x, n) {\n  const xs = [];\n  for (let i = 2; i < n; i++) {\n    const y = x * i;\n    xs.push(y * y);\n  }\n  return [np.sum(np.array(xs)), xs.length, xs[1]];\n}";
    const r = compileOk(src);
    expectClose(run(r.funcs.get("f")!, [0.5, 5]), [1 + 2.25 + 4, 3, 2.25]);
  });

  test("compileSource({ functions }) compiles only the named functions", () => {
    const r = compileSource("function h(p) { return p.W; }\nexport function f(x) { return h({ W: x }) * 2; }", { functions: ["f"] });
    expect(r.diagnostics).toEqual([]);
    expect([...r.funcs.keys()]).toEqual(["f"]);
  });

  const bad: Record<string, [string, Record<string, Signature>, string[]]> = {
    pushRuntimeLoopConditional: [
      "export function f(x, n) {\n  const xs = [];\n  for (let i = 0; i < n; i++) if (i > 2) xs.push(x * i);\n  return np.stack(xs);\n}",
      {},
      ["TSG1029"],
    ],
    indexWithArray: ["export function f(x, i) {\n  return x[i];\n}", { f: { params: [leaf("f64", 1), leaf("f64", 1)] } }, ["TSG1030"]],
    // a list of numbers indexed at run time is an array; a list of a number and an array cannot be
    listIndexRuntime: ["export function f(p, i) {\n  return p[i];\n}", { f: { params: [listOf(leaf("f64"), leaf("f64", 1)), leaf("f64")] } }, ["TSG1035"]],
    methodOnNumber: ["export function f(x) {\n  return x.sum();\n}", {}, ["TSG1032"]],
    gradNonScalar: ["export function f(x) {\n  return grad((y) => y * 2)(x);\n}", { f: { params: [leaf("f64", 1)] } }, ["TSG1036"]],
    badAxis: ["export function f(x) {\n  return np.mean(x, -3);\n}", { f: { params: [leaf("f64", 2)] } }, ["TSG1031"]],
    arrayCondition: ["export function f(x) {\n  if (x > 0) return 1;\n  return 2;\n}", { f: { params: [leaf("f64", 1)] } }, ["TSG1030"]],
    treeAsNumber: ["export function f(p) {\n  return p + 1;\n}", { f: { params: [dict({ a: leaf("f64") })] } }, ["TSG1034"]],
  };
  for (const [name, [src, sigs, codes]] of Object.entries(bad))
    test(`error: ${name}`, () => {
      const r = compileSource(src, { signatures: sigs });
      expect(r.diagnostics.map((d) => d.code), r.diagnostics.map(formatDiagnostic).join("\n")).toEqual(codes);
      expect(r.funcs.size).toBe(0);
    });
});

describe("returns and captures of pytrees", () => {
  test("early returns of arrays from branches and loops", () => {
    const src = `
export function pick(x, c) {
  if (c > 0) return x * 2;
  return x - 1;
}
export function firstBig(x, t) {
  for (let i = 0; i < x.shape[0]; i++) {
    if (np.sum(x[i]) > t) return x[i];
  }
  return np.zeros(x.shape[1]);
}`;
    const r = compileOk(src, { pick: { params: [leaf("f64", 1), leaf("f64", 0, true)] }, firstBig: { params: [leaf("f64", 2), leaf("f64", 0, true)] } });
    expectClose(run(r.funcs.get("pick")!, [nd([1, 2], [2]), 1])[0], [2, 4]);
    expectClose(run(r.funcs.get("pick")!, [nd([1, 2], [2]), -1])[0], [0, 1]);
    const m = nd([1, 1, 5, 5, 9, 9], [3, 2]);
    expectClose(run(r.funcs.get("firstBig")!, [m, 3])[0], [5, 5]);
    expectClose(run(r.funcs.get("firstBig")!, [m, 100])[0], [0, 0]);
  });

  test("module-level pytrees are captured leaf by leaf (types from the initializer)", () => {
    const src = `
const model = { W: np.array([[1, 2], [3, 4]]), b: np.array([0.5, -0.5]), scale: 2 };
let bias = 0.25;
export function apply(x) { return model.scale * (np.dot(model.W, x) + model.b) + bias; }`;
    const r = compileOk(src);
    const f = r.funcs.get("apply")!;
    expect(f.params.map((p) => `${p.name}:${p.type.dtype}[${p.type.rank}]`)).toEqual(["x:f64[0]", "model_W:f64[2]", "model_b:f64[1]", "model_scale:f64[0]", "bias:f64[0]"]);
    expect(r.captures.get("apply")).toEqual(["model", "bias"]);
  });
});
