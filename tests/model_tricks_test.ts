/**
 * The model-side tricks of Page's bag_of_tricks.ipynb, each against an independent computation on small tensors:
 * ghost batch norm (per-group moments, running statistics, gradient against tfjs's cpu backend), the frozen BN
 * scale, the moved max pool, and input whitening (the whitened patches' covariance).
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import {
  BatchNormAct,
  buildNet,
  countTrainableParams,
  patchEigens,
  patchLength,
  registerLayers,
  WHITENING_RECIPES,
  whiteningFiltersFor,
} from "../lib/core/model/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";
import { modelGradients, onCpuWithReferenceFilterGrad, relativeError } from "./reference.ts";

await initBackend("webgpu", { log: () => {} });

/** Length of a 3x3x3 patch: the number of Page's whitening filters. */
const PATCH_DIM = patchLength("3x3");

const celu = (v: number, alpha: number) => Math.max(0, v) + Math.min(0, alpha * (Math.exp(v / alpha) - 1));

/** `n` seeded floats, uniform in [lo, hi). */
function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

/** Per-group per-channel mean and biased variance of NHWC `x` in plain float64 JS, groups of `g` images. */
function groupMoments(x: Float32Array, [n, h, w, c]: number[], g: number) {
  const per = g * h * w, groups = n / g;
  const mean = Array.from({ length: groups }, () => new Float64Array(c));
  const variance = Array.from({ length: groups }, () => new Float64Array(c));
  for (let k = 0; k < groups; k++) {
    for (let ch = 0; ch < c; ch++) {
      let s = 0, s2 = 0;
      for (let i = 0; i < per; i++) s += x[(k * per + i) * c + ch];
      const m = s / per;
      for (let i = 0; i < per; i++) s2 += (x[(k * per + i) * c + ch] - m) ** 2;
      mean[k][ch] = m;
      variance[k][ch] = s2 / per;
    }
  }
  return { mean, variance };
}

const SHAPE = [8, 3, 2, 5], GROUP = 2, MOMENTUM = 0.1, EPS = 1e-5, ALPHA = 0.3;

Deno.test("ghost BN: each group of images normalised with its own moments, then the activation", async () => {
  const C = SHAPE[3];
  const xs = uniform(8 * 3 * 2 * 5, 1, -2, 3);
  const gamma = uniform(C, 2, 0.5, 1.5), beta = uniform(C, 3, -0.5, 0.5);
  const layer = new BatchNormAct({
    momentum: MOMENTUM,
    epsilon: EPS,
    activation: "celu",
    celuAlpha: ALPHA,
    ghostBatch: GROUP,
  });
  const x = tf.tensor4d(xs, SHAPE as [number, number, number, number]);
  try {
    layer.apply(tf.zeros([1, ...SHAPE.slice(1)]), { training: false });
    layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.zeros([C]), tf.ones([C])]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const got = await y.data();
    y.dispose();
    const { mean, variance } = groupMoments(xs, SHAPE, GROUP);
    const per = GROUP * SHAPE[1] * SHAPE[2];
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const ch = i % C, k = Math.floor(i / C / per);
      const z = (xs[i] - mean[k][ch]) / Math.sqrt(variance[k][ch] + EPS) * gamma[ch] + beta[ch];
      worst = Math.max(worst, Math.abs(got[i] - celu(z, ALPHA)));
    }
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
    // Whole-batch statistics would differ: the groups' means are not all equal here.
    assert.ok(Math.abs(mean[0][0] - mean[1][0]) > 0.05);
  } finally {
    x.dispose();
    layer.dispose();
  }
});

