// float32 parity with JAX's CPU backend (XLA on x86-64 with FMA), bit for bit:
// tanh and log (XLA's own FMA-contracted approximations, compiler/ir/xla-f32.ts),
// dot products (sequential fma accumulation), and the autodiff tutorial's
// logistic-regression gradient, on the interpreter, the JS backend and (when a
// toolchain is present) the LLVM backend. Golden values: test/data/xla_parity.json,
// written by scripts/golden_xla_parity.py.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileJs, type JsValue } from "../compiler/backends/js/index.js";
import { compileNative, nativeAvailable } from "../compiler/backends/llvm/index.js";
import { matmul } from "../compiler/ir/array-reduce.js";
import { Builder } from "../compiler/ir/builder.js";
import { evalScalar } from "../compiler/ir/eval.js";
import { type Func, type Prim, arrayOf, lit, v } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { lowerArrays } from "../compiler/passes/lower-arrays.js";
import { NDArray } from "../runtime/ndarray.js";
import { grad, setBackend, valueAndGrad } from "../runtime/index.js";
import { bindIR as bind } from "../runtime/internal.js";
import { boundLoss } from "./helpers/tutorial-loss.js";

interface DotCase {
  name: string;
  a: number[];
  a_shape: number[];
  b: number[];
  b_shape: number[];
  out: number[];
}
const golden = JSON.parse(readFileSync(new URL("./data/xla_parity.json", import.meta.url), "utf8")) as {
  produced_by: string;
  tanh: { x: number[]; y: number[] };
  log: { x: number[]; y: number[] };
  dot: DotCase[];
  tanh_grads_at_2: number[];
  tutorial: Record<"inputs" | "W" | "b" | "loss" | "W_grad_jit" | "b_grad_jit" | "W_grad_eager" | "b_grad_eager", number[]>;
};

const fromBits = (bs: number[]) => new Float32Array(Uint32Array.from(bs).buffer);
const toBits = (xs: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(xs).buffer));
const hex = (b: number) => `0x${(b >>> 0).toString(16).padStart(8, "0")}`;

/** Bit-exact comparison (any NaN equals any NaN), with the inputs in the message. */
function expectBits(got: ArrayLike<number>, want: number[], xs: ArrayLike<number>, what: string): void {
  const g = toBits(got);
  const bad: string[] = [];
  want.forEach((w, k) => {
    const nan = (b: number) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
    if (g[k] !== w && !(nan(g[k]) && nan(w))) bad.push(`x=${xs[k]}: got ${got[k]} (${hex(g[k])}), JAX ${fromBits([w])[0]} (${hex(w)})`);
  });
  expect(bad.slice(0, 10), `${what}: ${bad.length} of ${want.length} differ`).toEqual([]);
}

/** y = prim(x) on f32 scalars. */
function unary(prim: Prim): Func {
  const b = new Builder();
  const x = v("x", { dtype: "f32", rank: 0 });
  b.names.reserve("x");
  const f = { name: `xla_${prim}`, params: [x], body: { stmts: b.stmts, results: [b.prim(prim, [x])] } };
  verifyFunc(f);
  return f;
}

/** z = a @ b on f32 arrays of the given ranks. */
function matmulFunc(ra: number, rb: number): Func {
  const b = new Builder();
  const a = v("a", arrayOf("f32", ra));
  const c = v("c", arrayOf("f32", rb));
  b.names.reserve("a");
  b.names.reserve("c");
  const f = { name: `xla_matmul_${ra}${rb}`, params: [a, c], body: { stmts: b.stmts, results: [b.prim("matmul", [a, c])] } };
  verifyFunc(f);
  return f;
}

const native = nativeAvailable().ok;

