"""Golden values of the realistic programs in test/programs/, for test/programs-e2e.test.ts.

Each function below is the JAX version of one program (same inputs, same
operations, same order), returning what the program prints as `name: value`
lines, and, where the program prints formatted text from a plain-JS helper,
the exact lines. The values come from JAX 0.10.2 on CPU
(jax_threefry_partitionable=False); float64 programs run with
jax_enable_x64, the float32 ones in a second process without it.

A `while` loop with a tolerance is counted on the primal first and then
differentiated as a loop of that many steps (what tsgrad does; jax.grad
cannot reverse a while_loop).

Usage: /work/venv/bin/python scripts/golden_programs.py
(writes test/data/programs_golden.json)
"""
import itertools, json, math, os, subprocess, sys

X64 = os.environ.get("GOLDEN_F32") != "1"

import jax
jax.config.update("jax_threefry_partitionable", False)
jax.config.update("jax_enable_x64", X64)
import jax.numpy as jnp
from jax import grad, value_and_grad, jvp, vjp, jacfwd, jacrev, hessian

PROGRAMS = {}  # name -> (dtype, function)


def program(dtype):
    def register(f):
        PROGRAMS[f.__name__] = (dtype, f)
        return f
    return register


def val(x):
    """A printed value: a float, an int, or a (nested) list of floats."""
    if isinstance(x, (list, tuple)):
        return [val(y) for y in x]
    if isinstance(x, int) and not isinstance(x, bool):
        return x
    a = jnp.asarray(x)
    return float(a) if a.ndim == 0 else a.tolist()


def lines(**kv):
    return [{"name": k, "value": val(v)} for k, v in kv.items()]


# ---- float64 programs ------------------------------------------------------------------------

@program("float64")
def mlp_train():
    X = jnp.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.2], [0.3, 0.9], [0.8, 0.4], [0.1, 0.6]])
    y = jnp.array([0.1, 0.9, 0.8, 0.2, 0.6, 0.7, 0.5, 0.4])

    def loss(p):
        h = jnp.tanh(jnp.dot(X, p["W1"]) + p["b1"])
        err = jnp.dot(h, p["W2"]) + p["b2"] - y
        return jnp.mean(err * err)

    p = {"W1": jnp.array([[0.5, -0.3, 0.8], [-0.6, 0.4, 0.2]]), "b1": jnp.array([0.1, -0.1, 0.0]),
         "W2": jnp.array([0.7, -0.5, 0.3]), "b2": jnp.array(0.05)}
    step = value_and_grad(loss)
    losses, text = [], []
    for i in range(41):
        v, g = step(p)
        losses.append(float(v))
        if i % 10 == 0:
            text.append(f"step {i:>3} | loss {float(v):.6f}")
        p = {k: p[k] - 0.5 * g[k] for k in p}
    return lines(losses=losses, W1=p["W1"], b1=p["b1"], W2=p["W2"], b2=p["b2"]), text


@program("float64")
def logreg_treemap():
    inputs = jnp.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]])
    targets = jnp.array([True, True, False, True])

    def loss(p):
        preds = jax.nn.sigmoid(jnp.dot(inputs, p["W"]) + p["b"])
        label_probs = preds * targets + (1 - preds) * (1 - targets)
        return -jnp.sum(jnp.log(label_probs))

    kW, kb = jax.random.split(jax.random.key(0))
    p = {"W": jax.random.normal(kW, (3,)), "b": jax.random.normal(kb, ())}
    loss0 = loss(p)
    for _ in range(25):
        g = grad(loss)(p)
        p = jax.tree_util.tree_map(lambda a, d: a - 0.1 * d, p, g)
    return lines(loss0=loss0, loss25=loss(p), W=p["W"], b=p["b"])


