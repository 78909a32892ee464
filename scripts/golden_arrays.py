"""Golden values for tsgrad's array semantics (compiler/ir/array-eval.ts), from numpy.

Run with the project's venv (numpy installed offline):
    .venv/bin/python scripts/golden_arrays.py

Writes test/data/array_golden.json: a list of cases
    {"name", "prim", "args": [value...], "attrs": {...} | null, "expect": value, "tol": r}
where a value is {"dtype": "f64"|"f32"|"i32"|"bool", "shape": [...], "data": [...]}
(row-major; rank 0 stands for a scalar argument; non-finite floats are the
strings "NaN", "Infinity", "-Infinity"). The test derives the result type
from prims.ts, so it also checks the typing rules against numpy's ranks.

tol is a relative tolerance: 0 means exact (IEEE-exact operations, integers,
data movement). Transcendental functions use 1e-14 (f64: numpy's libm/SIMD
and V8's fdlibm may differ by an ulp) or 1e-6 (f32: numpy has its own float32
kernels, tsgrad rounds the f64 result). Float sums, products and matmul
use 1e-14 (f64) or 1e-6 (f32) because numpy sums pairwise (and BLAS may use
FMA) while tsgrad accumulates sequentially in the element dtype.
"""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "data", "array_golden.json")

DT = {"f64": np.float64, "f32": np.float32, "i32": np.int32, "bool": np.bool_}
NAME = {np.dtype(v): k for k, v in DT.items()}
rng = np.random.default_rng(20240601)
cases = []


def num(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    negative_zero = x == 0 and np.signbit(x)
    return int(x) if x == int(x) and abs(x) < 2**53 and not negative_zero else x


def enc(a):
    a = np.asarray(a)
    return {"dtype": NAME[a.dtype], "shape": list(a.shape), "data": [num(x) for x in a.ravel()]}


def case(name, prim, args, expect, attrs=None, tol=0):
    cases.append({"name": name, "prim": prim, "args": [enc(a) for a in args], "attrs": attrs, "expect": enc(expect), "tol": tol})


def i32(n):
    return np.int32(n)


def rand(shape, dtype="f64", lo=-3.0, hi=3.0):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype == "i32":
        return rng.integers(-9, 10, shape).astype(np.int32)
    return rng.uniform(lo, hi, shape).astype(DT[dtype])


# ---- elementwise, with broadcasting -------------------------------------------------------

PAIRS = [([2, 3], [3]), ([2, 1], [1, 3]), ([4, 1, 3], [2, 1]), ([], [2, 3]), ([2, 3], []), ([3, 1, 2], [3, 2]), ([0, 3], [1, 3]), ([5], [5])]
UNARY_SHAPES = [[2, 3], [4], [2, 0, 3], [1, 2, 2]]

UNARY = {  # prim: (numpy function, domain (lo, hi), exact?)
    "neg": (np.negative, (-3, 3), True), "abs": (np.abs, (-3, 3), True), "sign": (np.sign, (-3, 3), True),
    "floor": (np.floor, (-3, 3), True), "ceil": (np.ceil, (-3, 3), True), "trunc": (np.trunc, (-3, 3), True),
    "rint": (np.rint, (-3, 3), True), "round": (lambda x: np.floor(x + 0.5), (-3, 3), True),  # JS Math.round
    "sqrt": (np.sqrt, (0, 9), True),
    "sin": (np.sin, (-3, 3), False), "cos": (np.cos, (-3, 3), False), "tan": (np.tan, (-1.5, 1.5), False),
    "asin": (np.arcsin, (-1, 1), False), "acos": (np.arccos, (-1, 1), False), "atan": (np.arctan, (-3, 3), False),
    "sinh": (np.sinh, (-3, 3), False), "cosh": (np.cosh, (-3, 3), False), "tanh": (np.tanh, (-3, 3), False),
    "asinh": (np.arcsinh, (-3, 3), False), "acosh": (np.arccosh, (1, 5), False), "atanh": (np.arctanh, (-1, 1), False),
    "exp": (np.exp, (-3, 3), False), "expm1": (np.expm1, (-3, 3), False), "log": (np.log, (0.1, 9), False),
    "log1p": (np.log1p, (-0.9, 9), False), "log2": (np.log2, (0.1, 9), False), "log10": (np.log10, (0.1, 9), False),
    "cbrt": (np.cbrt, (-8, 8), False),
}
for p, (fn, (lo, hi), exact) in UNARY.items():
    for k, shape in enumerate(UNARY_SHAPES):
        x = rand(shape, "f64", lo, hi)
        if p in ("rint", "round", "floor", "ceil", "trunc"):
            x = np.round(x * 2) / 2  # halves, where the rounding rules differ
        case(f"{p} f64 {shape}", p, [x], fn(x), tol=0 if exact else 1e-14)
    x = rand([2, 3], "f32", lo, hi)
    case(f"{p} f32", p, [x], fn(x).astype(np.float32), tol=0 if exact else 1e-6)

BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "rem": np.fmod,  # JS % truncates, like fmod
    "min": np.minimum, "max": np.maximum, "pow": np.power, "atan2": np.arctan2, "hypot": np.hypot,
    "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal, "eq": np.equal, "ne": np.not_equal,
}
for p, fn in BINARY.items():
    for sa, sb in PAIRS:
        lo = 0.1 if p == "pow" else -3
        # a coarse grid so that comparisons meet ties
        a, b = np.round(rand(sa, "f64", lo, 3) * 2) / 2 + (0.25 if p == "pow" else 0), np.round(rand(sb, "f64", -3, 3) * 2) / 2
        if p in ("div", "rem"):
            b = np.where(b == 0, 0.5, b)
        tol = 1e-14 if p in ("pow", "atan2", "hypot") else 0
        case(f"{p} f64 {sa} {sb}", p, [a, b], fn(a, b), tol=tol)
    if p not in ("div", "pow", "atan2", "hypot"):  # i32 arithmetic wraps like numpy's int32
        a = np.array([[2147483647, -2147483648, 7], [-7, 100000, 3]], np.int32)
        b = np.array([5, -3, 65536], np.int32)
        with np.errstate(all="ignore"):
            case(f"{p} i32 wraps", p, [a, b], fn(a, b))
    if p in ("add", "sub", "mul", "div", "min", "max", "lt", "eq"):
        a, b = rand([2, 3], "f32"), rand([3], "f32")
        case(f"{p} f32", p, [a, b], fn(a, b))

