/**
 * The fast kernels against references on the running webgpu adapter: each convolution product (under each conv
 * strategy asked for) against tfjs's cpu backend (forward, input gradient) and a float64 loop (filter gradient),
 * the fused batch norm with ReLU, CELU and ghost groups (output, gradients, running statistics, inference) and the
 * fused SGD step against float64 loops. The same comparisons serve `deno task doctor`, the check `deno task train`
 * runs once per adapter, the page's check before it trains, and the kernel tests at every DavidNet shape.
 */
import { tf } from "../backend/tf.ts";
import { Rng } from "../random/mod.ts";
import {
  batchNormActApply,
  batchNormActTraining,
  type BnActConfig,
  type BnActivation,
} from "./batch_norm.ts";
import type { ConvProduct } from "./conv_programs.ts";
import {
  batchNormActF64,
  conv2dBackpropFilterF64,
  type ConvGeometry,
  relativeError,
  sgdF64,
} from "./reference.ts";
import { KernelRuntime } from "./runtime.ts";
import { fusedSgdUpdate } from "./sgd_update.ts";

/** The largest relative error ||fast - reference|| / ||reference|| a kernel output may have. */
export const CHECK_TOLERANCE = 1e-4;

/** One kernel compared with its reference at one shape. */
export interface KernelCheck {
  /** The kernel, e.g. "conv backpropFilter (tiled)" or "batch norm + celu, 4 ghost groups". */
  kernel: string;
  /** The shapes it ran at, in words. */
  shape: string;
  /** The conv strategy of a convolution's check. */
  strategy?: "tiled" | "direct";
  /** The largest relative error over its outputs, and which output it was. */
  error: number;
  worst: string;
  passed: boolean;
}

/** Uniform(-1, 1) numbers from a seeded generator. */
export function uniform(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => 2 * rng.next() - 1);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The worst of several outputs' errors (each fast output against its reference) as one check. */
function verdict(kernel: string, shape: string, outputs: [string, ArrayLike<number>, ArrayLike<number>][]) {
  let error = 0, worst = outputs[0][0];
  for (const [name, got, want] of outputs) {
    const e = relativeError(got, want);
    // NaN (a kernel that wrote garbage) must fail: compare so that NaN ends up the worst.
    if (!(e <= error)) [error, worst] = [e, name];
  }
  return { kernel, shape, error, worst, passed: error <= CHECK_TOLERANCE };
}

/** How the webgpu kernels run: tfjs's own, or the fast ones with a conv strategy (`fast`: `auto`). */
export type KernelVariant = "stock" | "fast" | "tiled" | "direct";

/** The kernels of `variant` on the running backend. */
export function variantRuntime(variant: KernelVariant): KernelRuntime {
  if (variant === "stock") return new KernelRuntime({ mode: "stock" });
  return new KernelRuntime({ mode: "fast", conv: variant === "fast" ? "auto" : variant });
}

/** Runs `f` on the tfjs cpu backend, then returns to the backend it was called on. */
export async function onCpu<T>(f: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend("cpu");
  try {
    return await f();
  } finally {
    await tf.setBackend(previous);
  }
}

const filterGradAttrs = (g: ConvGeometry) =>
  ({
    strides: [g.strides, g.strides],
    pad: g.pad,
    dataFormat: "NHWC",
    dimRoundingMode: undefined,
    filterShape: g.filterShape,
  }) as unknown as tf.NamedAttrMap;

/**
 * The products of a convolution on the current backend, read back (forward and input gradient only on cpu), each
 * run with `kernels` activated when given.
 */
