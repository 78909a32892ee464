// The tsgrad IR: a typed, structured, SSA intermediate language in the
// style of JAX's jaxprs and Futhark's core language. Every transform
// (forward mode, reverse mode) reads and writes this IR, so transforms
// compose to any depth.
//
// Grammar (print.ts writes it, parse.ts reads it back; `//` starts a comment):
//
//   func     ::= "func" NAME "(" param,* ")" "->" "(" type,* ")" block
//                                                                   -- the result types are those the body yields
//   param    ::= NAME ":" type
//   block    ::= "{" stmt* "yield" atom,* "}"
//   stmt     ::= outs "=" PRIM attrs? "(" atom,* ")"               -- primitive application (one out)
//              | outs? "if" atom block "else" block                -- both branches yield |outs| atoms
//              | outs? "for" NAME "in" atom ".." atom "rev"?       -- i32 index i = lo, lo+1, .., hi-1 (or reversed)
//                        "carry" "(" carried,* ")" block
//                                                                   -- body yields the next carried values;
//                                                                   -- outs are the final carried values
//              | outs? "while" "carry" "(" carried,* ")"
//                        "cond" block "do" block                   -- cond yields one bool; body yields carried
//   outs     ::= NAME ":" type ("," NAME ":" type)* "="
//   carried  ::= NAME ":" type "=" atom                            -- the init is read outside the loop
//   attrs    ::= "<" attr ("," attr)* ">"                          -- in this order, each at most once:
//   attr     ::= INT                                               --   powi's exponent
//              | dtype                                              --   cast, arr_new, iota
//              | "axes" "=" "[" INT,* "]" | "keepdims" | "perm" "=" "[" INT,* "]"
//   atom     ::= NAME | literal                                    -- a variable's type is its definition's
//   literal  ::= "true" | "false"                                  -- bool
//              | INT ":i32"                                        -- i32: 3:i32, -1:i32
//              | float (":f32")?                                   -- f64, or f32 with the suffix
//   float    ::= -?DIGITS "." DIGITS (e[+-]DIGITS)? | -?DIGITS e[+-]DIGITS | "nan" | "inf" | "-inf"
//                                                                   -- "-0.0" is negative zero
//   type     ::= dtype ("[" rank "]")?                              -- rank 0 (no brackets) is a scalar
//   dtype    ::= "f64" | "f32" | "i32" | "bool"
//   NAME     ::= [A-Za-z_$%][A-Za-z0-9_$%]*  except true, false, nan, inf
//              | a JSON string ("x.y", "nan")                       -- any other name, quoted
//                                                                   -- a leading % marks a name no source
//                                                                   -- variable can have (%while_index)
//
// Scoping is lexical: a block may read any variable defined before it in an
// enclosing block. Variables are assigned exactly once; names are unique in a
// function (see names.ts). Arrays are values: `arr_set` returns a new array
// (backends update in place when the old array is dead).

export type DType = "f64" | "f32" | "i32" | "bool";

/** rank 0 is a scalar; rank r > 0 is a row-major array whose shape is known only at run time. */
export interface Type {
  readonly dtype: DType;
  readonly rank: number;
}

export interface Var {
  readonly kind: "var";
  readonly name: string;
  readonly type: Type;
}

export interface Lit {
  readonly kind: "lit";
  readonly value: number; // booleans are 0 / 1
  readonly type: Type; // always rank 0
}

export type Atom = Var | Lit;

/**
 * Elementwise primitives: on scalars, or on arrays with numpy broadcasting
 * (the result has the broadcast shape). Adding one: see ARCHITECTURE.md.
 */
export const ELEMENTWISE_PRIMS = [
  // arithmetic (also i32 where prims.ts allows it)
  "add", "sub", "mul", "div", "neg", "rem", "pow", "powi",
  "fma", // fma(a, b, c) = a*b + c rounded once (float32 matmul rounds as XLA's does)
  // elementary functions
  "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
  "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
  "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "hypot",
  "abs", "sign", "min", "max", "floor", "ceil", "round", "rint", "trunc",
  // comparisons and logic (bool results)
  "lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not",
  // selection, conversion, gradient control
  "select", "cast", "stop_gradient",
] as const;

/** Flat rank-1 buffers: loop tapes, kernels' local arrays, and what array code lowers to. */
export const BUFFER_PRIMS = ["arr_new", "arr_get", "arr_set", "arr_len"] as const;

/**
 * Array primitives (jax.lax-like) on arrays of any rank, with shapes known at
 * run time. passes/lower-arrays.ts turns them into loops over buffers.
 */
