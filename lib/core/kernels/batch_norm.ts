/**
 * Batch norm with its activation, fused, for training on WebGPU: the forward pass is three dispatches (per-chunk
 * channel moments, their merge, normalise + scale + shift + activation) plus one in-place update of the running
 * statistics, and the backward pass three (per-chunk sums of the gradient, their total, the input gradient) plus
 * two slices; tfjs's own ops take about forty. Statistics are exact two-pass moments per chunk of rows, merged with
 * Chan's formula, so they match tfjs's `moments` to float32 rounding. Loops stay within {@link MAX_LOOP_ITERATIONS}; workgroup sizes and
 * dispatches follow the device's limits.
 *
 * Ghost batch norm (Page's `GhostBatchNorm`) runs in the same kernels: with K groups of consecutive images, chunks
 * never straddle a group, the statistics are [2K, C] (mean and variance of each group), each row is normalised
 * with its group's, the input gradient uses its group's sums, and the running statistics move towards the mean
 * over the groups (which equals Page's per-group running statistics averaged for inference).
 */
import { tf } from "../backend/tf.ts";
import { sumSplitsProgram } from "./conv_programs.ts";
import {
  foldDispatch,
  type KernelLimits,
  kernelLimits,
  MAX_LOOP_ITERATIONS,
  workgroupThreads,
} from "./limits.ts";
import {
  gpuBuffer,
  recordDispatch,
  runProgram,
  webgpuBackend,
  type WebGpuBackendInternals,
  type WebGpuProgram,
} from "./webgpu_backend.ts";

/** Activations that can follow the normalisation. */
export type BnActivation = "relu" | "celu" | "linear";

/** The settings of one fused batch norm. */
export interface BnActConfig {
  /** Running statistics: running = (1 - momentum) * running + momentum * batch (PyTorch's convention). */
  momentum: number;
  epsilon: number;
  activation: BnActivation;
  celuAlpha: number;
  /** Images per ghost batch (0: the whole batch is one group). */
  ghostBatch: number;
}

/** What the kernels need of a {@link BnActConfig}, with the number of groups of the batch. */
type BnAttrs = Pick<BnActConfig, "activation" | "celuAlpha" | "epsilon"> & { groups: number };

/** Invocations per workgroup, where the limits allow. */
const THREADS = 64;
/** Rows per chunk are capped so that the two passes over a chunk stay within the loop budget. */
const MAX_CHUNK_ROWS = MAX_LOOP_ITERATIONS / 2;
const TARGET_INVOCATIONS = 4096;

interface Layout {
  /** Rows (N * H * W) and channels. */
  R: number;
  C: number;
  /** Ghost groups K and rows per group. */
  K: number;
  Rg: number;
  /** Channels per vector (4 when C % 4 == 0) and channel groups G = C / comps. */
  comps: number;
  G: number;
  /** Chunks of rows per group and rows per chunk. */
  S: number;
  rows: number;
}

function layout(shape: number[], K = 1): Layout {
  const C = shape[shape.length - 1], R = shape.reduce((a, b) => a * b, 1) / C;
  if (shape[0] % K !== 0) {
    throw new Error(`a batch of ${shape[0]} images does not split into ${K} ghost groups`);
  }
  const Rg = R / K, comps = C % 4 === 0 ? 4 : 1, G = C / comps;
  let S = Math.min(Rg, Math.max(Math.ceil(TARGET_INVOCATIONS / (G * K)), Math.ceil(Rg / MAX_CHUNK_ROWS)));
  const rows = Math.ceil(Rg / S);
  S = Math.ceil(Rg / rows);
  return { R, C, K, Rg, comps, G, S, rows };
}

/** A layout with the limits of the device its programs are for. */
type Plan = Layout & { limits: KernelLimits };

/** The longest loop (iterations of one invocation) of the batch-norm kernels for an input of `shape` in K groups. */
export function bnLoopIterations(shape: number[], K = 1): number {
  const l = layout(shape, K);
  return Math.max(2 * l.rows, 2 * l.S, K);
}

const vec = (l: Layout) => (l.comps === 4 ? "vec4<f32>" : "f32");