Deno.test("ghost BN: the running statistics equal the mean over groups of per-group EMAs (Page's per-split stats)", async () => {
  const C = SHAPE[3], steps = 3;
  const layer = new BatchNormAct({
    momentum: MOMENTUM,
    epsilon: EPS,
    activation: "relu",
    celuAlpha: ALPHA,
    ghostBatch: GROUP,
  });
  const batches = Array.from({ length: steps }, (_, s) => uniform(8 * 3 * 2 * 5, 10 + s, -1 + s, 2 + 2 * s));
  const groups = SHAPE[0] / GROUP;
  // Page: running mean and variance per split, EMA of that split's moments, averaged over splits for inference.
  const perGroupMean = Array.from({ length: groups }, () => new Float64Array(C).fill(0));
  const perGroupVar = Array.from({ length: groups }, () => new Float64Array(C).fill(1));
  try {
    for (const xs of batches) {
      const x = tf.tensor4d(xs, SHAPE as [number, number, number, number]);
      tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
      x.dispose();
      const { mean, variance } = groupMoments(xs, SHAPE, GROUP);
      for (let k = 0; k < groups; k++) {
        for (let ch = 0; ch < C; ch++) {
          perGroupMean[k][ch] = (1 - MOMENTUM) * perGroupMean[k][ch] + MOMENTUM * mean[k][ch];
          perGroupVar[k][ch] = (1 - MOMENTUM) * perGroupVar[k][ch] + MOMENTUM * variance[k][ch];
        }
      }
    }
    const byName = Object.fromEntries(layer.weights.map((w) => [w.originalName.split("/").pop()!, w.read()]));
    const [runMean, runVar] = await Promise.all([byName.moving_mean.data(), byName.moving_variance.data()]);
    for (let ch = 0; ch < C; ch++) {
      const wantMean = perGroupMean.reduce((s, m) => s + m[ch], 0) / groups;
      const wantVar = perGroupVar.reduce((s, v) => s + v[ch], 0) / groups;
      assert.ok(Math.abs(runMean[ch] - wantMean) < 1e-5, `mean ${ch}: ${runMean[ch]} vs ${wantMean}`);
      assert.ok(Math.abs(runVar[ch] - wantVar) < 1e-5, `variance ${ch}: ${runVar[ch]} vs ${wantVar}`);
    }
    // Inference uses them: relu((x - running mean) / sqrt(running var + eps)) with gamma 1, beta 0.
    const xs = batches[0], x = tf.tensor4d(xs, SHAPE as [number, number, number, number]);
    const y = layer.apply(x, { training: false }) as tf.Tensor;
    const got = await y.data();
    tf.dispose([x, y]);
    for (let i = 0; i < xs.length; i++) {
      const ch = i % C, want = Math.max(0, (xs[i] - runMean[ch]) / Math.sqrt(runVar[ch] + EPS));
      assert.ok(Math.abs(got[i] - want) < 1e-4, `inference ${i}: ${got[i]} vs ${want}`);
    }
  } finally {
    layer.dispose();
  }
});

Deno.test("ghost BN: a batch that is not a multiple of the group fails, naming both sizes", () => {
  const layer = new BatchNormAct({
    momentum: 0.1,
    epsilon: 1e-5,
    activation: "relu",
    celuAlpha: 1,
    ghostBatch: 4,
  });
  const x = tf.ones([6, 2, 2, 3]);
  try {
    assert.throws(
      () => layer.apply(x, { training: true }),
      /batch of 6 images is not a multiple of the ghost batch 4/,
    );
    tf.dispose(layer.apply(x, { training: false }) as tf.Tensor); // inference uses the running statistics: any batch
  } finally {
    x.dispose();
    layer.dispose();
  }
  assert.throws(() =>
    new BatchNormAct({ momentum: 0.1, epsilon: 1e-5, activation: "relu", celuAlpha: 1, ghostBatch: 2.5 })
  );
});

/** Every trainable gradient of a small net with all the model tricks on, from seeded weights and images. */
async function trickGradients(whitening: Float32Array, weights?: Float32Array[]) {
  const model = buildNet(
    {
      width: 1 / 16,
      activation: "celu",
      celuAlpha: 0.3,
      pool: "avg",
      movePool: true,
      ghostBatch: 4,
      freezeBnScale: true,
      whiten: "3x3",
    },
    { seed: 2, whitening },
  );
  const x = tf.tensor4d(uniform(8 * 32 * 32 * 3, 21, -2, 2), [8, 32, 32, 3]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 10);
  try {
    return await modelGradients(
      model,
      x,
      (logits) => tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar,
      weights,
    );
  } finally {
    tf.dispose([x, y]);
  }
}

Deno.test("every gradient of a net with ghost BN, moved pool, frozen scale and whitening equals tfjs's cpu backend", async () => {
  const whitening = await whiteningFiltersFor("3x3", uniform(16 * 32 * 32 * 3, 20, -2, 2));
  const gpu = await trickGradients(whitening);
  const ref = await onCpuWithReferenceFilterGrad(() => trickGradients(whitening, gpu.initial));
  assert.ok(Math.abs(gpu.loss - ref.loss) < 1e-5 * Math.abs(ref.loss), `loss ${gpu.loss} vs ${ref.loss}`);
  assert.equal(gpu.names.length, 8 + 8 + 1); // convs, BN biases (no scales), linear
  gpu.names.forEach((name, i) => {
    const error = relativeError(gpu.grads[i], ref.grads[i]);
    assert.ok(error <= 1e-4, `${name}: relative error ${error}`);
  });
});

