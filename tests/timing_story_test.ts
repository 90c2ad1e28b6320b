import assert from "node:assert/strict";
import {
  augmentBatch,
  DAVIDNET_AUGMENT,
  drawEpoch,
  padReflect,
  uploadDraws,
} from "../lib/core/augment/mod.ts";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import {
  augmentCost,
  augmentOnHost,
  drawAndUpload,
  drawCost,
  groupProfiles,
  kernelGroup,
  preprocessCost,
  profileSteps,
  spread,
  spreadSeries,
  syntheticData,
  throughputByBatch,
  timeRepeated,
} from "../lib/lab/bench/mod.ts";
import { BASELINE, TOGGLES } from "../lib/core/config/mod.ts";
import { PAGE_EARLY_TIMINGS, PAGE_TRICK_TIMINGS, pageTimingRows } from "../lib/lab/notebook/teach.ts";
import type { TrainConfig } from "../lib/core/train/mod.ts";
import { cifar10 } from "./helpers.ts";

await initBackend("webgpu", { log: () => {} });

const TINY: TrainConfig = {
  ...BASELINE,
  model: { ...BASELINE.model, width: 1 / 16 },
  batchSize: 16,
  trainSubset: 64,
  epochs: 1,
  evalEvery: 0,
};

Deno.test("spread: median (middle two averaged for an even count), min and max", () => {
  assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.deepEqual(spread([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, n: 4 });
  assert.deepEqual(spread([7]), { median: 7, min: 7, max: 7, n: 1 });
  assert.throws(() => spread([]), /no values/);
});

Deno.test("spreadSeries: lowest, median and highest as three scaled series", () => {
  const s = spreadSeries(["a", "b"], [spread([1, 2, 4]), spread([3, 3, 9])], 1000);
  assert.deepEqual(s.map((x) => x.name), ["lowest of 3", "median of 3", "highest of 3"]);
  assert.deepEqual(s.map((x) => x.y), [[1000, 3000], [2000, 3000], [4000, 9000]]);
  assert.deepEqual(s[0].x, ["a", "b"]);
});

Deno.test("timeRepeated runs a warm-up and then reps timed runs", async () => {
  let calls = 0;
  const s = await timeRepeated(() => void calls++, 3);
  assert.equal(calls, 4);
  assert.equal(s.n, 3);
  assert.ok(s.min <= s.median && s.median <= s.max);
});

Deno.test("kernel names fall into their groups", () => {
  assert.equal(kernelGroup("FusedConv2D"), "convolution forward");
  assert.equal(kernelGroup("Conv2DBackpropInput"), "convolution backward");
  assert.equal(kernelGroup("Conv2DBackpropFilter"), "convolution backward");
  assert.equal(kernelGroup("DavidnetBnGrad"), "batch norm");
  assert.equal(kernelGroup("MaxPoolGrad"), "max pool");
  assert.equal(kernelGroup("Max"), "max pool");
  assert.equal(kernelGroup("CropAndResize"), "augmentation");
  assert.equal(kernelGroup("GatherV2"), "augmentation");
  assert.equal(kernelGroup("Exp"), "other");
});

Deno.test("host augmentation equals the device's augmentBatch exactly (crop, flip, cutout)", async () => {
  const n = 12, batch = 8;
  const x = tf.randomUniform([n, 32, 32, 3], 1, 2, "float32", 5) as tf.Tensor4D; // no zeros before cutout
  const padded = padReflect(x, 4);
  const d = drawEpoch(n, DAVIDNET_AUGMENT, 3, 0);
  const dd = uploadDraws(d, 40);
  const dev = tf.tidy(() => augmentBatch(padded, dd, 2, batch, DAVIDNET_AUGMENT));
  const want = await dev.data();
  const src = await padded.array();
  const host = augmentOnHost(await padded.data() as Float32Array, 40, d, 2, batch, DAVIDNET_AUGMENT);
  tf.dispose([x, padded, dev, dd.order, dd.boxes, dd.cut]);
  assert.equal(host.length, want.length);
  assert.deepEqual(host, Float32Array.from(want));
  // And against the index arithmetic written out for pixel (0, 0) of the batch's first image.
  const p = 2, img = d.order[p], y = d.crop[2 * p], xo = d.crop[2 * p + 1];
  const j = d.flip[p] ? 31 : 0; // output column 0 reads padded column x + 31 when flipped
  const inCut = d.cut[2 * p] === 0 && d.cut[2 * p + 1] === 0;
  assert.equal(host[0], inCut ? 0 : src[img][y][xo + j][0]);
});

Deno.test("draws per epoch, per step and per image upload the same number of positions, without leaks", async () => {
  const before = tf.memory().numTensors;
  for (const how of ["epoch", "step", "image"] as const) {
    const t = drawAndUpload(64, 16, DAVIDNET_AUGMENT, 0, 0, how, 40);
    const positions = t.filter((_, i) => i % 3 === 0).reduce((a, o) => a + o.shape[0], 0);
    assert.equal(positions, 64, how);
    assert.equal(t.length, how === "epoch" ? 3 : 12, how);
    tf.dispose(t);
  }
  const costs = await drawCost(64, 16, DAVIDNET_AUGMENT, 3);
  assert.deepEqual(costs.map((c) => c.granularity), ["epoch", "step", "image"]);
  assert.ok(costs.every((c) => c.seconds.n === 3));
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("preprocessing, augmentation and throughput measurements leave no tensors behind", async () => {
  const data = await cifar10();
  const before = tf.memory().numTensors;
  const pre = await preprocessCost(data.train, data.stats, 64, 16, 4, 3);
  assert.equal(pre.once.n, 3);
  assert.equal(pre.perStepEpoch.n, 3);
  const device = syntheticData(64, 4);
  const aug = await augmentCost(device, 16, DAVIDNET_AUGMENT, 3);
  assert.equal(aug.device.n, 3);
  assert.equal(aug.host.n, 3);
  const tp = await throughputByBatch(TINY, device, [16, 32], 3);
  assert.deepEqual(tp.map((t) => t.batchSize), [16, 32]);
  for (const t of tp) {
    assert.ok(Math.abs(t.imagesPerSecond.median * t.stepSeconds.median - t.batchSize) < 1e-9);
    assert.ok(
      t.imagesPerSecond.min <= t.imagesPerSecond.median && t.imagesPerSecond.median <= t.imagesPerSecond.max,
    );
  }
  device.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("repeated step profiles: per-kernel spreads whose shares sum to 1, grouped; no leaks", async () => {
  const device = syntheticData(64, 4);
  const before = tf.memory().numTensors;
  const prof = await profileSteps(TINY, device, 3);
  assert.equal(tf.memory().numTensors, before);
  device.dispose();
  assert.ok(prof.some((k) => k.kernel === "FusedConv2D" || /Conv/.test(k.kernel)));
  assert.ok(prof.every((k) => k.ms.n === 3 && !/__op$/.test(k.kernel)));
  const total = prof.reduce((a, k) => a + k.share, 0);
  if (prof.some((k) => k.ms.median > 0)) assert.ok(Math.abs(total - 1) < 1e-9);
  const groups = groupProfiles(prof);
  const ms = (xs: { ms: number }[]) => xs.reduce((a, g) => a + g.ms, 0);
  assert.ok(Math.abs(ms(groups) - prof.reduce((a, k) => a + k.ms.median, 0)) < 1e-9);
});

Deno.test("Page's timing tables: times fall step by step, toggles exist, rows are strings", () => {
  for (const table of [PAGE_EARLY_TIMINGS, PAGE_TRICK_TIMINGS]) {
    for (let i = 1; i < table.length; i++) {
      assert.ok(table[i].seconds < table[i - 1].seconds, table[i].change);
    }
    for (const r of table) {
      if (r.toggle) assert.ok(TOGGLES.includes(r.toggle), r.toggle);
      assert.ok(r.source.length > 0);
    }
  }
  assert.equal(PAGE_EARLY_TIMINGS[0].seconds, 341);
  assert.equal(PAGE_TRICK_TIMINGS[0].seconds, 75);
  assert.equal(PAGE_TRICK_TIMINGS.at(-1)!.seconds, 26);
  const rows = pageTimingRows(PAGE_TRICK_TIMINGS);
  assert.ok(rows.every((r) => Object.values(r).every((v) => typeof v === "string")));
});
