"""Golden values for derivatives at kinks, ties and non-finite points, from JAX.

Run with the project's venv (JAX installed offline):
    /work/venv/bin/python scripts/golden_kinks.py

Writes test/data/kinks_golden.json, the one table test/kinks.test.ts runs:
    {"name", "ts", "args", "argnums", "tol", "f64": {...}, "f32": {...}}
`ts` is the TypeScript function tsgrad compiles (written as a user would, as
the JAX function beside it here); `args` are its inputs (numbers or nested
lists); for each dtype, "value" is f(*args), "grad" is jax.grad(f, argnums)
(a list when argnums has several entries) and, for functions of scalars,
"grad2" is grad(grad(f, k), k) with k = argnums[0]; some functions of one
array have "hessian", jax.hessian(f). Non-finite floats are the
strings "NaN", "Infinity", "-Infinity". tol is a relative tolerance: 0 means
bit-for-bit (up to the sign of zero); transcendental functions allow an ulp or
two, since XLA's libm and V8's / LLVM's differ. A row's "tsgrad" entry, when
present, gives the values where tsgrad knowingly differs from JAX, and why.
"""

import json
import os

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_threefry_partitionable", False)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "data", "kinks_golden.json")

inf, nan = float("inf"), float("nan")
cases = []


def num(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return int(x) if x == int(x) and abs(x) < 2**53 else x


def enc(v):
    if isinstance(v, (tuple, list)):
        return [enc(w) for w in v]
    a = np.asarray(v)
    return [enc(w) for w in a] if a.ndim > 0 else num(a)


def scalar_args(args):
    return all(np.ndim(a) == 0 for a in args)


def case(name, ts, fn, args, argnums=(0,), tol=0, grad2=True, tsgrad=None, hess=False):
    """`fn` is the JAX function `ts` is written to match; `tsgrad` records where tsgrad knowingly differs, and why."""
    row = {"name": name, "ts": ts, "args": enc(args), "argnums": list(argnums), "tol": tol}
    if tsgrad:
        row["tsgrad"] = {k: (v if k == "why" else enc(v)) for k, v in tsgrad.items()}
    for dt, key in ((jnp.float64, "f64"), (jnp.float32, "f32")):
        xs = [jnp.asarray(a, dtype=dt) for a in args]
        nums = argnums[0] if len(argnums) == 1 else tuple(argnums)
        out = {"value": enc(fn(*xs)), "grad": enc(jax.grad(fn, nums)(*xs))}
        if grad2 and scalar_args(args):
            k = argnums[0]
            out["grad2"] = enc(jax.grad(jax.grad(fn, k), k)(*xs))
        if hess:
            out["hessian"] = enc(jax.hessian(fn)(*xs))
        row[key] = out
    cases.append(row)


ULP = 1e-15  # f64 rounding differences of a transcendental function; f32 cases scale it (see the test)

# ---- maximum / minimum / relu: ties split the derivative 1/2 each ---------------------
case("maximum(x, 0) at 0", "(x: number) => np.maximum(x, 0)", lambda x: jnp.maximum(x, 0.0), [0.0])
case("Math.max(x, 0) at 0 (relu)", "(x: number) => Math.max(x, 0)", lambda x: jnp.maximum(x, 0.0), [0.0])
case("Math.max(0, x) at 1", "(x: number) => Math.max(0, x)", lambda x: jnp.maximum(0.0, x), [1.0])
case("maximum tie", "(x: number, y: number) => np.maximum(x, y)", jnp.maximum, [1.5, 1.5], (0, 1))
case("minimum tie", "(x: number, y: number) => np.minimum(x, y)", jnp.minimum, [1.5, 1.5], (0, 1))
case("Math.min tie", "(x: number, y: number) => Math.min(x, y)", jnp.minimum, [-2.0, -2.0], (0, 1))
case("minimum(x, 0) at 0", "(x: number) => np.minimum(x, 0)", lambda x: jnp.minimum(x, 0.0), [0.0])
case("relu of an array at 0", "(x: Tensor) => np.sum(np.maximum(x, 0))", lambda x: jnp.sum(jnp.maximum(x, 0.0)), [[-1.0, 0.0, 2.0]], hess=True)
case("maximum, array and a tied scalar", "(x: Tensor, y: number) => np.sum(np.maximum(x, y))",
     lambda x, y: jnp.sum(jnp.maximum(x, y)), [[1.0, 2.0, 2.0], 2.0], (0, 1))
case("minimum, broadcast rows with ties", "(x: Tensor, y: Tensor) => np.sum(np.minimum(x, y) * x)",
     lambda x, y: jnp.sum(jnp.minimum(x, y) * x), [[[1.0, 2.0, 3.0], [3.0, 2.0, 0.5]], [1.0, 2.0, 0.5]], (0, 1))

# ---- abs, sign, clip, where ---------------------------------------------------------
case("abs at 0", "(x: number) => np.abs(x)", jnp.abs, [0.0])
case("Math.abs at 0", "(x: number) => Math.abs(x)", jnp.abs, [0.0])
case("abs at -0.5", "(x: number) => np.abs(x) * x", lambda x: jnp.abs(x) * x, [-0.5])
case("sign at 0", "(x: number) => np.sign(x) * 3 + x", lambda x: jnp.sign(x) * 3 + x, [0.0])
case("clip at the lower bound", "(x: number) => np.clip(x, -1, 2)", lambda x: jnp.clip(x, -1.0, 2.0), [-1.0])
case("clip at the upper bound", "(x: number) => np.clip(x, -1, 2)", lambda x: jnp.clip(x, -1.0, 2.0), [2.0])
case("clip of an array at both bounds", "(x: Tensor) => np.sum(np.clip(x, -1, 1) * x)",
     lambda x: jnp.sum(jnp.clip(x, -1.0, 1.0) * x), [[-2.0, -1.0, 0.0, 1.0, 2.0]], hess=True)
case("where at the switch", "(x: number) => np.where(x > 0, x * x, -x)", lambda x: jnp.where(x > 0, x * x, -x), [0.0])
case("ternary at the switch", "(x: number) => (x > 0 ? x : 0)", lambda x: jnp.where(x > 0, x, 0.0), [0.0])
case("where with sqrt(0) in the other branch", "(x: number) => np.where(x > 0, np.sqrt(x), 0)",
     lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0), [0.0])

