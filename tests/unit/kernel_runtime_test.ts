/**
 * The kernel runtime's pure parts on tfjs's cpu backend: what `fast` switches where, and the switch of tfjs's
 * webgpu kernel registry (registered at import, so it can be switched without a device), which reads what is
 * registered rather than keeping state of its own. tests/runtime_test.ts trains with it on every backend.
 */
import assert from "node:assert/strict";
import { tf } from "../../lib/core/backend/tf.ts";
import { KernelRuntime } from "../../lib/core/kernels/mod.ts";
import { registerWebGpuKernels } from "../../lib/core/kernels/registry.ts";

await tf.setBackend("cpu");

Deno.test("on tfjs's cpu backend fast switches nothing, and an unknown mode is refused", () => {
  const fast = new KernelRuntime({ mode: "fast" });
  assert.deepEqual(
    [fast.backend, fast.fusedWebGpu, fast.fusedNativeBatchNorm, fast.conv],
    ["cpu", false, false, null],
  );
  fast.activate();
  assert.throws(
    () => new KernelRuntime({ mode: "quick" as never }),
    /kernel mode "quick": expected one of stock, fast/,
  );
});

Deno.test("the webgpu convolutions switch between tfjs's own and davidnet's, back to the very same configs", () => {
  const names = ["Conv2D", "FusedConv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"];
  const registered = () => names.map((n) => tf.getKernel(n, "webgpu")!);
  const same = (a: tf.KernelConfig[], b: tf.KernelConfig[]) => a.every((c, i) => c === b[i]);
  const stock = registered();
  try {
    registerWebGpuKernels("tiled");
    const tiled = registered();
    assert.ok(tiled.every((c, i) => c !== stock[i]), "davidnet's tiled convolutions replace tfjs's");
    assert.ok(tf.getKernel("DavidnetBnMoments", "webgpu"), "the fused batch norm is registered with them");
    registerWebGpuKernels("tiled");
    assert.ok(same(registered(), tiled), "switching to what is registered changes nothing");
    registerWebGpuKernels("direct");
    assert.ok(registered().every((c, i) => c !== tiled[i] && c !== stock[i]), "the direct ones replace them");
    registerWebGpuKernels("stock");
    assert.ok(same(registered(), stock), "tfjs's own configs are back");
  } finally {
    registerWebGpuKernels("stock");
  }
});
