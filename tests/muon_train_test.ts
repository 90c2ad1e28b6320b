/**
 * The airbench94_muon preset trained on both backends: Muon and the SGD groups together, the whitening bias's own
 * decay and freeze, and a mid-run resume that reproduces the uninterrupted run (Muon's momentum in the
 * checkpoint). The optimizer's arithmetic is tested in tests/unit/muon_test.ts.
 */
import assert from "node:assert/strict";
import { tf } from "../lib/core/backend/mod.ts";
import { AIRBENCH94_MUON } from "../lib/core/config/mod.ts";
import { WHITEN_BIAS_LAYER } from "../lib/core/model/mod.ts";
import { type TrainConfig, TrainSession, whiteningFor } from "../lib/core/train/mod.ts";
import { assertResumeReproduces, backendTest, smallDevice } from "./helpers.ts";

/** airbench94_muon at 1/8 width on 512 images, batch 128 (4 steps an epoch), 2 epochs, the bias for 1. */
const TINY_MUON: TrainConfig = {
  ...AIRBENCH94_MUON,
  model: { ...AIRBENCH94_MUON.model, width: 1 / 8 },
  trainSubset: 512,
  batchSize: 128,
  lr: 0.67 * 128, // the preset's rates per example at this batch (airbench's summed loss x batch)
  epochs: 2,
  whitenBiasEpochs: 1,
  evalEvery: 0,
  syncEvery: 1,
};

/** The same at 1/16 width on 128 images, batch 32 (4 steps an epoch): small enough for a software adapter. */
const TINIER_MUON: TrainConfig = {
  ...TINY_MUON,
  model: { ...TINY_MUON.model, width: 1 / 16 },
  trainSubset: 128,
  batchSize: 32,
  lr: 0.67 * 32,
};

backendTest(
  "airbench94_muon: Muon steps every filter; the whitening bias moves in epoch 1 only",
  async () => {
    const dev = await smallDevice(128, 10, AIRBENCH94_MUON.augment.pad);
    const session = new TrainSession(TINIER_MUON, dev, { whitening: await whiteningFor(TINIER_MUON, dev) });
    try {
      const filters = session.model.trainableWeights.filter((w) => w.shape.length === 4);
      const read = async () => ({
        bias: await session.model.getLayer(WHITEN_BIAS_LAYER).getWeights()[0].data() as Float32Array,
        filters: await Promise.all(filters.map((w) => w.read().data() as Promise<Float32Array>)),
      });
      const seen = [await read()];
      const losses: number[] = [];
      for (let step = 0; step < session.totalSteps; step++) {
        const out = session.step(step);
        losses.push((await out[0].data())[0]);
        tf.dispose(out);
        seen.push(await read());
      }
      assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
      const moved = (a: Float32Array, b: Float32Array) => a.some((x, i) => x !== b[i]);
      assert.ok(
        seen[0].filters.every((f, i) => moved(f, seen[1].filters[i])),
        "every filter moves at step 1",
      );
      assert.ok(moved(seen[0].bias, seen[1].bias), "the bias trains in the first epoch");
      assert.ok(!moved(seen[4].bias, seen[8].bias), "the bias is frozen in epoch 2");
    } finally {
      session.dispose();
      dev.dispose();
    }
  },
);

// Checkpointing Muon's state does not depend on the backend; the native backend alone keeps the suite short.
backendTest("airbench94_muon (1/8 width): a mid-run resume reproduces the uninterrupted run", async () => {
  const dev = await smallDevice(512, 100, AIRBENCH94_MUON.augment.pad);
  try {
    const full = await assertResumeReproduces(
      TINY_MUON,
      dev,
      5,
      (ckpt) =>
        assert.ok("layer1_conv/kernel" in ckpt.optimizer, "Muon's momentum of layer1_conv in the checkpoint"),
    );
    assert.equal(full.losses.length, 8);
  } finally {
    dev.dispose();
  }
}, ["tensorflow"]);