async function convProducts(
  g: ConvGeometry,
  xs: Float32Array,
  ws: Float32Array,
  dys: Float32Array,
  products: readonly ConvProduct[],
  kernels?: KernelRuntime,
): Promise<Partial<Record<ConvProduct, Float32Array>>> {
  const outShape = tf.backend_util.computeConv2DInfo(g.xShape, g.filterShape, g.strides, 1, g.pad).outShape;
  const x = tf.tensor4d(xs, g.xShape), w = tf.tensor4d(ws, g.filterShape), dy = tf.tensor4d(dys, outShape);
  const run: Record<ConvProduct, () => tf.Tensor> = {
    forward: () => tf.conv2d(x, w, g.strides, g.pad),
    backpropInput: () => tf.conv2dTranspose(dy, w, g.xShape, g.strides, g.pad),
    backpropFilter: () =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, filterGradAttrs(g)) as tf.Tensor,
  };
  try {
    const out: Partial<Record<ConvProduct, Float32Array>> = {};
    for (const product of products) {
      kernels?.activate();
      const t = run[product]();
      out[product] = await t.data() as Float32Array;
      t.dispose();
    }
    return out;
  } finally {
    tf.dispose([x, w, dy]);
  }
}

const PRODUCTS = ["forward", "backpropInput", "backpropFilter"] as const;

/**
 * Each product of the convolution `g` (seeded uniform inputs) on the webgpu backend under each of `strategies`,
 * against tfjs's cpu backend (forward, input gradient) and {@link conv2dBackpropFilterF64}: one check per product
 * and strategy.
 */
export async function compareConv(
  g: ConvGeometry,
  strategies: readonly ("tiled" | "direct")[],
): Promise<KernelCheck[]> {
  const info = tf.backend_util.computeConv2DInfo(g.xShape, g.filterShape, g.strides, 1, g.pad);
  const xs = uniform(size(g.xShape), 1), ws = uniform(size(g.filterShape), 2);
  const dys = uniform(size(info.outShape), 3);
  const cpu = await onCpu(() => convProducts(g, xs, ws, dys, ["forward", "backpropInput"]));
  const ref = { ...cpu, backpropFilter: conv2dBackpropFilterF64(xs, dys, g) };
  const shape = `x [${g.xShape}], filter [${g.filterShape}], stride ${g.strides}, ${g.pad}`;
  const checks: KernelCheck[] = [];
  for (const strategy of strategies) {
    const got = await convProducts(g, xs, ws, dys, PRODUCTS, variantRuntime(strategy));
    for (const p of PRODUCTS) {
      checks.push({ ...verdict(`conv ${p} (${strategy})`, shape, [[p, got[p]!, ref[p]!]]), strategy });
    }
  }
  return checks;
}

/** Batch norm settings of the checks (PyTorch's defaults, Page's CELU alpha). */
const BN = { momentum: 0.1, epsilon: 1e-5, celuAlpha: 0.3 };

/**
 * The fused batch norm's outputs of one training step on `shape` from the given inputs: output, gradients of x,
 * gamma and beta after a second forward, running statistics and the inference output with them.
 */
async function fusedBatchNormStep(
  shape: [number, number, number, number],
  inputs: { xs: Float32Array; dys: Float32Array; gammas: Float32Array; betas: Float32Array },
  cfg: BnActConfig,
) {
  const C = shape[3];
  const x = tf.tensor4d(inputs.xs, shape), dy = tf.tensor4d(inputs.dys, shape);
  const gamma = tf.tensor1d(inputs.gammas), beta = tf.tensor1d(inputs.betas);
  const mean = tf.variable(tf.zeros([C])), variance = tf.variable(tf.ones([C]));
  try {
    const y = batchNormActTraining(x, gamma, beta, mean, variance, cfg);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(batchNormActTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, mean, variance, cfg), dy));
    const [dx, dgamma, dbeta] = tf.grads(f)([x, gamma, beta]);
    const stats = tf.stack([mean, variance]) as tf.Tensor2D;
    const inference = batchNormActApply(x, stats, gamma, beta, cfg);
    const read = (t: tf.Tensor) => t.data() as Promise<Float32Array>;
    const out = {
      y: await read(y),
      dx: await read(dx),
      dgamma: await read(dgamma),
      dbeta: await read(dbeta),
      running: await read(stats),
      inference: await read(inference),
    };
    tf.dispose([y, dx, dgamma, dbeta, stats, inference]);
    return out;
  } finally {
    tf.dispose([x, dy, gamma, beta, mean, variance]);
  }
}