function program(
  name: string,
  l: Plan,
  inputs: string[],
  components: number[],
  outputShape: number[],
  invocations: number,
  body: string,
): WebGpuProgram {
  const threads = workgroupThreads(l.limits, THREADS);
  const shaderKey = `davidnet_bn_${name}_${l.R}_${l.C}_${l.K}_${l.S}_${threads}`;
  const dispatch = foldDispatch(Math.ceil(invocations / threads), l.limits, shaderKey);
  const dx = dispatch[0];
  return {
    variableNames: inputs,
    outputShape,
    shaderKey,
    workgroupSize: [threads, 1, 1],
    dispatchLayout: { x: [0], y: [1], z: [2] },
    dispatch,
    variableComponents: components,
    outputComponent: l.comps,
    getUserCode: () => `
  const R = ${l.R}; const G = ${l.G}; const S = ${l.S}; const ROWS = ${l.rows}; const RG = ${l.Rg};
  fn main() {
    _ = uniforms.NAN;
    let g = (i32(workgroupId.x) + i32(workgroupId.y) * ${dx}) * ${threads} + i32(localIndex);
    if (g >= ${invocations}) { return; }
    ${body}
  }`,
  };
}

/** The activation's derivative, from its output y: relu 1[y > 0]; celu exp(z / alpha) = y / alpha + 1 below 0. */
function activationGrad(a: BnActivation, alpha: number, t: string): string {
  const one = `${t}(1.0)`;
  if (a === "relu") return `select(${t}(0.0), ${one}, yv > ${t}(0.0))`;
  if (a === "celu") return `select(yv / ${alpha} + ${one}, ${one}, yv > ${t}(0.0))`;
  return one;
}

function activation(a: BnActivation, alpha: number, t: string): string {
  if (a === "relu") return `max(z, ${t}(0.0))`;
  if (a === "celu") {
    return `max(z, ${t}(0.0)) + min(${t}(0.0), ${alpha} * (exp(min(z, ${t}(0.0)) / ${alpha}) - ${t}(1.0)))`;
  }
  return "z";
}

/** Per chunk of rows: the mean and the sum of squared deviations of every channel, [K * S, 2, C]. */
function momentsProgram(l: Plan): WebGpuProgram {
  const t = vec(l);
  return program(
    "moments",
    l,
    ["x"],
    [l.comps],
    [l.K * l.S, 2, l.C],
    l.K * l.S * l.G,
    `
    let j = g / G; let q = g % G;
    let r0 = (j / S) * RG + (j % S) * ROWS; let r1 = min((j / S + 1) * RG, r0 + ROWS);
    var sum = ${t}(0.0);
    for (var r = r0; r < r1; r++) { sum += x[r * G + q]; }
    let mean = sum / f32(r1 - r0);
    var m2 = ${t}(0.0);
    for (var r = r0; r < r1; r++) { let d = x[r * G + q] - mean; m2 += d * d; }
    result[2 * j * G + q] = mean;
    result[(2 * j + 1) * G + q] = m2;`,
  );
}

/** Merges each group's chunks (Chan et al.): its mean and biased variance of every channel, [2K, C]. */
function mergeProgram(l: Plan): WebGpuProgram {
  const t = vec(l);
  return program(
    "merge",
    l,
    ["partial"],
    [l.comps],
    [2 * l.K, l.C],
    l.K * l.G,
    `
    let k = g / G; let q = g % G;
    var sum = ${t}(0.0);
    for (var s = 0; s < S; s++) {
      sum += f32(min(RG, (s + 1) * ROWS) - s * ROWS) * partial[2 * (k * S + s) * G + q];
    }
    let mean = sum / f32(RG);
    var m2 = ${t}(0.0);
    for (var s = 0; s < S; s++) {
      let j = k * S + s;
      let d = partial[2 * j * G + q] - mean;
      m2 += partial[(2 * j + 1) * G + q] + f32(min(RG, (s + 1) * ROWS) - s * ROWS) * d * d;
    }
    result[2 * k * G + q] = mean;
    result[(2 * k + 1) * G + q] = m2 / f32(RG);`,
  );
}