Deno.test("frozen BN scale: gamma fixed at 1, not trainable, unchanged by a step; beta trains", async () => {
  const model = buildNet({ width: 1 / 16, freezeBnScale: true, ghostBatch: 2 }, { seed: 1 });
  const x = tf.tensor4d(uniform(4 * 32 * 32 * 3, 5, -2, 2), [4, 32, 32, 3]);
  const y = tf.oneHot(tf.tensor1d([1, 3, 5, 7], "int32"), 10);
  const read = (suffix: string) =>
    Promise.all(model.weights.filter((w) => w.originalName.endsWith(suffix)).map((w) => w.read().data()));
  try {
    assert.ok(model.trainableWeights.every((w) => !w.originalName.endsWith("/gamma")));
    assert.equal(model.nonTrainableWeights.filter((w) => w.originalName.endsWith("/gamma")).length, 8);
    const full = buildNet({}), frozen = buildNet({ freezeBnScale: true });
    assert.equal(countTrainableParams(full) - countTrainableParams(frozen), 64 + 3 * 128 + 256 + 3 * 512);
    full.dispose();
    frozen.dispose();
    const betasBefore = await read("/beta");
    const optimizer = tf.train.sgd(0.5);
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar,
      false,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    optimizer.dispose();
    for (const gamma of await read("/gamma")) assert.ok(gamma.every((v) => v === 1));
    const betasAfter = await read("/beta");
    assert.ok(betasAfter.some((b, i) => b.some((v, j) => v !== betasBefore[i][j])), "no beta moved");
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
});

Deno.test("moved pool: conv -> pool -> BN-act in every pooled layer (Page's conv_pool_block_pre)", async () => {
  const inbound = (m: tf.LayersModel, name: string) =>
    m.getLayer(name).inboundNodes[0].inboundLayers.map((l) => l.name);
  const moved = buildNet({ width: 1 / 16, movePool: true }), plain = buildNet({ width: 1 / 16 });
  try {
    for (const layer of ["layer1", "layer2", "layer3"]) {
      assert.deepEqual(inbound(moved, `${layer}_pool`), [`${layer}_conv`]);
      assert.deepEqual(inbound(moved, `${layer}_bn`), [`${layer}_pool`]);
      const order = [`${layer}_conv`, `${layer}_pool`, `${layer}_bn`].map((n) =>
        moved.layers.findIndex((l) => l.name === n)
      );
      assert.ok(order[0] < order[1] && order[1] < order[2], `${layer}: ${order}`);
      assert.deepEqual(inbound(plain, `${layer}_bn`), [`${layer}_conv`]);
      assert.deepEqual(inbound(plain, `${layer}_pool`), [`${layer}_bn`]);
    }
    assert.deepEqual(inbound(moved, "layer1_res1_conv"), ["layer1_bn"]);
    // Numerically: layer1_bn's output equals relu(BN(maxpool(conv(x)))) with the batch's statistics.
    const x = tf.tensor4d(uniform(2 * 32 * 32 * 3, 9), [2, 32, 32, 3]);
    const probe = (name: string) =>
      tf.model({ inputs: moved.inputs, outputs: moved.getLayer(name).output as tf.SymbolicTensor });
    const conv = probe("layer1_conv").apply(x, { training: true }) as tf.Tensor4D;
    const got = probe("layer1_bn").apply(x, { training: true }) as tf.Tensor;
    const want = tf.tidy(() => {
      const pooled = tf.maxPool(conv, 2, 2, "valid");
      const { mean, variance } = tf.moments(pooled, [0, 1, 2]);
      return tf.relu(tf.div(tf.sub(pooled, mean), tf.sqrt(tf.add(variance, 1e-5))));
    });
    assert.deepEqual(got.shape, [2, 16, 16, 8]);
    const err = relativeError(await got.data(), await want.data());
    assert.ok(err < 1e-5, `error ${err}`);
    tf.dispose([x, conv, got, want]);
  } finally {
    moved.dispose();
    plain.dispose();
  }
});

/** 200 seeded 32x32x3 images with structure: smooth colour gradients and stripes, plus noise. */
function structuredImages(n: number): Float32Array {
  const rng = new Rng(11);
  const out = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < n; i++) {
    const [fx, fy, phase, tint] = [rng.next() * 0.8, rng.next() * 0.8, rng.next() * 6.3, rng.next() - 0.5];
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const base = Math.sin(fx * x + fy * y + phase);
        for (let c = 0; c < 3; c++) {
          out[((i * 32 + y) * 32 + x) * 3 + c] = base * (1 + 0.3 * c) + tint * c + 0.2 * (rng.next() - 0.5);
        }
      }
    }
  }
  return out;
}