/**
 * One training step of the fused batch norm + `activation` on `shape` (NHWC) in `groups` ghost groups (1: none),
 * against {@link batchNormActF64}: the output, the gradients of x, gamma and beta, the running statistics after
 * the step's two updates (forward, then forward for the gradients) and the inference output with them. For ReLU
 * the inputs stay 0.5 standard deviations or more from the mean and beta is 0, so that no pre-activation sits
 * within rounding of ReLU's kink (where two correct implementations may differ).
 */
export async function compareBatchNorm(
  shape: [number, number, number, number],
  activation: BnActivation,
  groups: number,
  seed = 7,
): Promise<KernelCheck> {
  const C = shape[3], n = size(shape), rng = new Rng(seed);
  const xs = Float32Array.from(
    { length: n },
    () => activation === "relu" ? (rng.next() < 0.5 ? -1 : 1) * (0.5 + rng.next()) : 3 * rng.next() - 1,
  );
  const dys = uniform(n, seed + 1);
  const gammas = Float32Array.from({ length: C }, () => 0.5 + rng.next());
  const betas = Float32Array.from({ length: C }, () => (activation === "relu" ? 0 : rng.next() - 0.5));
  const cfg = { ...BN, activation, ghostBatch: groups > 1 ? shape[0] / groups : 0 };
  variantRuntime("fast").activate(); // registers the fused batch-norm kernels
  const got = await fusedBatchNormStep(shape, { xs, dys, gammas, betas }, cfg);
  const want = batchNormActF64(xs, dys, gammas, betas, { ...cfg, groups }, 2);
  const name = `batch norm + ${activation}${groups > 1 ? `, ${groups} ghost groups` : ""}`;
  const outputs = (Object.keys(got) as (keyof typeof got)[]).map((k) =>
    [k, got[k], want[k]] as [string, Float32Array, Float64Array]
  );
  return verdict(name, `[${shape}]`, outputs);
}

/** Three fused SGD steps (Nesterov, weight decay) of `n` weights against {@link sgdF64}. */
export async function compareSgd(n = 4099): Promise<KernelCheck> {
  const w0 = uniform(n, 1), grads = [2, 3, 4].map((s) => uniform(n, s)), lrs = [0.1, 0.2, 0.3];
  const h = { momentum: 0.9, weightDecay: 5e-4, nesterov: true };
  const w = tf.variable(tf.tensor1d(w0)), v = tf.variable(tf.zeros([n]));
  try {
    for (const [i, g] of grads.entries()) {
      const t = tf.tensor1d(g);
      fusedSgdUpdate(w, v, t, { ...h, lr: lrs[i] });
      t.dispose();
    }
    return verdict("SGD step (Nesterov, weight decay)", `${n} weights, 3 steps`, [
      ["weights", await w.data() as Float32Array, sgdF64(w0, grads, lrs, h)],
    ]);
  } finally {
    tf.dispose([w, v]);
  }
}

/**
 * [H, W, CI, CO] of the convolutions {@link checkKernels} runs: the distinct ones of the 1/16-width DavidNet
 * (3 colour channels in, 4 to 32 channels) and one whose channel counts are not multiples of 4, which takes the
 * kernels' remaining code paths.
 */
export const CHECK_CONVS: readonly [number, number, number, number][] = [
  [32, 32, 3, 4],
  [32, 32, 4, 8],
  [16, 16, 8, 8],
  [16, 16, 8, 16],
  [8, 8, 16, 32],
  [4, 4, 32, 32],
  [8, 8, 5, 6],
];

/** The checks of `report` that concern the fast kernels under `strategy`: its convolutions and every other kernel. */
export function checksUnder(report: KernelCheckReport, strategy: "tiled" | "direct"): KernelCheck[] {
  return report.checks.filter((c) => c.strategy === undefined || c.strategy === strategy);
}