@program("float64")
def rnn_unroll():
    xs = jnp.array([[0.5, -0.2], [0.1, 0.4], [-0.3, 0.8], [0.9, 0.0], [0.2, -0.6], [-0.4, 0.3]])
    ys = jnp.array([0.2, 0.1, -0.3, 0.5, 0.0, 0.4])

    def rnn_loss(w, xs, ys):
        h = jnp.zeros(3)
        total = 0.0
        T = xs.shape[0]
        for t in range(T):
            h = jnp.tanh(jnp.dot(xs[t], w["Wx"]) + jnp.dot(h, w["Wh"]) + w["b"])
            out = jnp.dot(h, w["v"])
            total = total + (out - ys[t]) ** 2
        return total / T

    w = {"Wx": jnp.array([[0.3, -0.1, 0.2], [0.4, 0.5, -0.3]]),
         "Wh": jnp.array([[0.1, 0.2, -0.1], [0.0, 0.3, 0.2], [-0.2, 0.1, 0.4]]),
         "b": jnp.array([0.01, -0.02, 0.03]), "v": jnp.array([0.6, -0.4, 0.5])}
    g = grad(rnn_loss)(w, xs, ys)
    return lines(loss=rnn_loss(w, xs, ys), dWx=g["Wx"], dWh=g["Wh"], db=g["b"], dv=g["v"])


@program("float64")
def lstm_cell():
    seq = [0.3, -0.1, 0.7, 0.2, -0.5]

    def preact(p, x, h):
        return p["w"] * x + jnp.dot(p["U"], h) + p["b"]

    def lstm_loss(p):
        h = jnp.zeros(2)
        c = jnp.zeros(2)
        for x in seq:
            i = jax.nn.sigmoid(preact(p["i"], x, h))
            f = jax.nn.sigmoid(preact(p["f"], x, h))
            o = jax.nn.sigmoid(preact(p["o"], x, h))
            g = jnp.tanh(preact(p["g"], x, h))
            c = f * c + i * g
            h = o * jnp.tanh(c)
        return jnp.sum(h * h) + 0.5 * jnp.sum(c)

    gate = lambda w, U, b: {"w": jnp.array(w), "U": jnp.array(U), "b": jnp.array(b)}
    p = {"i": gate([0.2, -0.1], [[0.1, 0.0], [0.0, 0.1]], [0.0, 0.1]),
         "f": gate([0.4, 0.3], [[0.2, -0.1], [0.1, 0.2]], [1.0, 1.0]),
         "o": gate([-0.2, 0.1], [[-0.1, 0.3], [0.2, 0.2]], [0.0, -0.1]),
         "g": gate([0.5, -0.3], [[0.3, -0.2], [0.1, 0.1]], [0.05, 0.0])}
    g = grad(lstm_loss)(p)
    out = lines(loss=lstm_loss(p))
    for k in ["f", "g", "i", "o"]:
        out += [{"name": f"d{k}.{leaf}", "value": val(g[k][leaf])} for leaf in ["w", "U", "b"]]
    return out


@program("float64")
def ode_rk4():
    def field(s, alpha, beta):
        prey, pred = s[0], s[1]
        return jnp.array([alpha * prey - beta * prey * pred, 0.4 * beta * prey * pred - 0.6 * pred])

    def simulate(alpha, beta, s0, dt, steps):
        s = s0
        for _ in range(steps):
            k1 = field(s, alpha, beta)
            k2 = field(s + 0.5 * dt * k1, alpha, beta)
            k3 = field(s + 0.5 * dt * k2, alpha, beta)
            k4 = field(s + dt * k3, alpha, beta)
            s = s + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        return s

    final_prey = lambda a, b: simulate(a, b, jnp.array([1.0, 0.5]), 0.05, 100)[0]
    da, db = grad(final_prey, (0, 1))(1.1, 0.4)
    return lines(state=simulate(1.1, 0.4, jnp.array([1.0, 0.5]), 0.05, 100), prey=final_prey(1.1, 0.4),
                 dprey_dalpha=da, dprey_dbeta=db)


