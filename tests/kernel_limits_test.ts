/**
 * The fast kernels under the smallest limits WebGPU guarantees: tfjs's webgpu backend runs here on a device
 * requested without `requiredLimits`, which gets WebGPU's defaults, the minimum every adapter offers (256
 * invocations per workgroup, 16 KiB of workgroup memory, 65535 workgroups per dimension, 128 MiB per storage
 * binding, 8 storage buffers per stage). Every kernel plan at every DavidNet shape fits them, and the kernel check
 * and one training step's gradients pass on that device, with its errors watched (a program beyond a limit would
 * otherwise be skipped silently).
 */
import assert from "node:assert/strict";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { watchWebGpuDevice } from "../lib/core/backend/webgpu.ts";
import {
  checkKernels,
  convInfo,
  type KernelLimits,
  MINIMUM_LIMITS,
  planConv,
  runningLimits,
  uniform,
} from "../lib/core/kernels/mod.ts";
import { compareNetGradients } from "../lib/lab/doctor/mod.ts";
import { buildNet, convShapes } from "../lib/core/model/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";

// As every command starts it (the native backend, when set up, must load before any WebGPU adapter), then the same
// backend again on a device of our own.
await initBackend("webgpu", { log: () => {} });
const adapter = (await navigator.gpu.requestAdapter())!;
const device = await adapter.requestDevice();
tf.removeBackend("webgpu");
tf.registerBackend("webgpu", () => new WebGPUBackend(device, adapter.info), 3);
assert.ok(await tf.setBackend("webgpu"));
watchWebGpuDevice(tf.backend());

/** Shrinks one limit of the minimum further, for the planning test. */
const tighter = (patch: Partial<KernelLimits>): KernelLimits => ({ ...MINIMUM_LIMITS, ...patch });

Deno.test("tfjs's device here has exactly WebGPU's minimum limits", () => {
  assert.deepEqual(runningLimits(), MINIMUM_LIMITS);
});

Deno.test("every conv plan at every DavidNet shape up to batch 2048 fits the limits it is planned for", () => {
  const cases = [MINIMUM_LIMITS, tighter({ maxComputeWorkgroupStorageSize: 2048 })];
  cases.push(tighter({ maxComputeInvocationsPerWorkgroup: 16, maxComputeWorkgroupSizeX: 16 }));
  for (const limits of cases) {
    for (const width of [1, 1 / 16]) {
      const model = buildNet({ width });
      const shapes = convShapes(model);
      model.dispose();
      for (const batch of [8, 512, 2048]) {
        for (const s of shapes) {
          const info = convInfo([batch, ...s.input], s.filter, { strides: [1, 1], pad: "same" });
          for (const product of ["forward", "backpropInput", "backpropFilter"] as const) {
            for (const strategy of ["tiled", "direct"] as const) {
              const p = planConv(product, info, strategy, limits);
              const [x, y, z] = p.program.workgroupSize, where = `${s.layer} ${product} ${strategy} ${batch}`;
              assert.ok(
                x * y * z <= limits.maxComputeInvocationsPerWorkgroup,
                `${where}: ${x * y * z} invocations`,
              );
              assert.ok(x <= limits.maxComputeWorkgroupSizeX, `${where}: x ${x}`);
              assert.ok(
                p.workgroupBytes <= limits.maxComputeWorkgroupStorageSize,
                `${where}: ${p.workgroupBytes} B`,
              );
              const max = limits.maxComputeWorkgroupsPerDimension;
              assert.ok(
                p.program.dispatch.every((d) => d <= max),
                `${where}: dispatch ${p.program.dispatch}`,
              );
            }
          }
        }
      }
    }
  }
});

Deno.test("the kernel check passes on a device with the minimum limits (both conv strategies)", async () => {
  const report = await checkKernels();
  const failed = report.checks.filter((c) => !c.passed);
  assert.deepEqual(failed, [], JSON.stringify(failed, null, 1));
});

Deno.test("one training step's gradients equal the reference on a device with the minimum limits", async () => {
  const rng = new Rng(4), n = 16;
  const batch = {
    images: uniform(n * 32 * 32 * 3, 9),
    labels: Int32Array.from({ length: n }, () => rng.int(10)),
  };
  for (const g of await compareNetGradients(1 / 16, batch, ["tiled", "direct"])) {
    assert.ok(
      g.passed,
      `${g.variant}: ${JSON.stringify(g.errors.slice(0, 3))}, loss ${g.loss} vs ${g.referenceLoss}`,
    );
  }
});
