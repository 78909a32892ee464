// Jacobians and Hessians of small vector functions: the Rosenbrock function
// (grad, hessian, a Hessian-vector product by jvp of grad) and a map
// R^3 -> R^2 (jvp, vjp, jacfwd, jacrev).
import { grad, hessian, jacfwd, jacrev, jvp, np, vjp, type Tensor } from "tsgrad";

function rosenbrock(x: Tensor): Tensor {
  let s = 0;
  for (let i = 0; i < x.shape[0] - 1; i++) s = s + 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
}

function polar(v: Tensor): Tensor {
  return np.array([v[0] * np.cos(v[1]) + v[2] ** 2, v[0] * np.sin(v[1]) * v[2]]);
}

const x = np.array([-1.2, 1.0, 0.8]);
console.log(`rosen: ${rosenbrock(x)}`);
console.log(`grad: ${JSON.stringify(grad(rosenbrock)(x))}`);
console.log(`hessian: ${JSON.stringify(hessian(rosenbrock)(x))}`);
const [, hvp] = jvp(grad(rosenbrock), [x], [np.array([1.0, 0.0, -1.0])]);
console.log(`hvp: ${JSON.stringify(hvp)}`);

const v = np.array([2.0, 0.3, -0.5]);
const [y, ty] = jvp(polar, [v], [np.array([0.1, 0.2, 0.3])]);
console.log(`polar: ${JSON.stringify(y)}`);
console.log(`jvp: ${JSON.stringify(ty)}`);
const [, pullback] = vjp(polar, v);
console.log(`vjp: ${JSON.stringify(pullback(np.array([1.0, -2.0]))[0])}`);
console.log(`jacfwd: ${JSON.stringify(jacfwd(polar)(v))}`);
console.log(`jacrev: ${JSON.stringify(jacrev(polar)(v))}`);