/** y = act((x - mean) / sqrt(var + eps) * gamma + beta), with the statistics [2K, C] of the row's group. */
function applyProgram(l: Plan, cfg: BnAttrs, shape: number[]): WebGpuProgram {
  const t = vec(l), c = l.comps;
  return program(
    `apply_${cfg.activation}_${cfg.celuAlpha}_${cfg.epsilon}`,
    l,
    ["x", "stats", "gamma", "beta"],
    [
      c,
      c,
      c,
      c,
    ],
    shape,
    l.R * l.G,
    `
    let q = g % G; let k = (g / G) / RG;
    let z = (x[g] - stats[2 * k * G + q]) * inverseSqrt(stats[(2 * k + 1) * G + q] + ${t}(${cfg.epsilon})) * gamma[q] +
      beta[q];
    result[g] = ${activation(cfg.activation, cfg.celuAlpha, t)};`,
  );
}

/** Per chunk of rows: sum of g and of g * xhat, where g = dy * act'(y), [K * S, 2, C]. */
function gradSumsProgram(l: Plan, cfg: BnAttrs): WebGpuProgram {
  const t = vec(l), c = l.comps;
  return program(
    `gradsums_${cfg.activation}_${cfg.celuAlpha}_${cfg.epsilon}`,
    l,
    ["dy", "y", "x", "stats"],
    [
      c,
      c,
      c,
      c,
    ],
    [l.K * l.S, 2, l.C],
    l.K * l.S * l.G,
    `
    let j = g / G; let q = g % G; let k = j / S;
    let mean = stats[2 * k * G + q]; let inv = inverseSqrt(stats[(2 * k + 1) * G + q] + ${t}(${cfg.epsilon}));
    var s1 = ${t}(0.0);
    var s2 = ${t}(0.0);
    let r0 = k * RG + (j % S) * ROWS;
    for (var r = r0; r < min((k + 1) * RG, r0 + ROWS); r++) {
      let i = r * G + q; let yv = y[i];
      let gv = dy[i] * ${activationGrad(cfg.activation, cfg.celuAlpha, t)};
      s1 += gv;
      s2 += gv * (x[i] - mean) * inv;
    }
    result[2 * j * G + q] = s1;
    result[(2 * j + 1) * G + q] = s2;`,
  );
}

/**
 * dx = gamma / sqrt(var + eps) * (g - (dbeta + xhat * dgamma) / Rg), where dbeta = sum g and dgamma = sum g xhat
 * over the row's group ([K, C] each) and Rg the group's rows.
 */
function gradInputProgram(l: Plan, cfg: BnAttrs, shape: number[]): WebGpuProgram {
  const t = vec(l), c = l.comps;
  const inputs = ["dy", "y", "x", "stats", "gamma", "dbeta", "dgamma"];
  return program(
    `gradinput_${cfg.activation}_${cfg.celuAlpha}_${cfg.epsilon}`,
    l,
    inputs,
    inputs.map(() => c),
    shape,
    l.R * l.G,
    `
    let q = g % G; let yv = y[g]; let k = (g / G) / RG;
    let inv = inverseSqrt(stats[(2 * k + 1) * G + q] + ${t}(${cfg.epsilon}));
    let gv = dy[g] * ${activationGrad(cfg.activation, cfg.celuAlpha, t)};
    let xhat = (x[g] - stats[2 * k * G + q]) * inv;
    result[g] = gamma[q] * inv * (gv - (dbeta[k * G + q] + xhat * dgamma[k * G + q]) / f32(RG));`,
  );
}

/** Row `row` (0: sum g, 1: sum g xhat) of the per-chunk sums, totalled over each group's chunks: [K, C] ([C] for one). */
function groupSumsProgram(l: Plan, row: number): WebGpuProgram {
  const t = vec(l);
  return program(
    `groupsums_${row}`,
    l,
    ["partial"],
    [l.comps],
    l.K === 1 ? [l.C] : [l.K, l.C],
    l.K * l.G,
    `
    let k = g / G; let q = g % G;
    var sum = ${t}(0.0);
    for (var s = 0; s < S; s++) { sum += partial[(2 * (k * S + s) + ${row}) * G + q]; }
    result[g] = sum;`,
  );
}

