// An LSTM cell over a short sequence (scalar inputs, hidden size 2), carrying
// h and c in a loop; one { w, U, b } per gate; gradient w.r.t. all of them.
import { grad, np, type Tensor } from "tsgrad";

type Gate = { w: Tensor; U: Tensor; b: Tensor };
type Lstm = { i: Gate; f: Gate; o: Gate; g: Gate };

const seq = [0.3, -0.1, 0.7, 0.2, -0.5];

function preact(p: Gate, x: number, h: Tensor): Tensor {
  return p.w * x + np.dot(p.U, h) + p.b;
}

function lstmLoss(p: Lstm): Tensor {
  let h = np.zeros([2]);
  let c = np.zeros([2]);
  for (let t = 0; t < seq.length; t++) {
    const x = seq[t];
    const i = np.sigmoid(preact(p.i, x, h));
    const f = np.sigmoid(preact(p.f, x, h));
    const o = np.sigmoid(preact(p.o, x, h));
    const g = np.tanh(preact(p.g, x, h));
    c = f * c + i * g;
    h = o * np.tanh(c);
  }
  return np.sum(h * h) + 0.5 * np.sum(c);
}

const gate = (w: number[], U: number[][], b: number[]): Gate => ({ w: np.array(w), U: np.array(U), b: np.array(b) });
const params: Lstm = {
  i: gate([0.2, -0.1], [[0.1, 0.0], [0.0, 0.1]], [0.0, 0.1]),
  f: gate([0.4, 0.3], [[0.2, -0.1], [0.1, 0.2]], [1.0, 1.0]),
  o: gate([-0.2, 0.1], [[-0.1, 0.3], [0.2, 0.2]], [0.0, -0.1]),
  g: gate([0.5, -0.3], [[0.3, -0.2], [0.1, 0.1]], [0.05, 0.0]),
};

console.log(`loss: ${lstmLoss(params)}`);
const g = grad(lstmLoss)(params);
for (const k of ["f", "g", "i", "o"] as const) {
  console.log(`d${k}.w: ${JSON.stringify(g[k].w)}`);
  console.log(`d${k}.U: ${JSON.stringify(g[k].U)}`);
  console.log(`d${k}.b: ${JSON.stringify(g[k].b)}`);
}
