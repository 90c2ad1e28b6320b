import assert from "node:assert/strict";
import { tf } from "../lib/core/backend/mod.ts";
import { SMOKE_TRICKS, TRICKS } from "../lib/core/config/mod.ts";
import { train, type TrainConfig, TrainSession, whiteningFor } from "../lib/core/train/mod.ts";
import { backendTest, smallDevice } from "./helpers.ts";

/** A few steps of a preset at 1/16 width: 256 images, batch 64 (ghost batch norm: 2 groups of 32). */
const tiny = (preset: TrainConfig): TrainConfig => ({
  ...preset,
  model: { ...preset.model, width: 1 / 16 },
  trainSubset: 256,
  batchSize: 64,
  epochs: 2,
  evalEvery: 0,
  syncEvery: 1,
});

backendTest(
  "tricks and smoke-tricks train a few steps at 1/16 width without NaN; the frozen BN scale stays 1",
  async () => {
    const dev = await smallDevice(256, 50);
    try {
      for (const preset of [TRICKS, SMOKE_TRICKS]) {
        const before = tf.memory().numTensors;
        const { result, model } = await train({ ...tiny(preset), epochs: 1 }, dev);
        assert.equal(result.status, "completed");
        assert.equal(result.losses.length, 4);
        assert.ok(result.losses.every(Number.isFinite), `losses ${result.losses}`);
        assert.ok(result.finalTestAcc !== null && result.finalTestAcc >= 0);
        const gammas = model.weights.filter((w) => w.originalName.endsWith("_bn/gamma"));
        assert.ok(gammas.length > 0);
        for (const g of gammas) {
          assert.ok((await g.read().data()).every((x) => x === 1), `${g.originalName} moved`);
        }
        assert.ok(!model.trainableWeights.some((w) => w.originalName.endsWith("/gamma")));
        model.dispose();
        assert.equal(tf.memory().numTensors, before, "tensors leaked");
      }
    } finally {
      dev.dispose();
    }
  },
);

backendTest(
  "the whitening filters are fixed: computed once, saved with the model, never trained",
  async () => {
    const dev = await smallDevice(256, 10);
    try {
      const cfg = { ...tiny(SMOKE_TRICKS), epochs: 1 };
      const filters = (await whiteningFor(cfg, dev))!;
      assert.equal(filters.length, 3 * 3 * 3 * 27);
      const session = new TrainSession(cfg, dev, { whitening: filters });
      const whiten = () => session.model.getLayer("prep_whiten").getWeights()[0];
      const start = await whiten().data();
      tf.dispose(session.step(0));
      tf.dispose(session.step(1));
      assert.deepEqual(await whiten().data(), start);
      assert.ok(!session.model.trainableWeights.some((w) => w.originalName.startsWith("prep_whiten")));
      session.dispose();
    } finally {
      dev.dispose();
    }
  },
);
