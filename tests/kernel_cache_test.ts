/**
 * The kernel check that `deno task train` runs once per adapter (lib/lab/doctor/kernel_cache.ts): the first call runs
 * the check and keeps its verdict, the next reads it; a kept failing verdict refuses the fast kernels with the
 * failure's description; off webgpu there is nothing to check.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { watchWebGpuDevice } from "../lib/core/backend/webgpu.ts";
import { checkKernelsCached, saveKernelVerdict } from "../lib/lab/doctor/mod.ts";
import { checkVerdict, type KernelCheckReport, resolveConvStrategy } from "../lib/core/kernels/mod.ts";
import { tempDir } from "./helpers.ts";

const backend = await initBackend("webgpu", { log: () => {} });
watchWebGpuDevice(tf.backend());

Deno.test("the first call checks the kernels and keeps the verdict; the second reads it", async () => {
  await using tmp = await tempDir();
  const lines: string[] = [];
  const first = await checkKernelsCached(backend, (l) => lines.push(l), { conv: "auto", dir: tmp.path });
  const strategy = resolveConvStrategy("auto");
  assert.deepEqual([first.safe, first.cached], [true, false], first.reason);
  assert.match(first.reason, new RegExp(`conv ${strategy}\\) passed all \\d+ checks`));
  assert.equal([...Deno.readDirSync(tmp.path)].length, 1);
  const second = await checkKernelsCached(backend, (l) => lines.push(l), { conv: "auto", dir: tmp.path });
  assert.deepEqual(second, { ...first, cached: true });
  assert.match(lines.at(-1)!, /kernel check: passed on this adapter on \d{4}-/);
  // The other strategy is another verdict.
  const other = strategy === "tiled" ? "direct" : "tiled";
  await checkKernelsCached(backend, () => {}, { conv: other, dir: tmp.path });
  assert.equal([...Deno.readDirSync(tmp.path)].length, 2);
});

Deno.test("a failing verdict refuses the fast kernels and says which kernel failed at which shapes", async () => {
  const report: KernelCheckReport = {
    checks: [
      { kernel: "SGD step", shape: "4099 weights", error: 1e-7, worst: "weights", passed: true },
      {
        kernel: "conv backpropFilter (tiled)",
        shape: "x [8,32,32,3], filter [3,3,3,4]",
        strategy: "tiled",
        error: 0.31,
        worst: "backpropFilter",
        passed: false,
      },
    ],
    passed: false,
    seconds: 1,
  };
  const verdict = checkVerdict(report, "an adapter", "tiled");
  assert.equal(verdict.safe, false);
  assert.match(
    verdict.reason,
    /failed 1 of 2 checks on an adapter .*conv backpropFilter \(tiled\) at x \[8,32,32,3\]/,
  );
  assert.equal(checkVerdict(report, "an adapter", "direct").safe, true, "the direct strategy has no failure");
  await using tmp = await tempDir();
  await saveKernelVerdict(backend, "tiled", { ...verdict, cached: false }, tmp.path);
  const kept = await checkKernelsCached(backend, () => {}, { conv: "tiled", dir: tmp.path });
  assert.deepEqual(kept, { ...verdict, cached: true });
});

Deno.test("off webgpu the fast WebGPU kernels do not run, so there is nothing to check", async () => {
  const cpu = await initBackend("cpu", { log: () => {} });
  try {
    const verdict = await checkKernelsCached(cpu, () => {});
    assert.deepEqual(verdict, { safe: true, reason: "the WebGPU kernels do not run on cpu", cached: false });
  } finally {
    await tf.setBackend("webgpu");
  }
});
