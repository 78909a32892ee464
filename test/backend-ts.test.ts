import { describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { emitTs } from "../compiler/backends/ts/index.js";
import { rint } from "../compiler/ir/eval.js";
import { Builder } from "../compiler/ir/builder.js";
import { interpret, type Value } from "../compiler/ir/interp.js";
import type { Atom, Func, Type, Var } from "../compiler/ir/syntax.js";
import { arrayOf, bool, f64, i32, lit } from "../compiler/ir/syntax.js";
import { verifyFunc } from "../compiler/ir/verify.js";

// ---- building IR -----------------------------------------------------------------------

function func(name: string, params: Var[], b: Builder, results: Atom[]): Func {
  const f: Func = { name, params, body: { stmts: b.stmts, results } };
  verifyFunc(f);
  return f;
}

function forLoop(b: Builder, lo: Atom, hi: Atom, inits: Atom[], body: (i: Var, c: Var[]) => Atom[], reverse = false, hints: string[] = []): Var[] {
  const index = b.fresh(reverse ? "j" : "i", i32);
  const carried = inits.map((a, k) => b.fresh(hints[k] ?? "c", a.type));
  const blk = b.block(() => body(index, carried));
  const outs = inits.map((a, k) => b.fresh(`${hints[k] ?? "c"}_out`, a.type));
  b.emit({ kind: "for", outs, index, lo, hi, reverse, carried, inits, body: blk });
  return outs;
}

function whileLoop(b: Builder, inits: Atom[], cond: (c: Var[]) => Atom, body: (c: Var[]) => Atom[], hints: string[] = []): Var[] {
  const carried = inits.map((a, k) => b.fresh(hints[k] ?? "w", a.type));
  const condBlk = b.block(() => [cond(carried)]);
  const blk = b.block(() => body(carried));
  const outs = inits.map((a, k) => b.fresh(`${hints[k] ?? "w"}_out`, a.type));
  b.emit({ kind: "while", outs, carried, inits, cond: condBlk, body: blk });
  return outs;
}

function ifElse(b: Builder, c: Atom, types: Type[], then: () => Atom[], els: () => Atom[], hint = "r"): Var[] {
  const t = b.block(then);
  const e = b.block(els);
  const outs = types.map((ty) => b.fresh(hint, ty));
  b.emit({ kind: "if", outs, cond: c, then: t, else: e });
  return outs;
}

// ---- checking printed TypeScript ----------------------------------------------------------

function parses(src: string): void {
  const sf = ts.createSourceFile("out.ts", src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  expect(diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
}

/** Strips the types and runs the printed function with Math, a tiny np and stopGradient in scope. */
function load(src: string, exportName: string): (...args: Value[]) => unknown {
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: Record<string, unknown> = {};
  const np = { round: rint };
  new Function("exports", "np", "stopGradient", js)(exports, np, (x: unknown) => x);
  return exports[exportName] as (...args: Value[]) => unknown;
}

const clone = (xs: Value[]) => xs.map((x) => (typeof x === "number" ? x : x.slice()));

/** Exact, except that i32 results may be -0: the printed code computes with plain JS numbers. */
function same(got: unknown, want: Value, t: Type): boolean {
  if (typeof want === "number") return t.dtype === "i32" ? got === want : Object.is(typeof got === "boolean" ? Number(got) : got, want);
  const g = got as ArrayLike<number>;
  return g.length === want.length && Array.from(want).every((x, k) => Object.is(g[k], x));
}

/** emitTs(f) parses, and evaluating it agrees with the interpreter. */
function check(f: Func, ...argSets: Value[][]): string {
  const src = emitTs(f);
  parses(src);
  const g = load(src, f.name);
  for (const args of argSets) {
    const want = interpret(f, clone(args));
    const mine = clone(args);
    const got = g(...mine);
    mine.forEach((x, k) => expect(same(x, args[k], f.params[k].type), "array arguments stay untouched").toBe(true));
    const gs = want.length === 1 ? [got] : (got as unknown[]);
    want.forEach((w, k) => {
      if (!same(gs[k], w, f.body.results[k].type)) throw new Error(`${f.name}(${args.join(", ")}) result ${k}: got ${String(gs[k])}, want ${String(w)}\n${src}`);
    });
  }
  return src;
}

// ---- example functions ------------------------------------------------------------------

/** Straight-line code: inlining, precedence, powi, rint, casts, select. */
function straight(): Func {
  const b = new Builder();
  const x = b.fresh("x", f64);
  const y = b.fresh("y", f64);
  const n = b.fresh("n", i32);
  const s = b.prim("mul", [b.prim("sin", [x]), y], undefined, "s");
  const e = b.prim("exp", [b.prim("neg", [x])]);
  const p = b.prim("powi", [b.prim("sub", [x, y])], { exponent: 3 });
  const q = b.prim("add", [b.prim("mul", [s, e]), b.prim("div", [p, b.prim("add", [s, lit(2)])])], undefined, "q");
  const big = b.prim("gt", [q, b.prim("cast", [n], { dtype: "f64" })]);
  const r = b.prim("select", [big, b.prim("rint", [q]), b.prim("neg", [b.prim("neg", [y])])], undefined, "r");
  const k = b.prim("cast", [b.prim("mul", [r, s])], { dtype: "i32" }, "k");
  const m = b.prim("rem", [b.prim("add", [k, n]), lit(3, i32)], undefined, "m");
  const flag = b.prim("and", [big, b.prim("not", [b.prim("eq", [m, lit(0, i32)])])], undefined, "flag");
  const out = b.prim("add", [b.prim("mul", [s, s]), b.prim("cast", [flag], { dtype: "f64" })], undefined, "out");
  return func("straight", [x, y, n], b, [out, m, flag]);
}

/** Loops: a for loop with dependent carried values and an if, a while loop. */
function loops(): Func {
  const b = new Builder();
  const x = b.fresh("x", f64);
  const n = b.fresh("n", i32);
  const [a, bb] = forLoop(b, lit(0, i32), n, [lit(0), lit(1)], (i, [a, bb]) => {
    const odd = b.prim("eq", [b.prim("rem", [i, lit(2, i32)]), lit(1, i32)]);
    const [d] = ifElse(b, odd, [f64], () => [b.prim("mul", [x, b.prim("cos", [a])])], () => {
      const t = b.prim("sqrt", [b.prim("abs", [bb])], undefined, "t");
      return [b.prim("add", [t, b.prim("mul", [t, x])])];
    }, "d");
    return [bb, b.prim("add", [a, d])];
  }, false, ["a", "b"]);
  const [steps, v] = whileLoop(b, [lit(0, i32), bb], ([, v]) => b.prim("gt", [b.prim("abs", [v]), lit(1)]), ([k, v]) => [b.prim("add", [k, lit(1, i32)]), b.prim("mul", [v, lit(0.5)])], ["steps", "v"]);
  const [acc] = forLoop(b, lit(1, i32), n, [a], (j, [acc]) => [b.prim("sub", [acc, b.prim("cast", [j], { dtype: "f64" })])], true, ["acc"]);
  return func("loops", [x, n], b, [acc, steps, v]);
}

/** A tape: a forward loop records values in an array that a reverse loop reads. */
function tape(): Func {
  const b = new Builder();
  const x = b.fresh("x", f64);
  const n = b.fresh("n", i32);
  const t0 = b.prim("arr_new", [n], { dtype: "f64" }, "tape");
  const [t, y] = forLoop(b, lit(0, i32), n, [t0, x], (i, [t, y]) => {
    const t2 = b.prim("arr_set", [t, i, y], undefined, "tape");
    return [t2, b.prim("sin", [y], undefined, "y")];
  }, false, ["tape", "y"]);
  const [g] = forLoop(b, lit(0, i32), n, [lit(1)], (j, [g]) => [b.prim("mul", [g, b.prim("cos", [b.prim("arr_get", [t, j])])])], true, ["g"]);
  const keep = b.prim("arr_set", [t, lit(0, i32), g], undefined, "tape"); // t is still returned: copies
  return func("tape", [x, n], b, [y, g, keep, t]);
}

const STRAIGHT = `// generated by tsgrad from straight: do not edit
export function straight(x: number, y: number, n: number): [number, number, boolean] {
  const s = Math.sin(x) * y;
  const q = s * Math.exp(-x) + (x - y) ** 3 / (s + 2);
  const t_9 = q > n;
  const m = (Math.trunc((t_9 ? np.round(q) : -(-y)) * s) + n) % 3;
  const flag = t_9 && m !== 0;
  return [s * s + (flag ? 1 : 0), m, flag];
}
`;

const LOOPS = `// generated by tsgrad from loops: do not edit
export function loops(x: number, n: number): [number, number, number] {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) {
    let d: number;
    if (i % 2 === 1) {
      d = x * Math.cos(a);
    } else {
      const t_5 = Math.sqrt(Math.abs(b));
      d = t_5 + t_5 * x;
    }
    const b_next = a + d;
    a = b;
    b = b_next;
  }
  let steps = 0;
  let v = b;
  while (Math.abs(v) > 1) {
    steps = steps + 1;
    v = v * 0.5;
  }
  let acc = a;
  for (let j = n - 1; j >= 1; j--) {
    acc = acc - j;
  }
  return [acc, steps, v];
}
`;

const TAPE = `// generated by tsgrad from tape: do not edit
export function tape(x: number, n: number): [number, number, Float64Array, Float64Array] {
  let tape_1 = new Float64Array(n);
  let y = x;
  for (let i = 0; i < n; i++) {
    tape_1[i] = y;
    y = Math.sin(y);
  }
  let g = 1;
  for (let j = n - 1; j >= 0; j--) {
    g = g * Math.cos(tape_1[j]);
  }
  const tape_3 = tape_1.slice();
  tape_3[0] = g;
  return [y, g, tape_3, tape_1];
}
`;

const FINITE = [0, -0, 1, -1, 0.5, 2.5, -2.5, 3.7, 40]; // no i32 overflow: printed i32 arithmetic does not wrap

describe("emitTs", () => {
  it("straight-line code: inlined single uses, minimal parentheses", () => {
    // Finite inputs: the printed i32 cast is Math.trunc, which keeps NaN where the IR's gives 0.
    const src = check(straight(), ...FINITE.flatMap((x) => [[x, 0.3, 2], [x, -1.5, -7], [2.2, x, 0]]));
    expect(src).toBe(STRAIGHT);
  });

  it("loops: carried lets, temporaries for dependent updates, reverse for, while", () => {
    const src = check(loops(), [0.5, 0], [0.5, 1], [0.5, 7], [-1.25, 12], [NaN, 3]);
    expect(src).toBe(LOOPS);
  });

  it("arrays: a tape updated in place, a copy where the old array is still used", () => {
    const src = check(tape(), [0.5, 1], [0.5, 2], [1.3, 6]);
    expect(src).toBe(TAPE);
  });

  it("honours exportName", () => {
    const src = emitTs(loops(), { exportName: "loops_grad" });
    expect(src).toContain("export function loops_grad(x: number, n: number)");
    parses(src);
  });

  it("a bare if becomes a ternary; a while with a computed condition breaks", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const c = b.fresh("c", bool);
    const [r] = ifElse(b, c, [f64], () => [b.prim("sin", [x])], () => [b.prim("cos", [x])]);
    const [w] = whileLoop(b, [r], ([w]) => {
      const a = b.prim("abs", [w], undefined, "a"); // used twice: stays a statement in the loop
      return b.prim("and", [b.prim("gt", [a, lit(0.01)]), b.prim("lt", [a, lit(1e6)])]);
    }, ([w]) => [b.prim("mul", [w, lit(0.3)])], ["w"]);
    const src = check(func("tern", [x, c], b, [w]), [1, 1], [1, 0], [-2, 1], [NaN, 0]);
    expect(src).toContain("const r = c ? Math.sin(x) : Math.cos(x);");
    expect(src).toContain("while (true) {");
    expect(src).toContain("    const a = Math.abs(w);\n    if (!(a > 0.01 && a < 1000000)) break;\n");
  });

  it("rotating loop variables and arrays swapped between carried values", () => {
    const b = new Builder();
    const n = b.fresh("n", i32);
    const [p, q, r] = forLoop(b, lit(0, i32), n, [lit(1), lit(2), lit(3)], (_, [a, bb, c]) => [bb, c, b.prim("sub", [a, c])], false, ["p", "q", "r"]);
    const x0 = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" }, "xs");
    const y0 = b.prim("arr_new", [lit(3, i32)], { dtype: "f64" }, "ys");
    const [xs, ys] = forLoop(b, lit(0, i32), n, [x0, y0], (i, [xs, ys]) => {
      const k = b.prim("rem", [i, lit(3, i32)]);
      const v = b.prim("add", [b.prim("arr_get", [ys, k]), b.prim("cast", [i], { dtype: "f64" })]);
      return [ys, b.prim("arr_set", [xs, k, v])];
    }, false, ["xs", "ys"]);
    check(func("rot", [n], b, [p, q, r, xs, ys]), [0], [1], [2], [10]);
  });

  it("bool values, bool arrays, f32 and i32 casts, odd literals", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const k = b.fresh("k", i32);
    const c = b.prim("le", [x, lit(-0)]);
    const bs = b.prim("arr_set", [b.prim("arr_new", [lit(2, i32)], { dtype: "bool" }), lit(1, i32), c]);
    const back = b.prim("arr_get", [bs, lit(1, i32)]);
    const lt = b.prim("lt", [back, b.prim("not", [back])]);
    const f = b.prim("add", [b.prim("cast", [x], { dtype: "f32" }), lit(0.1, { dtype: "f32", rank: 0 })]);
    const g = b.prim("cast", [b.prim("mul", [f, f])], { dtype: "f64" });
    const ki = b.prim("add", [b.prim("cast", [x], { dtype: "i32" }), k]);
    const h = b.prim("sub", [b.prim("sub", [x, lit(-3)]), b.prim("powi", [lit(-2)], { exponent: -2 })]);
    const h2 = b.prim("powi", [b.prim("neg", [x])], { exponent: 2 });
    const inf = b.prim("max", [lit(-Infinity), b.prim("min", [x, lit(Infinity)])]);
    check(func("odd", [x, k], b, [back, lt, g, ki, h, h2, inf, bs]), [0.7, 3], [-0, 1], [-2.5, -4]);
  });

  it("a read is not moved past an in-place write of its array", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const a1 = b.prim("arr_set", [b.prim("arr_new", [lit(2, i32)], { dtype: "f64" }), lit(0, i32), x]);
    const v = b.prim("arr_get", [a1, lit(0, i32)], undefined, "v");
    const a2 = b.prim("arr_set", [a1, lit(0, i32), lit(7)]); // in place: a1 is dead after
    const r = b.prim("add", [v, lit(1)]);
    const src = check(func("readwrite", [x], b, [r, a2]), [2]);
    expect(src).not.toContain("slice");
  });

  it("a read is not moved past a loop that writes its array in place", () => {
    const b = new Builder();
    const x = b.fresh("x", f64);
    const n = b.fresh("n", i32);
    const a = b.prim("arr_set", [b.prim("arr_new", [lit(2, i32)], { dtype: "f64" }), lit(0, i32), x]);
    const v = b.prim("arr_get", [a, lit(0, i32)], undefined, "v");
    const [o] = forLoop(b, lit(0, i32), n, [a], (_, [c]) => [b.prim("arr_set", [c, lit(0, i32), lit(7)])]);
    const r = b.prim("add", [v, lit(1)]);
    const src = check(func("readloop", [x, n], b, [r, o]), [2, 0], [2, 3]);
    expect(src).not.toContain("slice");
  });

  it("avoids names that clash with the printed code's globals", () => {
    const b = new Builder();
    const m = b.fresh("Math", f64);
    const np = b.fresh("np", f64);
    const r = b.prim("sin", [b.prim("add", [m, np])], undefined, "stopGradient");
    const s = b.prim("mul", [r, r], undefined, "new");
    const sg = b.prim("stop_gradient", [s]);
    check(func("clash", [m, np], b, [sg, r]), [1, 2]);
  });
});

