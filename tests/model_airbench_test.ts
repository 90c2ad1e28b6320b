/**
 * The model side of airbench94 (KellerJordan/cifar10-airbench legacy/airbench94.py), each piece against an
 * independent computation: the exact GELU and its gradient against a float64 erf series, batch norm + GELU against
 * float64 formulas, Dirac initialisation, the 2x2 whitening filters against the second moments of real CIFAR-10
 * patches (float64, with a Jacobi eigensolver of its own), the airbench net's layers and parameter counts, its
 * gradients against tfjs's cpu backend, a save/load round trip, and old configs' boolean `whiten`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../lib/core/backend/mod.ts";
import {
  AIRBENCH94_NET,
  BatchNormAct,
  buildNet,
  countTrainableParams,
  DAVIDNET_DEFAULTS,
  diracKernel,
  Gelu,
  gelu,
  layerTable,
  modelFromFiles,
  modelToFiles,
  savedModelConfig,
  WHITEN_BIAS_LAYER,
  WHITEN_LAYER,
  whiteningFiltersFor,
  whiteningShape,
} from "../lib/core/model/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";
import { readRunConfig } from "../lib/lab/run/mod.ts";
import { backendTest, cifar10, tempDir } from "./helpers.ts";
import { modelGradients, onCpuWithReferenceFilterGrad, relativeError } from "./reference.ts";

/** `n` seeded floats, uniform in [lo, hi). */
function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

/** erf in float64 from its Maclaurin series (2 / sqrt(pi)) sum (-1)^n x^(2n+1) / (n! (2n + 1)), for |x| <= 4. */
function erf64(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 300; n++) {
    term *= -x * x / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return 2 / Math.sqrt(Math.PI) * sum;
}
const gelu64 = (x: number) => 0.5 * x * (1 + erf64(x / Math.SQRT2));
/** d/dx x Φ(x) = Φ(x) + x φ(x). */
const geluGrad64 = (x: number) =>
  0.5 * (1 + erf64(x / Math.SQRT2)) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
/** The tanh approximation of GELU, which the exact GELU must not be. */
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** The airbench net's whitening filters for tests that need any fixed ones, [2, 2, 3, 24]. */
const FILTERS = uniform(2 * 2 * 3 * 24, 17, -0.5, 0.5);