/**
 * Updates the running mean and variance in place from the group statistics [2K, C], towards their mean over the K
 * groups, in one dispatch of workgroups of `threads`.
 */
const emaShader = (threads: number) => `
@group(0) @binding(0) var<storage, read_write> mean: array<f32>;
@group(0) @binding(1) var<storage, read_write> variance: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<uniform> momentum: vec4<f32>; // (momentum, groups, -, -)
@compute @workgroup_size(${threads})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) wg: vec3<u32>) {
  let c = id.x + id.y * wg.x * ${threads}u;
  let n = arrayLength(&mean);
  if (c >= n) { return; }
  let m = momentum.x;
  let groups = u32(momentum.y);
  var sm = 0.0;
  var sv = 0.0;
  for (var k = 0u; k < groups; k++) { sm += stats[2u * k * n + c]; sv += stats[(2u * k + 1u) * n + c]; }
  mean[c] = mean[c] - (mean[c] - sm / f32(groups)) * m;
  variance[c] = variance[c] - (variance[c] - sv / f32(groups)) * m;
}`;
const emaPipelines = new WeakMap<GPUDevice, { pipeline: GPUComputePipeline; threads: number }>();

/** The running-statistics pipeline of `b`'s device, with its workgroup size from the device's limits. */
function emaPipeline(b: WebGpuBackendInternals): { pipeline: GPUComputePipeline; threads: number } {
  let p = emaPipelines.get(b.device);
  if (!p) {
    const threads = workgroupThreads(kernelLimits(b.device), THREADS);
    const label = `davidnet_bn_running_stats_${threads}`;
    const module = b.device.createShaderModule({ code: emaShader(threads), label });
    const pipeline = b.device.createComputePipeline({
      layout: "auto",
      label,
      compute: { module, entryPoint: "main" },
    });
    p = { pipeline, threads };
    emaPipelines.set(b.device, p);
  }
  return p;
}

function updateRunningStats(
  mean: tf.Variable,
  variance: tf.Variable,
  stats: tf.Tensor,
  momentum: number,
  groups: number,
) {
  const b = webgpuBackend();
  const { pipeline, threads } = emaPipeline(b);
  const C = mean.size;
  const entries = [
    { buffer: gpuBuffer(b, mean, true), size: C * 4 },
    { buffer: gpuBuffer(b, variance, true), size: C * 4 },
    { buffer: gpuBuffer(b, stats), size: 2 * groups * C * 4 },
    b.makeUniforms([{ type: "float32", data: [momentum, groups, 0, 0] }]),
  ].map((resource, binding) => ({ binding, resource }));
  const bindGroup = b.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  const dispatch = foldDispatch(Math.ceil(C / threads), kernelLimits(b.device), "davidnet_bn_running_stats");
  recordDispatch(b, pipeline, bindGroup, dispatch, [mean.dataId, variance.dataId, stats.dataId]);
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: tf.KernelBackend; attrs: BnAttrs };

/** The layout of `shape` in `groups` with the limits of `backend`'s device, and the backend. */
function planOn(backend: tf.KernelBackend, shape: number[], groups: number) {
  const b = webgpuBackend(backend), limits = kernelLimits(b.device);
  return {
    b,
    l: { ...layout(shape, groups), limits },
    run: (p: WebGpuProgram, inputs: tf.TensorInfo[]) => runProgram(b, p, inputs, limits),
  };
}

