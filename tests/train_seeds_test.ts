/**
 * trainSeeds on the native backend (its logic does not depend on the backend; tfjs's cpu backend takes half a
 * minute a run, too slow for the unit tier): each seed's run is a lone train() of that seed, the accuracy's mean
 * and std are the sample statistics of the runs, and the hooks see, stop and abort what they should; and
 * `train --runs 2`, which trains through it, writes the seeds' folders and runs.json.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../lib/core/backend/mod.ts";
import { SMOKE } from "../lib/core/config/mod.ts";
import { type SeedDone, toDevice, train, type TrainConfig, trainSeeds } from "../lib/core/train/mod.ts";
import { backendTest, runCli, tempDir } from "./helpers.ts";
import { tinyCifar, writeTinyShards } from "./tiny_shards.ts";

/** 1/16 width on 128 synthetic images, batch 32 (4 steps an epoch), 2 epochs, each evaluated on 200 images. */
const TINY: TrainConfig = {
  ...SMOKE,
  trainSubset: 128,
  batchSize: 32,
  epochs: 2,
  evalEvery: 1,
  syncEvery: 1,
  seed: 7,
};

const tinyDevice = () => toDevice(tinyCifar(128, 200), TINY.trainSubset, TINY.augment.pad);

backendTest(
  "trainSeeds: each seed's run is a lone train() of it; mean and std are the sample statistics",
  async () => {
    const dev = tinyDevice();
    try {
      const before = tf.memory().numTensors;
      const asked: number[] = [], done: SeedDone[] = [], epochs: number[] = [];
      const weights: tf.Tensor[] = [];
      const out = await trainSeeds(TINY, dev, 3, {
        trainOptions: (cfg) => {
          asked.push(cfg.seed);
          return { onEpoch: () => epochs.push(cfg.seed) };
        },
        onRun: (d) => {
          done.push(d);
          weights.push(d.model.getWeights()[0]);
          assert.ok(!weights.at(-1)!.isDisposed, "onRun sees a live model");
        },
      });
      assert.deepEqual(asked, [7, 8, 9]);
      assert.deepEqual(epochs, [7, 7, 8, 8, 9, 9], "each seed trains with the options made for it");
      assert.deepEqual(out.runs.map((r) => r.seed), [7, 8, 9]);
      assert.ok(
        weights.length === 3 && weights.every((w) => w.isDisposed),
        "the models are disposed after onRun",
      );
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
      for (const [i, run] of out.runs.entries()) {
        const { result } = done[i];
        assert.equal(done[i].config.seed, run.seed);
        assert.deepEqual(run, {
          seed: run.seed,
          status: result.status,
          finalTestAcc: result.finalTestAcc,
          trainSeconds: result.trainSeconds,
          timeTo94: result.timeTo94,
          epochSeconds: result.metrics.map((m) => m.epochSeconds),
          compileSeconds: result.compileSeconds,
        });
        const lone = await train({ ...TINY, seed: run.seed }, dev);
        lone.model.dispose();
        assert.equal(run.status, "completed");
        assert.deepEqual(result.losses, lone.result.losses, `seed ${run.seed}: losses`);
        assert.deepEqual(result.lrs, lone.result.lrs, `seed ${run.seed}: learning rates`);
        assert.deepEqual(
          result.metrics.map((m) => [m.trainLoss, m.trainAcc, m.testAcc]),
          lone.result.metrics.map((m) => [m.trainLoss, m.trainAcc, m.testAcc]),
          `seed ${run.seed}: epoch metrics`,
        );
        assert.equal(run.finalTestAcc, lone.result.finalTestAcc, `seed ${run.seed}: test accuracy`);
      }
      // The sample statistics by the shortcut formula sum(x^2) - n mean^2, not the two-pass one of lib/stats.
      const accs = out.runs.map((r) => r.finalTestAcc!), n = accs.length;
      assert.ok(
        new Set(accs).size > 1,
        `the seeds reach different accuracies (${accs}), else the std says nothing`,
      );
      const mean = accs.reduce((a, x) => a + x, 0) / n;
      const std = Math.sqrt((accs.reduce((a, x) => a + x * x, 0) - n * mean * mean) / (n - 1));
      assert.equal(out.accuracy!.n, 3);
      assert.ok(Math.abs(out.accuracy!.mean - mean) < 1e-12, `mean ${out.accuracy!.mean} vs ${mean}`);
      assert.ok(Math.abs(out.accuracy!.std - std) < 1e-9, `sample std ${out.accuracy!.std} vs ${std}`);
      assert.equal(out.timeTo94, null, "no tiny run reaches 94%");
    } finally {
      dev.dispose();
    }
  },
  ["tensorflow"],
);