Deno.test("the float64 erf series is erf: tabulated values", () => {
  // Abramowitz & Stegun table 7.1: erf(0.5), erf(1), erf(2), erf(3).
  const table = [[0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [
    3,
    0.9999779095030014,
  ]];
  // The series cancels terms up to e^(x^2) in size: about 1e-13 of error at 3 (GELU's inputs reach 5 / sqrt 2).
  for (const [x, want] of table) assert.ok(Math.abs(erf64(x) - want) < 1e-12, `erf(${x}) = ${erf64(x)}`);
  assert.equal(erf64(-1), -erf64(1));
});

backendTest(
  "GELU and its gradient are x Φ(x) and Φ(x) + x φ(x) (float64 erf), as a function and a layer",
  async () => {
    const xs = Float32Array.from({ length: 401 }, (_, i) => -5 + i / 40);
    const want = Array.from(xs, gelu64), wantGrad = Array.from(xs, geluGrad64);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(xs);
    const y = gelu(x), layerY = new Gelu().apply(x) as tf.Tensor, dy = tf.grad((t: tf.Tensor) => gelu(t))(x);
    const [got, gotLayer, grad] = await Promise.all([y.data(), layerY.data(), dy.data()]);
    tf.dispose([x, y, layerY, dy]);
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    // 1e-6 relative to max(1, |value|): erf's 1.5e-7 (Abramowitz-Stegun 7.1.26 on cpu and webgpu) and float32
    // rounding (half an ulp of 5 is 2.4e-7); the largest measured on the three backends is 3.8e-7.
    const tolerance = 1e-6,
      worst = (a: ArrayLike<number>, b: number[]) =>
        Math.max(...b.map((v, i) => Math.abs(a[i] - v) / Math.max(1, Math.abs(v))));
    assert.ok(worst(got, want) < tolerance, `forward: largest difference ${worst(got, want)}`);
    assert.deepEqual(gotLayer, got);
    assert.ok(worst(grad, wantGrad) < tolerance, `gradient: largest difference ${worst(grad, wantGrad)}`);
    // The tolerance tells the exact GELU from the tanh approximation (which differs by up to ~5e-4 here).
    assert.ok(worst(Array.from(xs, geluTanh), want) > 100 * tolerance);
  },
  ["webgpu", "tensorflow", "cpu"],
);

backendTest("a GELU net without batch norm has GELU layers named <block>_gelu", () => {
  const noBn = buildNet({ width: 1 / 16, activation: "gelu", batchNorm: false });
  try {
    assert.equal(layerTable(noBn).filter((r) => r.kind === "DavidnetGelu").length, 8);
    assert.ok(noBn.getLayer("layer2_gelu"));
  } finally {
    noBn.dispose();
  }
  return Promise.resolve();
});

backendTest(
  "batch norm + GELU with airbench's eps 1e-12, momentum 0.4 and frozen scale, against float64",
  async () => {
    const shape: [number, number, number, number] = [6, 5, 5, 8], C = shape[3], per = 6 * 5 * 5;
    const xs = uniform(per * C, 31, -2, 3), betas = uniform(C, 32, -0.5, 0.5), ws = uniform(per * C, 33);
    const cfg = {
      momentum: 0.4,
      epsilon: 1e-12,
      activation: "gelu" as const,
      celuAlpha: 1,
      trainScale: false,
    };
    const layer = new BatchNormAct(cfg);
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.variable(tf.tensor4d(xs, shape))), w = tf.tensor4d(ws, shape);
    try {
      tf.tidy(() => {
        layer.apply(tf.zeros([1, 5, 5, C]), { training: false }); // makes the weights
        // With the scale frozen, beta is the one trainable weight, and first: beta, gamma, running mean, variance.
        const names = layer.weights.map((v) => v.originalName.split("/").pop());
        assert.deepEqual(names, ["beta", "gamma", "moving_mean", "moving_variance"]);
        layer.setWeights([tf.tensor1d(betas), tf.ones([C]), tf.zeros([C]), tf.ones([C])]);
      });
      // Float64: per-channel batch mean and biased variance, x̂, z = x̂ + beta, y = gelu(z).
      const mean = new Float64Array(C), variance = new Float64Array(C);
      for (let i = 0; i < xs.length; i++) mean[i % C] += xs[i] / per;
      for (let i = 0; i < xs.length; i++) variance[i % C] += (xs[i] - mean[i % C]) ** 2 / per;
      const xhat = Array.from(xs, (v, i) => (v - mean[i % C]) / Math.sqrt(variance[i % C] + 1e-12));
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const got = await y.data();
      y.dispose();
      assert.ok(maxAbsDiff(got, xhat.map((v, i) => gelu64(v + betas[i % C]))) < 1e-5, "training output");
      const byName = (n: string) => layer.weights.find((v) => v.originalName.endsWith(`/${n}`))!.read();
      const [runMean, runVar] = await Promise.all([
        byName("moving_mean").data(),
        byName("moving_variance").data(),
      ]);
      assert.ok(
        maxAbsDiff(runMean, Array.from(mean, (m) => 0.4 * m)) < 1e-5,
        "running mean: 0.6 x 0 + 0.4 x batch",
      );
      assert.ok(maxAbsDiff(runVar, Array.from(variance, (v) => 0.6 + 0.4 * v)) < 1e-4, "running variance");
      const inference = layer.apply(x, { training: false }) as tf.Tensor;
      const wantInference = Array.from(xs, (v, i) => {
        const c = i % C;
        return gelu64((v - runMean[c]) / Math.sqrt(runVar[c] + 1e-12) + betas[c]);
      });
      assert.ok(maxAbsDiff(await inference.data(), wantInference) < 1e-5, "inference output");
      inference.dispose();
      // Gradients of sum(w * y): dz = w gelu'(z); dbeta = sum of dz; dx = (dz - mean(dz) - x̂ mean(dz x̂)) / sigma.
      const beta = byName("beta") as tf.Variable;
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar,
        [x, beta],
      );
      const [dx, dbeta] = await Promise.all([grads[x.name].data(), grads[beta.name].data()]);
      tf.dispose([value, ...Object.values(grads)]);
      const dz = xhat.map((v, i) => ws[i] * geluGrad64(v + betas[i % C]));
      const sumDz = new Float64Array(C), sumDzXhat = new Float64Array(C);
      dz.forEach((d, i) => {
        sumDz[i % C] += d;
        sumDzXhat[i % C] += d * xhat[i];
      });
      const wantDx = dz.map((d, i) => {
        const c = i % C;
        return (d - sumDz[c] / per - xhat[i] * sumDzXhat[c] / per) / Math.sqrt(variance[c] + 1e-12);
      });
      assert.ok(relativeError(dbeta, sumDz) < 1e-5, `dbeta: relative error ${relativeError(dbeta, sumDz)}`);
      assert.ok(relativeError(dx, wantDx) < 1e-4, `dx: relative error ${relativeError(dx, wantDx)}`);
    } finally {
      tf.dispose([x, w]);
      layer.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  },
);