@program("float64")
def euler_decay():
    observed = [1.0, 0.92, 0.87, 0.84, 0.83, 0.84]

    def integrate(k, y0, dt, steps):
        y, t = y0, 0.0
        for _ in range(steps):
            y = y + dt * (-k * y * y + jnp.sin(t))
            t += dt
        return y

    def fit_loss(k):
        total = 0.0
        for j in range(1, 6):
            total += (integrate(k, 1.0, 0.01, 20 * j) - observed[j]) ** 2
        return total

    value, tangent = jvp(lambda k: integrate(k, 1.0, 0.01, 100), (0.8,), (1.0,))
    return lines(y_end=integrate(0.8, 1.0, 0.01, 100), loss=fit_loss(0.8), dloss_dk=grad(fit_loss)(0.8),
                 jvp_value=value, jvp_tangent=tangent)


@program("float64")
def sinkhorn():
    C = jnp.array([[0.01, 0.16, 0.64], [0.04, 0.01, 0.25], [0.16, 0.01, 0.09], [0.64, 0.25, 0.01]])
    b = jnp.array([0.3, 0.3, 0.4])

    def count(a, eps):
        K = jnp.exp(-C / eps)
        u, v, err, iters = jnp.ones(4), jnp.ones(3), 1.0, 0
        while err > 1e-10 and iters < 500:
            u = a / jnp.dot(K, v)
            v = b / jnp.dot(u, K)
            err = float(jnp.sum(jnp.abs(u * jnp.dot(K, v) - a)))
            iters += 1
        return iters

    def cost(a, eps, n):
        K = jnp.exp(-C / eps)
        u, v = jnp.ones(4), jnp.ones(3)
        for _ in range(n):
            u = a / jnp.dot(K, v)
            v = b / jnp.dot(u, K)
        return jnp.dot(u, jnp.dot(K * C, v))

    a = jnp.array([0.1, 0.2, 0.3, 0.4])
    n = count(a, 0.1)
    return lines(cost=cost(a, 0.1, n), dcost_da=grad(cost)(a, 0.1, n), dcost_deps=grad(cost, 1)(a, 0.1, n))


@program("float64")
def heat_stencil():
    def heat(u0, alpha, steps):
        u = u0
        for _ in range(steps):
            inner = u[1:-1] + alpha * (u[:-2] - 2 * u[1:-1] + u[2:])
            u = jnp.concatenate([jnp.zeros(1), inner, jnp.zeros(1)])
        e = 0.0
        for i in range(u.shape[0]):
            e += (i + 1) * u[i] * u[i]
        return e

    n = 12
    u0 = jnp.array([math.sin((math.pi * i) / (n - 1)) + 0.1 * i * (n - 1 - i) / n for i in range(n)])
    du0, dalpha = grad(heat, (0, 1))(u0, 0.2, 30)
    return lines(energy=heat(u0, 0.2, 30), du0=du0, dalpha=dalpha)


@program("float64")
def heap_permanent():
    def permanent(A, n):
        total = 0.0
        for p in itertools.permutations(range(n)):
            prod = 1.0
            for r in range(n):
                prod = prod * A[r * n + p[r]]
            total = total + prod
        return total

    A = jnp.array([0.5, 1.2, -0.3, 0.8, 0.1, 0.9, 0.4, -0.6, 1.1, -0.2, 0.7, 0.3, 0.2, 0.6, -0.5, 1.0])
    return lines(permanent=permanent(A, 4), dpermanent=grad(permanent)(A, 4))


