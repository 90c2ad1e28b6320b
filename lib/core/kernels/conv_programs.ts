import type { tf } from "../backend/tf.ts";
import { type GemmPlan, type GemmProblem, gemmShader, planGemm } from "./implicit_gemm.ts";
import { foldDispatch, type KernelLimits, workgroupThreads } from "./limits.ts";
import type { WebGpuProgram } from "./webgpu_backend.ts";

/** The geometry of one NHWC convolution (what tfjs's `computeConv2DInfo` reports), dilation included. */
export type ConvInfo = tf.backend_util.Conv2DInfo;

/** The three products of a convolution and its gradients, as implicit GEMMs. */
export type ConvProduct = "forward" | "backpropInput" | "backpropFilter";

/** WGSL constants of one convolution's geometry. */
export function geometry(c: ConvInfo): string {
  const v = {
    KH: c.filterHeight,
    N: c.batchSize,
    H: c.inHeight,
    W: c.inWidth,
    CI: c.inChannels,
    OH: c.outHeight,
    OW: c.outWidth,
    CO: c.outChannels,
    KW: c.filterWidth,
    SH: c.strideHeight,
    SW: c.strideWidth,
    DH: c.dilationHeight,
    DW: c.dilationWidth,
    PT: c.padInfo.top,
    PL: c.padInfo.left,
  };
  return Object.entries(v).map(([k, n]) => `const ${k} = ${n};`).join(" ");
}

/**
 * forward: out[(n, oy, ox), co] = sum over (r, s, ci) of x[n, oy*SH + r*DH - PT, ox*SW + s*DW - PL, ci] w[r, s, ci, co].
 * backpropInput: dx[(n, iy, ix), ci] = sum over (r, s, co) of dy[n, (iy + PT - r*DH) / SH, ..., co] w[r, s, ci, co],
 *   where the division is exact. backpropFilter: dw[(r, s, ci), co] = sum over (n, oy, ox) of x[...] dy[...], one
 *   partial result per split of K.
 */
const HELPERS: Record<ConvProduct, string> = {
  forward: `
  fn loadA(m: i32, k: i32) -> f32 {
    if (m >= N * OH * OW || k >= KH * KW * CI) { return 0.0; }
    let n = m / (OH * OW); let p = m - n * OH * OW; let oy = p / OW; let ox = p - oy * OW;
    let r = k / (KW * CI); let q = k - r * KW * CI; let s = q / CI; let ci = q - s * CI;
    let iy = oy * SH + r * DH - PT; let ix = ox * SW + s * DW - PL;
    if (iy < 0 || iy >= H || ix < 0 || ix >= W) { return 0.0; }
    return x[((n * H + iy) * W + ix) * CI + ci];
  }
  fn loadB(k: i32, n: i32) -> f32 {
    if (k >= KH * KW * CI || n >= CO) { return 0.0; }
    return W_[k * CO + n];
  }
  fn storeC(m: i32, n: i32, split: i32, v: f32) { result[m * CO + n] = v; }`,
  backpropInput: `
  fn loadA(m: i32, k: i32) -> f32 {
    if (m >= N * H * W || k >= KH * KW * CO) { return 0.0; }
    let n = m / (H * W); let p = m - n * H * W; let iy = p / W; let ix = p - iy * W;
    let r = k / (KW * CO); let q = k - r * KW * CO; let s = q / CO; let co = q - s * CO;
    let ty = iy + PT - r * DH; let tx = ix + PL - s * DW;
    if (ty < 0 || tx < 0 || ty % SH != 0 || tx % SW != 0) { return 0.0; }
    let oy = ty / SH; let ox = tx / SW;
    if (oy >= OH || ox >= OW) { return 0.0; }
    return dy[((n * OH + oy) * OW + ox) * CO + co];
  }
  fn loadB(k: i32, n: i32) -> f32 {
    if (k >= KH * KW * CO || n >= CI) { return 0.0; }
    let rs = k / CO; let co = k - rs * CO;
    return W_[(rs * CI + n) * CO + co];
  }
  fn storeC(m: i32, n: i32, split: i32, v: f32) { result[m * CI + n] = v; }`,
  backpropFilter: `
  fn loadA(m: i32, k: i32) -> f32 {
    if (m >= KH * KW * CI || k >= N * OH * OW) { return 0.0; }
    let n = k / (OH * OW); let p = k - n * OH * OW; let oy = p / OW; let ox = p - oy * OW;
    let r = m / (KW * CI); let q = m - r * KW * CI; let s = q / CI; let ci = q - s * CI;
    let iy = oy * SH + r * DH - PT; let ix = ox * SW + s * DW - PL;
    if (iy < 0 || iy >= H || ix < 0 || ix >= W) { return 0.0; }
    return x[((n * H + iy) * W + ix) * CI + ci];
  }
  fn loadB(k: i32, n: i32) -> f32 {
    if (k >= N * OH * OW || n >= CO) { return 0.0; }
    return dy[k * CO + n];
  }
  fn storeC(m: i32, n: i32, split: i32, v: f32) { result[(split * KH * KW * CI + m) * CO + n] = v; }`,
};

