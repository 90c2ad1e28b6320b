import { tf } from "../backend/tf.ts";

/** The output of {@link ghostBatchNorm}: the normalised batch and the statistics for the running averages. */
export interface GhostBatchNormOutput {
  /** gamma * (x - group mean) / sqrt(group variance + epsilon) + beta, x's shape. */
  y: tf.Tensor;
  /** Mean over the groups of each group's mean, [C]. */
  mean: tf.Tensor1D;
  /** Mean over the groups of each group's biased variance, [C]. */
  variance: tf.Tensor1D;
}

/**
 * Ghost batch norm in training (Page's `GhostBatchNorm`, bag_of_tricks.ipynb): the batch [N, ..., C] is cut into
 * N / `group` groups of `group` consecutive images, and each group is normalised with its own mean and biased
 * variance over every axis but the last. tfjs ops, so the gradient is tfjs's autodiff of this computation.
 *
 * Running statistics. Page keeps one running mean and variance per group (split) and averages them over the
 * groups for inference. The update running_g = (1 - m) running_g + m stat_g is linear, and every running_g starts
 * (and, after Page's collation at each switch to eval, restarts) equal, so the average over g of the running_g
 * equals one running value updated with the average over g of stat_g. The caller therefore keeps a single
 * running mean and variance, updated with the returned `mean` and `variance`: the inference statistics are
 * exactly Page's. Two differences from his code, neither in what the statistics estimate: his groups are the
 * images n = g, g + splits, g + 2 splits, ... (a reshape of NCHW), ours are consecutive (batches are shuffled,
 * so both are random groups); and his running variance uses the unbiased group variance, ours the biased one,
 * as the project's other batch-norm paths.
 */
export function ghostBatchNorm(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  group: number,
  epsilon: number,
  name = "ghost batch norm",
): GhostBatchNormOutput {
  const n = x.shape[0];
  if (n % group !== 0) {
    throw new Error(
      `${name}: a batch of ${n} images is not a multiple of the ghost batch ${group}; ` +
        `use a batch size divisible by ${group}, or ghost batch 0`,
    );
  }
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1];
    const grouped = tf.reshape(x, [n / group, -1, c]);
    const { mean, variance } = tf.moments(grouped, 1, true);
    const z = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return {
      y: tf.reshape(tf.add(tf.mul(z, gamma), beta), x.shape),
      mean: tf.mean(mean, [0, 1]) as tf.Tensor1D,
      variance: tf.mean(variance, [0, 1]) as tf.Tensor1D,
    };
  });
}
