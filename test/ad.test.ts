// Forward and reverse mode on hand-built IR, checked against central finite
// differences (JVP) and the dot-product identity (VJP), and composed to order 4.
import { describe, expect, it } from "vitest";
import { Builder } from "../compiler/ir/builder.js";
import { interpret } from "../compiler/ir/interp.js";
import { verifyFunc } from "../compiler/ir/verify.js";
import { type Atom, type Func, type Var, f64, i32, lit } from "../compiler/ir/syntax.js";
import { gradFunc, jvpOf, vjpOf } from "../compiler/ad/grad.js";
import { printFunc } from "../compiler/ir/print.js";

function func(name: string, nparams: number, body: (b: Builder, ps: Var[]) => Atom[]): Func {
  const b = new Builder();
  const ps = Array.from({ length: nparams }, (_, k) => b.fresh(["x", "y", "n", "z"][k], f64));
  const results = body(b, ps);
  const f = { name, params: ps, body: { stmts: b.stmts, results } };
  verifyFunc(f);
  return f;
}

// the tutorial prints float32 values: agreement to a few float32 ulps
const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const call = (f: Func, ...args: number[]) => interpret(f, args) as number[];
const grad1 = (f: Func) => {
  const g = gradFunc(f, { argnums: [0], keep: [] });
  verifyFunc(g);
  return g;
};

// f(x) = x³ + 2x² − 3x + 1
const poly = func("poly", 1, (b, [x]) => {
  const x3 = b.prim("powi", [x], { exponent: 3 });
  const x2 = b.mul(lit(2), b.prim("powi", [x], { exponent: 2 }));
  return [b.add(b.sub(b.add(x3, x2), b.mul(lit(3), x)), lit(1))];
});

// f(x, y, n) = loop i < n: s = s * y + sin(x * i); if (s > 1) s = s / 2 — a loop with a branch
const loopy = func("loopy", 3, (b, [x, y, n]) => {
  const hi = b.cast(b.prim("ceil", [n]), "i32");
  const s = b.fresh("s", f64);
  const i = b.fresh("i", i32);
  const body = b.block(() => {
    const t = b.add(b.mul(s, y), b.prim("sin", [b.mul(x, b.cast(i, "f64"))]));
    const big = b.prim("gt", [t, lit(1)]);
    const out = b.fresh("s2", f64);
    const thenB = b.block(() => [b.div(t, lit(2))]);
    const elseB = b.block(() => [t]);
    b.emit({ kind: "if", outs: [out], cond: big, then: thenB, else: elseB });
    return [out];
  });
  const res = b.fresh("s_out", f64);
  b.emit({ kind: "for", outs: [res], index: i, lo: lit(0, i32), hi, reverse: false, carried: [s], inits: [x], body });
  return [b.mul(res, y)];
});

// f(x, y) = while (u < 10) u = u * 1.5 + y; starting at u = x
const whiley = func("whiley", 2, (b, [x, y]) => {
  const u = b.fresh("u", f64);
  const cond = b.block(() => [b.prim("lt", [u, lit(10)])]);
  const body = b.block(() => [b.add(b.mul(u, lit(1.5)), b.prim("tanh", [y]))]);
  const res = b.fresh("u_out", f64);
  b.emit({ kind: "while", outs: [res], carried: [u], inits: [x], cond, body });
  return [b.mul(res, x)];
});

function fd(f: Func, args: number[], k: number, h = 1e-6): number {
  const p = [...args], m = [...args];
  p[k] += h;
  m[k] -= h;
  return (call(f, ...p)[0] - call(f, ...m)[0]) / (2 * h);
}

