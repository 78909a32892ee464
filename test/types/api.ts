// Type assertions on the public API, checked by `tsc` (test/types.test.ts):
// each `@ts-expect-error` line must be an error, every other line must not.
import { grad, hessian, jacfwd, jacrev, jit, jvp, np, stopGradient, valueAndGrad, vjp, type Tensor } from "tsgrad";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

// np: named members with their real parameters
// @ts-expect-error np.tanhh is not a member of np
np.tanhh(1);
np.sum(np.ones([2, 3]));
np.sum(np.ones([2, 3]), 1);
np.sum(np.ones([2, 3]), [0, 1], true);
np.sum(np.ones([2, 3]), { axis: 1, keepdims: true });
// @ts-expect-error keepdims is a boolean
np.sum(np.ones([2, 3]), 1, "yes");
// @ts-expect-error np.where takes three arguments
np.where(true, 1);
const pi: number = np.pi;
// arithmetic on results type-checks (Tensor is any)
const t: Tensor = np.tanh(np.ones([3])) * 2 + 1;
const s: number = stopGradient(2) * 3 + stopGradient(np.ones([2]));

const f = (x: number, y: Float64Array, p: { w: Tensor; b: number }): number => x + y[0] + p.b;

// grad: the type of the parameter differentiated
const g0: number = grad(f)(1, new Float64Array(1), { w: 0, b: 1 });
const g1: Float64Array = grad(f, 1)(1, new Float64Array(1), { w: 0, b: 1 });
const g2: { w: Tensor; b: number } = grad(f, 2)(1, new Float64Array(1), { w: 0, b: 1 });
const g01: [number, Float64Array] = grad(f, [0, 1])(1, new Float64Array(1), { w: 0, b: 1 });
assert<Equal<typeof g01, [number, Float64Array]>>();
// @ts-expect-error the gradient with respect to y is a Float64Array, not a number
const bad: number = grad(f, 1)(1, new Float64Array(1), { w: 0, b: 1 });
// @ts-expect-error the arguments are f's
grad(f)("one", new Float64Array(1), { w: 0, b: 1 });

// hasAux: [gradient, aux]
const withAux = (x: number): [number, string[]] => [x * x, ["aux"]];
const [ga, aux] = grad(withAux, 0, { hasAux: true })(3);
assert<Equal<typeof ga, number>>();
assert<Equal<typeof aux, string[]>>();

// valueAndGrad: [value, gradient]
const [v, [dx, dy]] = valueAndGrad(f, [0, 1])(1, new Float64Array(1), { w: 0, b: 1 });
assert<Equal<typeof v, number>>();
assert<Equal<typeof dx, number>>();
assert<Equal<typeof dy, Float64Array>>();
const [[v2, aux2], g3] = valueAndGrad(withAux, 0, { hasAux: true })(2);
assert<Equal<[typeof v2, typeof aux2, typeof g3], [number, string[], number]>>();

// jvp, vjp
const sq = (x: number, y: number): number => x * y;
const [out, tangent] = jvp(sq, [1, 2], [1, 0]);
assert<Equal<[typeof out, typeof tangent], [number, number]>>();
// @ts-expect-error primals are f's arguments
jvp(sq, [1], [1, 0]);
const [val, back] = vjp(sq, 1, 2);
const cts: [x: number, y: number] = back(1);
assert<Equal<typeof val, number>>();

// jacobians and the Hessian: numbers for number functions
const j: number = jacfwd(Math.sin)(1);
const jr: [number, number] = jacrev(sq, [0, 1])(1, 2);
const h: number = hessian((x: number) => x ** 3)(2);
// jit keeps the function's type
const fj: typeof f = jit(f);

export { pi, t, s, g0, g1, g2, bad, cts, j, jr, h, fj };