/** The fused batch-norm kernels, registered for the webgpu backend (so that tf.profile names and times them). */
export const BN_KERNELS: tf.KernelConfig[] = [
  {
    kernelName: "DavidnetBnMoments",
    backendName: "webgpu",
    kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => {
      const { b, l, run } = planOn(backend, inputs.x.shape, attrs.groups);
      const partial = run(momentsProgram(l), [inputs.x]);
      const stats = run(mergeProgram(l), [partial]);
      b.disposeData(partial.dataId);
      return stats;
    }) as unknown as tf.KernelFunc,
  },
  {
    kernelName: "DavidnetBnApply",
    backendName: "webgpu",
    kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => {
      const { x, stats, gamma, beta } = inputs;
      const { l, run } = planOn(backend, x.shape, attrs.groups);
      return run(applyProgram(l, attrs, x.shape), [x, stats, gamma, beta]);
    }) as unknown as tf.KernelFunc,
  },
  {
    kernelName: "DavidnetBnGrad",
    backendName: "webgpu",
    kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => {
      const { dy, y, x, stats, gamma } = inputs;
      const { b, l, run } = planOn(backend, x.shape, attrs.groups);
      const partial = run(gradSumsProgram(l, attrs), [dy, y, x, stats]);
      const [dbeta, dgamma] = [0, 1].map((row) => run(groupSumsProgram(l, row), [partial]));
      b.disposeData(partial.dataId);
      const dx = run(gradInputProgram(l, attrs, x.shape), [dy, y, x, stats, gamma, dbeta, dgamma]);
      if (l.K === 1) return [dx, dgamma, dbeta];
      const totals = [dgamma, dbeta].map((t) => {
        const total = run(sumSplitsProgram([l.C], l.K, l.limits), [t]);
        b.disposeData(t.dataId);
        return total;
      });
      return [dx, ...totals];
    }) as unknown as tf.KernelFunc,
  },
];

const attrsOf = (cfg: Omit<BnActConfig, "momentum" | "ghostBatch">, groups: number) =>
  ({
    activation: cfg.activation,
    celuAlpha: cfg.celuAlpha,
    epsilon: cfg.epsilon,
    groups,
  }) as unknown as tf.NamedAttrMap;

/** The ghost groups of a batch of `n` images (1 when `ghostBatch` is 0); throws when they do not divide it. */
function groupsOf(n: number, ghostBatch: number): number {
  if (ghostBatch > 0 && n % ghostBatch !== 0) {
    throw new Error(
      `a batch of ${n} images is not a multiple of the ghost batch ${ghostBatch}; use a batch size divisible by ` +
        `${ghostBatch}, or ghost batch 0`,
    );
  }
  return ghostBatch > 0 ? n / ghostBatch : 1;
}

/**
 * act(batchnorm(x)) in training mode with the fused kernels (webgpu backend only), differentiable with respect to
 * x, gamma and beta; updates `movingMean` and `movingVariance` in place as a side effect.
 */
export function batchNormActTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  movingMean: tf.Variable,
  movingVariance: tf.Variable,
  cfg: BnActConfig,
): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const groups = groupsOf(xt.shape[0], cfg.ghostBatch);
    const stats = tf.engine().runKernel("DavidnetBnMoments", { x: xt }, attrsOf(cfg, groups)) as tf.Tensor2D;
    updateRunningStats(movingMean, movingVariance, stats, cfg.momentum, groups);
    const y = runApply(xt, stats, g as tf.Tensor1D, b as tf.Tensor1D, cfg, groups);
    save([xt, y, stats, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ys, st, gs] = saved;
        return tf.engine().runKernel(
          "DavidnetBnGrad",
          { dy: dy as tf.Tensor, y: ys, x: xs, stats: st, gamma: gs },
          attrsOf(cfg, groups),
        ) as tf.Tensor[];
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor;
}

function runApply(
  x: tf.Tensor,
  stats: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  cfg: Omit<BnActConfig, "momentum" | "ghostBatch">,
  groups: number,
): tf.Tensor {
  return tf.engine().runKernel(
    "DavidnetBnApply",
    { x, stats, gamma, beta },
    attrsOf(cfg, groups),
  ) as tf.Tensor;
}

/** act(batchnorm(x)) with given statistics [2, C] (inference: the running mean and variance), one dispatch. */
export function batchNormActApply(
  x: tf.Tensor,
  stats: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  cfg: Omit<BnActConfig, "momentum" | "ghostBatch">,
): tf.Tensor {
  return runApply(x, stats, gamma, beta, cfg, 1);
}
