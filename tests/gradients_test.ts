/**
 * Every trainable gradient of one training step of DavidNet on WebGPU, with the fast kernels under both conv
 * strategies (tiled and direct), against the tfjs cpu backend with a float64 filter gradient, from the same weights
 * and the same batch of real CIFAR-10 images, with label smoothing as in training (lib/lab/doctor/gradients.ts; the net
 * is the smooth one, CELU and average pooling, for the reason given there). `deno task test` runs this file on the
 * default Vulkan driver (lavapipe here) at width 1/16 with batch 128 and 512 and at full width with batch 8;
 * tests/swiftshader_test.ts runs it on SwiftShader with DAVIDNET_TEST_SHAPES=paths, at width 1/16 with batch 16.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { watchWebGpuDevice } from "../lib/core/backend/webgpu.ts";
import { compareNetGradients, type GradientBatch } from "../lib/lab/doctor/mod.ts";
import { normalizeImages } from "../lib/core/train/mod.ts";
import { expectedAdapter, testShapes } from "./adapters.ts";
import { cifar10 } from "./helpers.ts";

const backend = await initBackend("webgpu", { log: () => {} });
watchWebGpuDevice(tf.backend());
const SIZES = testShapes() === "all" ? [[1 / 16, 128], [1 / 16, 512], [1, 8]] : [[1 / 16, 16]];

/** The first `n` normalised CIFAR-10 training images and their labels. */
async function firstImages(n: number): Promise<GradientBatch> {
  const data = await cifar10();
  const x = normalizeImages(data.train, data.stats, 0, n);
  try {
    return {
      images: await x.data() as Float32Array,
      labels: Int32Array.from(data.train.labels.subarray(0, n)),
    };
  } finally {
    x.dispose();
  }
}

Deno.test("the gradients run on the adapter this test run is for", () => {
  const want = expectedAdapter();
  assert.ok(!want || want.test(backend.adapter), `running on ${backend.adapter}, expected ${want}`);
});

for (const [width, batch] of SIZES) {
  Deno.test(`every DavidNet gradient on WebGPU equals the reference, conv tiled and direct: width ${width}, batch ${batch}`, async () => {
    for (const g of await compareNetGradients(width, await firstImages(batch), ["tiled", "direct"])) {
      assert.equal(g.errors.length, 25);
      assert.ok(
        Math.abs(g.loss - g.referenceLoss) < 1e-5 * Math.abs(g.referenceLoss),
        `${g.variant}: loss ${g.loss}`,
      );
      for (const { name, error } of g.errors) {
        assert.ok(error <= 1e-4, `${g.variant} ${name}: relative error ${error}`);
      }
      assert.ok(g.passed);
    }
  });
}

Deno.test({
  name: "the same comparison catches tfjs's stock filter gradient, truncated by lavapipe's loop limit",
  ignore: !/llvmpipe/.test(backend.adapter),
  fn: async () => {
    const [stock] = await compareNetGradients(1 / 16, await firstImages(128), ["stock"]);
    const worst = stock.errors[0];
    assert.ok(
      /^(prep|layer1)_conv/.test(worst.name) && worst.error > 0.1,
      JSON.stringify(stock.errors.slice(0, 3)),
    );
    assert.equal(stock.passed, false);
  },
});
