import assert from "node:assert/strict";
import { initBackend, probeWebGpu, tf } from "../lib/core/backend/mod.ts";

Deno.test("WebGPU is detected, named in one line with why it runs, and flagged when it is a fallback adapter", async () => {
  const adapter = await probeWebGpu();
  assert.ok(
    adapter,
    "no WebGPU adapter: install a GPU driver or mesa-vulkan-drivers, and run with --unstable-webgpu",
  );
  if (/llvmpipe|lavapipe|swiftshader/i.test(adapter.description)) assert.equal(adapter.isFallback, true);
  const lines: string[] = [];
  const info = await initBackend("webgpu", { log: (l) => lines.push(l) });
  assert.equal(info.name, "webgpu");
  assert.equal(tf.getBackend(), "webgpu");
  assert.equal(info.isFallbackAdapter, adapter.isFallback);
  const escaped = adapter.description.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const suffix = adapter.isFallback ? " \\(fallback adapter\\)" : "";
  assert.ok(
    lines.some((l) =>
      new RegExp(`^backend: webgpu on ${escaped}${suffix} \\(asked for \\(--backend webgpu\\)\\)$`).test(l)
    ),
    lines.join("\n"),
  );
  const warned = lines.some((l) => /^warning: .* is a fallback \(software\) adapter/.test(l));
  assert.equal(warned, adapter.isFallback, lines.join("\n"));
  const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
  assert.deepEqual(Array.from(await sum.data()), [4, 6]);
  sum.dispose();
});

Deno.test("the cpu backend can be chosen explicitly and says so", async () => {
  const lines: string[] = [];
  const info = await initBackend("cpu", { log: (l) => lines.push(l) });
  assert.equal(info.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.deepEqual(lines, ["backend: cpu on tfjs cpu (JavaScript) (asked for (--backend cpu))"]);
});
