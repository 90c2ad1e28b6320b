import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { checkpointTo, loadCheckpoint, loadModel, saveModel } from "../lib/lab/run/mod.ts";
import { SMOKE, SMOKE_TRICKS } from "../lib/core/config/mod.ts";
import {
  evaluate,
  MomentumSgd,
  predictLogits,
  smoothedCrossEntropy,
  train,
  type TrainConfig,
} from "../lib/core/train/mod.ts";
import { backendTest, smallDevice, tempDir } from "./helpers.ts";

await initBackend("webgpu", { log: () => {} });

/** A tiny run: 1/16 width, 256 images, batch 64 (4 steps an epoch), 100 test images. */
const TINY: TrainConfig = {
  ...SMOKE,
  trainSubset: 256,
  batchSize: 64,
  epochs: 2,
  lrPeak: 0.5,
  evalEvery: 0,
  syncEvery: 1,
  tta: "none",
};

Deno.test("label-smoothed cross-entropy equals a hand computation", async () => {
  const logits = [[2, 0, -1], [0.5, 0.5, 3]];
  const labels = [0, 2];
  const s = 0.2;
  let want = 0;
  for (let i = 0; i < 2; i++) {
    const z = Math.log(logits[i].reduce((a, v) => a + Math.exp(v), 0));
    const logp = logits[i].map((v) => v - z);
    want += (1 - s) * -logp[labels[i]] + s * -(logp.reduce((a, b) => a + b, 0) / 3);
  }
  want /= 2;
  const got = smoothedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, "int32"), s);
  assert.ok(Math.abs((await got.data())[0] - want) < 1e-6, `${(await got.data())[0]} vs ${want}`);
  got.dispose();
});

Deno.test("Nesterov SGD with weight decay follows PyTorch's update", async () => {
  const w = tf.variable(tf.tensor1d([1, -2]), true, "sgd_test_w");
  const sgd = new MomentumSgd(
    [{ name: "all", lrScale: 1, wdScale: 1, params: [{ name: "w", variable: w }] }],
    { momentum: 0.9, weightDecay: 0.1, nesterov: true },
  );
  let ref = [1, -2], v = [0, 0];
  for (const [grad, lr] of [[[0.5, 0.25], 0.1], [[-1, 2], 0.2]] as const) {
    const g = tf.tensor1d(grad as unknown as number[]);
    sgd.step({ [w.name]: g }, lr);
    g.dispose();
    const gd = ref.map((x, i) => grad[i] + 0.1 * x);
    v = v.map((vi, i) => 0.9 * vi + gd[i]);
    ref = ref.map((x, i) => x - lr * (gd[i] + 0.9 * v[i]));
  }
  (await w.data()).forEach((x, i) => assert.ok(Math.abs(x - ref[i]) < 1e-6, `${x} vs ${ref[i]}`));
  sgd.dispose();
  w.dispose();
});

backendTest("same seed gives the same first losses; three steps leak no tensor", async () => {
  const dev = await smallDevice(192, 100);
  const cfg = { ...TINY, trainSubset: 192, epochs: 1 };
  try {
    const before = tf.memory().numTensors;
    const a = await train(cfg, dev);
    a.model.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked over 3 steps + evaluation");
    assert.equal(a.result.losses.length, 3);
    const b = await train(cfg, dev);
    b.model.dispose();
    assert.deepEqual(b.result.losses, a.result.losses);
    const c = await train({ ...cfg, seed: 1 }, dev);
    c.model.dispose();
    assert.notDeepEqual(c.result.losses, a.result.losses);
  } finally {
    dev.dispose();
  }
});

backendTest("a saved model reloads to identical logits", async () => {
  const dev = await smallDevice(128, 50);
  await using tmp = await tempDir();
  try {
    const { model } = await train({ ...TINY, trainSubset: 128, epochs: 1 }, dev);
    await saveModel(model, `${tmp.path}/model`, { note: "test" });
    const { model: back, metadata } = await loadModel(`${tmp.path}/model`);
    assert.deepEqual(metadata, { note: "test" });
    const x = dev.testX.slice(0, 20);
    const want = predictLogits(model, x, "flip"), got = predictLogits(back, x, "flip");
    assert.deepEqual(await got.data(), await want.data());
    tf.dispose([x, want, got]);
    model.dispose();
    back.dispose();
  } finally {
    dev.dispose();
  }
});

/** A few steps of `smoke-tricks` with the weight average every 2 steps: whitening, ghost BN, EMA in the checkpoint. */
const TINY_TRICKS: TrainConfig = {
  ...TINY,
  model: { ...SMOKE_TRICKS.model, width: 1 / 16 },
  augment: SMOKE_TRICKS.augment,
  biasLrScale: SMOKE_TRICKS.biasLrScale,
  biasWdScale: SMOKE_TRICKS.biasWdScale,
  emaEvery: 2,
  emaMomentum: 0.8,
};