describe("reverse mode", () => {
  it("differentiates a polynomial to order 4", () => {
    let d = poly;
    const want = [4, 10, 6, 0];
    for (const w of want) {
      d = grad1(d);
      expect(call(d, 1)[0]).toBeCloseTo(w, 10);
    }
  });

  it("grad(tanh), grad(grad(tanh)), grad(grad(grad(tanh))) at 2", () => {
    const th = func("tanh", 1, (b, [x]) => [b.prim("tanh", [x])]);
    const g1 = grad1(th), g2 = grad1(g1), g3 = grad1(g2);
    expect(relErr(call(g1, 2)[0], 0.070650816)).toBeLessThan(3e-7);
    expect(relErr(call(g2, 2)[0], -0.13621868)).toBeLessThan(3e-7);
    expect(relErr(call(g3, 2)[0], 0.25265405)).toBeLessThan(3e-7);
  });

  for (const [f, args] of [[loopy, [0.3, 0.7, 5]], [loopy, [0.9, 1.3, 3.5]], [whiley, [1.2, 0.4]]] as [Func, number[]][]) {
    it(`matches finite differences for ${f.name}(${args})`, () => {
      const g = gradFunc(f, { argnums: [0, 1], keep: [0] });
      verifyFunc(g);
      const [value, gx, gy] = call(g, ...args);
      expect(value).toBeCloseTo(call(f, ...args)[0], 12);
      expect(gx).toBeCloseTo(fd(f, args, 0), 5);
      expect(gy).toBeCloseTo(fd(f, args, 1), 5);
    });

    it(`second order of ${f.name} (forward over reverse) matches finite differences of the gradient`, () => {
      const g = grad1(f);
      const gg = gradFunc(g, { argnums: [0, 1], keep: [] });
      verifyFunc(gg);
      const [hxx, hxy] = call(gg, ...args);
      expect(hxx).toBeCloseTo(fd(g, args, 0, 1e-5), 4);
      expect(hxy).toBeCloseTo(fd(g, args, 1, 1e-5), 4);
    });

    it(`dot-product identity <vjp(u), v> = <u, jvp(v)> for ${f.name}`, () => {
      const j = jvpOf(f, [0, 1]);
      const vj = vjpOf(f, [0, 1]);
      verifyFunc(j);
      verifyFunc(vj);
      const [vx, vy, u] = [0.37, -1.1, 0.8];
      const rest = args.slice(2);
      const jout = call(j, args[0], args[1], ...rest, vx, vy);
      const [ax, ay] = call(vj, ...args, u);
      expect(ax * vx + ay * vy).toBeCloseTo(u * jout[1], 9);
    });
  }

  it("prints readable IR", () => {
    const text = printFunc(grad1(poly));
    expect(text).toContain("func grad_poly(x: f64)");
  });
});

// A kernel over a Float64Array: a loop that writes a buffer (overwriting an
// element it read earlier), then a loop that reads it back. Reverse mode
// restores the buffer backwards from per-iteration undo tapes.
function kernel(): Func {
  const b = new Builder();
  const x = b.fresh("x", { dtype: "f64", rank: 1 });
  const w = b.fresh("w", f64);
  const n = b.prim("arr_len", [x], undefined, "n");
  const y0 = b.prim("arr_new", [n], { dtype: "f64" }, "y");
  const i = b.fresh("i", i32);
  const y = b.fresh("y", { dtype: "f64", rank: 1 });
  const s = b.fresh("s", f64);
  const body = b.block(() => {
    const t = b.add(b.mul(s, w), b.prim("sin", [b.prim("arr_get", [x, i])]), "t");
    const y1 = b.prim("arr_set", [y, i, t], undefined, "y");
    const first = b.prim("arr_get", [y1, lit(0, i32)], undefined, "first");
    const y2 = b.prim("arr_set", [y1, lit(0, i32), b.add(b.mul(first, lit(0.5)), t)], undefined, "y");
    return [y2, t];
  });
  const yo = b.fresh("y_out", { dtype: "f64", rank: 1 });
  const so = b.fresh("s_out", f64);
  b.emit({ kind: "for", outs: [yo, so], index: i, lo: lit(0, i32), hi: n, reverse: false, carried: [y, s], inits: [y0, lit(0.1)], body });
  const j = b.fresh("j", i32);
  const r = b.fresh("r", f64);
  const body2 = b.block(() => {
    const v = b.prim("arr_get", [yo, j]);
    return [b.add(r, b.mul(v, b.mul(v, b.prim("arr_get", [x, j]))))];
  });
  const ro = b.fresh("r_out", f64);
  b.emit({ kind: "for", outs: [ro], index: j, lo: lit(0, i32), hi: n, reverse: false, carried: [r], inits: [so], body: body2 });
  const f = { name: "kernel", params: [x, w], body: { stmts: b.stmts, results: [ro] } };
  verifyFunc(f);
  return f;
}

describe("reverse mode through loops that write arrays", () => {
  it("matches finite differences, with respect to the buffer and a scalar", () => {
    const f = kernel();
    const g = gradFunc(f, { argnums: [0, 1], keep: [0] });
    verifyFunc(g);
    expect(printFunc(g)).not.toContain("forward"); // built by reverse mode: no per-input JVPs
    const x = Float64Array.from([0.3, -0.7, 1.1, 0.4, 0.9]);
    const w = 0.8;
    const [value, gx, gw] = interpret(g, [x, w]) as [number, Float64Array, number];
    const at = (xx: Float64Array, ww: number) => interpret(f, [xx, ww])[0] as number;
    expect(value).toBeCloseTo(at(x, w), 12);
    const h = 1e-6;
    for (let k = 0; k < x.length; k++) {
      const p = x.slice(), m = x.slice();
      p[k] += h;
      m[k] -= h;
      expect(gx[k]).toBeCloseTo((at(p, w) - at(m, w)) / (2 * h), 5);
    }
    expect(gw).toBeCloseTo((at(x, w + h) - at(x, w - h)) / (2 * h), 5);
    expect(Array.from(x)).toEqual([0.3, -0.7, 1.1, 0.4, 0.9]); // inputs are never written
  });
});