# ---- max / min reductions, argmax ------------------------------------------------------
case("max with a tie", "(x: Tensor) => np.max(x)", jnp.max, [[1.0, 3.0, 3.0]], hess=True)
case("min with three tied", "(x: Tensor) => np.min(x) * 0.7", lambda x: jnp.min(x) * 0.7, [[2.0, 2.0, 5.0, 2.0]])
case("max along axis 0 with ties", "(x: Tensor) => np.sum(np.max(x, 0) * np.array([0.1, 0.7, 1.3]))",
     lambda x: jnp.sum(jnp.max(x, 0) * jnp.array([0.1, 0.7, 1.3], x.dtype)), [[[1.0, 5.0, 2.0], [1.0, 5.0, 3.0]]])
case("max along axis 1, keepdims, three tied", "(x: Tensor) => np.sum(np.max(x, 1, true) * x)",
     lambda x: jnp.sum(jnp.max(x, 1, keepdims=True) * x), [[[0.3, 0.3, 0.3], [1.0, -1.0, 0.5]]])
case("min along axis 1 with ties", "(x: Tensor) => np.sum(np.min(x, 1) * np.array([0.7, 0.3]))",
     lambda x: jnp.sum(jnp.min(x, 1) * jnp.array([0.7, 0.3], x.dtype)), [[[1.0, 1.0, 2.0], [4.0, 4.0, 4.0]]])
case("argmax ties pick the first", "(x: Tensor) => np.argmax(x) + np.sum(x)", lambda x: jnp.argmax(x) + jnp.sum(x), [[1.0, 3.0, 3.0, 0.0]])
case("argmin ties along an axis", "(x: Tensor) => np.sum(np.argmin(x, 1) * np.sum(x, 1))",
     lambda x: jnp.sum(jnp.argmin(x, 1) * jnp.sum(x, 1)), [[[2.0, 1.0, 1.0], [0.0, 0.0, 3.0]]])

# ---- logsumexp, logaddexp, softplus, sigmoid ----------------------------------------
lse = jax.nn.logsumexp
case("logsumexp with -inf entries", "(x: Tensor) => np.logsumexp(x)", lse, [[0.0, -inf, 1.0]], tol=ULP, hess=True)
case("logsumexp of all -inf", "(x: Tensor) => np.logsumexp(x)", lse, [[-inf, -inf]])
case("logsumexp with a tie", "(x: Tensor) => np.logsumexp(x)", lse, [[2.0, 2.0]], tol=ULP, hess=True)
case("logsumexp along an axis, a row of -inf", "(x: Tensor) => np.sum(np.logsumexp(x, 1) * np.array([0.5, 2]))",
     lambda x: jnp.sum(lse(x, 1) * jnp.array([0.5, 2.0], x.dtype)), [[[-inf, -inf], [1.0, -inf]]])