@program("float64")
def gmm_loglik():
    data = jnp.array([-1.2, -0.8, -0.1, 0.3, 0.4, 1.5, 2.1, 2.4, 2.2, -0.5])

    def logsumexp(z):
        m = jnp.max(z, 1, keepdims=True)
        return jnp.log(jnp.sum(jnp.exp(z - m), 1)) + jnp.reshape(m, (-1,))

    def log_lik(p):
        x = jnp.reshape(data, (-1, 1))
        sigma = jnp.exp(p["logSigma"])
        logW = p["logits"] - logsumexp(jnp.reshape(p["logits"], (1, -1)))
        z = (x - p["mu"]) / sigma
        logp = logW - 0.5 * z * z - p["logSigma"] - 0.5 * math.log(2 * math.pi)
        return jnp.sum(logsumexp(logp))

    p = {"mu": jnp.array([-1.0, 0.2, 2.0]), "logSigma": jnp.array([-0.3, 0.0, -0.5]), "logits": jnp.array([0.1, 0.5, -0.2])}
    g = grad(log_lik)(p)
    return lines(loglik=log_lik(p), dmu=g["mu"], dlogSigma=g["logSigma"], dlogits=g["logits"])


@program("float64")
def black_scholes():
    def norm_cdf(x):
        z = jnp.abs(x)
        t = 1 / (1 + 0.2316419 * z)
        poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
        tail = (jnp.exp(-0.5 * z * z) / jnp.sqrt(2 * math.pi)) * poly
        return jnp.where(x >= 0, 1 - tail, tail)

    def call_price(S, K, sigma, r, T):
        sqrtT = jnp.sqrt(T)
        d1 = (jnp.log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrtT)
        d2 = d1 - sigma * sqrtT
        return S * norm_cdf(d1) - K * jnp.exp(-r * T) * norm_cdf(d2)

    args = (100.0, 95.0, 0.25, 0.03, 0.75)
    delta = grad(call_price, 0)
    return lines(price=call_price(*args), delta=delta(*args), vega=grad(call_price, 2)(*args),
                 rho=grad(call_price, 3)(*args), theta=-grad(call_price, 4)(*args),
                 gamma=grad(delta, 0)(*args), vanna=grad(delta, 2)(*args),
                 delta_curve=[float(delta(float(s), *args[1:])) for s in [80, 90, 110, 120]])


@program("float64")
def attention():
    tokens = jnp.array([[0.2, -0.4, 0.6, 0.1], [0.5, 0.3, -0.2, 0.8], [-0.7, 0.1, 0.4, -0.3]])

    def softmax(z):
        e = jnp.exp(z - jnp.max(z, 1, keepdims=True))
        return e / jnp.sum(e, 1, keepdims=True)

    def attend(p, x):
        q, k, v = jnp.dot(x, p["Wq"]), jnp.dot(x, p["Wk"]), jnp.dot(x, p["Wv"])
        scores = jnp.dot(q, jnp.transpose(k)) / math.sqrt(q.shape[1])
        return jnp.dot(softmax(scores), v)

    def objective(p):
        out = attend(p, tokens)
        return jnp.sum(out * out) + jnp.sum(jnp.tanh(out))

    p = {"Wq": jnp.array([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.1], [0.2, 0.3]]),
         "Wk": jnp.array([[0.3, -0.2], [0.1, 0.1], [-0.4, 0.2], [0.6, 0.0]]),
         "Wv": jnp.array([[0.2, 0.5], [0.4, -0.3], [-0.1, 0.2], [0.3, 0.1]])}
    g = grad(objective)(p)
    return lines(out=attend(p, tokens), objective=objective(p), dWq=g["Wq"], dWk=g["Wk"], dWv=g["Wv"])


@program("float64")
def closures():
    data = {"x": jnp.array([0.0, 0.5, 1.0, 1.5, 2.0]), "y": jnp.array([1.1, 1.9, 3.2, 3.9, 5.1])}

    def loss(p, d):
        r = p["slope"] * d["x"] + p["intercept"] - d["y"]
        return jnp.mean(r * r)

    g = grad(lambda p: loss(p, data))({"slope": 1.5, "intercept": 0.5})
    k, scale = 3, 2.5
    ridge = lambda w: jnp.sum((jnp.dot(jnp.array([[1.0, 2.0], [3.0, 4.0]]), w) - jnp.array([1.0, 0.0])) ** 2) + 0.1 * jnp.sum(w * w)
    rv, rg = value_and_grad(ridge)(jnp.array([0.3, -0.2]))
    return lines(dslope=g["slope"], dintercept=g["intercept"], dsin=grad(lambda x: jnp.sin(k * x))(0.2),
                 dscaled=grad(lambda x: scale * x * x + jnp.cos(x))(0.7), ridge=rv, dridge=rg)