for p, fn in {"and": np.logical_and, "or": np.logical_or}.items():
    for sa, sb in PAIRS[:4]:
        a, b = rand(sa, "bool"), rand(sb, "bool")
        case(f"{p} {sa} {sb}", p, [a, b], fn(a, b))
x = rand([2, 3], "bool")
case("not [2,3]", "not", [x], np.logical_not(x))

for sc, sa, sb in [([2, 3], [3], [2, 1]), ([], [2, 2], [2, 2]), ([3, 1], [], [4]), ([2, 1, 3], [2, 3], [1])]:
    c, a, b = rand(sc, "bool"), rand(sa), rand(sb)
    case(f"select {sc} {sa} {sb}", "select", [c, a, b], np.where(c, a, b))
c, a, b = rand([4], "bool"), rand([4], "i32"), rand([], "i32")
case("select i32", "select", [c, a, b], np.where(c, a, b).astype(np.int32))

for e in [3, -2, 0]:
    x = rand([2, 3], "f64", 0.5, 2)
    case(f"powi {e}", "powi", [x], np.power(x, float(e)), attrs={"exponent": e}, tol=1e-15)

x = np.array([[1.5, -2.7, 0.0], [3.99, -0.5, 1e9]])
case("cast f64->i32", "cast", [x], np.trunc(x).astype(np.int32), attrs={"dtype": "i32"})
y = rand([2, 3])
case("cast f64->f32", "cast", [y], y.astype(np.float32), attrs={"dtype": "f32"})
case("cast f64->bool", "cast", [x], x != 0, attrs={"dtype": "bool"})
z = rand([4], "i32")
case("cast i32->f64", "cast", [z], z.astype(np.float64), attrs={"dtype": "f64"})
w = rand([2, 2], "bool")
case("cast bool->f32", "cast", [w], w.astype(np.float32), attrs={"dtype": "f32"})

# ---- array primitives ---------------------------------------------------------------------

x = rand([2, 3, 4])
for k in range(3):
    case(f"shape axis {k}", "shape", [x], i32(x.shape[k]), attrs={"axes": [k]})

case("full f64", "full", [np.float64(2.5), i32(2), i32(3)], np.full((2, 3), 2.5))
case("full i32", "full", [np.int32(7), i32(4)], np.full((4,), 7, np.int32))
case("full bool", "full", [np.bool_(True), i32(2), i32(2)], np.full((2, 2), True))
case("full empty", "full", [np.float32(1), i32(0), i32(3)], np.full((0, 3), 1, np.float32))