case("logaddexp tie", "(x: number, y: number) => np.logaddexp(x, y)", jnp.logaddexp, [0.7, 0.7], (0, 1), tol=ULP)
case("logaddexp tie, second derivative", "(x: number, y: number) => np.logaddexp(x, y)", jnp.logaddexp, [0.7, 0.7], (1,), tol=ULP)
case("logaddexp away from the tie", "(x: number, y: number) => np.logaddexp(x, y)", jnp.logaddexp, [0.5, -1.0], (0, 1), tol=ULP)
case("logaddexp with -inf", "(x: number, y: number) => np.logaddexp(x, y)", jnp.logaddexp, [-inf, 0.5], (0, 1))
case("logaddexp of two -inf", "(x: number, y: number) => np.logaddexp(x, y)", jnp.logaddexp, [-inf, -inf], (0, 1))
case("logaddexp of arrays with ties", "(x: Tensor, y: Tensor) => np.sum(np.logaddexp(x, y))",
     lambda x, y: jnp.sum(jnp.logaddexp(x, y)), [[0.0, 1.0, -3.0], [0.0, 1.0, 2.0]], (0, 1), tol=ULP)
sp = jax.nn.softplus
case("softplus at 0", "(x: number) => np.softplus(x)", sp, [0.0], tol=ULP)
case("softplus at -50 (value below 1e-21)", "(x: number) => np.softplus(x)", sp, [-50.0], tol=ULP)
case("softplus at 800", "(x: number) => np.softplus(x)", sp, [800.0])
case("softplus at -800", "(x: number) => np.softplus(x)", sp, [-800.0])
sg = jax.nn.sigmoid
case("sigmoid at 0", "(x: number) => np.sigmoid(x)", sg, [0.0], tol=ULP)
case("sigmoid at 3", "(x: number) => np.sigmoid(x)", sg, [3.0], tol=4 * ULP)
case("sigmoid at -800 (exp(-x) overflows)", "(x: number) => np.sigmoid(x)", sg, [-800.0])
case("sigmoid at -100", "(x: number) => np.sigmoid(x)", sg, [-100.0], tol=4 * ULP)
case("sigmoid at 800", "(x: number) => np.sigmoid(x)", sg, [800.0])

# ---- sqrt, pow, integer powers, log, division --------------------------------------------
case("sqrt at 0", "(x: number) => np.sqrt(x)", jnp.sqrt, [0.0])
case("Math.sqrt at 0", "(x: number) => Math.sqrt(x)", jnp.sqrt, [0.0])
for y in (0.0, 0.5, 1.0, 2.0, 2.5):
    case(f"pow at x = 0, y = {y}", "(x: number, y: number) => x ** y", jnp.power, [0.0, y], (0, 1))
    case(f"pow at x = 0, y = {y}, d/dx", "(x: number, y: number) => x ** y", jnp.power, [0.0, y], (0,))
case("pow at x = 2, y = 0", "(x: number, y: number) => Math.pow(x, y)", jnp.power, [2.0, 0.0], (0, 1), tol=ULP)
case("x ** 0.5 at 0 (a literal exponent)", "(x: number) => x ** 0.5", lambda x: jnp.power(x, 0.5), [0.0])
case("x ** 2.5 at 0", "(x: number) => x ** 2.5", lambda x: jnp.power(x, 2.5), [0.0])
for n in (0, 1, 2, 3, -1, -2):
    case(f"x ** {n} at 0 (integer_pow)", f"(x: number) => x ** {n}" if n >= 0 else f"(x: number) => x ** ({n})",
         lambda x, n=n: jax.lax.integer_pow(x, n), [0.0])
case("x ** 0 at 2", "(x: number) => x ** 0", lambda x: jax.lax.integer_pow(x, 0), [2.0])
case("np.square at 0", "(x: number) => np.square(x)", jnp.square, [0.0])
case("log at 0", "(x: number) => np.log(x)", jnp.log, [0.0])
case("Math.log at 0", "(x: number) => Math.log(x)", jnp.log, [0.0])
case("log1p at -1", "(x: number) => np.log1p(x)", jnp.log1p, [-1.0])
case("log of an array with a zero", "(x: Tensor) => np.sum(np.log(x))", lambda x: jnp.sum(jnp.log(x)), [[0.0, 1.0, 2.0]])
case("1 / x at 0", "(x: number) => 1 / x", lambda x: 1.0 / x, [0.0],
     tsgrad={"grad2": nan, "why": "div's rule computes y^-2 as 1 / (y * y), whose derivative at 0 is inf * 0; jax's integer_pow(y, -2) has its own rule"})
