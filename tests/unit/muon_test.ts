/**
 * Muon (airbench94_muon): the Newton-Schulz iteration against a float64 computation of it and its near-orthogonal
 * output; two Muon steps against a hand computation; and how `--optimizer muon` splits a net's parameters.
 */
import assert from "node:assert/strict";
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { tf } from "../../lib/core/backend/mod.ts";
import { AIRBENCH94_MUON, configFrom, PRESETS, sgdRates } from "../../lib/core/config/mod.ts";
import { buildNet, whiteningPlaceholder } from "../../lib/core/model/mod.ts";
import { Rng } from "../../lib/core/random/mod.ts";
import {
  makeOptimizer,
  Muon,
  NEWTON_SCHULZ_COEFFICIENTS,
  newtonSchulz,
  Optimizers,
  paramGroups,
} from "../../lib/core/train/mod.ts";

await tf.setBackend("cpu");

/** The iteration of airbench94_muon.py in float64 (ml-matrix), written from its source, not from lib/. */
function newtonSchulz64(g: Matrix, steps = 3): Matrix {
  const [a, b, c] = NEWTON_SCHULZ_COEFFICIENTS;
  const tall = g.rows > g.columns;
  let x = g.clone().div(g.norm("frobenius") + 1e-7);
  if (tall) x = x.transpose();
  for (let i = 0; i < steps; i++) {
    const gram = x.mmul(x.transpose());
    const poly = Matrix.mul(gram, b).add(Matrix.mul(gram.mmul(gram), c));
    x = Matrix.mul(x, a).add(poly.mmul(x));
  }
  return tall ? x.transpose() : x;
}

/** A [rows, cols] matrix of standard-normal-ish entries (sum of uniforms), seeded. */
function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed, 0x3a0);
  return Matrix.from1DArray(
    rows,
    cols,
    Array.from({ length: rows * cols }, () => rng.next() + rng.next() + rng.next() - 1.5),
  );
}

