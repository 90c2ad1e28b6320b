/**
 * The fast WebGPU kernels against references (lib/core/kernels/check.ts) on the adapter this process runs on:
 * convolutions under both strategies (tiled and direct) against tfjs's cpu backend (forward, input gradient) and a
 * float64 loop (filter gradient), the fused batch norm with ReLU, CELU and ghost groups, and the fused SGD step
 * against float64 loops; relative error ||a - b|| / ||b|| <= 1e-4 everywhere. `deno task test` runs this file on
 * the default Vulkan driver (lavapipe here) at every DavidNet layer shape (full width at batch 8, 1/16 width at
 * batch 128 and 512); tests/swiftshader_test.ts runs it again on SwiftShader with DAVIDNET_TEST_SHAPES=paths: only
 * the kernel check's shapes, which take every code path of the kernels, since SwiftShader is slower.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { watchWebGpuDevice } from "../lib/core/backend/webgpu.ts";
import {
  bnLoopIterations,
  CHECK_TOLERANCE,
  checkKernels,
  compareBatchNorm,
  compareConv,
  conv2dBackpropFilterF64,
  convInfo,
  KernelRuntime,
  MAX_LOOP_ITERATIONS,
  MINIMUM_LIMITS,
  planConv,
  relativeError,
  runningLimits,
  sgdF64,
  uniform,
} from "../lib/core/kernels/mod.ts";
import { buildNet, convShapes } from "../lib/core/model/mod.ts";
import { MomentumSgd } from "../lib/core/train/mod.ts";
import { expectedAdapter, testShapes } from "./adapters.ts";

const backend = await initBackend("webgpu", { log: () => {} });
watchWebGpuDevice(tf.backend());
const SIZES = testShapes() === "all"
  ? [{ width: 1, batch: 8 }, { width: 1 / 16, batch: 128 }, { width: 1 / 16, batch: 512 }]
  : [];

/** The distinct conv geometries of DavidNet at `width` (the residual convs repeat). */
function distinctConvs(width: number) {
  const model = buildNet({ width });
  const shapes = convShapes(model);
  model.dispose();
  return shapes.filter((s, i) =>
    shapes.findIndex((t) =>
      JSON.stringify(t.input.concat(t.filter)) === JSON.stringify(s.input.concat(s.filter))
    ) ===
      i
  );
}

Deno.test("the kernels run on the adapter this test run is for", () => {
  const want = expectedAdapter();
  assert.ok(!want || want.test(backend.adapter), `running on ${backend.adapter}, expected ${want}`);
});

Deno.test("the float64 filter-gradient reference equals tfjs's cpu kernel (stride 1 and 2, same and valid)", async () => {
  for (
    const [xShape, filter, strides, pad] of [
      [[2, 7, 7, 3], [3, 3, 3, 5], 1, "same"],
      [[2, 8, 8, 4], [3, 3, 4, 6], 2, "same"],
      [[1, 9, 9, 2], [3, 3, 2, 3], 2, "valid"],
    ] as const
  ) {
    const info = tf.backend_util.computeConv2DInfo(xShape as never, filter as never, strides, 1, pad);
    const xs = uniform(xShape.reduce((a: number, b) => a * b, 1), 1);
    const dys = uniform(info.outShape.reduce((a, b) => a * b, 1), 2);
    await tf.setBackend("cpu");
    let cpu: Float32Array;
    try {
      const [x, dy] = [tf.tensor4d(xs, xShape as never), tf.tensor4d(dys, info.outShape)];
      const attrs = { strides: [strides, strides], pad, dataFormat: "NHWC", filterShape: filter };
      const t = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs as never) as tf.Tensor;
      cpu = await t.data() as Float32Array;
      tf.dispose([x, dy, t]);
    } finally {
      await tf.setBackend("webgpu");
    }
    const geometry = { xShape: [...xShape] as never, filterShape: [...filter] as never, strides, pad };
    const ref = conv2dBackpropFilterF64(xs, dys, geometry);
    assert.ok(
      relativeError(ref, cpu) < 1e-6,
      `${xShape} ${filter} s${strides} ${pad}: ${relativeError(ref, cpu)}`,
    );
  }
});

