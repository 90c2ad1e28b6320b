/**
 * The native backend (tfjs-node on TensorFlow's C library, `deno task setup`): the setup's checks, what `auto`
 * picks, the fused TensorFlow ops of `--kernels fast` against an independent float64 computation, and every
 * DavidNet gradient against the float64 reference with both kernel modes.
 */
import assert from "node:assert/strict";
import { initBackend, probeWebGpu, tf } from "../lib/core/backend/mod.ts";
import { KernelRuntime } from "../lib/core/kernels/mod.ts";
import {
  batchNormActNative,
  ghostBatchNormActNative,
  type NativeActivation,
} from "../lib/core/kernels/native/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";
import { gradientErrors } from "./gradient_check.ts";
import { relativeError } from "./reference.ts";

Deno.test("deno task setup is idempotent: on a set-up machine it loads the addon and changes nothing", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "setup"],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(
    text,
    /native backend ready \(already installed\): @tensorflow\/tfjs-node 4\.22\.0 on TensorFlow 2\.21\.0/,
  );
});

Deno.test("auto takes a hardware WebGPU adapter, else the native backend over a software adapter, and says why", async () => {
  const adapter = await probeWebGpu();
  const lines: string[] = [];
  const info = await initBackend("auto", { log: (l) => lines.push(l) });
  if (adapter && !adapter.isFallback) assert.equal(info.name, "webgpu");
  else {
    assert.equal(info.name, "tensorflow");
    assert.equal(tf.getBackend(), "tensorflow");
    assert.match(
      lines[0],
      /^backend: tensorflow on @tensorflow\/tfjs-node 4\.22\.0 on TensorFlow 2\.21\.0 \(CPU, /,
    );
    assert.match(
      lines[0],
      /\(auto: (only a software WebGPU adapter \(.+\)|no WebGPU adapter); the native backend is set up\)$/,
    );
  }
});

/** Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7), an erf independent of TensorFlow's. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 -
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** An activation and its derivative in float64. */
const ACTIVATIONS: Record<NativeActivation, [(z: number) => number, (z: number) => number]> = {
  relu: [(z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)],
  celu: [(z) => (z > 0 ? z : 0.3 * (Math.exp(z / 0.3) - 1)), (z) => (z > 0 ? 1 : Math.exp(z / 0.3))],
  gelu: [
    (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)),
    (z) => 0.5 * (1 + erf(z / Math.SQRT2)) + z * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI),
  ],
  linear: [(z) => z, () => 1],
};

/**
 * Batch norm (biased variance) + activation forward and backward for NHWC `x` with C channels in float64: y, the
 * batch mean and variance, and dL/dx, dL/dgamma, dL/dbeta for L = sum(y * u).
 */
function batchNormReference(
  x: Float32Array,
  c: number,
  g: Float32Array,
  b: Float32Array,
  u: Float32Array,
  act: NativeActivation,
  eps: number,
) {
  const n = x.length / c, [f, df] = ACTIVATIONS[act];
  const mean = new Float64Array(c), variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c] += x[i] / n;
  for (let i = 0; i < x.length; i++) variance[i % c] += (x[i] - mean[i % c]) ** 2 / n;
  const y = new Float64Array(x.length), xhat = new Float64Array(x.length), dz = new Float64Array(x.length);
  const dg = new Float64Array(c),
    db = new Float64Array(c),
    sumDz = new Float64Array(c),
    sumDzXhat = new Float64Array(c);
  for (let i = 0; i < x.length; i++) {
    const k = i % c;
    xhat[i] = (x[i] - mean[k]) / Math.sqrt(variance[k] + eps);
    const z = g[k] * xhat[i] + b[k];
    y[i] = f(z);
    dz[i] = u[i] * df(z);
    db[k] += dz[i];
    dg[k] += dz[i] * xhat[i];
  }
  for (let i = 0; i < x.length; i++) {
    sumDz[i % c] += dz[i] * g[i % c];
    sumDzXhat[i % c] += dz[i] * g[i % c] * xhat[i];
  }
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = i % c;
    dx[i] = (dz[i] * g[k] - sumDz[k] / n - xhat[i] * sumDzXhat[k] / n) / Math.sqrt(variance[k] + eps);
  }
  return { y, mean, variance, dx, dg, db };
}

/** A native batch-norm op under test: x, gamma, beta and the batch statistics' callback in, y out. */
type NativeBn = (
  x: tf.Tensor4D,
  g: tf.Tensor1D,
  b: tf.Tensor1D,
  onStats: (m: tf.Tensor1D, v: tf.Tensor1D) => void,
) => tf.Tensor4D;

/**
 * Runs `op` on the inputs and takes the gradients of sum(y * u), then checks y, the statistics it hands over and
 * dL/dx, dL/dgamma, dL/dbeta against `ref` (float64), and that no tensor leaks.
 */