/** Whether the fast kernels may run, and why. */
export interface CheckVerdict {
  /** True when the fast kernels passed their check (and off webgpu, where they do not run). */
  safe: boolean;
  /** One line: what was checked where, and what failed. */
  reason: string;
}

const describeCheck = (c: KernelCheck) =>
  `${c.kernel} at ${c.shape}: ${
    Number.isFinite(c.error) ? `relative error ${c.error.toExponential(2)} (${c.worst})` : c.worst
  }`;

/** The verdict, in one line, of the fast kernels under `strategy` from a kernel check `report` on `adapter`. */
export function checkVerdict(
  report: KernelCheckReport,
  adapter: string,
  strategy: "tiled" | "direct",
): CheckVerdict {
  const checks = checksUnder(report, strategy), failed = checks.filter((c) => !c.passed);
  if (!failed.length) {
    const worst = Math.max(...checks.map((c) => c.error));
    return {
      safe: true,
      reason: `the fast kernels (conv ${strategy}) passed all ${checks.length} checks on ${adapter} ` +
        `(worst relative error ${worst.toExponential(2)} <= ${CHECK_TOLERANCE})`,
    };
  }
  return {
    safe: false,
    reason: `the fast kernels (conv ${strategy}) failed ${failed.length} of ${checks.length} checks on ` +
      `${adapter} (tolerance ${CHECK_TOLERANCE}): ${failed.slice(0, 3).map(describeCheck).join("; ")}` +
      (failed.length > 3 ? `; and ${failed.length - 3} more` : ""),
  };
}

/** What {@link checkKernels} found. */
export interface KernelCheckReport {
  checks: KernelCheck[];
  /** True when every check passed. */
  passed: boolean;
  seconds: number;
}

/** Images per batch of {@link checkKernels} by default. */
export const CHECK_BATCH = 8;

/** How to run {@link checkKernels}. */
export interface KernelCheckOptions {
  /** Images per batch (default {@link CHECK_BATCH}; ghost groups of a quarter of it). */
  batch?: number;
  /** The conv strategies to check (default both). */
  strategies?: readonly ("tiled" | "direct")[];
  /** Hears each check as it finishes. */
  onCheck?: (check: KernelCheck) => void;
}

/**
 * Checks every fast kernel on the running webgpu backend against its reference ({@link CHECK_TOLERANCE}): the
 * convolutions of {@link CHECK_CONVS} at `batch` under each strategy, batch norm with ReLU, CELU and CELU in 4
 * ghost groups at their outputs, and the SGD step. It leaves davidnet's convolutions of its last strategy in tfjs's
 * registry: a session activates its own before it runs ({@link KernelRuntime}).
 */
export async function checkKernels(options: KernelCheckOptions = {}): Promise<KernelCheckReport> {
  if (tf.getBackend() !== "webgpu") {
    throw new Error(`the kernel check runs on webgpu, not ${tf.getBackend()}`);
  }
  const batch = options.batch ?? CHECK_BATCH, strategies = options.strategies ?? ["tiled", "direct"];
  if (batch % 4 !== 0) throw new Error(`kernel check batch ${batch}: must be a multiple of 4 (ghost groups)`);
  const t0 = performance.now(), checks: KernelCheck[] = [];
  const add = (c: KernelCheck) => {
    checks.push(c);
    options.onCheck?.(c);
  };
  for (const [H, W, CI, CO] of CHECK_CONVS) {
    const g: ConvGeometry = {
      xShape: [batch, H, W, CI],
      filterShape: [3, 3, CI, CO],
      strides: 1,
      pad: "same",
    };
    for (const c of await compareConv(g, strategies)) add(c);
    const shape: [number, number, number, number] = [batch, H, W, CO];
    for (const [activation, groups] of [["relu", 1], ["celu", 1], ["celu", 4]] as const) {
      add(await compareBatchNorm(shape, activation, groups));
    }
  }
  add(await compareSgd());
  return { checks, passed: checks.every((c) => c.passed), seconds: (performance.now() - t0) / 1000 };
}
