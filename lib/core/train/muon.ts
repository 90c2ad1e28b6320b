import { tf } from "../backend/tf.ts";
import { type Optimizer, ParamBuffers } from "./optimizer.ts";
import type { NamedParam } from "./sgd.ts";

/**
 * The quintic Newton-Schulz coefficients (a, b, c) of airbench94_muon.py `zeropower_via_newtonschulz5`, chosen
 * there to maximise the slope at zero rather than to converge to exactly 1.
 */
export const NEWTON_SCHULZ_COEFFICIENTS = [3.4445, -4.775, 2.0315] as const;

/**
 * Approximately orthogonalises `g` ([rows, cols]): X = g / (|g|_F + eps), transposed when taller than wide, then
 * `steps` times A = X Xᵀ, X = a X + (b A + c A²) X, transposed back (airbench94_muon.py
 * `zeropower_via_newtonschulz5`, 3 steps). For g = U S Vᵀ the result is about U S' Vᵀ with S' roughly within
 * 0.5-1.5, not U Vᵀ exactly, which airbench found trains as well. Float32 here; airbench computes it in bfloat16.
 */
export function newtonSchulz(g: tf.Tensor2D, steps = 3, eps = 1e-7): tf.Tensor2D {
  const [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS;
  return tf.tidy(() => {
    const tall = g.shape[0] > g.shape[1];
    let x = tf.div(g, tf.add(tf.norm(g), eps)) as tf.Tensor2D;
    if (tall) x = tf.transpose(x);
    for (let i = 0; i < steps; i++) {
      const gram = tf.matMul(x, x, false, true);
      const poly = tf.add(tf.mul(gram, b), tf.mul(tf.matMul(gram, gram), c));
      x = tf.add(tf.mul(x, a), tf.matMul(poly, x));
    }
    return tall ? tf.transpose(x) : x;
  });
}

/** Settings of {@link Muon}. */
export interface MuonSettings {
  momentum: number;
  nesterov: boolean;
  /** Muon's rate as a multiple of the run's scheduled rate (its peak over the schedule's peak). */
  lrScale: number;
}

/**
 * Muon (airbench94_muon.py `Muon`) for filter tensors, as a davidnet optimizer: per parameter, momentum
 * buf = mu buf + g and the direction u = g + mu buf (Nesterov) or buf; then the weight is rescaled to Frobenius
 * norm sqrt(out channels), and stepped by -lr x {@link newtonSchulz}(u) with u as a [fan in, out channels] matrix
 * (tfjs's HWIO filters; PyTorch's [out, fan in] is its transpose up to a column order, and the iteration commutes
 * with both). No weight decay: the renormalisation holds the norm. Scale-free in g, so the mean loss here and
 * airbench's summed loss give the same update.
 */
export class Muon implements Optimizer {
  readonly #buffers: ParamBuffers;

  /** Momentum buffers start at zero, one per parameter. */
  constructor(readonly params: ReadonlyArray<NamedParam>, readonly settings: MuonSettings) {
    this.#buffers = new ParamBuffers(params, "Muon momentum");
  }

  /** One update at the run's rate `lr` (x `lrScale`); parameters named in `frozen` are left alone. */
  step(grads: tf.NamedTensorMap, lr: number, frozen: ReadonlySet<string> = new Set()): void {
    const { momentum, nesterov, lrScale } = this.settings;
    for (const { name, variable: w } of this.params) {
      if (frozen.has(name)) continue;
      const grad = grads[w.name];
      if (!grad) throw new Error(`no gradient for ${name}`);
      const buf = this.#buffers.get(name);
      tf.tidy(() => {
        const bufNew = tf.add(tf.mul(buf, momentum), grad);
        buf.assign(bufNew);
        const dir = nesterov ? tf.add(grad, tf.mul(bufNew, momentum)) : bufNew;
        const out = w.shape[w.rank - 1];
        const update = newtonSchulz(tf.reshape(dir, [-1, out]) as tf.Tensor2D);
        const renormed = tf.mul(w, tf.div(Math.sqrt(out), tf.norm(w)));
        w.assign(tf.sub(renormed, tf.mul(tf.reshape(update, w.shape), lr * lrScale)));
      });
    }
  }

  /** The momentum buffers by parameter name (for checkpoints). */
  state(): tf.NamedTensorMap {
    return this.#buffers.state();
  }

  /** Restores buffers saved by {@link state}; throws when one is missing or mis-shaped. */
  setState(state: tf.NamedTensorMap): void {
    this.#buffers.setState(state);
  }

  /** Frees the buffers. */
  dispose(): void {
    this.#buffers.dispose();
  }
}