@program("float64")
def stored_transform():
    f = lambda x: jnp.log(1 + x * x) + 0.1 * (x - 2) ** 2
    gradF = grad(f)
    step = lambda x: x - 0.1 * gradF(x)

    def descend(x, lr):
        for _ in range(8):
            x = x - lr * gradF(x)
        return f(x)

    v, (dx, dlr) = value_and_grad(descend, (0, 1))(1.3, 0.2)
    return lines(step=step(1.3), dstep=grad(step)(1.3), descend=descend(1.3, 0.2),
                 descend_value=v, ddescend_dx=dx, ddescend_dlr=dlr)


@program("float64")
def table_helper():
    damped = lambda x: x * jnp.exp(-0.5 * x) * jnp.cos(x)
    d1 = grad(damped)
    d2 = grad(d1)
    xs = [0 + ((3 - 0) * i) / (7 - 1) for i in range(7)]
    rows = [["x", "f(x)", "f'(x)", "f''(x)"]]
    for x in xs:
        rows.append([f"{x:.2f}", f"{float(damped(x)):.6f}", f"{float(d1(x)):.6f}", f"{float(d2(x)):.6f}"])
    widths = [max(len(r[j]) for r in rows) for j in range(4)]
    text = [" | ".join(c.rjust(widths[i]) for i, c in enumerate(r)) for r in rows]
    text.insert(1, "-+-".join("-" * w for w in widths))
    return lines(f=[float(damped(x)) for x in xs], df=[float(d1(x)) for x in xs], d2f=[float(d2(x)) for x in xs]), text


@program("float64")
def rosenbrock_jac():
    def rosenbrock(x):
        s = 0.0
        for i in range(x.shape[0] - 1):
            s = s + 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2
        return s

    def polar(v):
        return jnp.array([v[0] * jnp.cos(v[1]) + v[2] ** 2, v[0] * jnp.sin(v[1]) * v[2]])

    x = jnp.array([-1.2, 1.0, 0.8])
    _, hvp = jvp(grad(rosenbrock), (x,), (jnp.array([1.0, 0.0, -1.0]),))
    v = jnp.array([2.0, 0.3, -0.5])
    y, ty = jvp(polar, (v,), (jnp.array([0.1, 0.2, 0.3]),))
    _, pullback = vjp(polar, v)
    return lines(rosen=rosenbrock(x), grad=grad(rosenbrock)(x), hessian=hessian(rosenbrock)(x), hvp=hvp,
                 polar=y, jvp=ty, vjp=pullback(jnp.array([1.0, -2.0]))[0], jacfwd=jacfwd(polar)(v), jacrev=jacrev(polar)(v))


@program("float64")
def sparse_matvec():
    def residual(values, row_ptr, cols, x, b):
        total = 0.0
        for r in range(len(row_ptr) - 1):
            acc = 0.0
            for k in range(row_ptr[r], row_ptr[r + 1]):
                acc = acc + values[k] * x[cols[k]]
            total = total + (acc - b[r]) ** 2
        return 0.5 * total

    values = jnp.array([4.0, 1, 3, 2, 1, 5, 2, 6, 1, 1])
    row_ptr, cols = [0, 2, 4, 6, 8, 10], [0, 2, 1, 3, 0, 2, 1, 3, 0, 1]
    x, b = jnp.array([0.5, -1.0, 0.25, 2.0]), jnp.array([1.0, 2.0, 0.5, -1.0, 0.3])
    dvalues, dx = grad(residual, (0, 3))(values, row_ptr, cols, x, b)
    return lines(residual=residual(values, row_ptr, cols, x, b), dvalues=dvalues, dx=dx)


