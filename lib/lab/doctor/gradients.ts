/**
 * One training step's gradients of DavidNet on the webgpu backend against the tfjs cpu backend (its filter
 * gradient replaced by a float64 loop), from the same weights and the same images, with label smoothing as in
 * training. The net uses CELU and average pooling: ReLU and max pooling make the gradient a discontinuous function
 * of the activations, so wherever a pre-activation sits within float32 rounding of zero, or two pooled values within
 * rounding of each other (at these sizes that happens in most batches), two correct implementations route the
 * gradient differently, by up to 1e-2. The smooth net runs the same conv, batch-norm and SGD kernels; ReLU's kink is
 * checked by the kernel check with inputs kept away from it.
 */
import { tf } from "../../core/backend/mod.ts";
import {
  CHECK_TOLERANCE,
  KernelRuntime,
  type KernelVariant,
  type ModelGradients,
  modelGradients,
  onCpuWithReferenceFilterGrad,
  relativeError,
  variantRuntime,
} from "../../core/kernels/mod.ts";
import { buildNet } from "../../core/model/mod.ts";
import { smoothedCrossEntropy } from "../../core/train/mod.ts";

/** Label smoothing of the step, as the presets train. */
const SMOOTHING = 0.2;

/** Images and labels of one batch: NHWC normalised images (32 x 32 x 3 each) and their classes. */
export interface GradientBatch {
  images: Float32Array;
  labels: Int32Array;
}

/** What one kernel variant's gradients came to against the reference. */
export interface GradientComparison {
  variant: KernelVariant;
  /** The loss here and on the reference. */
  loss: number;
  referenceLoss: number;
  /** Relative error of every trainable gradient, largest first. */
  errors: { name: string; error: number }[];
  /** True when the loss agrees to 1e-5 (relative) and every gradient to the kernel tolerance. */
  passed: boolean;
}

/**
 * The smooth DavidNet's loss and gradients on `batch` on the current backend with `kernels` (default stock; weights:
 * seed 3, or `weights`).
 */
async function stepGradients(
  width: number,
  batch: GradientBatch,
  weights?: Float32Array[],
  kernels?: KernelRuntime,
): Promise<ModelGradients> {
  const model = buildNet({ width, activation: "celu", celuAlpha: 0.3, pool: "avg" }, { seed: 3 });
  const n = batch.labels.length;
  const x = tf.tensor4d(batch.images, [n, 32, 32, 3]), y = tf.tensor1d(batch.labels, "int32");
  try {
    const loss = (logits: tf.Tensor2D) => smoothedCrossEntropy(logits, y, SMOOTHING);
    return await modelGradients(model, x, loss, weights, kernels);
  } finally {
    tf.dispose([x, y]);
  }
}

/**
 * One training step of the smooth DavidNet at `width` on `batch`: every trainable gradient on the running webgpu
 * backend with the kernels of each of `variants` (the fast ones under a conv strategy, or tfjs's stock ones),
 * against the reference from the same weights.
 */
export async function compareNetGradients(
  width: number,
  batch: GradientBatch,
  variants: readonly KernelVariant[],
): Promise<GradientComparison[]> {
  const runs: { variant: KernelVariant; got: ModelGradients }[] = [];
  for (const variant of variants) {
    runs.push({ variant, got: await stepGradients(width, batch, undefined, variantRuntime(variant)) });
  }
  const ref = await onCpuWithReferenceFilterGrad(() => stepGradients(width, batch, runs[0].got.initial));
  return runs.map(({ variant, got }) => {
    const errors = got.names.map((name, i) => ({ name, error: relativeError(got.grads[i], ref.grads[i]) }))
      .sort((a, b) => b.error - a.error);
    const lossAgrees = Math.abs(got.loss - ref.loss) <= 1e-5 * Math.abs(ref.loss);
    return {
      variant,
      loss: got.loss,
      referenceLoss: ref.loss,
      errors,
      passed: lossAgrees && errors.every((e) => e.error <= CHECK_TOLERANCE),
    };
  });
}