backendTest(
  "Dirac init: the first min(in, out) filters of every trainable conv pass their channel through exactly",
  async () => {
    const before = tf.memory().numTensors;
    const dirac = buildNet(AIRBENCH94_NET, { seed: 3, whitening: FILTERS });
    const plain = buildNet({ ...AIRBENCH94_NET, diracInit: false }, { seed: 3, whitening: FILTERS });
    const kernel = (m: tf.LayersModel, name: string) => m.getLayer(name).getWeights()[0].data();
    try {
      const convs = dirac.layers.filter((l) => l.getClassName() === "Conv2D" && l.trainable).map((l) =>
        l.name
      );
      assert.deepEqual(convs, ["1", "2", "3"].flatMap((i) => [`layer${i}_conv`, `layer${i}_extra_conv`]));
      for (const name of convs) {
        const [kh, kw, cin, cout] = dirac.getLayer(name).getWeights()[0].shape as number[];
        const [k, k0] = await Promise.all([kernel(dirac, name), kernel(plain, name)]);
        const n = Math.min(cin, cout), bound = 1 / Math.sqrt(kh * kw * cin);
        const rest: number[] = [];
        for (let i = 0; i < k.length; i++) {
          const o = i % cout, ci = Math.floor(i / cout) % cin, pos = Math.floor(i / (cout * cin));
          if (o < n) {
            const centre = pos === Math.floor(kh / 2) * kw + Math.floor(kw / 2) && ci === o;
            assert.equal(k[i], centre ? 1 : 0, `${name}[${i}]`);
          } else {
            assert.equal(k[i], k0[i], `${name}[${i}]: the other filters keep the seeded init`);
            rest.push(k[i]);
          }
        }
        assert.equal(rest.length, kh * kw * cin * (cout - n), name);
        if (rest.length > 0) {
          // PyTorch's kaiming_uniform(a = sqrt 5): U(-b, b), b = 1 / sqrt(fan in), standard deviation b / sqrt 3.
          assert.ok(rest.every((v) => Math.abs(v) <= bound), `${name}: outside +-${bound}`);
          const sd = Math.sqrt(rest.reduce((s, v) => s + v * v, 0) / rest.length);
          assert.ok(Math.abs(sd - bound / Math.sqrt(3)) < 0.05 * bound, `${name}: std ${sd}`);
        }
      }
      // 24 -> 64: 40 filters keep the default init; 256 -> 256: all identity. The fixed whitening and the linear
      // layer are untouched.
      assert.deepEqual(dirac.getLayer("layer1_conv").getWeights()[0].shape, [3, 3, 24, 64]);
      assert.deepEqual(await kernel(dirac, WHITEN_LAYER), FILTERS);
      assert.deepEqual(await kernel(dirac, "linear"), await kernel(plain, "linear"));
      // Through the convs themselves: output channel d < min(in, out) equals input channel d, bit for bit.
      for (const [name, cin] of [["layer1_conv", 24], ["layer3_extra_conv", 256]] as const) {
        const x = tf.tensor4d(uniform(2 * 7 * 7 * cin, 40 + cin, -3, 3), [2, 7, 7, cin]);
        const y = dirac.getLayer(name).apply(x) as tf.Tensor4D;
        const first = tf.slice(y, [0, 0, 0, 0], [2, 7, 7, cin]);
        assert.deepEqual(await first.data(), await x.data(), name);
        tf.dispose([x, y, first]);
      }
      // diracKernel alone, more outputs than inputs and fewer: min(in, out) identity filters.
      const wide = tf.ones([3, 3, 2, 5]) as tf.Tensor4D, narrow = tf.ones([3, 3, 5, 2]) as tf.Tensor4D;
      const [dw, dn] = [diracKernel(wide), diracKernel(narrow)];
      const sums = tf.tidy(() => [tf.sum(dw, [0, 1, 2]), tf.sum(dn, [0, 1, 2])]);
      assert.deepEqual(Array.from(await sums[0].data()), [1, 1, 18, 18, 18]);
      assert.deepEqual(Array.from(await sums[1].data()), [1, 1]);
      tf.dispose([wide, narrow, dw, dn, ...sums]);
    } finally {
      dirac.dispose();
      plain.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  },
);

/** Eigenvalues of a symmetric matrix (row-major, float64) by cyclic Jacobi rotations, largest first. */
function jacobiEigenvalues(m: Float64Array, n: number): number[] {
  const a = Float64Array.from(m);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p * n + q] === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) { // columns p, q
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) { // rows p, q
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => y - x);
}