for (const [name, cfg] of [["smoke", TINY], ["smoke-tricks (whitening, EMA)", TINY_TRICKS]] as const) {
  backendTest(`resuming from a mid-epoch checkpoint reproduces the uninterrupted run: ${name}`, async () => {
    const dev = await smallDevice(256, 100);
    await using tmp = await tempDir();
    try {
      const full = await train(cfg, dev);
      let steps = 0;
      const cut = await train(cfg, dev, {
        checkpoint: checkpointTo(`${tmp.path}/ckpt`),
        shouldStop: () => ++steps === 3,
      });
      assert.equal(cut.result.status, "interrupted");
      assert.equal(cut.result.losses.length, 3);
      cut.model.dispose();
      const ckpt = await loadCheckpoint(`${tmp.path}/ckpt`);
      assert.deepEqual([ckpt.state.epoch, ckpt.state.step], [0, 3]);
      assert.equal(Object.keys(ckpt.optimizer).some((k) => k.startsWith("ema/")), cfg.emaEvery > 0);
      const resumed = await train(cfg, dev, { resume: ckpt });
      tf.dispose(Object.values(ckpt.optimizer));
      assert.equal(resumed.result.status, "completed");
      assert.deepEqual(resumed.result.losses, full.result.losses);
      assert.deepEqual(
        resumed.result.metrics.map((m) => m.trainLoss),
        full.result.metrics.map((m) => m.trainLoss),
      );
      assert.equal(resumed.result.finalTestAcc, full.result.finalTestAcc);
      const x = dev.testX.slice(0, 10);
      const a = predictLogits(full.model, x, "none"), b = predictLogits(resumed.model, x, "none");
      assert.deepEqual(await b.data(), await a.data());
      tf.dispose([x, a, b]);
      full.model.dispose();
      resumed.model.dispose();
    } finally {
      dev.dispose();
    }
  });
}

backendTest(
  "a diverging run stops at the first non-finite loss and keeps the last good checkpoint",
  async () => {
    const dev = await smallDevice(256, 20);
    await using tmp = await tempDir();
    try {
      const cfg = { ...TINY, lr: 1e30, epochs: 3, lrPeak: 0.25 / 3 };
      const { result, model } = await train(cfg, dev, { checkpoint: checkpointTo(`${tmp.path}/ckpt`) });
      model.dispose();
      assert.equal(result.status, "diverged");
      const d = result.divergedAt!;
      assert.ok(!Number.isFinite(d.loss));
      assert.equal(d.step, result.losses.length, "every loss before the bad step is kept, none after");
      assert.ok(result.losses.every(Number.isFinite));
      assert.equal(result.finalTestAcc, null);
      if (d.epoch > 0) {
        const ckpt = await loadCheckpoint(`${tmp.path}/ckpt`);
        assert.equal(ckpt.state.epoch, d.epoch);
        ckpt.model.dispose();
        tf.dispose(Object.values(ckpt.optimizer));
      }
    } finally {
      dev.dispose();
    }
  },
);

backendTest("a narrow net overfits 128 images (> 90% train accuracy)", async () => {
  const dev = await smallDevice(128, 10, 0);
  try {
    // No augmentation or regularisation; a fast BN momentum so the running statistics that inference uses
    // keep up with only 4 steps an epoch (64 steps in all: lavapipe takes about 40 s, 98% here on both backends).
    const cfg: TrainConfig = {
      ...TINY,
      augment: { pad: 0, flip: false, alternateFlip: false, cutout: 0 },
      model: { ...TINY.model, bnMomentum: 0.5 },
      labelSmoothing: 0,
      weightDecay: 0,
      trainSubset: 128,
      epochs: 16,
      lr: 0.4,
      lrPeak: 2 / 16,
      batchSize: 32,
      syncEvery: 8,
    };
    const { model } = await train(cfg, dev);
    const acc = await evaluate(model, dev.trainX, dev.trainY, { tta: "none" });
    model.dispose();
    assert.ok(acc.accuracy > 0.9, `train accuracy ${acc.accuracy}`);
  } finally {
    dev.dispose();
  }
});

// The native backend's ops block; WebGPU steps only enqueue work and are read back every syncEvery steps.
backendTest(
  "native: a stop requested from the event loop (a signal listener) ends the run within a step",
  async () => {
    const dev = await smallDevice(256, 100);
    try {
      // Losses are read back only at the epoch's end (syncEvery 100): on a backend whose ops block, the loop must
      // still yield to the event loop after every step, or this timer's request would wait for the read-back.
      let requested = false, steps = 0;
      setTimeout(() => requested = true, 0);
      const { model, result } = await train({ ...TINY, syncEvery: 100 }, dev, {
        shouldStop: () => {
          steps++;
          return requested;
        },
      });
      model.dispose();
      assert.equal(result.status, "interrupted");
      assert.ok(steps <= 2, `stopped after ${steps} steps, not within the first ones`);
    } finally {
      dev.dispose();
    }
  },
  ["tensorflow"],
);
