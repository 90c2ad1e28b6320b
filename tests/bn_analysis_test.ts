/**
 * The batch-norm analysis of notebook 06 (Page's batch_norm_post.ipynb), each function against an independent
 * computation on small tensors in plain float64 JS: kernel rescaling (He et al.'s init), per-channel moments of
 * layer outputs (conv, BN + ReLU, a pooled [N, C] output), the block layers of a net, averaging moments over
 * inits, the law-of-total-variance summary, the LR sweep's rates and its bands over seeds; tensor leaks checked.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { BatchNormAct, buildNet, HE_FROM_TORCH_INIT, scaleKernels } from "../lib/core/model/mod.ts";
import {
  averageMoments,
  blockLayers,
  type ChannelMoments,
  channelMoments,
  summarizeMoments,
} from "../lib/lab/notebook/analysis.ts";
import { Rng } from "../lib/core/random/mod.ts";
import { DAVIDNET_AUGMENT } from "../lib/core/augment/mod.ts";
import { BASELINE } from "../lib/core/config/mod.ts";
import type { TrainConfig } from "../lib/core/train/mod.ts";
import { lrSweep, sweepBands, sweepLr, type SweepPoint } from "../lib/lab/ablate/mod.ts";
import { smallDevice } from "./helpers.ts";

await initBackend("auto", { log: () => {} });

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** `n` seeded floats, uniform in [lo, hi). */
function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

/** Per-channel mean and biased variance of row-major [rows, c] values, float64. */
function moments(v: ArrayLike<number>, c: number): { mean: number[]; variance: number[] } {
  const rows = v.length / c;
  const mean = Array.from({ length: c }, (_, ch) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += v[r * c + ch];
    return s / rows;
  });
  const variance = mean.map((m, ch) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (v[r * c + ch] - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
}

Deno.test("scaleKernels multiplies every conv and linear kernel, nothing else; HE_FROM_TORCH_INIT is sqrt(6)", async () => {
  close(HE_FROM_TORCH_INIT ** 2 / 2 * (1 / 3), 1); // He variance 2/fan_in over PyTorch's 1/(3 fan_in)
  const model = buildNet({ arch: "basic", width: 1 / 16 }, { seed: 3 });
  const before = await Promise.all(model.weights.map((w) => w.read().data()));
  const tensors = tf.memory().numTensors;
  const n = scaleKernels(model, 2.5);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.equal(n, 5, "prep, layer1-3 convs and the linear layer");
  for (const [i, w] of model.weights.entries()) {
    const after = await w.read().data();
    const isKernel = /_conv\/kernel$|^linear\/kernel$/.test(w.originalName);
    const factor = isKernel ? 2.5 : 1;
    for (let k = 0; k < after.length; k++) close(after[k], before[i][k] * factor, 1e-6);
  }
  model.dispose();
});

Deno.test("channelMoments: conv, BN + ReLU and pooled outputs against float64 by hand; no leak", async () => {
  const [N, H, W, C, F] = [3, 2, 3, 2, 3];
  const input = tf.input({ shape: [H, W, C] });
  const conv = tf.layers.conv2d({ filters: F, kernelSize: 1, useBias: false, name: "a_conv" });
  const convOut = conv.apply(input) as tf.SymbolicTensor;
  const bn = new BatchNormAct({
    momentum: 0.1,
    epsilon: 1e-5,
    activation: "relu",
    celuAlpha: 0,
    name: "a_bn",
  });
  const bnOut = bn.apply(convOut) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "pool" }).apply(bnOut) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: pooled });
  const kernel = uniform(C * F, 7);
  conv.setWeights([tf.tensor4d(kernel, [1, 1, C, F])]);
  const xs = uniform(N * H * W * C, 8, -2, 3);
  const x = tf.tensor4d(xs, [N, H, W, C]);

  // By hand: the 1x1 conv per pixel, batch norm with biased batch variance (gamma 1, beta 0), ReLU, image means.
  const P = N * H * W;
  const y = new Float64Array(P * F);
  for (let p = 0; p < P; p++) {
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < C; c++) y[p * F + f] += xs[p * C + c] * kernel[c * F + f];
    }
  }
  const my = moments(y, F);
  const z = y.map((v, i) => Math.max(0, (v - my.mean[i % F]) / Math.sqrt(my.variance[i % F] + 1e-5)));
  const pool = new Float64Array(N * F);
  for (let n = 0; n < N; n++) {
    for (let q = 0; q < H * W; q++) {
      for (let f = 0; f < F; f++) pool[n * F + f] += z[(n * H * W + q) * F + f] / (H * W);
    }
  }
  const expected = [my, moments(z, F), moments(pool, F)];

  const tensors = tf.memory().numTensors;
  const got = await channelMoments(model, x, ["a_conv", "a_bn", "pool"]);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(got.map((m) => m.layer), ["a_conv", "a_bn", "pool"]);
  for (const [i, m] of got.entries()) {
    assert.equal(m.mean.length, F);
    for (let f = 0; f < F; f++) {
      close(m.mean[f], expected[i].mean[f], 1e-4);
      close(m.variance[f], expected[i].variance[f], 1e-4);
    }
  }
  x.dispose();
  model.dispose();
});