for d in ["f64", "f32", "i32"]:
    case(f"iota {d}", "iota", [i32(5)], np.arange(5, dtype=DT[d]), attrs={"dtype": d})
case("iota 0", "iota", [i32(0)], np.arange(0, dtype=np.float64), attrs={"dtype": "f64"})

for shape, to, d in [([3], (2, 3), "f64"), ([2, 1], (2, 4), "f64"), ([], (3,), "f64"), ([1, 3], (2, 2, 3), "i32"), ([2, 1], (2, 0), "bool")]:
    x = rand(shape, d)
    case(f"broadcast_to {shape} {to}", "broadcast_to", [x, *map(i32, to)], np.broadcast_to(x, to))
    case(f"broadcast_like {shape} {to}", "broadcast_like", [x, np.zeros(to, DT[d])], np.broadcast_to(x, to))


def sum_like(x, like):
    lead = x.ndim - len(like)
    axes = tuple(range(lead)) + tuple(lead + j for j, n in enumerate(like) if n == 1 and x.shape[lead + j] != 1)
    return np.sum(x, axis=axes, dtype=x.dtype).reshape(like)


for shape, like, d in [([2, 3], [3], "f64"), ([2, 3], [2, 1], "f64"), ([4, 2, 3], [1, 3], "f64"), ([2, 3], [], "f64"), ([2, 3], [2, 3], "f64"), ([3, 4], [1, 4], "i32"), ([5, 3], [3], "f32"), ([0, 3], [1, 3], "f64")]:
    x = rand(shape, d)
    case(f"sum_like {shape} {like} {d}", "sum_like", [x, np.zeros(like, DT[d])], sum_like(x, tuple(like)), tol=1e-6 if d == "f32" else 1e-14)

REDUCE = {"reduce_sum": np.sum, "reduce_prod": np.prod, "reduce_max": np.max, "reduce_min": np.min}
for p, fn in REDUCE.items():
    for d in ["f64", "i32", "f32"]:
        x = rand([2, 3, 4], d, 0.5, 2) if p == "reduce_prod" else rand([2, 3, 4], d)
        if d == "i32" and p == "reduce_prod":
            x = rng.integers(1000, 3000, (2, 3, 4)).astype(np.int32)  # products wrap
        for axes in [[], [0], [1], [2], [0, 2], [2, 0]]:
            for keep in [False, True]:
                ax = tuple(axes) if axes else None
                extra = {"dtype": x.dtype} if p in ("reduce_sum", "reduce_prod") else {}
                with np.errstate(all="ignore"):
                    want = fn(x, axis=ax, keepdims=keep, **extra)
                tol = 1e-6 if d == "f32" else (1e-14 if d == "f64" else 0)
                case(f"{p} {d} axes={axes} keepdims={keep}", p, [x], want, attrs={"axes": axes, "keepdims": keep}, tol=tol)
    x = rand([3])
    case(f"{p} of rank 0", p, [np.float64(2.5)], np.float64(2.5), attrs={"axes": []})
    if p in ("reduce_sum", "reduce_prod"):
        case(f"{p} of empty", p, [np.zeros((0, 3))], fn(np.zeros((0, 3)), axis=0), attrs={"axes": [0]})
    case(f"{p} empty output", p, [np.zeros((0, 3))], fn(np.zeros((0, 3)), axis=1), attrs={"axes": [1]})
    x = np.array([[1.0, np.nan, 3.0], [2.0, 0.5, -1.0]])
    case(f"{p} NaN propagates", p, [x], fn(x, axis=1), attrs={"axes": [1]})

for p, fn in {"argmax": np.argmax, "argmin": np.argmin}.items():
    x = np.array([[3.0, 1.0, 3.0, 0.0], [2.0, 2.0, -1.0, -1.0], [0.0, np.nan, 5.0, np.nan]])
    xi = rand([3, 4], "i32")
    for arr, d in [(x, "f64"), (xi, "i32"), (x[:2].astype(np.float32), "f32")]:
        for axis in [None, 0, 1]:
            for keep in [False, True]:
                case(f"{p} {d} axis={axis} keepdims={keep}", p, [arr], fn(arr, axis=axis, keepdims=keep).astype(np.int32),
                     attrs={"axes": [] if axis is None else [axis], "keepdims": keep})

