/**
 * The airbench94 preset trained on both backends: fractional epochs, the whitening bias epochs, and a resume that
 * reproduces the uninterrupted run with the lookahead and the alternating flip (their arithmetic is tested in
 * tests/unit/airbench_math_test.ts); the one-file recipe (lib/lab/recipe) trains exactly what `train` trains.
 */
import assert from "node:assert/strict";
import { tf } from "../lib/core/backend/mod.ts";
import { AIRBENCH94 } from "../lib/core/config/mod.ts";
import { WHITEN_BIAS_LAYER } from "../lib/core/model/mod.ts";
import { airbench94Recipe } from "../lib/lab/recipe/mod.ts";
import { train, type TrainConfig, TrainSession, whiteningFor } from "../lib/core/train/mod.ts";
import { assertResumeReproduces, backendTest, smallDevice } from "./helpers.ts";

/** airbench94 at 1/8 width on 512 images, batch 128 (4 steps an epoch), 1.6 epochs (7 steps), lookahead every 2. */
const TINY_AIRBENCH: TrainConfig = {
  ...AIRBENCH94,
  model: { ...AIRBENCH94.model, width: 1 / 8 },
  trainSubset: 512,
  batchSize: 128,
  epochs: 1.6,
  lookaheadEvery: 2,
  whitenBiasEpochs: 1,
  evalEvery: 0,
  syncEvery: 1,
};

backendTest(
  "airbench94: 1.6 epochs are ceil(4 x 1.6) = 7 steps; the whitening bias trains in epoch 1 only",
  async () => {
    const dev = await smallDevice(512, 100, AIRBENCH94.augment.pad);
    const session = new TrainSession(TINY_AIRBENCH, dev, {
      whitening: await whiteningFor(TINY_AIRBENCH, dev),
    });
    try {
      assert.deepEqual([session.totalSteps, session.epochs, session.stepsIn(0), session.stepsIn(1)], [
        7,
        2,
        4,
        3,
      ]);
      const bias = () => session.model.getLayer(WHITEN_BIAS_LAYER).getWeights()[0].data();
      const seen: Float32Array[] = [await bias() as Float32Array];
      for (let step = 0; step < session.totalSteps; step++) {
        const out = session.step(step);
        assert.ok(Number.isFinite((await out[0].data())[0]), `loss at step ${step}`);
        tf.dispose(out);
        seen.push(await bias() as Float32Array);
      }
      const moved = (a: Float32Array, b: Float32Array) => a.some((x, i) => x !== b[i]);
      assert.ok(moved(seen[0], seen[1]), "the bias trains in the first epoch");
      // Step 4 is the first of epoch 2; steps 5 (lookahead: every 2nd) may move it towards its average only.
      assert.ok(!moved(seen[4], seen[5]), "no SGD step on the frozen bias in epoch 2");
    } finally {
      session.dispose();
      dev.dispose();
    }
  },
);

backendTest(
  "airbench94 (1/8 width, lookahead, alternating flip): a mid-epoch resume reproduces the uninterrupted run",
  async () => {
    const dev = await smallDevice(512, 100, AIRBENCH94.augment.pad);
    try {
      const full = await assertResumeReproduces(TINY_AIRBENCH, dev, 5, (ckpt) =>
        assert.ok(
          Object.keys(ckpt.optimizer).some((k) => k.startsWith("lookahead/")),
          "lookahead in the checkpoint",
        ));
      assert.equal(full.losses.length, 7);
      assert.deepEqual(full.metrics.map((m) => m.epoch), [1, 2]);
      assert.ok(full.losses.every(Number.isFinite));
    } finally {
      dev.dispose();
    }
  },
);

// The recipe and train() call the same pieces in the same order on whatever backend runs; the native backend
// checks that in seconds (on lavapipe's WebGPU the two trainings would take a minute of the suite).
backendTest(
  "the one-file airbench94 recipe gives train()'s losses, final weights and TTA accuracy, to the last bit",
  async () => {
    const dev = await smallDevice(512, 100, AIRBENCH94.augment.pad);
    const before = tf.memory().numTensors;
    try {
      const lines: string[] = [];
      const recipe = await airbench94Recipe(dev, TINY_AIRBENCH, (line) => lines.push(line));
      const lib = await train(TINY_AIRBENCH, dev);
      try {
        assert.equal(recipe.losses.length, 7);
        assert.deepEqual(recipe.losses, lib.result.losses);
        assert.equal(recipe.ttaAccuracy, lib.result.finalTestAcc);
        assert.equal(recipe.epochAccuracy.length, 2);
        assert.equal(lines.length, 3, lines.join("\n"));
        const weights = (m: typeof lib.model) => Promise.all(m.getWeights().map((w) => w.data()));
        const [ours, theirs] = [await weights(recipe.model), await weights(lib.model)];
        assert.equal(ours.length, theirs.length);
        ours.forEach((w, i) => assert.deepEqual(w, theirs[i], `weight ${lib.model.weights[i].name}`));
      } finally {
        recipe.model.dispose();
        lib.model.dispose();
      }
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
    } finally {
      dev.dispose();
    }
  },
  ["tensorflow"],
);
