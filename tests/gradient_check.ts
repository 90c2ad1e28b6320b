/**
 * The whole-net gradient check shared by the backend tests: every trainable gradient of a smooth DavidNet (CELU,
 * average pooling; see gradients_test.ts for why) on the running backend against the tfjs cpu backend with a float64
 * filter gradient, from the same weights and the same real CIFAR-10 batch, with label smoothing as in training.
 */
import assert from "node:assert/strict";
import { tf } from "../lib/core/backend/mod.ts";
import type { KernelRuntime } from "../lib/core/kernels/mod.ts";
import { buildNet } from "../lib/core/model/mod.ts";
import { normalizeImages, smoothedCrossEntropy } from "../lib/core/train/mod.ts";
import { cifar10 } from "./helpers.ts";
import { modelGradients, onCpuWithReferenceFilterGrad, relativeError } from "./reference.ts";

/**
 * DavidNet's gradients for the first `batch` training images with `kernels` (default stock); weights from `weights`
 * or a fresh seeded net.
 */
async function gradients(width: number, batch: number, weights?: Float32Array[], kernels?: KernelRuntime) {
  const data = await cifar10();
  const model = buildNet({ width, activation: "celu", celuAlpha: 0.3, pool: "avg" }, { seed: 3 });
  const x = normalizeImages(data.train, data.stats, 0, batch);
  const y = tf.tensor1d(data.train.labels.subarray(0, batch), "int32");
  try {
    return await modelGradients(model, x, (logits) => smoothedCrossEntropy(logits, y, 0.2), weights, kernels);
  } finally {
    tf.dispose([x, y]);
  }
}

/**
 * Relative error of every gradient, the running backend with `kernels` (default stock) against the reference,
 * largest first.
 */
export async function gradientErrors(
  width: number,
  batch: number,
  kernels?: KernelRuntime,
): Promise<{ name: string; error: number }[]> {
  const here = await gradients(width, batch, undefined, kernels);
  const ref = await onCpuWithReferenceFilterGrad(() => gradients(width, batch, here.initial));
  assert.ok(Math.abs(here.loss - ref.loss) < 1e-5 * Math.abs(ref.loss), `loss ${here.loss} vs ${ref.loss}`);
  return here.names.map((name, i) => ({ name, error: relativeError(here.grads[i], ref.grads[i]) }))
    .sort((a, b) => b.error - a.error);
}