@program("float64")
def eager_module():
    inputs = jnp.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]])
    targets = jnp.array([True, True, False, True])
    negatives = 1 - targets

    def loss(W, b):
        preds = jax.nn.sigmoid(jnp.dot(inputs, W) + b)
        return -jnp.sum(jnp.log(preds * targets + (1 - preds) * negatives))

    W, b = jnp.array([0.1, -0.2, 0.3]), 0.05
    loss0 = loss(W, b)
    gW, gb = grad(loss, (0, 1))(W, b)
    gnorm2 = jnp.vdot(gW, gW) + gb * gb
    W, b = W - 0.1 * gW, b - 0.1 * gb
    return lines(negatives=negatives.astype(jnp.float64), loss0=loss0, gnorm2=gnorm2, W1=W, loss1=loss(W, b),
                 scaled_sum=jnp.sum(2 * inputs - 1))


@program("float64")
def newton():
    cubic = lambda x: x * x * x - 2 * x - 5
    kepler = lambda E, e, M: E - e * jnp.sin(E) - M

    def solve(f, df, x0):
        x, iters = x0, 0
        while iters < 50:
            dx = float(f(x)) / float(df(x))
            x -= dx
            iters += 1
            if abs(dx) < 1e-14:
                break
        return x, iters

    root, iters = solve(cubic, grad(cubic), 2.0)
    dk = grad(kepler)
    sols = [solve(lambda E: kepler(E, 0.3, M), lambda E: dk(E, 0.3, M), M)[0] for M in [0.5, 1.0, 2.0, 3.0]]
    return lines(root=root, iterations=iters, kepler=sols)


@program("float64")
def kmeans_lsq():
    X = jnp.array([[1.0, 2.0], [1.5, 1.8], [5.0, 8.0], [8.0, 8.0], [1.0, 0.6], [9.0, 11.0], [8.0, 2.0], [10.0, 2.0], [9.0, 3.0]])
    y = jnp.array([3.1, 3.2, 13.1, 16.2, 1.5, 20.3, 10.1, 12.2, 12.1])

    def standardise(A):
        mu = jnp.mean(A, 0, keepdims=True)
        sd = jnp.sqrt(jnp.mean((A - mu) ** 2, 0, keepdims=True))
        return (A - mu) / sd

    def lsq(w, b):
        r = jnp.dot(standardise(X), w) + b - y
        return jnp.dot(r, r) / y.shape[0]

    def soft_kmeans(centroids, temperature):
        total = 0.0
        for c in range(centroids.shape[0]):
            d2 = jnp.sum((X - centroids[c]) ** 2, 1)
            total = total + jnp.exp(-d2 / temperature)
        return -jnp.sum(jnp.log(total))

    value, (gw, gb) = value_and_grad(lsq, (0, 1))(jnp.array([1.0, 1.0]), 0.0)
    centroids = jnp.array([[1.0, 1.0], [6.0, 9.0], [9.0, 2.0]])
    return lines(lsq=value, dw=gw, db=gb, kmeans=soft_kmeans(centroids, 2.0), dcentroids=grad(soft_kmeans)(centroids, 2.0))


@program("float64")
def particles():
    def accel(x, k):
        z = jnp.zeros(1)
        left = jnp.concatenate([z, x[:-1]])
        right = jnp.concatenate([x[1:], z])
        return k * (left - 2 * x + right)

    def kinetic(x0, k, dt, steps):
        x, v = x0, jnp.zeros_like(x0)
        for _ in range(steps):
            a = accel(x, k)
            v = v + 0.5 * dt * a
            x = x + dt * v
            a = accel(x, k)
            v = v + 0.5 * dt * a
        e = 0.0
        for i in range(v.shape[0]):
            e += 0.5 * v[i] * v[i]
        return e

    x0 = jnp.array([0.1, -0.05, 0.2, 0.0, -0.15, 0.05])
    dx0, dk = grad(kinetic, (0, 1))(x0, 4.0, 0.02, 50)
    return lines(kinetic=kinetic(x0, 4.0, 0.02, 50), dx0=dx0, dstiffness=dk)


