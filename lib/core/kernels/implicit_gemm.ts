/**
 * A WGSL generator for tiled matrix products C[m, n] = sum_k A[m, k] B[k, n] whose operands are read through
 * index functions (an implicit GEMM: a convolution without materialising im2col). Each workgroup computes a
 * TM x TN tile of C over one split of K: it stages TK-deep slices of A and B in workgroup memory, and each
 * invocation accumulates a 4 x 4 block of outputs. Tiles, workgroup size, workgroup memory and dispatch derive
 * from the device's limits. Every loop of the generated shader has a constant trip count and one invocation loops
 * at most {@link MAX_LOOP_ITERATIONS} times in all: software adapters such as lavapipe stop a shader after 65,535
 * loop iterations and silently return partial sums, so K is split across workgroups instead of looped over. The
 * tile loads are loops, not unrolled: SwiftShader's shader compiler needs tens of gigabytes for 64 unrolled copies
 * of an index function (the process was killed for memory before its first step).
 */
import { foldDispatch, type KernelLimits, MAX_LOOP_ITERATIONS } from "./limits.ts";

/** Depth of the K slice staged per step. */
const TK = 16;
/** Below this many K steps per split, a further split costs more than it parallelises. */
const MIN_SPLIT_STEPS = 16;
/** Aim for at least this many workgroups, so that a large GPU has work for every core. */
const TARGET_WORKGROUPS = 256;
/** The largest tile (TM x TN outputs, 64 invocations of 4 x 4). */
const MAX_TILE = 1024;

/** The sizes of one product and how the operands are laid out in memory. */
export interface GemmProblem {
  M: number;
  N: number;
  K: number;
  /** Which index of A is contiguous in memory (so that neighbouring invocations load neighbouring words). */
  aContiguous: "m" | "k";
  /** Which index of B is contiguous in memory. */
  bContiguous: "k" | "n";
  /** Split K across workgroups (each split writes its own partial C; see {@link GemmPlan.splits}). */
  splitK: boolean;
}

/** Tile sizes, splits and dispatch of one product. */
export interface GemmPlan {
  TM: number;
  TN: number;
  /** Invocations per workgroup: (TM / 4) x (TN / 4). */
  threads: number;
  /** Splits of K; partial products are summed afterwards when there is more than one. */
  splits: number;
  /** K steps (of TK) per split. */
  stepsPerSplit: number;
  /** Loop iterations of one invocation (steps x (1 + loads of A and B per step)). */
  loopIterations: number;
  /** Bytes of workgroup memory (the TK-deep slices of A and B). */
  workgroupBytes: number;
  mTiles: number;
  nTiles: number;
  dispatch: [number, number, number];
}

const pow2ceil = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Bytes of workgroup memory of a TM x TN tile (the TK-deep slices of A and B). */
const tileBytes = (TM: number, TN: number) => (TM + TN) * TK * 4;

/**
 * The largest tile for the product within `limits`: TN up to 32 (narrow for few columns), TM up to
 * {@link MAX_TILE} / TN, both halved (TM first) until the invocations and workgroup memory fit.
 */
function chooseTile(p: GemmProblem, limits: KernelLimits): { TM: number; TN: number } {
  let TN = clamp(pow2ceil(p.N), 4, 32);
  let TM = clamp(pow2ceil(p.M), 4, MAX_TILE / TN);
  const maxThreads = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const fits = () =>
    (TM * TN) / 16 <= maxThreads && tileBytes(TM, TN) <= limits.maxComputeWorkgroupStorageSize;
  while (!fits() && (TM > 4 || TN > 4)) {
    if (TM >= TN && TM > 4) TM /= 2;
    else TN /= 2;
  }
  if (!fits()) throw new Error(`no 4 x 4 tile fits the adapter's limits ${JSON.stringify(limits)}`);
  return { TM, TN };
}