Deno.test("no fast kernel loops more than 16,384 times in one invocation at any DavidNet shape up to batch 2048, at this adapter's limits and at WebGPU's minimum", () => {
  for (const limits of [runningLimits(), MINIMUM_LIMITS]) {
    for (const width of [1, 1 / 16]) {
      for (const batch of [8, 128, 512, 2048]) {
        for (const s of distinctConvs(width)) {
          const info = convInfo([batch, ...s.input], s.filter, { strides: [1, 1], pad: "same" });
          for (const product of ["forward", "backpropInput", "backpropFilter"] as const) {
            for (const strategy of ["tiled", "direct"] as const) {
              const { loopIterations } = planConv(product, info, strategy, limits);
              assert.ok(
                loopIterations <= MAX_LOOP_ITERATIONS,
                `${s.layer} ${product} ${strategy} batch ${batch}: ${loopIterations}`,
              );
            }
          }
          for (const groups of [1, batch / 4]) {
            const bn = bnLoopIterations([batch, s.input[0], s.input[1], s.filter[3]], groups);
            assert.ok(
              bn <= MAX_LOOP_ITERATIONS,
              `${s.layer} batch norm batch ${batch}, ${groups} groups: ${bn}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("the kernel check passes: every fast kernel, both conv strategies, at shapes that take every code path", async () => {
  const report = await checkKernels();
  const failed = report.checks.filter((c) => !c.passed);
  assert.deepEqual(failed, [], JSON.stringify(failed, null, 1));
  assert.ok(report.checks.length >= 50, `${report.checks.length} checks`);
});

for (const { width, batch } of SIZES) {
  Deno.test(`conv kernels (tiled and direct) equal the references at every DavidNet shape: width ${width}, batch ${batch}`, async () => {
    for (const s of distinctConvs(width)) {
      const geometry = {
        xShape: [batch, ...s.input] as [number, number, number, number],
        filterShape: s.filter,
        strides: 1,
        pad: "same" as const,
      };
      for (const c of await compareConv(geometry, ["tiled", "direct"])) {
        assert.ok(c.passed, `${s.layer} ${c.kernel} batch ${batch}: ${c.worst} error ${c.error}`);
      }
    }
  });
}

for (const { width, batch } of SIZES) {
  Deno.test(`fused batch norm + ReLU/CELU (and ghost groups) equals the float64 reference at every DavidNet shape: width ${width}, batch ${batch}`, async () => {
    const shapes = distinctConvs(width).map((s) => [batch, s.input[0], s.input[1], s.filter[3]]);
    for (const shape of shapes.filter((s, i) => shapes.findIndex((t) => t.join() === s.join()) === i)) {
      // Ghost batch norm in 4 groups.
      for (const [activation, groups] of [["relu", 1], ["celu", 1], ["celu", 4]] as const) {
        const c = await compareBatchNorm(shape as [number, number, number, number], activation, groups);
        assert.ok(c.passed, `[${shape}] ${c.kernel}: ${c.worst} error ${c.error}`);
      }
    }
  });
}

Deno.test("the SGD step of the trainer, fused and stock, equals the float64 formula over three steps", async () => {
  const n = 4099, w0 = uniform(n, 1), grads = [2, 3, 4].map((s) => uniform(n, s)), lrs = [0.1, 0.2, 0.3];
  const run = async (mode: "stock" | "fast") => {
    const w = tf.variable(tf.tensor1d(w0));
    const sgd = new MomentumSgd(
      [{ name: "all", lrScale: 1, wdScale: 1, params: [{ name: "w", variable: w }] }],
      { momentum: 0.9, weightDecay: 5e-4, nesterov: true },
      new KernelRuntime({ mode }),
    );
    try {
      for (const [i, g] of grads.entries()) {
        const t = tf.tensor1d(g);
        sgd.step({ [w.name]: t }, lrs[i]);
        t.dispose();
      }
      return await w.data() as Float32Array;
    } finally {
      sgd.dispose();
      w.dispose();
    }
  };
  const ref = sgdF64(w0, grads, lrs, { momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  for (const mode of ["fast", "stock"] as const) {
    const err = relativeError(await run(mode), ref);
    assert.ok(err < 1e-6 && err <= CHECK_TOLERANCE, `${mode}: error ${err}`);
  }
});
