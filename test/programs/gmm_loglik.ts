// Log-likelihood of a 1-D Gaussian mixture (logsumexp over components, with
// the max subtracted) and its gradient w.r.t. means, log-scales and logits.
import { grad, np, type Tensor } from "tsgrad";

const data = np.array([-1.2, -0.8, -0.1, 0.3, 0.4, 1.5, 2.1, 2.4, 2.2, -0.5]);

type Mixture = { mu: Tensor; logSigma: Tensor; logits: Tensor };

function logsumexp(z: Tensor): Tensor {
  const m = np.max(z, 1, true);
  return np.log(np.sum(np.exp(z - m), 1)) + np.reshape(m, [-1]);
}

function logLik(p: Mixture): Tensor {
  const x = np.reshape(data, [-1, 1]);
  const sigma = np.exp(p.logSigma);
  const logW = p.logits - logsumexp(np.reshape(p.logits, [1, -1]));
  const z = (x - p.mu) / sigma;
  const logp = logW - 0.5 * z * z - p.logSigma - 0.5 * Math.log(2 * Math.PI);
  return np.sum(logsumexp(logp));
}

const p: Mixture = {
  mu: np.array([-1.0, 0.2, 2.0]),
  logSigma: np.array([-0.3, 0.0, -0.5]),
  logits: np.array([0.1, 0.5, -0.2]),
};
console.log(`loglik: ${logLik(p)}`);
const g = grad(logLik)(p);
console.log(`dmu: ${JSON.stringify(g.mu)}`);
console.log(`dlogSigma: ${JSON.stringify(g.logSigma)}`);
console.log(`dlogits: ${JSON.stringify(g.logits)}`);