// ---- random programs: inlining, reassignment order and in-place updates --------------------

function randomProgram(seed: number): Func {
  let st = seed;
  const rnd = (n: number) => {
    st = (Math.imul(st, 1103515245) + 12345) >>> 0;
    return (st >>> 8) % n;
  };
  const pick = <T>(xs: T[]): T => xs[rnd(xs.length)];
  const b = new Builder();
  const arrT = arrayOf("f64");
  const p = b.fresh("p", arrT);
  const x = b.fresh("x", f64);
  const n = b.fresh("n", i32);
  const idx = () => lit(rnd(4), i32);
  const ops = ["add", "sub", "mul", "min", "max", "atan2"] as const;
  const gen = (arrs: Atom[], nums: Atom[], depth: number, count: number) => {
    for (let k = 0; k < count; k++) {
      const r = rnd(depth > 0 ? 10 : 7);
      if (r === 0) arrs.push(b.prim("arr_set", [pick(arrs), idx(), pick(nums)]));
      else if (r === 1) nums.push(b.prim("arr_get", [pick(arrs), idx()]));
      else if (r === 2) nums.push(b.prim(pick([...ops]), [pick(nums), pick(nums)]));
      else if (r === 3) nums.push(b.prim(pick(["sin", "neg", "tanh", "floor"] as const), [pick(nums)]));
      else if (r === 4) arrs.push(b.prim("arr_new", [lit(4, i32)], { dtype: "f64" }));
      else if (r === 5) nums.push(b.prim("select", [b.prim("lt", [pick(nums), pick(nums)]), pick(nums), pick(nums)]));
      else if (r === 6) arrs.push(b.prim("arr_set", [arrs[arrs.length - 1], idx(), pick(nums)]));
      else if (r === 7) {
        const c = b.prim("gt", [pick(nums), pick(nums)]);
        const branch = () => b.block(() => {
          const [as, ns] = [[...arrs], [...nums]];
          gen(as, ns, depth - 1, rnd(4));
          return [pick(as), pick(ns), pick(ns)];
        });
        const [t, e] = [branch(), branch()];
        const outs = [b.fresh("r", arrT), b.fresh("r", f64), b.fresh("r", f64)];
        b.emit({ kind: "if", outs, cond: c, then: t, else: e });
        arrs.push(outs[0]);
        nums.push(outs[1], outs[2]);
      } else if (r === 8) {
        const inits = [pick(arrs), pick(nums), pick(nums), pick(nums)];
        const outs = forLoop(b, lit(0, i32), n, inits, (i, [a, s1, s2, s3]) => {
          const [as, ns] = [[...arrs, a], [...nums, s1, s2, s3, b.prim("cast", [i], { dtype: "f64" })]];
          gen(as, ns, depth - 1, 1 + rnd(5));
          return [pick(as), pick(ns.slice(-5)), pick(ns.slice(-5)), pick(ns)];
        }, rnd(2) === 1);
        arrs.push(outs[0]);
        nums.push(outs[1], outs[2], outs[3]);
      } else {
        const outs = whileLoop(b, [lit(0, i32), pick(nums), pick(arrs)], ([k]) => b.prim("lt", [k, n]), ([k, s, a]) => {
          const [as, ns] = [[...arrs, a], [...nums, s]];
          gen(as, ns, depth - 1, 1 + rnd(4));
          return [b.prim("add", [k, lit(1, i32)]), pick(ns.slice(-3)), pick(as)];
        });
        nums.push(outs[1]);
        arrs.push(outs[2]);
      }
    }
  };
  const arrs: Atom[] = [p];
  const nums: Atom[] = [x, lit(1.5)];
  gen(arrs, nums, 2, 10);
  return func(`rand${seed}`, [p, x, n], b, [...nums.slice(-2), arrs[arrs.length - 1], pick(arrs)]);
}

describe("random programs", () => {
  it("print valid TypeScript that agrees with the interpreter", () => {
    for (let seed = 1; seed <= 300; seed++) {
      check(randomProgram(seed), [new Float64Array([1, 2, 3, 4]), 0.75, 0], [new Float64Array([4, -3, 2, 1]), -2, 3]);
    }
  });
});