Deno.test("blockLayers lists each block's conv and activation in order, with and without BN", () => {
  const blocks = ["prep", "layer1", "layer1_extra", "layer2", "layer2_extra", "layer3", "layer3_extra"];
  for (const batchNorm of [true, false]) {
    const model = buildNet({ arch: "A-L1L2L3", width: 1 / 16, batchNorm });
    assert.deepEqual(
      blockLayers(model),
      blocks.map((b) => ({ block: b, conv: `${b}_conv`, act: `${b}_${batchNorm ? "bn" : "relu"}` })),
    );
    model.dispose();
  }
  const david = buildNet({ width: 1 / 16 });
  assert.deepEqual(blockLayers(david).map((b) => b.block), [
    "prep",
    "layer1",
    "layer1_res1",
    "layer1_res2",
    "layer2",
    "layer3",
    "layer3_res1",
    "layer3_res2",
  ]);
  david.dispose();
});

const m = (layer: string, mean: number[], variance: number[]): ChannelMoments => ({
  layer,
  mean: Float32Array.from(mean),
  variance: Float32Array.from(variance),
});

Deno.test("averageMoments averages each layer's channels over runs; mismatched runs throw", () => {
  const runs = [
    [m("a", [1, -2], [1, 4]), m("b", [3], [2])],
    [m("a", [-3, 2], [3, 2]), m("b", [5], [4])],
    [m("a", [5, 3], [2, 0]), m("b", [-2], [0])],
  ];
  const avg = averageMoments(runs);
  assert.deepEqual(avg.map((a) => a.layer), ["a", "b"]);
  close(avg[0].mean[0], 1, 1e-6);
  close(avg[0].mean[1], 1, 1e-6);
  close(avg[0].variance[0], 2, 1e-6);
  close(avg[0].variance[1], 2, 1e-6);
  close(avg[1].mean[0], 2, 1e-6);
  close(avg[1].variance[0], 2, 1e-6);
  assert.throws(() => averageMoments([[m("a", [1], [1])], [m("b", [1], [1])]]), /layer 0 is b/);
  assert.throws(() => averageMoments([[m("a", [1], [1])], [m("a", [1, 2], [1, 1])]]), /\[2\]/);
  assert.throws(() => averageMoments([]), /no runs/);
});

Deno.test("summarizeMoments: the law of total variance by hand", () => {
  const s = summarizeMoments(m("x", [1, -1, 3], [1, 2, 3]));
  assert.equal(s.layer, "x");
  assert.equal(s.channels, 3);
  close(s.meanOfMeans, 1);
  close(s.rmsMean, Math.sqrt(11 / 3));
  close(s.betweenVariance, 8 / 3);
  close(s.withinVariance, 2);
  close(s.withinFraction, 2 / (2 + 8 / 3));
  // Pooled over channels, the total variance of equal-sized channels is within + between.
  const xs = [[0, 2], [-1 - Math.SQRT2, -1 + Math.SQRT2], [3 - Math.sqrt(3), 3 + Math.sqrt(3)]].flat();
  const pooledMean = xs.reduce((a, b) => a + b) / xs.length;
  close(xs.reduce((a, b) => a + (b - pooledMean) ** 2, 0) / xs.length, s.withinVariance + s.betweenVariance);
  assert.equal(summarizeMoments(m("z", [0, 0], [0, 0])).withinFraction, NaN);
});