@program("float64")
def poisson_regression():
    features = jnp.array([[0.1, 1.0], [0.4, 0.2], [0.9, 0.5], [1.3, 0.1], [1.8, 0.7], [2.2, 0.3]])
    counts = jnp.array([1.0, 0, 2, 3, 6, 9])

    def nll(p):
        eta = jnp.dot(features, p["coef"]) + p["intercept"]
        return jnp.mean(jnp.exp(eta) - counts * eta) + 0.01 * jnp.sum(p["coef"] * p["coef"])

    p = {"coef": jnp.array([0.0, 0.0]), "intercept": 0.0}
    history = []
    for it in range(60):
        v, g = value_and_grad(nll)(p)
        if it % 20 == 0:
            history.append(float(v))
        p = {k: p[k] - 0.1 * g[k] for k in p}
    return lines(history=history, coef=p["coef"], intercept=p["intercept"], nll=nll(p))


@program("float64")
def portfolio():
    mu = jnp.array([0.08, 0.12, 0.10, 0.05])
    cov = jnp.array([[0.040, 0.006, 0.010, 0.002], [0.006, 0.090, 0.012, 0.001],
                     [0.010, 0.012, 0.060, 0.003], [0.002, 0.001, 0.003, 0.010]])

    def weights(logits):
        e = jnp.exp(logits - jnp.max(logits))
        return e / jnp.sum(e)

    def utility(logits, aversion):
        w = weights(logits)
        return jnp.dot(w, mu) - 0.5 * aversion * jnp.dot(w, jnp.dot(cov, w))

    dU = grad(utility)
    logits = jnp.zeros(4)
    for _ in range(100):
        logits = logits + 2.0 * dU(logits, 3.0)
    _, d_aversion = jvp(utility, (logits, 3.0), (jnp.zeros(4), 1.0))
    return lines(weights=weights(logits), utility=utility(logits, 3.0), dutility_daversion=d_aversion)


@program("float64")
def relu_classifier():
    def logits(p, x):
        h = jnp.maximum(jnp.dot(x, p["W1"]) + p["b1"], 0)
        return jnp.dot(h, p["W2"]) + p["b2"]

    def cross_entropy(p, x, onehot):
        z = logits(p, x)
        m = jnp.max(z, 1, keepdims=True)
        logp = z - m - jnp.log(jnp.sum(jnp.exp(z - m), 1, keepdims=True))
        return -jnp.mean(jnp.sum(onehot * logp, 1))

    kx, k1, k2 = jax.random.split(jax.random.key(0), 3)
    x = jax.random.uniform(kx, (8, 2), minval=-1, maxval=1)
    onehot = jnp.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
    p = {"W1": jax.random.normal(k1, (2, 5)), "b1": jnp.full(5, 0.1), "W2": jax.random.normal(k2, (5, 3)), "b2": jnp.zeros(3)}
    g = grad(cross_entropy)(p, x, onehot)
    norms = [math.sqrt(float(jnp.vdot(g[k], g[k]))) for k in ["W1", "b1", "W2", "b2"]]
    return lines(logits=jax.jit(logits)(p, x), loss=cross_entropy(p, x, onehot), grad_norms=norms, dW2=g["W2"])


@program("float64")
def huber_robust():
    xs = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    ys = [0.9, 2.1, 2.9, 9.0, 5.1, 5.9, -3.0, 8.1]
    mask = [1, 1, 1, 1, 1, 1, 0, 1]

    def huber_loss(slope, intercept, delta):
        total, count = 0.0, 0
        for i in range(len(xs)):
            if mask[i] == 0:
                continue
            r = slope * xs[i] + intercept - ys[i]
            a = jnp.abs(r)
            total = total + jnp.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
            count += 1
        return total / count

    ds, di = grad(huber_loss, (0, 1))(1.0, 0.5, 1.0)
    vg = jax.jit(value_and_grad(huber_loss, (0, 1)))
    slope, intercept = 0.0, 0.0
    for _ in range(200):
        _, (gs, gi) = vg(slope, intercept, 1.0)
        slope, intercept = slope - 0.2 * float(gs), intercept - 0.2 * float(gi)
    return lines(loss=huber_loss(1.0, 0.5, 1.0), dslope=ds, dintercept=di, fit=[slope, intercept],
                 final_loss=huber_loss(slope, intercept, 1.0))