export const ARRAY_PRIMS = [
  "shape", // shape<axes=[k]>(x): i32, the size of axis k
  "full", // full(v, d0, .., dn-1): an array of that shape filled with scalar v
  "iota", // iota<dtype>(n): [0, 1, .., n-1]
  "broadcast_to", // broadcast_to(x, d0, .., dn-1): numpy broadcasting to that shape
  "broadcast_like", // broadcast_like(x, like): broadcast x to like's shape
  "sum_like", // sum_like(x, like): sum x down to like's shape (the transpose of broadcasting)
  "reduce_sum", "reduce_max", "reduce_min", "reduce_prod", // <axes=[..], keepdims>(x)
  "argmax", "argmin", // <axes=[k] or [] for the flattened array, keepdims>(x): i32
  "matmul", // numpy matmul for ranks 1 and 2
  "transpose", // transpose<perm=[..]>(x)
  "reshape", // reshape(x, d0, .., dn-1); one dim may be -1
  "expand_dims", // expand_dims<axes=[k]>(x)
  "squeeze", // squeeze<axes=[..]>(x)
  "concatenate", // concatenate<axes=[k]>(x0, x1, ..)
  "slice", // slice<axes=[k]>(x, start, size): x[.., start:start+size, ..] along axis k
  "take", // take<axes=[k]>(x, idx): numpy take; a scalar idx removes the axis (x[i])
  "scatter_add", // scatter_add<axes=[k]>(base, idx, upd): base with upd added at idx (take's transpose)
] as const;

export const PRIMS = [...ELEMENTWISE_PRIMS, ...BUFFER_PRIMS, ...ARRAY_PRIMS] as const;

export type ElementwisePrim = (typeof ELEMENTWISE_PRIMS)[number];
export type BufferPrim = (typeof BUFFER_PRIMS)[number];
export type ArrayPrim = (typeof ARRAY_PRIMS)[number];
export type Prim = ElementwisePrim | BufferPrim | ArrayPrim;

export function isElementwise(p: Prim): p is ElementwisePrim {
  return (ELEMENTWISE_PRIMS as readonly string[]).includes(p);
}

export function isArrayPrim(p: Prim): p is ArrayPrim {
  return (ARRAY_PRIMS as readonly string[]).includes(p);
}

/** Attributes: `powi` its exponent, `cast`/`arr_new`/`iota` a dtype, array primitives axes, keepdims, a permutation. */
export interface Attrs {
  readonly exponent?: number;
  readonly dtype?: DType;
  readonly axes?: readonly number[];
  readonly keepdims?: boolean;
  readonly perm?: readonly number[];
}

export interface PrimStmt {
  readonly kind: "prim";
  readonly outs: Var[];
  readonly prim: Prim;
  readonly args: Atom[];
  readonly attrs?: Attrs;
}

export interface IfStmt {
  readonly kind: "if";
  readonly outs: Var[];
  readonly cond: Atom;
  readonly then: Block;
  readonly else: Block;
}

export interface ForStmt {
  readonly kind: "for";
  readonly outs: Var[];
  readonly index: Var; // i32
  readonly lo: Atom; // i32
  readonly hi: Atom; // i32, exclusive
  readonly reverse: boolean; // iterate hi-1 down to lo
  readonly carried: Var[]; // bound inside body
  readonly inits: Atom[];
  readonly body: Block; // yields next carried values
}

export interface WhileStmt {
  readonly kind: "while";
  readonly outs: Var[];
  readonly carried: Var[];
  readonly inits: Atom[];
  readonly cond: Block; // yields one bool; sees carried
  readonly body: Block; // yields next carried values
}

export type Stmt = PrimStmt | IfStmt | ForStmt | WhileStmt;

export interface Block {
  readonly stmts: Stmt[];
  readonly results: Atom[];
}

export interface Func {
  readonly name: string;
  readonly params: Var[];
  readonly body: Block;
}

// ---- constructors and small helpers -------------------------------------------------

export const f64: Type = { dtype: "f64", rank: 0 };
export const f32: Type = { dtype: "f32", rank: 0 };
export const i32: Type = { dtype: "i32", rank: 0 };
export const bool: Type = { dtype: "bool", rank: 0 };

export function scalar(dtype: DType): Type {
  return { dtype, rank: 0 };
}

export function arrayOf(dtype: DType, rank = 1): Type {
  return { dtype, rank };
}

export function v(name: string, type: Type): Var {
  return { kind: "var", name, type };
}

export function lit(value: number | boolean, type: Type = f64): Lit {
  return { kind: "lit", value: typeof value === "boolean" ? (value ? 1 : 0) : value, type };
}

export function isFloat(t: Type): boolean {
  return t.dtype === "f64" || t.dtype === "f32";
}

export function sameType(a: Type, b: Type): boolean {
  return a.dtype === b.dtype && a.rank === b.rank;
}

export function typeToString(t: Type): string {
  return t.rank === 0 ? t.dtype : `${t.dtype}[${t.rank}]`;
}

export function resultTypes(f: Func): Type[] {
  return f.body.results.map((a) => a.type);
}
