"""Golden values for tsgrad's runtime/random.ts, produced by real JAX.

Run (JAX installed offline into the git-ignored venv):
    python3 -m venv .venv
    .venv/bin/pip install --no-index --find-links /opt/pypi/files jax jaxlib numpy scipy
    .venv/bin/python scripts/golden_random.py

Writes test/data/random_golden.json. Every case records the flags it ran
under: x64 (jax_enable_x64) and partitionable (jax_threefry_partitionable).
A sampler's key is key(seed) followed by `path`: a list of [num, index]
steps meaning "split into num keys and take keys[index]".

Values are exact (non-finite floats as the strings "Infinity", "-Infinity",
"NaN"): float32 values are stored as the float64 number equal to
the float32 (JSON round-trips it), float64 with full precision, uint32 as
integers. Large cases store a sha256 of the little-endian bytes instead.

Float results depend on the CPU: XLA contracts a*b+c into FMA instructions
and calls glibc's log for float64. These goldens come from an x86-64 CPU
with FMA3 (which tsgrad emulates exactly).
"""

import hashlib
import json
import os
import platform
import sys

import jax
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "data", "random_golden.json")

cases = []


def set_flags(x64, partitionable):
    jax.config.update("jax_enable_x64", x64)
    jax.config.update("jax_threefry_partitionable", partitionable)


def make_key(seed, path):
    k = jax.random.key(seed)
    for num, index in path:
        k = jax.random.split(k, num)[index]
    return k


def values(arr):
    a = np.asarray(arr)
    if a.dtype == np.float32 or a.dtype == np.float64:
        # JSON has no inf/nan: store those as strings that JS's Number() parses.
        return [float(v) if np.isfinite(v) else str(float(v)).replace("inf", "Infinity").replace("nan", "NaN")
                for v in a.ravel()]
    return [int(v) for v in a.ravel()]


def add(fn, x64=False, partitionable=False, seed=0, path=(), store="values", **kw):
    set_flags(x64, partitionable)
    k = make_key(seed, path)
    if fn == "key_data":
        out = jax.random.key_data(k)
    elif fn == "split":
        out = jax.random.key_data(jax.random.split(k, kw["num"]))
    elif fn == "fold_in":
        out = jax.random.key_data(jax.random.fold_in(k, kw["data"]))
    elif fn == "bits":
        out = jax.random.bits(k, tuple(kw["shape"]), dtype=np.uint32)
    elif fn == "uniform":
        out = jax.random.uniform(k, tuple(kw["shape"]), dtype=kw["dtype"],
                                 minval=kw.get("minval", 0.0), maxval=kw.get("maxval", 1.0))
    elif fn == "normal":
        out = jax.random.normal(k, tuple(kw["shape"]), dtype=kw["dtype"])
    else:
        raise ValueError(fn)
    out = np.asarray(out)
    case = {"fn": fn, "x64": x64, "partitionable": partitionable, "seed": str(seed),
            "path": [list(p) for p in path], **kw,
            "out_dtype": str(out.dtype), "out_shape": list(out.shape)}
    if store == "sha256":
        case["sha256"] = hashlib.sha256(out.astype(out.dtype.newbyteorder("<")).tobytes()).hexdigest()
    else:
        case["value"] = values(out)
    cases.append(case)


# --- keys -----------------------------------------------------------------
SEEDS = [0, 1, 42, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 5, 123456789012345,
         2**63 - 1, -1, -5, -2**31, -2**63]
for x64 in (False, True):
    for s in SEEDS:
        add("key_data", x64=x64, seed=s)

for part in (False, True):
    for num in (1, 2, 3, 5):
        add("split", partitionable=part, seed=0, num=num)
    add("split", partitionable=part, seed=42, num=5)
    add("split", partitionable=part, seed=0, path=[(2, 1), (3, 2)], num=4)  # nested
    add("split", partitionable=part, seed=-7, path=[(5, 4)], num=3, x64=True)

for d in (0, 1, 12345, 2**32 - 1):
    add("fold_in", seed=0, data=d)
add("fold_in", seed=42, path=[(2, 0)], data=7)