@program("float64")
def newton_opt2d():
    def himmelblau(v):
        x, y = v[0], v[1]
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    g, H = grad(himmelblau), hessian(himmelblau)
    v = jnp.array([3.5, 1.5])
    start_value, start_grad = himmelblau(v), g(v)
    for _ in range(8):
        gv = [float(t) for t in g(v)]
        h = [float(t) for t in jnp.ravel(H(v))]
        det = h[0] * h[3] - h[1] * h[2]
        s0 = (h[3] * gv[0] - h[1] * gv[1]) / det
        s1 = (-h[2] * gv[0] + h[0] * gv[1]) / det
        v = jnp.array([float(v[0]) - s0, float(v[1]) - s1])

    def count(a):
        x, n = 1.0, 0
        while True:
            prev, x, n = x, math.cos(a * x), n + 1
            if not abs(x - prev) > 1e-12:
                return n

    def fixed_point(a, n):
        x = 1.0
        for _ in range(n):
            x = jnp.cos(a * x)
        return x

    n = count(0.7)
    return lines(start_value=start_value, start_grad=start_grad, minimum=v, hessian=H(v), fixed_point=fixed_point(0.7, n),
                 dfixed_point=grad(fixed_point)(0.7, n))


# ---- float32 programs (run in a process without x64) --------------------------------------------

@program("float32")
def float32_mlp():
    def predict(p, x):
        return jnp.dot(jax.nn.softplus(jnp.dot(x, p["W"]) + p["b"]), p["v"])

    def loss(p, x, y):
        r = predict(p, x) - y
        return jnp.mean(r * r)

    k1, k2, k3, k4 = jax.random.split(jax.random.key(0), 4)
    x, y = jax.random.normal(k1, (6, 3)), jax.random.normal(k2, (6,))
    p = {"W": jax.random.normal(k3, (3, 4)), "b": jnp.zeros(4), "v": jax.random.normal(k4, (4,))}
    loss0 = loss(p, x, y)
    g0 = grad(loss)(p, x, y)
    for _ in range(5):
        g = grad(loss)(p, x, y)
        p = {"W": p["W"] - 0.05 * g["W"], "b": p["b"] - 0.05 * g["b"], "v": p["v"] - 0.05 * g["v"]}
    return lines(loss0=loss0, dW=g0["W"], db=g0["b"], dv=g0["v"], loss5=loss(p, x, y))


RTOL = {"float64": 1e-9, "float32": 2e-6}


def run(dtype):
    out = {}
    for name, (d, f) in PROGRAMS.items():
        if d != dtype:
            continue
        r = f()
        values, text = r if isinstance(r, tuple) else (r, None)
        out[name] = {"dtype": d, "rtol": RTOL[d], "values": values}
        if text is not None:
            out[name]["text"] = text
    return out


if __name__ == "__main__":
    if not X64:
        json.dump(run("float32"), sys.stdout)
        sys.exit(0)
    golden = run("float64")
    f32 = subprocess.run([sys.executable, __file__], env={**os.environ, "GOLDEN_F32": "1"},
                         check=True, capture_output=True, text=True).stdout
    golden.update(json.loads(f32))
    path = os.path.join(os.path.dirname(__file__), "..", "test", "data", "programs_golden.json")
    with open(path, "w") as fh:
        json.dump(dict(sorted(golden.items())), fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(golden)} programs to {os.path.normpath(path)}")