Deno.test("3x3 whitening: the whitened patches' covariance is diag(λ / (λ + 1e-2)); the net's prep_whiten is fixed", async () => {
  const n = 200, images = structuredImages(n);
  const eig = await patchEigens("3x3", images);
  const filters = await whiteningFiltersFor("3x3", images);
  // Independently: Σ's trace is the mean squared patch norm (n - 1 convention); the eigenvalues sum to it.
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 30; y++) {
      for (let x = 0; x < 30; x++) {
        for (let dy = 0; dy < 3; dy++) {
          for (let k = 0; k < 9; k++) trace += images[((i * 32 + y + dy) * 32 + x) * 3 + k] ** 2;
        }
      }
    }
  }
  trace /= n * 900 - 1;
  const sum = eig.values.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - trace) < 1e-9 * trace, `eigenvalues sum to ${sum}, trace ${trace}`);
  assert.ok(eig.values.every((v, i) => i === 0 || v <= eig.values[i - 1]), "eigenvalues not decreasing");
  assert.ok(eig.values[0] > 100 * eig.values[PATCH_DIM - 1], "test images without structure");
  // Whiten every patch with the filters (a valid conv on the device), then their covariance in float64.
  const out = tf.conv2d(
    tf.tensor4d(images, [n, 32, 32, 3]),
    tf.tensor4d(filters, [3, 3, 3, PATCH_DIM]),
    1,
    "valid",
  );
  const z = await out.data();
  tf.dispose(out);
  const cov = new Float64Array(PATCH_DIM * PATCH_DIM);
  for (let p = 0; p < z.length; p += PATCH_DIM) {
    for (let a = 0; a < PATCH_DIM; a++) {
      for (let b = 0; b < PATCH_DIM; b++) cov[a * PATCH_DIM + b] += z[p + a] * z[p + b];
    }
  }
  for (let a = 0; a < PATCH_DIM; a++) {
    for (let b = 0; b < PATCH_DIM; b++) {
      const got = cov[a * PATCH_DIM + b] / (n * 900 - 1);
      const want = a === b ? eig.values[a] / (eig.values[a] + WHITENING_RECIPES["3x3"].eps) : 0;
      assert.ok(Math.abs(got - want) < 2e-4, `covariance (${a}, ${b}): ${got} vs ${want}`);
    }
  }
  // A padded tensor gives the same filters (its centre 32x32 is used); `count` takes the first images.
  const padded = tf.pad(
    tf.tensor4d(images, [n, 32, 32, 3]),
    [[0, 0], [4, 4], [4, 4], [0, 0]],
    7,
  ) as tf.Tensor4D;
  assert.deepEqual(await whiteningFiltersFor("3x3", padded), filters);
  assert.notDeepEqual(await whiteningFiltersFor("3x3", padded, 50), filters);
  padded.dispose();
  // The net: prep_whiten holds the filters, is not trained; a 1x1 prep conv follows; no filters, no net.
  const model = buildNet({ width: 1 / 16, whiten: "3x3" }, { whitening: filters });
  try {
    assert.deepEqual(await model.getLayer("prep_whiten").getWeights()[0].data(), filters);
    assert.ok(!model.trainableWeights.some((w) => w.originalName.startsWith("prep_whiten")));
    assert.deepEqual(model.getLayer("prep_conv").getWeights()[0].shape, [1, 1, PATCH_DIM, 4]);
    assert.equal(model.getLayer("prep_whiten").countParams(), 729);
  } finally {
    model.dispose();
  }
  assert.throws(() => buildNet({ whiten: "3x3" }), /no whitening filters/);
  assert.throws(() => buildNet({ whiten: "3x3" }, { whitening: new Float32Array(10) }), /729/);
});

Deno.test("a net with every model trick survives a save and load: frozen scales, ghost batch, fixed whitening", async () => {
  const whitening = uniform(729, 3);
  const cfg = { width: 1 / 16, freezeBnScale: true, ghostBatch: 4, whiten: "3x3" as const, movePool: true };
  const model = buildNet(cfg, { seed: 4, whitening });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
  }));
  registerLayers(); // what modelFromFiles does first: tfjs must know davidnet's layer classes to rebuild them
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  try {
    assert.deepEqual(
      loaded.trainableWeights.map((w) => w.originalName),
      model.trainableWeights.map((w) => w.originalName),
    );
    assert.deepEqual(
      (loaded.getLayer("layer2_bn") as BatchNormAct).cfg,
      (model.getLayer("layer2_bn") as BatchNormAct).cfg,
    );
    assert.deepEqual(await loaded.getLayer("prep_whiten").getWeights()[0].data(), whitening);
  } finally {
    model.dispose();
    loaded.dispose();
  }
});