/** max |a - b| / max |b|. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

const flat = (m: Matrix) => m.to1DArray();

Deno.test("Newton-Schulz equals a float64 computation of airbench's iteration, wide and tall", () => {
  for (const [rows, cols, seed] of [[4, 6, 1], [6, 4, 2], [16, 64, 3], [36, 8, 4]]) {
    const g = randomMatrix(rows, cols, seed);
    const ours = tf.tidy(() => newtonSchulz(tf.tensor2d(flat(g), [rows, cols])).dataSync());
    const e = relError(ours, flat(newtonSchulz64(g)));
    assert.ok(e < 1e-4, `${rows}x${cols}: relative error ${e}`);
  }
});

Deno.test("Newton-Schulz output: G's singular vectors with singular values within 0.5-1.5", () => {
  for (const [rows, cols, seed] of [[4, 6, 5], [6, 4, 6], [16, 64, 7], [10, 30, 8]]) {
    const g = randomMatrix(rows, cols, seed);
    const x = Matrix.from1DArray(
      rows,
      cols,
      Array.from(tf.tidy(() => newtonSchulz(tf.tensor2d(flat(g), [rows, cols])).dataSync())),
    );
    const sv = new SingularValueDecomposition(x, { autoTranspose: true }).diagonal.slice(
      0,
      Math.min(rows, cols),
    );
    assert.ok(Math.min(...sv) > 0.5 && Math.max(...sv) < 1.5, `${rows}x${cols}: singular values ${sv}`);
    // Uᵀ X V is diagonal for G = U S Vᵀ: the output keeps G's singular directions (an orthogonalisation, not
    // just any matrix with those singular values).
    const svd = new SingularValueDecomposition(g, { autoTranspose: true });
    const inner = svd.leftSingularVectors.transpose().mmul(x).mmul(svd.rightSingularVectors);
    const k = Math.min(rows, cols);
    let off = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) if (i !== j) off = Math.max(off, Math.abs(inner.get(i, j)));
    }
    assert.ok(off < 1e-4, `${rows}x${cols}: off-diagonal ${off}`);
  }
  // The same matrix with a 1000x smaller scale: the same output (the iteration normalises first).
  const g = randomMatrix(6, 4, 9);
  const small = tf.tidy(() => newtonSchulz(tf.tensor2d(flat(g.clone().div(1000)), [6, 4])).dataSync());
  const big = tf.tidy(() => newtonSchulz(tf.tensor2d(flat(g), [6, 4])).dataSync());
  assert.ok(relError(small, big) < 1e-4);
});

Deno.test("two Muon steps equal a hand computation: Nesterov momentum, renormalisation, orthogonalised update", () => {
  const rng = new Rng(11, 1);
  const shape = [2, 2, 3, 4] as const, n = 48, out = 4, mu = 0.6, lr = 0.24, scale = 0.5;
  const rand = () => Array.from({ length: n }, () => rng.next() - 0.5);
  const w0 = rand(), g1 = rand(), g2 = rand();
  const w = tf.variable(tf.tensor4d(w0, [...shape]));
  const before = tf.memory().numTensors;
  const muon = new Muon([{ name: "conv", variable: w }], { momentum: mu, nesterov: true, lrScale: scale });
  // By hand in float64: buf = mu buf + g; u = g + mu buf; w = w sqrt(out) / |w| - lr x scale x NS(u as [12, 4]).
  let wRef = Matrix.from1DArray(12, out, w0), buf = Matrix.zeros(12, out);
  for (const g of [g1, g2]) {
    const gm = Matrix.from1DArray(12, out, g);
    buf = Matrix.mul(buf, mu).add(gm);
    const u = gm.clone().add(Matrix.mul(buf, mu));
    wRef = Matrix.mul(wRef, Math.sqrt(out) / wRef.norm("frobenius")).sub(
      Matrix.mul(newtonSchulz64(u), lr * scale),
    );
    const grad = tf.tensor4d(g, [...shape]);
    muon.step({ [w.name]: grad }, lr);
    grad.dispose();
  }
  const e = relError(w.dataSync(), flat(wRef));
  assert.ok(e < 1e-5, `weights after two steps: relative error ${e}`);
  // A frozen parameter is left alone; the state round-trips.
  const frozenBefore = Array.from(w.dataSync());
  muon.step({}, lr, new Set(["conv"]));
  assert.deepEqual(Array.from(w.dataSync()), frozenBefore);
  assert.deepEqual(Object.keys(muon.state()), ["conv"]);
  assert.throws(() => muon.step({}, lr), /no gradient for conv/);
  muon.dispose();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  w.dispose();
});

Deno.test("--optimizer muon: Muon takes every trainable filter, SGD the biases and the head, the whitening bias its own decay", () => {
  const cfg = configFrom(AIRBENCH94_MUON, { width: 1 / 16 });
  const model = buildNet(cfg.model, { seed: 0, whitening: whiteningPlaceholder(cfg.model.whiten) });
  try {
    const groups = Object.fromEntries(paramGroups(model, cfg).map((g) => [g.name, g]));
    assert.deepEqual(Object.keys(groups), ["weights", "bn-bias", "whiten-bias"]);
    assert.deepEqual(groups.weights.params.map((p) => p.name), ["linear/kernel"]);
    assert.ok(groups["bn-bias"].params.every((p) => /_bn\/beta$/.test(p.name)));
    assert.deepEqual(groups["whiten-bias"].params.map((p) => p.name), ["prep_whiten_bias/bias"]);
    // airbench94_muon.py: bias_lr 0.053 on the summed loss = 0.053 x 2000 here, decaying to 0 at epoch 3.
    const bias = groups["whiten-bias"].schedule!;
    assert.ok(Math.abs(bias(0) - 0.053 * 2000) < 1e-9 && Math.abs(bias(1.5) - 0.053 * 1000) < 1e-9);
    assert.equal(bias(3), 0);
    assert.equal(bias(5), 0);
    // Every group's decay per step at the peak: 2e-6 x batch (line 345: wd = 2e-6 x batch_size).
    const { lr, weightDecay } = sgdRates(cfg);
    for (const g of Object.values(groups)) {
      assert.ok(Math.abs(lr * g.lrScale * weightDecay * g.wdScale - 2e-6 * 2000) < 1e-12, g.name);
    }
    const opt = makeOptimizer(model, cfg);
    assert.ok(opt instanceof Optimizers);
    const muon = (opt as Optimizers).parts[0] as Muon;
    const filters = model.trainableWeights.filter((w) => w.shape.length === 4).map((w) => w.originalName);
    assert.deepEqual(muon.params.map((p) => p.name), filters);
    assert.equal(filters.length, 6, "two convs in each of three ConvGroups");
    assert.ok(Math.abs(muon.settings.lrScale * lr - 0.24) < 1e-12, "Muon's peak rate is 0.24");
    assert.equal(
      opt.params.length,
      model.trainableWeights.length,
      "every trainable parameter has an optimizer",
    );
    opt.dispose();
    // The head starts at unit standard deviation.
    const head = model.getLayer("linear").getWeights()[0];
    const std = tf.tidy(() => tf.moments(head).variance.dataSync()[0] * head.size / (head.size - 1));
    assert.ok(Math.abs(Math.sqrt(std) - 1) < 1e-5, `head std ${Math.sqrt(std)}`);
    // With the default SGD nothing changes: one optimizer, the whitening bias in the weights group.
    const sgd = makeOptimizer(model, PRESETS.airbench94);
    assert.ok(!(sgd instanceof Optimizers));
    sgd.dispose();
  } finally {
    model.dispose();
  }
  assert.throws(
    () => configFrom(PRESETS.airbench94, { "whiten-bias-decay": true, "whiten-bias-epochs": 0 }),
    /--whiten-bias-decay needs the 2x2 whitening/,
  );
});
