import assert from "node:assert/strict";
import { initBackend, tf } from "../../lib/core/backend/mod.ts";
import { buildNet } from "../../lib/core/model/mod.ts";
import { residualScales, rmsOfMoments } from "../../lib/lab/notebook/residual.ts";

await initBackend("cpu", { log: () => {} });

Deno.test("rms from channel moments: sqrt(mean over channels of mean² + variance)", () => {
  const m = { layer: "x", mean: Float32Array.from([1, 0]), variance: Float32Array.from([3, 2]) };
  assert.ok(Math.abs(rmsOfMoments(m) - Math.sqrt((1 + 3 + 0 + 2) / 2)) < 1e-9);
});

Deno.test("residual scales: DavidNet's two blocks at initialisation, branch and shortcut of the same order", async () => {
  const model = buildNet({ width: 1 / 16 }, { seed: 0 });
  const x = tf.randomNormal([8, 32, 32, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  try {
    const scales = await residualScales(model, x);
    assert.deepEqual(scales.map((s) => [s.block, s.shortcut, s.branch]), [
      ["layer1", "layer1_pool", "layer1_res2_bn"],
      ["layer3", "layer3_pool", "layer3_res2_bn"],
    ]);
    for (const s of scales) {
      assert.ok(s.ratio > 0.3 && s.ratio < 3, `${s.block}: branch / shortcut = ${s.ratio}`);
      assert.ok(Math.abs(s.ratio - s.branchRms / s.shortcutRms) < 1e-12);
    }
  } finally {
    x.dispose();
    model.dispose();
  }
});
