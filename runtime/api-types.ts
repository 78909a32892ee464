// The types of the public API: the `np` namespace (one member per function
// compiled code and eager code understand, with its real parameters) and the
// transforms, typed from the function they transform, as JAX's are:
//
//   grad(f)(x, y)                  the type of x           (argnums 0)
//   grad(f, 1)                     the type of y
//   grad(f, [0, 1])                [type of x, type of y]
//   grad(f, 0, { hasAux: true })   [type of x, aux]         (f returns [value, aux])
//   valueAndGrad(f, ...)           [f's return type, the gradient as above]
//
// A gradient has the structure (and class) of its argument: numbers give
// numbers, typed arrays the same typed array, pytrees the same pytree. Array
// values are `Tensor` (`any`, so arithmetic on them type-checks; tsgrad's front
// end checks ranks and shapes).

/** Array values (NDArray, typed arrays, numbers): `any`, so arithmetic on them type-checks (see index.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tensor = any;

/** Any function a transform accepts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fn = (...args: any[]) => any;

/** Positional arguments to differentiate: one position, or a list of them (the result is then a tuple). */
export type Argnums = number | number[];

export interface GradOptions {
  /** f returns [value, aux]: the gradient comes with aux, as [gradient, aux]. */
  hasAux?: boolean;
}

/** The gradient of F with respect to `A`: that parameter's type, or a tuple of them. */
export type GradOf<F extends Fn, A extends Argnums> = A extends number
  ? Parameters<F>[A]
  : { [K in keyof A]: Parameters<F>[A[K] & number] };

/** The aux output of a function returning [value, aux]. */
export type AuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer X] ? X : unknown;

/** The Jacobian of F with respect to `A`: for a scalar output, the input's structure; otherwise arrays. */
export type JacobianOf<F extends Fn, A extends Argnums> = ReturnType<F> extends number ? GradOf<F, A> : Tensor;

/** The Hessian of a scalar F: a number for a number input, arrays otherwise. */
export type HessianOf<F extends Fn, A extends Argnums> = GradOf<F, A> extends number ? number : Tensor;

/** A function taking F's arguments and returning R. */
export type Transformed<F extends Fn, R> = (...args: Parameters<F>) => R;

// ---- np -------------------------------------------------------------------------------

/** A dtype name, as in jax.numpy. */
export type DTypeName = "float64" | "float32" | "int32" | "bool";
/** One axis, several, or null (all). Negative axes count from the end. */
export type Axis = number | number[] | null;
/** The options object reductions also accept: `np.sum(x, { axis: 1, keepdims: true })`. */
export interface ReduceOptions {
  axis?: Axis;
  keepdims?: boolean;
}
/** A shape: one size or a list of sizes. */
export type Shape = number | number[];

type Unary = (x: Tensor) => Tensor;
type Binary = (x: Tensor, y: Tensor) => Tensor;
type Reduction = (x: Tensor, axis?: Axis | ReduceOptions, keepdims?: boolean) => Tensor;

/** jax.numpy, inside compiled functions and (eagerly) outside them. */
export interface NumPy {
  readonly pi: number;
  readonly e: number;
  readonly inf: number;
  readonly nan: number;

  // elementwise
  sin: Unary; cos: Unary; tan: Unary; arcsin: Unary; arccos: Unary; arctan: Unary; arctan2: Binary;
  sinh: Unary; cosh: Unary; tanh: Unary; arcsinh: Unary; arccosh: Unary; arctanh: Unary;
  exp: Unary; expm1: Unary; log: Unary; log1p: Unary; log2: Unary; log10: Unary; sqrt: Unary; cbrt: Unary;
  abs: Unary; absolute: Unary; fabs: Unary; sign: Unary; negative: Unary; square: Unary;
  floor: Unary; ceil: Unary; round: Unary; around: Unary; rint: Unary; trunc: Unary; fix: Unary;
  add: Binary; subtract: Binary; multiply: Binary; divide: Binary; true_divide: Binary; power: Binary; hypot: Binary;
  maximum: Binary; minimum: Binary; fmax: Binary; fmin: Binary;
  logaddexp: Binary; sigmoid: Unary; softplus: Unary;
  /** Elementwise `cond ? x : y` (both sides are evaluated; the derivative follows the side taken). */
  where(cond: Tensor, x: Tensor, y: Tensor): Tensor;
  clip(x: Tensor, lo: Tensor, hi: Tensor): Tensor;

  // constructors (NDArrays outside compiled code)
  array(x: unknown, dtype?: DTypeName): Tensor;
  asarray(x: unknown, dtype?: DTypeName): Tensor;
  zeros(shape: Shape, dtype?: DTypeName): Tensor;
  ones(shape: Shape, dtype?: DTypeName): Tensor;
  full(shape: Shape, value: Tensor, dtype?: DTypeName): Tensor;
  zerosLike(x: Tensor): Tensor; zeros_like(x: Tensor): Tensor;
  onesLike(x: Tensor): Tensor; ones_like(x: Tensor): Tensor;
  fullLike(x: Tensor, value: Tensor): Tensor; full_like(x: Tensor, value: Tensor): Tensor;
  arange(stop: number): Tensor;
  arange(start: number, stop: number, step?: number, dtype?: DTypeName): Tensor;
  linspace(start: number, stop: number, num?: number, dtype?: DTypeName): Tensor;
  eye(n: number, m?: number, dtype?: DTypeName): Tensor;

  // reductions
  sum: Reduction; prod: Reduction; max: Reduction; amax: Reduction; min: Reduction; amin: Reduction; mean: Reduction;
  argmax(x: Tensor, axis?: number | ReduceOptions, keepdims?: boolean): Tensor;
  argmin(x: Tensor, axis?: number | ReduceOptions, keepdims?: boolean): Tensor;
  logsumexp: Reduction;

  // linear algebra
  dot: Binary; matmul: Binary; vdot: Binary; outer: Binary;

  // shapes
  transpose(x: Tensor, axes?: number[]): Tensor;
  reshape(x: Tensor, shape: Shape): Tensor;
  ravel(x: Tensor): Tensor;
  expandDims(x: Tensor, axis: number): Tensor; expand_dims(x: Tensor, axis: number): Tensor;
  squeeze(x: Tensor, axis: number | number[]): Tensor;
  concatenate(xs: Tensor[], axis?: number): Tensor;
  stack(xs: Tensor[], axis?: number): Tensor;
  take(x: Tensor, indices: Tensor, axis?: number): Tensor;
  size(x: Tensor): number;
  shape(x: Tensor): number[];
  ndim(x: Tensor): number;
}
