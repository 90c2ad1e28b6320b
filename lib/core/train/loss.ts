import { tf } from "../backend/tf.ts";

/**
 * Mean label-smoothed cross-entropy: (1 - s) * NLL(true class) + s * mean over classes of -log p, which is
 * cross-entropy against targets (1 - s) * onehot + s / K (the seed's formulation, s = 0.2).
 */
export function smoothedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing: number): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(labels, logits.shape[1])), 1));
    const uniform = tf.neg(tf.mean(logp, 1));
    return tf.mean(tf.add(tf.mul(nll, 1 - smoothing), tf.mul(uniform, smoothing))) as tf.Scalar;
  });
}

/** Number of rows of `logits` whose arg-max equals the label, as an int32 scalar on the device. */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.equal(tf.argMax(logits, 1), labels).cast("int32")) as tf.Scalar);
}