for sa, sb in [([2, 3], [3, 4]), ([3], [3, 4]), ([2, 3], [3]), ([3], [3]), ([2, 0], [0, 3]), ([1, 5], [5, 1])]:
    a, b = rand(sa), rand(sb)
    case(f"matmul f64 {sa} {sb}", "matmul", [a, b], np.matmul(a, b), tol=1e-14)
    a, b = rand(sa, "f32"), rand(sb, "f32")
    case(f"matmul f32 {sa} {sb}", "matmul", [a, b], np.matmul(a, b), tol=1e-6)

for shape, perm, d in [([2, 3, 4], [2, 0, 1], "f64"), ([2, 3, 4], [1, 0, 2], "i32"), ([2, 3, 4], [0, 1, 2], "f64"), ([2, 3], [1, 0], "bool"), ([4], [0], "f32")]:
    x = rand(shape, d)
    case(f"transpose {shape} {perm}", "transpose", [x], np.transpose(x, perm), attrs={"perm": perm})

for shape, to in [([2, 3, 4], (6, 4)), ([2, 3, 4], (-1,)), ([2, 3, 4], (4, -1, 3)), ([2, 3], (3, 2)), ([0, 3], (-1, 3)), ([0, 3], (3, -1)), ([1], ()), ([], (1, 1))]:
    x = rand(shape)
    case(f"reshape {shape} {to}", "reshape", [x, *map(i32, to)], np.reshape(x, to))

for shape, k in [([2, 3], 0), ([2, 3], 1), ([2, 3], 2), ([], 0)]:
    x = rand(shape, "i32")
    case(f"expand_dims {shape} {k}", "expand_dims", [x], np.expand_dims(x, k), attrs={"axes": [k]})

for shape, axes in [([1, 3, 1], [0]), ([1, 3, 1], [2]), ([1, 3, 1], [0, 2]), ([2, 3], []), ([1], [0])]:
    x = rand(shape)
    case(f"squeeze {shape} {axes}", "squeeze", [x], np.squeeze(x, axis=tuple(axes)), attrs={"axes": axes})

for shapes, k, d in [([[2, 3], [1, 3]], 0, "f64"), ([[2, 3], [2, 2]], 1, "f64"), ([[2], [3], [1]], 0, "i32"), ([[0, 3], [2, 3]], 0, "f64"), ([[2, 1, 2], [2, 2, 2]], 1, "bool")]:
    xs = [rand(s, d) for s in shapes]
    case(f"concatenate {shapes} axis {k}", "concatenate", xs, np.concatenate(xs, axis=k), attrs={"axes": [k]})

for shape, k, start, size in [([5], 0, 1, 3), ([3, 4], 1, 2, 2), ([3, 4], 0, 1, 2), ([3, 4], 1, 4, 0), ([3, 4], 0, 0, 3)]:
    x = rand(shape)
    sl = (slice(None),) * k + (slice(start, start + size),)
    case(f"slice {shape} axis {k} [{start}:+{size}]", "slice", [x, i32(start), i32(size)], x[sl], attrs={"axes": [k]})

for shape, k, idx in [([5], 0, [3, 0, -1, 3]), ([3, 4], 1, [[0, 2], [-1, 1]]), ([3, 4], 0, 2), ([3, 4], 1, -1), ([3, 4, 2], 1, [2, 2, 0]), ([3, 4], 0, np.zeros(0, np.int32))]:
    x = rand(shape)
    idx = np.asarray(idx, np.int32)
    case(f"take {shape} axis {k} idx {idx.tolist()}", "take", [x, idx], np.take(x, idx, axis=k), attrs={"axes": [k]})


def scatter_add(base, idx, upd, k):
    out = base.copy()
    np.add.at(out, (slice(None),) * k + (idx,), upd)
    return out


for bshape, k, idx, d in [([5], 0, [1, 1, 3], "f64"), ([3, 4], 1, [[0, 2], [2, -1]], "f64"), ([3, 4], 0, 1, "f64"), ([4, 2], 0, [0, 3, 0], "i32"), ([3, 4], 1, [0, 0], "f32")]:
    base = rand(bshape, d)
    idx = np.asarray(idx, np.int32)
    upd = rand(np.take(base, idx, axis=k).shape, d)
    case(f"scatter_add {bshape} axis {k} idx {idx.tolist()} {d}", "scatter_add", [base, idx, upd], scatter_add(base, idx, upd, k), attrs={"axes": [k]})

with open(OUT, "w") as f:
    json.dump({"produced_by": f"scripts/golden_arrays.py with numpy {np.__version__}", "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")