backendTest(
  "2x2 whitening of real CIFAR-10: whitened second moments diag(λ / (λ + 5e-4)), then the negations",
  async () => {
    const data = await cifar10(), n = 400, eps = 5e-4;
    // The first n training images, normalised with the training statistics (float64, then float32 as on the device).
    const images = Float32Array.from(data.train.images.subarray(0, n * 3072), (v, i) => {
      const c = i % 3;
      return (v / 255 - data.stats.mean[c]) / data.stats.std[c];
    });
    const filters = await whiteningFiltersFor("2x2", images);
    assert.deepEqual(whiteningShape("2x2"), [2, 2, 3, 24]);
    assert.equal(filters.length, 288);
    // Independently: the 12 x 12 second moments of every 2x2x3 patch (31 x 31 positions), over the patches.
    const m = new Float64Array(144), patch = new Float64Array(12);
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < 31; y++) {
        for (let x = 0; x < 31; x++) {
          for (let p = 0; p < 12; p++) {
            const [dy, dx, c] = [Math.floor(p / 6), Math.floor(p / 3) % 2, p % 3];
            patch[p] = images[((i * 32 + y + dy) * 32 + x + dx) * 3 + c];
          }
          for (let a = 0; a < 12; a++) for (let b = 0; b < 12; b++) m[a * 12 + b] += patch[a] * patch[b];
        }
      }
    }
    m.forEach((v, i) => m[i] = v / (n * 961));
    const lambda = jacobiEigenvalues(m, 12);
    assert.ok(lambda[11] > 0 && lambda[0] > 50 * lambda[11], `eigenvalues ${lambda}`);
    // Filters f and 12 + f: W[p][f] = filters[p * 24 + f]. W^T M W = diag(λ / (λ + eps)), W^T W = diag(1 / (λ + eps)).
    const wf = (p: number, f: number) => filters[p * 24 + f];
    for (let f = 0; f < 24; f++) {
      for (let g = 0; g < 24; g++) {
        let z = 0, gram = 0;
        for (let p = 0; p < 12; p++) {
          gram += wf(p, f) * wf(p, g);
          for (let q = 0; q < 12; q++) z += wf(p, f) * m[p * 12 + q] * wf(q, g);
        }
        const [a, b] = [f % 12, g % 12], sign = (f < 12) === (g < 12) ? 1 : -1;
        const wantZ = a === b ? sign * lambda[a] / (lambda[a] + eps) : 0;
        const wantGram = a === b ? sign / (lambda[a] + eps) : 0;
        assert.ok(Math.abs(z - wantZ) < 2e-5, `whitened second moment (${f}, ${g}): ${z} vs ${wantZ}`);
        assert.ok(
          Math.abs(gram - wantGram) < 1e-5 * Math.abs(1 / (lambda[a] + eps)),
          `W^T W (${f}, ${g}): ${gram} vs ${wantGram}`,
        );
      }
    }
    for (let p = 0; p < 12; p++) {
      for (let f = 0; f < 12; f++) assert.equal(wf(p, 12 + f), -wf(p, f), "filter 12 + f is -filter f");
    }
    // `count` takes the first images; a padded tensor is cut to its centre.
    assert.deepEqual(
      await whiteningFiltersFor("2x2", images, 100),
      await whiteningFiltersFor("2x2", images.subarray(0, 100 * 3072)),
    );
    assert.notDeepEqual(await whiteningFiltersFor("2x2", images, 100), filters);
    const padded = tf.pad(
      tf.tensor4d(images, [n, 32, 32, 3]),
      [[0, 0], [2, 2], [2, 2], [0, 0]],
      9,
    ) as tf.Tensor4D;
    assert.deepEqual(await whiteningFiltersFor("2x2", padded), filters);
    padded.dispose();
  },
  ["cpu"],
);