describe.each(["tanh", "log"] as const)("float32 %s equals XLA's", (prim) => {
  const xs = fromBits(golden[prim].x);
  const want = golden[prim].y;

  it("in the reference semantics (eval.ts)", () => {
    expectBits(Array.from(xs, (x) => evalScalar(prim, [x], undefined, "f32")), want, xs, `eval ${prim}`);
  });

  it("on the JS backend", () => {
    const fn = compileJs(unary(prim));
    expectBits(Array.from(xs, (x) => fn(x)[0] as number), want, xs, `js ${prim}`);
  });

  it.runIf(native)("on the LLVM backend", () => {
    const k = compileNative([unary(prim)]).get(`xla_${prim}`);
    expectBits(Array.from(xs, (x) => k.call(x)[0]), want, xs, `llvm ${prim}`);
  });

  it("float64 is unchanged (Math.*)", () => {
    const ref = prim === "tanh" ? Math.tanh : Math.log;
    for (const x of [0.5, 2, -3.7, 1e-5, 123.25]) expect(evalScalar(prim, [x], undefined, "f64")).toBe(ref(x));
  });
});

describe("float32 dot products accumulate with fma in order, as XLA's dot kernels", () => {
  for (const c of golden.dot) {
    it(`${c.name}: [${c.a_shape}] @ [${c.b_shape}]`, () => {
      const a = { data: fromBits(c.a), shape: c.a_shape };
      const b = { data: fromBits(c.b), shape: c.b_shape };
      const ref = matmul(a, b, "f32");
      expectBits(ref.data, c.out, ref.data, `reference matmul ${c.name}`);
      const g = lowerArrays(matmulFunc(c.a_shape.length, c.b_shape.length));
      verifyFunc(g);
      const args: JsValue[] = [a.data.slice(), ...a.shape, b.data.slice(), ...b.shape];
      const out = compileJs(g)(...args)[0];
      expectBits(typeof out === "number" ? [out] : out, c.out, ref.data, `lowered JS matmul ${c.name}`);
    });
  }
});

// ---- the autodiff tutorial (setup as test/runtime-arrays.test.ts) ----------------------------

const T = golden.tutorial;
const f32 = (xs: ArrayLike<number>, shape = [xs.length]) => new NDArray(Float32Array.from(xs), shape, "float32");
const inputs = f32(fromBits(T.inputs), [4, 3]);
const targets = new NDArray(Uint8Array.from([1, 1, 0, 1]), [4], "bool");
const W = f32(fromBits(T.W));
const b = fromBits(T.b)[0];

const loss = boundLoss({ inputs, targets });

function tanhIR(): Func {
  const B = new Builder();
  const x = B.fresh("x", { dtype: "f32", rank: 0 });
  const f = { name: "tanh_f32", params: [x], body: { stmts: B.stmts, results: [B.prim("tanh", [x])] } };
  verifyFunc(f);
  return f;
}
function tanhF32(_x: unknown): number {
  throw new Error("runs through its IR");
}
bind(tanhF32, tanhIR(), null, 1, [], () => []);

const backends = native ? (["js", "native"] as const) : (["js"] as const);

describe.each(backends)("the tutorial in float32 on the %s backend, bit for bit", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("js"));

  it("loss, W_grad and b_grad equal what the tutorial prints (= jax.jit(grad(loss)) on this CPU)", () => {
    const [value, [gW, gb]] = valueAndGrad(loss, [0, 1])(W, b) as [number, [NDArray, number]];
    expectBits([value], T.loss, [0], "loss");
    expectBits((gW as NDArray).data, T.W_grad_jit, [0, 1, 2], "W_grad");
    expectBits([gb], T.b_grad_jit, [0], "b_grad");
    expectBits((grad(loss)(W, b) as NDArray).data, T.W_grad_jit, [0, 1, 2], "grad(loss)");
  });

  // These need jax's tanh VJP, ct*(1 - y) + ct*(1 - y)*y (compiler/ad/rules.ts):
  // rounding 1 + y first gives 0.07065082 instead of JAX's 0.070650816.
  it("grad, grad∘grad, grad∘grad∘grad of tanh at 2.0", () => {
    const g1 = grad(tanhF32);
    const g2 = grad(g1);
    const g3 = grad(g2);
    expectBits([g1(2) as number, g2(2) as number, g3(2) as number], golden.tanh_grads_at_2, [1, 2, 3], "tanh grads");
  });
});