async function checkAgainstReference(
  op: NativeBn,
  shape: [number, number, number, number],
  inputs: { xs: Float32Array; gs: Float32Array; bs: Float32Array; us: Float32Array },
  ref: ReturnType<typeof batchNormReference>,
  tol: number,
): Promise<void> {
  const before = tf.memory().numTensors;
  const stats: Float32Array[] = [];
  const [x, g, b, u] = [
    tf.tensor4d(inputs.xs, shape),
    tf.tensor1d(inputs.gs),
    tf.tensor1d(inputs.bs),
    tf.tensor4d(inputs.us, shape),
  ];
  const record = (m: tf.Tensor1D, v: tf.Tensor1D) =>
    stats.push(m.dataSync() as Float32Array, v.dataSync() as Float32Array);
  const y = tf.tidy(() => op(x, g, b, record));
  const grads = tf.tidy(() =>
    tf.grads((xi, gi, bi) =>
      tf.sum(tf.mul(op(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, () => {}), u))
    )([x, g, b])
  );
  assert.ok(relativeError(await y.data(), ref.y) < tol, `y: ${relativeError(await y.data(), ref.y)}`);
  assert.ok(relativeError(stats[0], ref.mean) < 1e-5, "batch mean");
  assert.ok(
    relativeError(stats[1], ref.variance) < 1e-5,
    `biased batch variance ${stats[1]} vs ${ref.variance}`,
  );
  for (const [i, name, want] of [[0, "dx", ref.dx], [1, "dgamma", ref.dg], [2, "dbeta", ref.db]] as const) {
    const e = relativeError(await grads[i].data(), want);
    assert.ok(e < tol, `${name}: relative error ${e}`);
  }
  tf.dispose([x, g, b, u, y, ...grads]);
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

for (const act of ["relu", "celu", "gelu", "linear"] as const) {
  Deno.test(`native fused batch norm + ${act}: output, batch statistics and gradients equal a float64 computation`, async () => {
    await initBackend("tensorflow", { log: () => {} });
    const rng = new Rng(5, 1), [n, h, w, c] = [16, 6, 6, 8], eps = 1e-5;
    const rand = (k: number, s = 1, o = 0) =>
      Float32Array.from({ length: k }, () => o + s * (2 * rng.next() - 1));
    const xs = rand(n * h * w * c, 2, 0.3), gs = rand(c, 0.5, 1), bs = rand(c, 0.2), us = rand(n * h * w * c);
    const cfg = { epsilon: eps, activation: act, celuAlpha: 0.3 };
    await checkAgainstReference(
      (x, g, b, onStats) => batchNormActNative(x, g, b, cfg, onStats),
      [n, h, w, c],
      { xs, gs, bs, us },
      batchNormReference(xs, c, gs, bs, us, act, eps),
      act === "relu" ? 1e-4 : 2e-5,
    );
  });
}

/**
 * Ghost batch norm in float64: {@link batchNormReference} on each of `groups` equal runs of consecutive images; the
 * statistics are the means over the groups, dgamma and dbeta the sums.
 */
function ghostReference(
  x: Float32Array,
  c: number,
  groups: number,
  g: Float32Array,
  b: Float32Array,
  u: Float32Array,
  act: NativeActivation,
  eps: number,
) {
  const size = x.length / groups; // elements per group
  const out = {
    y: new Float64Array(x.length),
    dx: new Float64Array(x.length),
    mean: new Float64Array(c),
    variance: new Float64Array(c),
    dg: new Float64Array(c),
    db: new Float64Array(c),
  };
  for (let k = 0; k < groups; k++) {
    const part = (a: Float32Array) => a.subarray(k * size, (k + 1) * size);
    const r = batchNormReference(part(x), c, g, b, part(u), act, eps);
    out.y.set(r.y, k * size);
    out.dx.set(r.dx, k * size);
    for (let j = 0; j < c; j++) {
      out.mean[j] += r.mean[j] / groups;
      out.variance[j] += r.variance[j] / groups;
      out.dg[j] += r.dg[j];
      out.db[j] += r.db[j];
    }
  }
  return out;
}

for (const act of ["relu", "celu"] as const) {
  Deno.test(`native fused ghost batch norm + ${act}: output, statistics and gradients equal a float64 computation per group`, async () => {
    await initBackend("tensorflow", { log: () => {} });
    const rng = new Rng(7, 2), [n, h, w, c, group] = [12, 5, 5, 6, 4], eps = 1e-5;
    const rand = (k: number, s = 1, o = 0) =>
      Float32Array.from({ length: k }, () => o + s * (2 * rng.next() - 1));
    // Each group gets its own offset and scale, so that whole-batch statistics would fail the comparison.
    const xs = rand(n * h * w * c, 2, 0.3).map((v, i) =>
      v * (1 + Math.floor(i / (group * h * w * c))) + i % 3
    );
    const gs = rand(c, 0.5, 1), bs = rand(c, 0.2), us = rand(n * h * w * c);
    const cfg = { epsilon: eps, activation: act, celuAlpha: 0.3 };
    await checkAgainstReference(
      (x, g, b, onStats) => ghostBatchNormActNative(x, g, b, group, cfg, onStats),
      [n, h, w, c],
      { xs, gs, bs, us },
      ghostReference(xs, c, n / group, gs, bs, us, act, eps),
      act === "relu" ? 1e-4 : 2e-5,
    );
    const [x, g, b] = [tf.tensor4d(xs, [n, h, w, c]), tf.tensor1d(gs), tf.tensor1d(bs)];
    assert.throws(
      () => tf.tidy(() => ghostBatchNormActNative(x.slice(0, 10), g, b, group, cfg, () => {})),
      /multiple of the ghost batch 4; use a batch size divisible by 4/,
    );
    tf.dispose([x, g, b]);
  });
}

for (const kernels of ["fast", "stock"] as const) {
  for (const [width, batch] of [[1 / 16, 128], [1, 8]]) {
    Deno.test(`[tensorflow] every DavidNet gradient equals the float64 reference: ${kernels} kernels, width ${width}, batch ${batch}`, async () => {
      await initBackend("tensorflow", { log: () => {} });
      const errors = await gradientErrors(width, batch, new KernelRuntime({ mode: kernels }));
      assert.equal(errors.length, 25);
      for (const { name, error } of errors) assert.ok(error <= 1e-4, `${name}: relative error ${error}`);
    });
  }
}
