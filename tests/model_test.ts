import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import {
  activationLayerName,
  buildNet,
  Celu,
  channels,
  countTrainableParams,
  layerTable,
} from "../lib/core/model/mod.ts";

await initBackend("webgpu", { log: () => {} });

Deno.test("full DavidNet: 6,573,120 trainable parameters, the seed's layer shapes, 10 logits", () => {
  const model = buildNet();
  try {
    assert.equal(countTrainableParams(model), 6_573_120);
    const table = layerTable(model);
    const shape = (name: string) => table.find((r) => r.layer === name)?.output;
    assert.equal(shape("prep_bn"), "[N,32,32,64]");
    assert.equal(table.filter((r) => r.kind === "DavidnetBatchNormAct").length, 8);
    assert.equal(shape("layer1_pool"), "[N,16,16,128]");
    assert.equal(shape("layer1_add"), "[N,16,16,128]");
    assert.equal(shape("layer2_pool"), "[N,8,8,256]");
    assert.equal(shape("layer3_add"), "[N,4,4,512]");
    assert.equal(shape("pool"), "[N,512]");
    assert.equal(table.filter((r) => r.kind === "Conv2D").length, 8);
    assert.equal(table.find((r) => r.layer === "linear")?.params, 5120); // no bias
    const out = model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor;
    assert.deepEqual(out.shape, [2, 10]);
    out.dispose();
  } finally {
    model.dispose();
  }
  assert.deepEqual(channels(1 / 16), [4, 8, 16, 32]);
});

Deno.test("weights start like PyTorch: kaiming-uniform(a=sqrt 5) bounds, BN weight 1 and bias 0, seeded", async () => {
  const a = buildNet({ width: 0.25 }, { seed: 5 }), b = buildNet({ width: 0.25 }, { seed: 5 });
  const c = buildNet({ width: 0.25 }, { seed: 6 });
  try {
    const k = Float32Array.from(await a.getLayer("layer2_conv").getWeights()[0].data()); // 3x3x32 -> 64: fan_in 288
    const bound = Math.sqrt(1 / 288);
    assert.ok(k.every((v) => Math.abs(v) <= bound));
    const sd = Math.sqrt(k.reduce((s, v) => s + v * v, 0) / k.length);
    assert.ok(
      Math.abs(sd - bound / Math.sqrt(3)) < 0.05 * bound,
      `std ${sd}, expected ${bound / Math.sqrt(3)}`,
    );
    const [gamma, beta] = a.getLayer("layer2_bn").getWeights();
    assert.ok((await gamma.data()).every((v) => v === 1));
    assert.ok((await beta.data()).every((v) => v === 0));
    assert.deepEqual(Float32Array.from(await b.getLayer("layer2_conv").getWeights()[0].data()), k);
    assert.notDeepEqual(Float32Array.from(await c.getLayer("layer2_conv").getWeights()[0].data()), k);
  } finally {
    [a, b, c].forEach((m) => m.dispose());
  }
});

Deno.test("CELU(alpha) matches its formula; a CELU net builds", async () => {
  const x = tf.tensor1d([-3, -0.5, 0, 0.25, 2]);
  const y = new Celu({ alpha: 0.5 }).apply(x) as tf.Tensor;
  const want = [-3, -0.5, 0, 0.25, 2].map((v) => Math.max(0, v) + Math.min(0, 0.5 * (Math.exp(v / 0.5) - 1)));
  (await y.data()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`));
  tf.dispose([x, y]);
  const m = buildNet({ width: 1 / 16, activation: "celu" });
  assert.equal((m.getLayer("prep_bn").getConfig() as { activation: string }).activation, "celu");
  m.dispose();
  const noBn = buildNet({ width: 1 / 16, activation: "celu", batchNorm: false });
  assert.equal(layerTable(noBn).filter((r) => r.kind === "DavidnetCelu").length, 8);
  assert.equal(activationLayerName(noBn, "layer2"), "layer2_celu");
  noBn.dispose();
});
