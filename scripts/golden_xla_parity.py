"""Golden float32 values from JAX's CPU backend (XLA) for test/xla-parity.test.ts.

Run from the repository root with the project's venv (JAX 0.10.2, jaxlib CPU):

    .venv/bin/python scripts/golden_xla_parity.py

Writes test/data/xla_parity.json: float32 values as uint32 bit patterns
(exact, NaN-safe). The values depend on the CPU: they were produced on an
x86-64 machine with FMA3/AVX-512, where XLA contracts a*b + c into FMA.

What XLA computes (read off XLA_FLAGS=--xla_dump_to=DIR --xla_dump_hlo_as_text,
the optimized LLVM IR and the object code):
  - tanh f32: XLA's rational approximation (clamp to +-7.99881172, x for
    |x| < 4e-4, +-1 for |x| >= 20), Horner steps contracted into FMAs;
  - log f32: the Cephes/Eigen plog polynomial, with FMAs; denormals are
    zero (a subnormal input gives -inf);
  - dot f32: acc = fma(a_l, b_l, acc) for l = 0, 1, .. (vector.matrix, and
    matrix.vector / small matrix.matrix while the contraction is < 8 long);
  - reduce_sum f32 of a short vector: ((0 + x0) + x1) + ...
"""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_threefry_partitionable", False)  # the tutorial's W, b (JAX's classic streams)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "data", "xla_parity.json")
f32 = np.float32


def bits(x):
    return np.asarray(x, dtype=np.float32).reshape(-1).view(np.uint32).tolist()


def near(x, n):
    """x and its n float32 neighbours on each side."""
    out = [f32(x)]
    up = down = f32(x)
    for _ in range(n):
        up = np.nextafter(up, f32(np.inf))
        down = np.nextafter(down, f32(-np.inf))
        out += [up, down]
    return out


def tanh_inputs():
    rng = np.random.default_rng(20240611)
    xs = [0.0, -0.0, 1e-45, -1e-45, 1e-39, 1e-30, 1e-10, 1e-5, 0.5, 1.0, 2.0, -2.0, 3.0, 5.0, 9.0, 10.0, 15.0, 19.0, 25.0,
          1e10, 3e38, -3e38, np.inf, -np.inf, np.nan]
    xs += near(4e-4, 3) + near(-4e-4, 2)               # the tanh(x) = x cut-off
    xs += near(7.99881172180175781, 3) + near(-7.99881172180175781, 2)  # the clamp
    xs += near(20.0, 3) + near(-20.0, 2)                # the +-1 cut-off
    xs += list((rng.standard_normal(200) * 3).astype(np.float32))
    xs += list(rng.uniform(-12, 12, 100).astype(np.float32))
    xs += list((np.exp(rng.uniform(-20, 3, 100)) * rng.choice([-1, 1], 100)).astype(np.float32))
    return np.array(xs, dtype=np.float32)


def log_inputs():
    rng = np.random.default_rng(7)
    xs = [0.0, -0.0, 1e-45, 1e-39, 1.1754944e-38, 1e-30, 0.5, 0.7071067690849304, 0.70710677, 0.75, 1.0, 2.0, 3.0, 10.0,
          1e10, 3.4e38, np.inf, -1.0, -np.inf, np.nan]
    xs += near(1.0, 4) + near(0.7071067690849304, 2) + near(2.0, 2)
    xs += list(rng.uniform(0, 2, 200).astype(np.float32))
    xs += list(np.exp(rng.uniform(-87, 88, 200)).astype(np.float32))
    return np.array(xs, dtype=np.float32)


def dots():
    rng = np.random.default_rng(3)
    cases = []
    for name, sa, sb in [("mv", (4, 3), (3,)), ("vm", (4,), (4, 3)), ("mv7", (5, 7), (7,)), ("vm20", (20,), (20, 3)),
                         ("mm", (5, 4), (4, 6)), ("vv", (6,), (6,))]:
        a = rng.standard_normal(sa).astype(np.float32)
        b = rng.standard_normal(sb).astype(np.float32)
        cases.append({"name": name, "a": bits(a), "a_shape": list(sa), "b": bits(b), "b_shape": list(sb),
                      "out": bits(jnp.dot(a, b))})
    return cases


def tutorial():
    key = jax.random.key(0)

    def sigmoid(x):
        return 0.5 * (jnp.tanh(x / 2) + 1)

    def predict(W, b, inputs):
        return sigmoid(jnp.dot(inputs, W) + b)

    inputs = jnp.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]])
    targets = jnp.array([True, True, False, True])

    def loss(W, b):
        preds = predict(W, b, inputs)
        label_probs = preds * targets + (1 - preds) * (1 - targets)
        return -jnp.sum(jnp.log(label_probs))

    key, W_key, b_key = jax.random.split(key, 3)
    W = jax.random.normal(W_key, (3,))
    b = jax.random.normal(b_key, ())
    eager = jax.grad(loss, (0, 1))(W, b)
    jitted = jax.jit(jax.grad(loss, (0, 1)))(W, b)
    return {
        "inputs": bits(inputs), "W": bits(W), "b": bits(b),
        "loss": bits(loss(W, b)),
        # What the tutorial page prints; on this CPU it equals jax.jit(grad(loss)), whose fused
        # kernel contracts the tanh VJP's bd + bd*h into fma(bd, h, bd).
        "W_grad_jit": bits(jitted[0]), "b_grad_jit": bits(jitted[1]),
        # Eager (op-by-op) JAX 0.10.2 on this CPU: no fusion, every op rounds.
        "W_grad_eager": bits(eager[0]), "b_grad_eager": bits(eager[1]),
    }


def main():
    t = tanh_inputs()
    l = log_inputs()
    g1 = jax.grad(jnp.tanh)
    g2 = jax.grad(g1)
    g3 = jax.grad(g2)
    data = {
        "produced_by": f"scripts/golden_xla_parity.py with jax {jax.__version__} / jaxlib {jax.lib.__version__}, "
                       f"{jax.devices()[0].platform} (x86-64 with FMA); float32 as uint32 bits",
        "tanh": {"x": bits(t), "y": bits(jnp.tanh(t))},
        "log": {"x": bits(l), "y": bits(jnp.log(l))},
        "dot": dots(),
        "tanh_grads_at_2": bits([g1(2.0), g2(2.0), g3(2.0)]),
        "tutorial": tutorial(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(data, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
