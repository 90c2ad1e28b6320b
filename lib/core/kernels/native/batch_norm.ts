import { tf } from "../../backend/tf.ts";
import { attr, nativeOp } from "./ops.ts";

/** Activations after a batch norm that the native path fuses. */
export type NativeActivation = "relu" | "celu" | "gelu" | "linear";

/** Settings of {@link batchNormActNative}. */
export interface NativeBnConfig {
  epsilon: number;
  activation: NativeActivation;
  celuAlpha: number;
}

const SQRT_HALF = Math.SQRT1_2, INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The activation's output and what its gradient needs: relu and celu through TensorFlow's Relu/Elu (whose
 * gradient ops take their outputs), gelu = z * Phi(z) (exact, erf), linear = z.
 */
function activate(z: tf.Tensor, cfg: NativeBnConfig): { y: tf.Tensor; saved: tf.Tensor } {
  const f = [attr.type("T")];
  if (cfg.activation === "relu") {
    const y = nativeOp("Relu", f, [z])[0];
    return { y, saved: y };
  }
  if (cfg.activation === "celu") {
    // celu(z) = alpha * elu(z / alpha); its derivative is elu'(z / alpha), which EluGrad computes from elu's output.
    const e = nativeOp("Elu", f, [tf.mul(z, 1 / cfg.celuAlpha)])[0];
    return { y: tf.mul(e, cfg.celuAlpha), saved: e };
  }
  if (cfg.activation === "gelu") {
    const phi = tf.mul(tf.add(tf.erf(tf.mul(z, SQRT_HALF)), 1), 0.5);
    return { y: tf.mul(z, phi), saved: z };
  }
  return { y: tf.clone(z), saved: z };
}

/** dL/dz from dL/dy and what {@link activate} saved. */
function activationGrad(dy: tf.Tensor, saved: tf.Tensor, cfg: NativeBnConfig): tf.Tensor {
  const f = [attr.type("T")];
  if (cfg.activation === "relu") return nativeOp("ReluGrad", f, [dy, saved])[0];
  if (cfg.activation === "celu") return nativeOp("EluGrad", f, [dy, saved])[0];
  if (cfg.activation === "gelu") {
    // d/dz z * Phi(z) = Phi(z) + z * phi(z), phi the standard normal density.
    const z = saved;
    const phi = tf.mul(tf.add(tf.erf(tf.mul(z, SQRT_HALF)), 1), 0.5);
    const density = tf.mul(tf.exp(tf.mul(tf.square(z), -0.5)), INV_SQRT_2PI);
    return tf.mul(dy, tf.add(phi, tf.mul(z, density)));
  }
  return dy;
}

/**
 * Batch norm (NHWC, batch statistics, biased variance) and its activation in training, on the native backend, with
 * TensorFlow's fused ops: one FusedBatchNormV3 forward and one FusedBatchNormGradV3 backward instead of the ~40
 * small ops of tfjs's composition; relu/celu through Relu/Elu and ReluGrad/EluGrad. Hands the batch mean and
 * biased variance to `onBatchStats` (for the running statistics). Gradients flow to x, gamma and beta.
 */
export function batchNormActNative(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  cfg: NativeBnConfig,
  onBatchStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const common = [
    attr.type("T"),
    attr.type("U"),
    attr.float("epsilon", cfg.epsilon),
    attr.string("data_format", "NHWC"),
  ];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[], save = args[3] as tf.GradSaveFunc;
    const empty = tf.tensor1d([]);
    const [z, mean, unbiased, r1, r2, r3] = nativeOp(
      "FusedBatchNormV3",
      [...common, attr.float("exponential_avg_factor", 1), attr.bool("is_training", true)],
      [xi, g, b, empty, empty],
      6,
    );
    const n = xi.size / xi.shape[xi.rank - 1];
    onBatchStats(mean as tf.Tensor1D, tf.mul(unbiased, (n - 1) / n));
    const { y, saved } = activate(z, cfg);
    save([xi, g, r1, r2, r3, saved]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => {
        const dz = activationGrad(dy, s[5], cfg);
        const [dx, dg, db] = nativeOp(
          "FusedBatchNormGradV3",
          [...common, attr.bool("is_training", true)],
          [dz, s[0], s[1], s[2], s[3], s[4]],
          5,
        );
        return [dx, dg, db];
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor4D;
}

/**
 * Ghost batch norm and its activation in training, on the native backend: the batch [N, H, W, C] is cut into
 * N / `group` groups of `group` consecutive images (as the tfjs path, lib/core/model/ghost_batch_norm.ts), each
 * normalised with its own statistics. One transpose makes each group's
 * channels channels of their own, [group, H, W, (N / group) C], so that one FusedBatchNormV3 (and one
 * FusedBatchNormGradV3 backward) normalises every group at once, with gamma and beta tiled over the groups; a
 * second transpose restores the layout. Hands the mean over the groups of each group's mean and biased variance,
 * [C], to `onBatchStats` (the running statistics, as the tfjs path).
 */
export function ghostBatchNormActNative(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  group: number,
  cfg: NativeBnConfig,
  onBatchStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape, groups = n / group;
  if (!Number.isInteger(groups)) {
    throw new Error(
      `ghost batch norm: a batch of ${n} images is not a multiple of the ghost batch ${group}; ` +
        `use a batch size divisible by ${group}, or ghost batch 0`,
    );
  }
  const perChannel = (s: tf.Tensor1D) => tf.mean(tf.reshape(s, [groups, c]), 0) as tf.Tensor1D;
  const grouped = tf.reshape(tf.transpose(tf.reshape(x, [groups, group, h, w, c]), [1, 2, 3, 0, 4]), [
    group,
    h,
    w,
    groups * c,
  ]) as tf.Tensor4D;
  const y = batchNormActNative(
    grouped,
    tf.tile(gamma, [groups]),
    tf.tile(beta, [groups]),
    cfg,
    (mean, variance) => onBatchStats(perChannel(mean), perChannel(variance)),
  );
  return tf.reshape(tf.transpose(tf.reshape(y, [group, h, w, groups, c]), [3, 0, 1, 2, 4]), [n, h, w, c]);
}