/** The product's sizes and operand layouts. */
function convProblem(product: ConvProduct, c: ConvInfo): GemmProblem {
  const pixelsIn = c.batchSize * c.inHeight * c.inWidth, pixelsOut = c.batchSize * c.outHeight * c.outWidth;
  const taps = c.filterHeight * c.filterWidth;
  if (product === "forward") {
    return {
      M: pixelsOut,
      N: c.outChannels,
      K: taps * c.inChannels,
      aContiguous: "k",
      bContiguous: "n",
      splitK: false,
    };
  }
  if (product === "backpropInput") {
    return {
      M: pixelsIn,
      N: c.inChannels,
      K: taps * c.outChannels,
      aContiguous: "k",
      bContiguous: "k",
      splitK: false,
    };
  }
  return {
    M: taps * c.inChannels,
    N: c.outChannels,
    K: pixelsOut,
    aContiguous: "m",
    bContiguous: "n",
    splitK: true,
  };
}

/** Names of the inputs, in the order the kernel passes them. */
const INPUTS: Record<ConvProduct, string[]> = {
  forward: ["x", "W_"],
  backpropInput: ["dy", "W_"],
  backpropFilter: ["x", "dy"],
};

/**
 * The tiled program of one product at one geometry (workgroup tiles in shared memory, for GPUs) within `limits`;
 * `plan.splits` partial results for backpropFilter.
 */
export function tiledConvProgram(
  product: ConvProduct,
  c: ConvInfo,
  limits: KernelLimits,
): { program: WebGpuProgram; plan: GemmPlan } {
  const problem = convProblem(product, c);
  const plan = planGemm(problem, limits);
  const outputShape = product === "forward"
    ? c.outShape
    : product === "backpropInput"
    ? c.inShape
    : [plan.splits * c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  const key = [
    product,
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    c.padInfo.top,
    c.padInfo.left,
  ].join("_");
  const helpers = `${geometry(c)}\n${HELPERS[product]}`;
  return {
    plan,
    program: {
      variableNames: INPUTS[product],
      outputShape,
      shaderKey: `davidnet_conv_${key}_${plan.TM}x${plan.TN}`,
      workgroupSize: [plan.threads, 1, 1],
      dispatchLayout: { x: [0], y: [1], z: [2] },
      dispatch: plan.dispatch,
      getUserCode: () => gemmShader(problem, plan, helpers),
    },
  };
}

/**
 * Sums `splits` partial results: result[i] = sum over s of partials[s * stride + offset + i] for i < size (the
 * split-K filter gradients: stride = size, offset 0; batch-norm sums: one row of [splits, 2, C]).
 */
export function sumSplitsProgram(
  outputShape: number[],
  splits: number,
  limits: KernelLimits,
  stride?: number,
  offset = 0,
): WebGpuProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  const threads = workgroupThreads(limits, 256);
  const name = `davidnet_sum_splits_${size}_${splits}_${stride ?? size}_${offset}_${threads}`;
  const dispatch = foldDispatch(Math.ceil(size / threads), limits, name);
  const dx = dispatch[0];
  return {
    variableNames: ["partials"],
    outputShape,
    shaderKey: name,
    workgroupSize: [threads, 1, 1],
    dispatchLayout: { x: [0], y: [1], z: [2] },
    dispatch,
    getUserCode: () => `
  fn main() {
    _ = uniforms.NAN; // keep tfjs's uniform binding in the layout
    let i = (i32(workgroupId.x) + i32(workgroupId.y) * ${dx}) * ${threads} + i32(localIndex);
    if (i >= ${size}) { return; }
    var sum = 0.0;
    for (var s = 0; s < ${splits}; s++) { sum += partials[s * ${stride ?? size} + ${offset} + i]; }
    result[i] = sum;
  }`,
  };
}