case("x / y at y = 0", "(x: number, y: number) => x / y", jnp.divide, [1.0, 0.0], (0, 1))
case("x / y at (0, 0)", "(x: number, y: number) => x / y", jnp.divide, [0.0, 0.0], (0, 1))
case("x / y at (0, 0), d/dy", "(x: number, y: number) => x / y", jnp.divide, [0.0, 0.0], (1,))
case("-x / y at (0, 0)", "(x: number, y: number) => -x / y", lambda x, y: -x / y, [0.0, 0.0], (0, 1))

# ---- hypot, atan2 -------------------------------------------------------------------
case("hypot at (0, 0)", "(x: number, y: number) => np.hypot(x, y)", jnp.hypot, [0.0, 0.0], (0, 1))
case("hypot at (0, 0), d/dx", "(x: number, y: number) => np.hypot(x, y)", jnp.hypot, [0.0, 0.0], (0,))
case("hypot at (0, 2)", "(x: number, y: number) => np.hypot(x, y)", jnp.hypot, [0.0, 2.0], (0, 1))
case("hypot at (-3, 4)", "(x: number, y: number) => np.hypot(x, y)", jnp.hypot, [-3.0, 4.0], (0, 1), tol=ULP)
case("atan2 at (0, 0)", "(y: number, x: number) => np.arctan2(y, x)", jnp.arctan2, [0.0, 0.0], (0, 1))
case("Math.atan2 at (0, 0)", "(y: number, x: number) => Math.atan2(y, x)", jnp.arctan2, [0.0, 0.0], (0, 1))
case("atan2 at (0, -1)", "(y: number, x: number) => np.arctan2(y, x)", jnp.arctan2, [0.0, -1.0], (0, 1))

# ---- piecewise constants --------------------------------------------------------------------
case("floor at 2", "(x: number) => np.floor(x) + x", lambda x: jnp.floor(x) + x, [2.0])
case("ceil at -1", "(x: number) => np.ceil(x) * x", lambda x: jnp.ceil(x) * x, [-1.0])
case("round at 2.5 (half to even)", "(x: number) => np.round(x) * x", lambda x: jnp.round(x) * x, [2.5])
case("round at -0.5", "(x: number) => np.round(x) + x", lambda x: jnp.round(x) + x, [-0.5])
case("trunc at -1.5", "(x: number) => np.trunc(x) * x", lambda x: jnp.trunc(x) * x, [-1.5])
case("Math.floor at 3", "(x: number) => Math.floor(x) * x", lambda x: jnp.floor(x) * x, [3.0])

# ---- mean, prod ---------------------------------------------------------------------------
case("mean", "(x: Tensor) => np.mean(x) * 0.7", lambda x: jnp.mean(x) * 0.7, [[1.0, 2.0, 4.0]])
case("mean along an axis", "(x: Tensor) => np.sum(np.mean(x, 0) * np.array([0.3, 0.9]))",
     lambda x: jnp.sum(jnp.mean(x, 0) * jnp.array([0.3, 0.9], x.dtype)), [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])
case("prod with a zero", "(x: Tensor) => np.prod(x)", jnp.prod, [[0.0, 2.0, 3.0]], hess=True)
case("prod with two zeros", "(x: Tensor) => np.prod(x)", jnp.prod, [[0.0, 2.0, 0.0]], hess=True)
case("prod with three zeros", "(x: Tensor) => np.prod(x)", jnp.prod, [[0.0, 2.0, 0.0, 0.0]], hess=True)
case("prod along an axis with zeros", "(x: Tensor) => np.sum(np.prod(x, 1) * np.array([0.7, 1.3]))",
     lambda x: jnp.sum(jnp.prod(x, 1) * jnp.array([0.7, 1.3], x.dtype)), [[[0.0, 2.0, 0.5], [1.5, -2.0, 3.0]]], hess=True)
case("prod with a zero, two nonzero", "(x: Tensor) => np.prod(x)", jnp.prod, [[1.5, 0.0, -2.0, 3.0]], hess=True)

# ---- float32 rounding of division: ct / y, not (1 / y) * ct -----------------------------------
case("division rounds as jax (ct / y)", "(x: number, y: number) => (x / y) * 0.9", lambda x, y: (x / y) * 0.9, [1.1, 3.0], (0, 1))
case("division of arrays rounds as jax", "(x: Tensor, y: Tensor) => np.sum((x / y) * np.array([0.3, 0.9, 1.7]))",
     lambda x, y: jnp.sum((x / y) * jnp.array([0.3, 0.9, 1.7], x.dtype)), [[0.5, 1.1, -2.3], [0.7, 3.0, 0.11]], (0, 1))
case("log rounds as jax (ct / x)", "(x: number) => np.log(x) * 0.3", lambda x: jnp.log(x) * 0.3, [0.7], tol=ULP)

with open(OUT, "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")
