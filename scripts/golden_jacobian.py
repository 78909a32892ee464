"""Golden Jacobians and Hessians for tsgrad's jacfwd / jacrev / hessian, from JAX.

Run with the project's venv (JAX installed offline):
    .venv/bin/python scripts/golden_jacobian.py

Writes test/data/jacobian_golden.json:
    {"description": <this docstring>, "jax_version": ..., "cases": {name: case}}
where a case holds its inputs and, per transform ("jacfwd", "jacrev",
"hessian", optionally with argnums), JAX's result. A result is the pytree JAX
returns, encoded as: an array -> {"array": true, "dtype", "shape", "data"}
(row-major), a tuple/list -> a JSON list, a dict -> a JSON object. The test
(test/jacobian.test.ts) writes the same functions in tsgrad's IR and compares
with a relative tolerance (1e-12 for float64 cases, 2e-6 for float32).

Cases:
  sin_x2        f(x) = sin(x) * x**2 at x = 0.7 (scalar in, scalar out)
  poly2         f(x, y) = x*y + exp(x) - y**3 at (0.3, -1.2), argnums (0, 1)
  tanh_Wx       f(W, x) = tanh(W @ x), W [3,4], x [4]; argnums 1 and (0, 1)
  pytree_out    f(x) = {"a": sum(x**2), "b": x * sin(x)}, x [3]
  pytree_in     f(p) = tanh(p["W"] @ c + p["b"]), p = {"W": [2,3], "b": [2]}, c [3] constant
  matsq         f(A) = A @ A, A [3,3] (rank 2 in, rank 2 out)
  logistic      the tutorial's logistic loss(W, b) in float32 (test/runtime-arrays.test.ts)
"""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "data", "jacobian_golden.json")


def enc(x):
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return [enc(v) for v in x]
    a = np.asarray(x)
    return {"array": True, "dtype": str(a.dtype), "shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def transforms(f, args, argnums_list=(None,), which=("jacfwd", "jacrev", "hessian")):
    out = {}
    for argnums in argnums_list:
        for name in which:
            tr = getattr(jax, name)
            g = tr(f) if argnums is None else tr(f, argnums=argnums)
            key = name if argnums is None else f"{name}{list(argnums) if isinstance(argnums, tuple) else argnums}"
            out[key] = enc(g(*args))
    return out


cases = {}
rng = np.random.default_rng(7)

# scalar functions
f = lambda x: jnp.sin(x) * x**2
cases["sin_x2"] = {"args": [0.7], "results": transforms(f, (0.7,))}

f = lambda x, y: x * y + jnp.exp(x) - y**3
cases["poly2"] = {"args": [0.3, -1.2], "results": transforms(f, (0.3, -1.2), argnums_list=((0, 1), 1))}

# tanh(W @ x)
W = rng.standard_normal((3, 4)) * 0.5
x = rng.standard_normal(4)
f = lambda W, x: jnp.tanh(W @ x)
cases["tanh_Wx"] = {
    "args": [enc(W), enc(x)],
    "results": {**transforms(f, (W, x), argnums_list=(1, (0, 1)), which=("jacfwd", "jacrev")), **transforms(f, (W, x), argnums_list=(1,), which=("hessian",))},
}

# pytree output
x3 = np.array([0.3, -0.8, 1.1])
f = lambda x: {"a": jnp.sum(x**2), "b": x * jnp.sin(x)}
cases["pytree_out"] = {"args": [enc(x3)], "results": transforms(f, (x3,))}

# pytree input
P = {"W": rng.standard_normal((2, 3)) * 0.5, "b": np.array([0.1, -0.2])}
c = np.array([0.5, -1.0, 2.0])
f = lambda p: jnp.tanh(p["W"] @ c + p["b"])
cases["pytree_in"] = {"args": [enc(P)], "const": enc(c), "results": transforms(f, (P,), which=("jacfwd", "jacrev"))}

# rank 2 -> rank 2
A = rng.standard_normal((3, 3))
f = lambda A: A @ A
cases["matsq"] = {"args": [enc(A)], "results": transforms(f, (A,), which=("jacfwd", "jacrev"))}

# the tutorial's logistic loss, float32
inputs = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]], np.float32)
targets = np.array([True, True, False, True])
Wl = np.array([-0.3683878481388092, -2.275688886642456, 0.011447565630078316], np.float32)
bl = np.float32(0.8535516262054443)


def loss(W, b):
    p = 0.5 * (jnp.tanh((inputs @ W + b) / 2) + 1)
    t = targets.astype(np.float32)
    return -jnp.sum(jnp.log(p * t + (1 - p) * (1 - t)))


cases["logistic"] = {
    "args": [enc(Wl), float(bl)],
    "results": {**transforms(loss, (Wl, bl), argnums_list=(0, (0, 1)), which=("hessian",)), **transforms(loss, (Wl, bl), argnums_list=((0, 1),), which=("jacrev",))},
}

with open(OUT, "w") as fh:
    json.dump({"description": __doc__, "jax_version": jax.__version__, "cases": cases}, fh, indent=1)
    fh.write("\n")
print(f"wrote {OUT}")