/** Every layer of the airbench net at full width: name, kind, output shape. */
const AIRBENCH_LAYERS = [
  "image InputLayer [N,32,32,3]",
  "prep_whiten Conv2D [N,31,31,24]",
  "prep_whiten_bias DavidnetBias [N,31,31,24]",
  "prep_gelu DavidnetGelu [N,31,31,24]",
  ...[["1", 64, 31, 15], ["2", 256, 15, 7], ["3", 256, 7, 3]].flatMap(([i, c, s, p]) => [
    `layer${i}_conv Conv2D [N,${s},${s},${c}]`,
    `layer${i}_pool MaxPooling2D [N,${p},${p},${c}]`,
    `layer${i}_bn DavidnetBatchNormAct [N,${p},${p},${c}]`,
    `layer${i}_extra_conv Conv2D [N,${p},${p},${c}]`,
    `layer${i}_extra_bn DavidnetBatchNormAct [N,${p},${p},${c}]`,
  ]),
  "pool GlobalMaxPooling2D [N,256]",
  "linear Dense [N,10]",
  "logits DavidnetScale [N,10]",
];

backendTest(
  "the airbench94 net: airbench94.py's layers and shapes (32 -> 31 -> 15 -> 7 -> 3 -> 1), 1,971,352 trained",
  async () => {
    const before = tf.memory().numTensors;
    const model = buildNet(AIRBENCH94_NET, { whitening: FILTERS });
    try {
      const table = layerTable(model);
      assert.deepEqual(table.map((r) => `${r.layer} ${r.kind} ${r.output}`), AIRBENCH_LAYERS);
      // Trained: whitening bias 24; convs 3x3 24->64, 64->64, 64->256, 256->256 (x3), no bias; BN biases; linear.
      const trained = 24 + 9 * (24 * 64 + 64 * 64 + 64 * 256 + 3 * 256 * 256) + 2 * (64 + 256 + 256) +
        256 * 10;
      assert.equal(trained, 1_971_352);
      assert.equal(countTrainableParams(model), trained);
      // PyTorch's parameters also hold the frozen whitening kernel (2x2x3x24) and BN weights (fixed at 1):
      // sum(p.numel() for p in make_net().parameters()) = 1,972,792. Our other fixed weights are BN's running
      // statistics (PyTorch's buffers).
      const fixed = (suffix: string) =>
        model.nonTrainableWeights.filter((w) => w.originalName.endsWith(suffix))
          .reduce((s, w) => s + w.shape.reduce<number>((a, b) => a * b!, 1), 0);
      assert.equal(trained + fixed(`${WHITEN_LAYER}/kernel`) + fixed("/gamma"), 1_972_792);
      assert.equal(fixed("/moving_mean") + fixed("/moving_variance"), 2 * 2 * (64 + 256 + 256));
      assert.equal(table.find((r) => r.layer === "linear")?.params, 2560); // no bias
      for (const bn of model.layers.filter((l) => l instanceof BatchNormAct) as BatchNormAct[]) {
        assert.deepEqual(
          bn.cfg,
          {
            momentum: 0.4,
            epsilon: 1e-12,
            activation: "gelu",
            celuAlpha: 0.075,
            ghostBatch: 0,
            trainScale: false,
          },
        );
      }
      assert.equal((model.getLayer("logits").getConfig() as { scale: number }).scale, 1 / 9);
      assert.deepEqual(model.trainableWeights.slice(0, 3).map((w) => w.originalName), [
        `${WHITEN_BIAS_LAYER}/bias`,
        "layer1_conv/kernel",
        "layer1_bn/beta",
      ]);
      // Freezing the whitening bias (airbench after whiten_bias_epochs) takes its 24 out of the trained weights.
      model.getLayer(WHITEN_BIAS_LAYER).trainable = false;
      assert.equal(countTrainableParams(model), trained - 24);
      const x = tf.tensor4d(uniform(2 * 32 * 32 * 3, 50, -2, 2), [2, 32, 32, 3]);
      const [inference, training] = [model.predict(x), model.apply(x, { training: true })] as tf.Tensor[];
      assert.deepEqual(training.shape, [2, 10]);
      assert.ok((await inference.data()).every(Number.isFinite));
      tf.dispose([x, inference, training]);
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  },
);

backendTest(
  "the 2x2 prep: gelu(valid 2x2 conv + bias), output (i, j) reading input rows i, i+1 and columns j, j+1",
  async () => {
    const model = buildNet({ ...AIRBENCH94_NET, width: 1 / 16 }, { whitening: FILTERS });
    const bias = uniform(24, 60, -0.3, 0.3);
    const xs = uniform(2 * 32 * 32 * 3, 61, -2, 2);
    try {
      model.getLayer(WHITEN_BIAS_LAYER).setWeights([tf.tensor1d(bias)]);
      const probe = tf.model({
        inputs: model.inputs,
        outputs: model.getLayer("prep_gelu").output as tf.SymbolicTensor,
      });
      const x = tf.tensor4d(xs, [2, 32, 32, 3]), out = probe.predict(x) as tf.Tensor;
      const got = await out.data();
      tf.dispose([x, out]);
      const want = new Float64Array(2 * 31 * 31 * 24);
      for (let n = 0; n < 2; n++) {
        for (let i = 0; i < 31; i++) {
          for (let j = 0; j < 31; j++) {
            for (let f = 0; f < 24; f++) {
              let s = bias[f];
              for (let p = 0; p < 12; p++) {
                const [dy, dx, c] = [Math.floor(p / 6), Math.floor(p / 3) % 2, p % 3];
                s += xs[((n * 32 + i + dy) * 32 + j + dx) * 3 + c] * FILTERS[p * 24 + f];
              }
              want[((n * 31 + i) * 31 + j) * 24 + f] = gelu64(s);
            }
          }
        }
      }
      assert.ok(maxAbsDiff(got, want) < 1e-5, `largest difference ${maxAbsDiff(got, want)}`);
    } finally {
      model.dispose();
    }
  },
);

/** Every trainable gradient of a small airbench net (average pools: no max-pool ties between backends). */
async function airbenchGradients(weights?: Float32Array[]) {
  const model = buildNet({ ...AIRBENCH94_NET, width: 1 / 8, pool: "avg" }, {
    seed: 5,
    whitening: FILTERS,
  });
  const x = tf.tensor4d(uniform(8 * 32 * 32 * 3, 70, -2, 2), [8, 32, 32, 3]);
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

backendTest(
  "every gradient of the airbench net (whitening bias, GELU, Dirac, frozen scales) equals tfjs's cpu backend",
  async () => {
    const got = await airbenchGradients();
    const ref = await onCpuWithReferenceFilterGrad(() => airbenchGradients(got.initial));
    assert.ok(Math.abs(got.loss - ref.loss) < 1e-5 * Math.abs(ref.loss), `loss ${got.loss} vs ${ref.loss}`);
    assert.equal(got.names.length, 1 + 6 + 6 + 1); // whitening bias, convs, BN biases, linear
    assert.equal(got.names[0], `${WHITEN_BIAS_LAYER}/bias`);
    got.names.forEach((name, i) => {
      const error = relativeError(got.grads[i], ref.grads[i]);
      assert.ok(error <= 1e-4, `${name}: relative error ${error}`);
    });
    assert.ok(got.grads[0].some((g) => g !== 0), "the whitening bias gets a gradient");
  },
);

backendTest(
  "an airbench net survives a save and load: fixed whitening, its bias (trained or frozen), GELU, BN",
  async () => {
    const model = buildNet(AIRBENCH94_NET, { seed: 8, whitening: FILTERS });
    const bias = uniform(24, 80, -0.2, 0.2);
    const x = tf.tensor4d(uniform(2 * 32 * 32 * 3, 81, -2, 2), [2, 32, 32, 3]);
    const loaded: tf.LayersModel[] = [];
    try {
      model.getLayer(WHITEN_BIAS_LAYER).setWeights([tf.tensor1d(bias)]);
      for (const frozen of [false, true]) {
        model.getLayer(WHITEN_BIAS_LAYER).trainable = !frozen;
        const back = (await modelFromFiles(await modelToFiles(model, {}))).model;
        loaded.push(back);
        assert.deepEqual(
          back.trainableWeights.map((w) => w.originalName),
          model.trainableWeights.map((w) => w.originalName),
        );
        assert.equal(back.getLayer(WHITEN_BIAS_LAYER).trainable, !frozen);
        assert.deepEqual(await back.getLayer(WHITEN_BIAS_LAYER).getWeights()[0].data(), bias);
        assert.deepEqual(await back.getLayer(WHITEN_LAYER).getWeights()[0].data(), FILTERS);
        assert.ok(!back.getLayer(WHITEN_LAYER).trainable);
        assert.deepEqual(
          (back.getLayer("layer2_bn") as BatchNormAct).cfg,
          (model.getLayer("layer2_bn") as BatchNormAct).cfg,
        );
        const [a, b] = [model.predict(x), back.predict(x)] as tf.Tensor[];
        assert.deepEqual(await b.data(), await a.data());
        tf.dispose([a, b]);
      }
    } finally {
      x.dispose();
      model.dispose();
      loaded.forEach((m) => m.dispose());
    }
  },
);

Deno.test("configs saved with a boolean whiten read back as 3x3 / none; a bad whiten fails naming the choices", async () => {
  const { whiten: _, diracInit: __, ...older } = DAVIDNET_DEFAULTS; // a config from before issue 17
  assert.equal(savedModelConfig({ ...older, whiten: true }).whiten, "3x3");
  assert.equal(savedModelConfig({ ...older, whiten: false }).whiten, "none");
  assert.equal(savedModelConfig({ ...older, whiten: "2x2" }).whiten, "2x2");
  assert.deepEqual(savedModelConfig({ ...older, whiten: false, width: 0.5 }), {
    ...DAVIDNET_DEFAULTS,
    width: 0.5,
  });
  await using tmp = await tempDir();
  const run = { config: { model: { ...older, whiten: true }, epochs: 10 }, preset: "tricks" };
  await Deno.writeTextFile(join(tmp.path, "config.json"), JSON.stringify(run));
  const read = await readRunConfig(tmp.path);
  assert.equal(read.config.model.whiten, "3x3");
  assert.equal(read.config.model.diracInit, false);
  assert.equal(read.config.epochs, 10);
  assert.throws(() => buildNet({ whiten: true as never }), /whiten true: pick one of none, 3x3, 2x2/);
  assert.throws(
    () => buildNet({ whiten: "2x2" }, { whitening: new Float32Array(729) }),
    /need 2x2x3x24 = 288/,
  );
});