Deno.test("sweepLr grows exponentially from lrMin to lrMax", () => {
  const o = { lrMin: 1e-3, lrMax: 10, steps: 5 };
  close(sweepLr(0, o), 1e-3, 1e-12);
  close(sweepLr(2, o), 0.1, 1e-12);
  close(sweepLr(4, o), 10, 1e-12);
  close(sweepLr(1, o) / sweepLr(0, o), sweepLr(4, o) / sweepLr(3, o), 1e-12);
  close(sweepLr(0, { lrMin: 0.5, lrMax: 2, steps: 1 }), 0.5);
});

Deno.test("sweepBands: mean and sample std over runs per bin; a diverged run counts at chance", () => {
  const sweep = { lrMin: 1, lrMax: 16, steps: 5 };
  const run = (acc: number[], losses: number[] = acc.map(() => 1)): SweepPoint[] =>
    acc.map((a, step) => ({ step, lr: sweepLr(step, sweep), loss: losses[step], accuracy: a }));
  const runs = [
    run([0.1, 0.3, 0.5, 0.7, 0.9]),
    run([0.3, 0.5, 0.7, 0.9, 0.9]),
    run([0.2, 0.2, 0.4], [1, 1, NaN]), // diverged at step 2, stopped
  ];
  const bands = sweepBands(runs, sweep, 2);
  assert.equal(bands.length, 3);
  // Bin 0: steps 0-1 (lr 1, 2): run averages 0.2, 0.4, 0.2.
  close(bands[0].lr, Math.sqrt(2));
  close(bands[0].mean, 0.8 / 3);
  close(bands[0].std, Math.sqrt(((0.2 - 0.8 / 3) ** 2 * 2 + (0.4 - 0.8 / 3) ** 2) / 2));
  assert.equal(bands[0].diverged, 0);
  // Bin 1: steps 2-3 (lr 4, 8): 0.6, 0.8, and the diverged run at 0.1 for both steps.
  close(bands[1].lr, Math.sqrt(32));
  close(bands[1].mean, 0.5);
  close(bands[1].std, Math.sqrt((0.01 + 0.09 + 0.16) / 2));
  assert.equal(bands[1].diverged, 1);
  assert.equal(bands[1].runs, 3);
  // Bin 2: step 4 alone (lr 16): 0.9, 0.9, 0.1.
  close(bands[2].lr, 16);
  close(bands[2].mean, 1.9 / 3);
  assert.equal(sweepBands([runs[0]], sweep, 5)[0].std, 0);
  assert.throws(() => sweepBands([], sweep, 2), /no runs/);
});

Deno.test("lrSweep: the sweep's rates, accuracy in [0, 1], weightScale applied, no tensor leak", async () => {
  const device = await smallDevice(64, 10);
  const cfg: TrainConfig = {
    ...BASELINE,
    model: { ...BASELINE.model, arch: "basic", width: 1 / 16, batchNorm: false },
    augment: { ...DAVIDNET_AUGMENT, cutout: 0 },
    batchSize: 16,
  };
  const options = { lrMin: 1e-3, lrMax: 1e-1, steps: 3 };
  const tensors = tf.memory().numTensors;
  const plain = await lrSweep(cfg, device, options);
  const scaled = await lrSweep(cfg, device, { ...options, weightScale: HE_FROM_TORCH_INIT });
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  device.dispose();
  for (const pts of [plain, scaled]) {
    assert.deepEqual(pts.map((p) => p.step), [0, 1, 2]);
    pts.forEach((p) => close(p.lr, sweepLr(p.step, options), 1e-12));
    for (const p of pts) assert.ok(p.accuracy >= 0 && p.accuracy <= 1 && Number.isFinite(p.loss));
  }
  // Same seed and batch: only the initial weights differ, so the first losses differ.
  assert.notEqual(plain[0].loss, scaled[0].loss);
});
