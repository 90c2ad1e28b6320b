import { tf } from "../backend/tf.ts";

/**
 * A copy in its own buffer: a plain clone shares the buffer, which the in-place kernels (fused SGD, BN running
 * statistics) would then update in both models.
 */
const copyOf = (t: tf.Tensor) => tf.mul(t, 1);

/** Prefix of the averaged weights in a checkpoint's optimizer state. */
const PREFIX = "ema/";

/**
 * An exponential moving average of every weight of a model (trainable or not: BN running statistics included),
 * as Page's `update_ema`: after the steps 0, k, 2k, ... it sets avg = rho * avg + (1 - rho) * w with
 * rho = momentum^k. The average lives in a second model of the same architecture, which is what evaluation and
 * the saved model use.
 */
export class WeightAverage {
  readonly #pairs: Array<{ name: string; weight: tf.LayerVariable; average: tf.LayerVariable }>;

  /** Averages `model` into `average` (built alike), starting from `model`'s current weights. */
  constructor(
    model: tf.LayersModel,
    readonly average: tf.LayersModel,
    readonly every: number,
    readonly momentum: number,
  ) {
    const byName = new Map(average.weights.map((w) => [w.originalName, w]));
    this.#pairs = model.weights.map((weight) => {
      const avg = byName.get(weight.originalName);
      if (!avg) throw new Error(`the averaged model has no weight ${weight.originalName}`);
      return { name: weight.originalName, weight, average: avg };
    });
    tf.tidy(() => {
      for (const p of this.#pairs) p.average.write(copyOf(p.weight.read()));
    });
  }

  /** Updates the average after global step `step` (0-based) when the step is a multiple of `every`. */
  update(step: number): void {
    if (step % this.every !== 0) return;
    const rho = this.momentum ** this.every;
    tf.tidy(() => {
      for (const p of this.#pairs) {
        p.average.write(tf.add(tf.mul(p.average.read(), rho), tf.mul(p.weight.read(), 1 - rho)));
      }
    });
  }

  /** The averaged weights by name, prefixed for the checkpoint's optimizer state. */
  state(): tf.NamedTensorMap {
    return Object.fromEntries(this.#pairs.map((p) => [PREFIX + p.name, p.average.read()]));
  }

  /** Restores the averaged weights saved by {@link state}; throws when one is missing. */
  setState(state: tf.NamedTensorMap): void {
    for (const p of this.#pairs) {
      const saved = state[PREFIX + p.name];
      if (!saved) throw new Error(`checkpoint has no averaged weight ${p.name}`);
      tf.tidy(() => {
        p.average.write(copyOf(saved));
      });
    }
  }
}