/** Chooses tiles within `limits` and, for split-K products, the splits of K. */
export function planGemm(p: GemmProblem, limits: KernelLimits): GemmPlan {
  const { TM, TN } = chooseTile(p, limits);
  const mTiles = Math.ceil(p.M / TM), nTiles = Math.ceil(p.N / TN);
  const kSteps = Math.ceil(p.K / TK);
  const threads = (TM * TN) / 16;
  // Per K step: the step loop itself, then the loads of A's TK x TM slice and of B's TK x TN slice.
  const iterationsPerStep = 1 + (TK * TM) / threads + (TK * TN) / threads;
  const maxSteps = Math.floor(MAX_LOOP_ITERATIONS / iterationsPerStep);
  let splits = Math.ceil(kSteps / maxSteps);
  if (p.splitK) {
    // Each split writes an M x N partial; all of them share one binding.
    const bindable = Math.floor(limits.maxStorageBufferBindingSize / (p.M * p.N * 4));
    const wanted = Math.min(Math.ceil(TARGET_WORKGROUPS / (mTiles * nTiles)), bindable);
    splits = Math.max(splits, Math.min(wanted, Math.ceil(kSteps / MIN_SPLIT_STEPS)));
  } else if (splits > 1) {
    throw new Error(`a product with K = ${p.K} needs split-K (more than ${maxSteps * TK} per loop)`);
  }
  const stepsPerSplit = Math.ceil(kSteps / splits);
  splits = Math.ceil(kSteps / stepsPerSplit);
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (splits > max) throw new Error(`a product with K = ${p.K} needs ${splits} splits, more than ${max}`);
  const [dx, dy] = foldDispatch(mTiles * nTiles, limits, `a ${p.M} x ${p.N} product`);
  return {
    TM,
    TN,
    threads,
    splits,
    stepsPerSplit,
    loopIterations: stepsPerSplit * iterationsPerStep,
    workgroupBytes: tileBytes(TM, TN),
    mTiles,
    nTiles,
    dispatch: [dx, dy, splits],
  };
}

/**
 * The loads of one operand's TK-deep slice into workgroup memory `dst` (row-major [TK][width]): a loop of
 * width x TK / threads iterations in which neighbouring invocations read neighbouring words.
 */
function tileLoads(
  dst: string,
  width: number,
  threads: number,
  kFastest: boolean,
  load: (outer: string, k: string) => string,
  outer0: string,
): string {
  const kk = kFastest ? `e % ${TK}` : `e / ${width}`;
  const oi = kFastest ? `e / ${TK}` : `e % ${width}`;
  return `for (var j = 0; j < ${(width * TK) / threads}; j++) {
        let e = t + j * ${threads}; let kk = ${kk}; let oi = ${oi};
        ${dst}[kk * ${width} + oi] = ${load(`${outer0} + oi`, "k0 + kk")};
      }`;
}

/**
 * The WGSL body (`fn main()` and its workgroup arrays) of one planned product. The caller supplies, in `helpers`,
 * `fn loadA(m: i32, k: i32) -> f32`, `fn loadB(k: i32, n: i32) -> f32` (both 0 outside the matrices) and
 * `fn storeC(m: i32, n: i32, split: i32, v: f32)`; stores are only issued for m < M and n < N.
 */
export function gemmShader(p: GemmProblem, plan: GemmPlan, helpers: string): string {
  const { TM, TN, threads } = plan;
  const compute: string[] = [];
  for (let kk = 0; kk < TK; kk++) {
    const a = [0, 1, 2, 3].map((i) => `As[${kk * TM} + ty4 + ${i}]`).join(", ");
    const b = [0, 1, 2, 3].map((j) => `Bs[${kk * TN} + tx4 + ${j}]`).join(", ");
    compute.push(
      `{ let a = vec4<f32>(${a}); let b = vec4<f32>(${b}); ` +
        `acc0 += a.x * b; acc1 += a.y * b; acc2 += a.z * b; acc3 += a.w * b; }`,
    );
  }
  const stores: string[] = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      stores.push(
        `if (m0 + ty4 + ${i} < ${p.M} && n0 + tx4 + ${j} < ${p.N}) ` +
          `{ storeC(m0 + ty4 + ${i}, n0 + tx4 + ${j}, split, acc${i}[${j}]); }`,
      );
    }
  }
  return `
  ${helpers}
  var<workgroup> As: array<f32, ${TM * TK}>;
  var<workgroup> Bs: array<f32, ${TN * TK}>;

  fn main() {
    _ = uniforms.NAN; // tfjs binds its uniforms to every program; an unused binding would leave the layout
    let t = i32(localIndex);
    let tile = i32(workgroupId.x) + i32(workgroupId.y) * ${plan.dispatch[0]};
    let m0 = (tile / ${plan.nTiles}) * ${TM};
    let n0 = (tile % ${plan.nTiles}) * ${TN};
    let split = i32(workgroupId.z);
    let tx4 = (t % ${TN / 4}) * 4;
    let ty4 = (t / ${TN / 4}) * 4;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var step = 0; step < ${plan.stepsPerSplit}; step++) {
      let k0 = (split * ${plan.stepsPerSplit} + step) * ${TK};
      ${tileLoads("As", TM, threads, p.aContiguous === "k", (m, k) => `loadA(${m}, ${k})`, "m0")}
      ${tileLoads("Bs", TN, threads, p.bContiguous === "k", (n, k) => `loadB(${k}, ${n})`, "n0")}
      workgroupBarrier();
      ${compute.join("\n      ")}
      workgroupBarrier();
    }
    ${stores.join("\n    ")}
  }`;
}