# --- samplers -------------------------------------------------------------
SHAPES = [[], [1], [3], [2, 3], [5, 7], [1000]]
for part in (False, True):
    for i, shape in enumerate(SHAPES):
        add("bits", partitionable=part, seed=i, shape=shape)
        add("uniform", partitionable=part, seed=10 + i, shape=shape, dtype="float32")
        add("normal", partitionable=part, seed=20 + i, shape=shape, dtype="float32")
        add("uniform", x64=True, partitionable=part, seed=30 + i, shape=shape, dtype="float64")
        add("normal", x64=True, partitionable=part, seed=40 + i, shape=shape, dtype="float64")

for dtype in ("float32", "float64"):
    for lo, hi in [(-2.5, 7.3), (10.0, 10.5), (-1000.0, 0.001), (3.0, -3.0)]:
        add("uniform", x64=True, seed=5, shape=[2, 3], dtype=dtype, minval=lo, maxval=hi)
    add("uniform", x64=True, partitionable=True, seed=6, shape=[1000], dtype=dtype, minval=-1.7, maxval=3.1)

# float32 under x64 (explicit dtype) must equal x32 mode; nested-split keys.
add("normal", x64=True, seed=0, shape=[3], dtype="float32")
add("normal", seed=0, path=[(3, 1)], shape=[3], dtype="float32")
add("normal", x64=True, seed=0, path=[(3, 2), (2, 1)], shape=[2, 3], dtype="float64")
add("bits", seed=2**32 + 5, x64=True, shape=[2, 3])

# Large streams, compared by hash.
for part in (False, True):
    add("normal", partitionable=part, seed=99, shape=[200000], dtype="float32", store="sha256")
    add("normal", x64=True, partitionable=part, seed=99, shape=[100000], dtype="float64", store="sha256")
    add("uniform", x64=True, partitionable=part, seed=98, shape=[317, 211], dtype="float64", store="sha256")
    add("bits", partitionable=part, seed=97, shape=[100001], store="sha256")

# --- reprs (numpy/JAX formatting of arrays) ---------------------------------
reprs = []


def add_repr(arr):
    a = np.asarray(arr)
    data = a.astype(np.uint8) if a.dtype == np.bool_ else a
    reprs.append({"dtype": str(a.dtype), "shape": list(a.shape), "data": values(data.ravel()),
                  "repr": repr(arr)})


set_flags(False, False)
jnp = jax.numpy
add_repr(jax.random.normal(jax.random.key(0), (3,)))
add_repr(jax.random.normal(jax.random.key(1), ()))
add_repr(jax.random.normal(jax.random.key(2), (5, 7)))
add_repr(jax.random.uniform(jax.random.key(3), (25,)))
add_repr(jnp.arange(14.0))
add_repr(jnp.arange(12.0).reshape(3, 4) / 3)
add_repr(jnp.array([1e-5, 1.5]))
add_repr(jnp.array([1e5, 1.0]))
add_repr(jnp.array([1e6, 2.5]))
add_repr(jnp.arange(2000.0))
add_repr(jnp.array([np.inf, -np.inf, np.nan, 1.5]))
add_repr(jnp.array([True, False]))
add_repr(jnp.array(-0.0, dtype=np.float32))
add_repr(jax.random.key_data(jax.random.split(jax.random.key(0), 3)))
add_repr(jax.random.bits(jax.random.key(0), (4,)))
set_flags(True, False)
add_repr(jnp.array([1.0, 2.0]))
add_repr(jax.random.normal(jax.random.key(0), (3,)))
add_repr(jax.random.normal(jax.random.key(4), (4, 5)))
add_repr(jax.random.uniform(jax.random.key(5), ()))
add_repr(jnp.array([0.1, 123456.789, -3.0]))
add_repr(jnp.array([1e-9, 2.0, 3e10]))
add_repr(jnp.arange(7, dtype=np.int32) - 3)

doc = {
    "produced_by": {
        "command": "python3 " + " ".join([os.path.relpath(__file__, os.path.join(HERE, ".."))] + sys.argv[1:]),
        "jax": jax.__version__,
        "jaxlib": jax.lib.__version__ if hasattr(jax.lib, "__version__") else None,
        "numpy": np.__version__,
        "backend": jax.default_backend(),
        "machine": platform.machine(),
        "flags": "per case: x64 = jax_enable_x64, partitionable = jax_threefry_partitionable; "
                 "default PRNG impl threefry2x32",
    },
    "cases": cases,
    "reprs": reprs,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(doc, f, separators=(",", ":"), allow_nan=False)
    f.write("\n")
print(f"wrote {len(cases)} cases and {len(reprs)} reprs to {os.path.relpath(OUT)}")