backendTest(
  "trainSeeds: stopAfter true stops after that run's onRun; a throw aborts without it",
  async () => {
    const dev = tinyDevice();
    const short: TrainConfig = { ...TINY, epochs: 1 };
    try {
      const before = tf.memory().numTensors;
      const stopped: number[] = [];
      const out = await trainSeeds(short, dev, 3, {
        stopAfter: (run) => run.seed === short.seed,
        onRun: ({ run }) => void stopped.push(run.seed),
      });
      assert.deepEqual(out.runs.map((r) => r.seed), [7]);
      assert.deepEqual(stopped, [7]);
      assert.equal(out.accuracy!.n, 1);
      assert.equal(out.accuracy!.std, 0);
      let onRuns = 0;
      await assert.rejects(
        trainSeeds(short, dev, 3, {
          stopAfter: (run) => {
            throw new Error(`seed ${run.seed} stops the loop`);
          },
          onRun: () => void onRuns++,
        }),
        /seed 7 stops the loop/,
      );
      assert.equal(onRuns, 0);
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
      await assert.rejects(trainSeeds(short, dev, 0), /number of seeds must be a positive integer, got 0/);
    } finally {
      dev.dispose();
    }
  },
  ["tensorflow"],
);

Deno.test("train --runs 2 trains seeds s and s+1 into seed-N folders and writes runs.json with their statistics", async () => {
  await using tmp = await tempDir();
  const shards = join(tmp.path, "shards"), out = join(tmp.path, "runs");
  await writeTinyShards(shards, 128, 200);
  const res = await runCli([
    "train",
    ...["--preset", "smoke", "--train-subset", "128", "--batch-size", "32", "--epochs", "2", "--seed", "7"],
    ...["--runs", "2", "--backend", "tensorflow", "--shards", shards, "--out", out],
  ]);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const summaries = await Promise.all(
    [7, 8].map(async (s) => JSON.parse(await Deno.readTextFile(join(out, `seed-${s}`, "summary.json")))),
  );
  assert.deepEqual(summaries.map((s) => [s.seed, s.status]), [[7, "completed"], [8, "completed"]]);
  const runs = JSON.parse(await Deno.readTextFile(join(out, "runs.json")));
  const [a, b] = summaries.map((s) => s.finalTestAcc as number);
  assert.notEqual(a, b, "the two seeds reach different accuracies, else the std says nothing");
  for (const s of [7, 8]) {
    const record = JSON.parse(await Deno.readTextFile(join(out, `seed-${s}`, "config.json")));
    assert.equal(record.config.seed, s);
  }
  assert.deepEqual(Object.keys(runs), [
    "runs",
    "seeds",
    "accuracies",
    "mean",
    "std",
    "timeTo94",
    "reached94",
    "complete",
  ]);
  assert.deepEqual([runs.runs, runs.seeds, runs.accuracies], [2, [7, 8], [a, b]]);
  // Two values: the mean is their midpoint and the sample std |a - b| / sqrt(2).
  assert.ok(
    Math.abs(runs.mean - (a + b) / 2) < 1e-12 && Math.abs(runs.std - Math.abs(a - b) / Math.SQRT2) < 1e-12,
  );
  assert.deepEqual([runs.timeTo94, runs.reached94, runs.complete], [[null, null], 0, true]);
  assert.match(
    res.stdout,
    new RegExp(
      `2 runs: test accuracy ${(100 * runs.mean).toFixed(2)}% \\+- ${
        (100 * runs.std).toFixed(2)
      } \\| reached 94% in 0/2\n`,
    ),
  );
});
