/**
 * Every trainable gradient of DavidNet on WebGPU against the tfjs cpu backend (its filter gradient replaced by a
 * float64 loop, see reference.ts), from the same weights and the same batch of real CIFAR-10 images, with label
 * smoothing as in training. The net uses CELU and average pooling: ReLU and max pooling make the gradient a
 * discontinuous function of the activations, so wherever a pre-activation sits within float32 rounding of zero, or
 * two pooled values within rounding of each other (at these sizes that happens in most batches), two correct
 * implementations route the gradient differently, by up to 1e-2. The smooth net runs the same conv, batch-norm and
 * SGD kernels; ReLU's kink is tested in kernels_test.ts with inputs kept away from it.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/backend/mod.ts";
import { useKernels } from "../lib/kernels/mod.ts";
import { buildDavidNet } from "../lib/model/mod.ts";
import { normalizeImages, smoothedCrossEntropy } from "../lib/train/mod.ts";
import { cifar10 } from "./helpers.ts";
import { modelGradients, onCpuWithReferenceFilterGrad, relativeError } from "./reference.ts";

const backend = await initBackend("webgpu", { log: () => {} });

/** DavidNet's gradients for the first `batch` training images; weights from `weights` or a fresh seeded net. */
async function gradients(width: number, batch: number, weights?: Float32Array[]) {
  const data = await cifar10();
  const model = buildDavidNet({ width, activation: "celu", celuAlpha: 0.3, pool: "avg" }, { seed: 3 });
  const x = normalizeImages(data.train, data.stats, 0, batch);
  const y = tf.tensor1d(data.train.labels.subarray(0, batch), "int32");
  try {
    return await modelGradients(model, x, (logits) => smoothedCrossEntropy(logits, y, 0.2), weights);
  } finally {
    tf.dispose([x, y]);
  }
}

/** Relative error of every gradient, WebGPU against the reference, largest first. */
async function compare(width: number, batch: number) {
  const gpu = await gradients(width, batch);
  const ref = await onCpuWithReferenceFilterGrad(() => gradients(width, batch, gpu.initial));
  assert.ok(Math.abs(gpu.loss - ref.loss) < 1e-5 * Math.abs(ref.loss), `loss ${gpu.loss} vs ${ref.loss}`);
  return gpu.names.map((name, i) => ({ name, error: relativeError(gpu.grads[i], ref.grads[i]) }))
    .sort((a, b) => b.error - a.error);
}

for (const [width, batch] of [[1 / 16, 128], [1 / 16, 512], [1, 8]]) {
  Deno.test(`every DavidNet gradient on WebGPU equals the reference: width ${width}, batch ${batch}`, async () => {
    const errors = await compare(width, batch);
    assert.equal(errors.length, 25);
    for (const { name, error } of errors) assert.ok(error <= 1e-4, `${name}: relative error ${error}`);
  });
}

Deno.test({
  name: "the same comparison catches tfjs's stock filter gradient, truncated by lavapipe's loop limit",
  ignore: !/llvmpipe/.test(backend.adapter),
  fn: async () => {
    useKernels("stock");
    try {
      const errors = await compare(1 / 16, 128);
      const worst = errors[0];
      assert.ok(
        /^(prep|layer1)_conv/.test(worst.name) && worst.error > 0.1,
        JSON.stringify(errors.slice(0, 3)),
      );
    } finally {
      useKernels("fast");
    }
  },
});
