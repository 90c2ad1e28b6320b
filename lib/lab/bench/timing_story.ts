/**
 * Measurements behind notebook 11 ("where the time goes"): Page's early speed-ups (parts 1-3 and part 8's data
 * pipeline) re-measured here. Every timing is repeated and summarised by its median and range, because one
 * timing on a shared machine (and on a software adapter above all) is not a number to trust.
 */
import type { AugmentConfig, EpochDraws } from "../../core/augment/mod.ts";
import { augmentBatch, drawEpoch, uploadDraws } from "../../core/augment/mod.ts";
import { tf } from "../../core/backend/mod.ts";
import { median } from "../../core/stats/mod.ts";
import { settleDevice } from "./device_timing.ts";
import type { ChannelStats, Split } from "../../core/data/mod.ts";
import type { Series } from "../report/mod.ts";
import {
  type DeviceData,
  normalizeImages,
  type TrainConfig,
  TrainSession,
  whiteningFor,
} from "../../core/train/mod.ts";
import { type KernelShare, profileStep } from "./step.ts";

/** The median and range of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median (the mean of the middle two for an even count), minimum and maximum of `xs`. */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new Error("spread of no values");
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** `a` / `b` of two repeated timings by their medians, and whether their ranges [min, max] overlap. */
export function compareSpreads(a: Spread, b: Spread): { ratio: number; overlap: boolean } {
  return { ratio: a.median / b.median, overlap: a.min <= b.max && b.min <= a.max };
}

/** `median [min-max]` of a spread, scaled by `scale` and printed with `digits` decimals. */
export function formatSpread(s: Spread, digits = 1, scale = 1): string {
  const f = (v: number) => (v * scale).toFixed(digits);
  return `${f(s.median)} [${f(s.min)}-${f(s.max)}]`;
}

/**
 * Three figure series of repeated measurements over the categories `x`: the lowest, the median and the highest
 * repetition (values scaled by `scale`). Plotly's symmetric error bars cannot show a skewed range honestly
 * (a half-range bar can dip below zero), so the range is drawn as its two ends.
 */
export function spreadSeries(
  x: Array<number | string>,
  spreads: readonly Spread[],
  scale = 1,
  n = spreads[0]?.n,
): Series[] {
  return [
    { name: `lowest of ${n}`, x, y: spreads.map((s) => s.min * scale) },
    { name: `median of ${n}`, x, y: spreads.map((s) => s.median * scale) },
    { name: `highest of ${n}`, x, y: spreads.map((s) => s.max * scale) },
  ];
}

/**
 * Seconds of `f` (synchronised with the device before and after) over `reps` repetitions after one untimed
 * warm-up run (shader compilation, first allocations).
 */
export async function timeRepeated(f: () => unknown | Promise<unknown>, reps: number): Promise<Spread> {
  await f();
  await settleDevice();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    await settleDevice();
    const t0 = performance.now();
    await f();
    await settleDevice();
    times.push((performance.now() - t0) / 1000);
  }
  return spread(times);
}

/**
 * The kinds of work a training step's kernels do, for a coarse breakdown. davidnet's SGD update runs as raw
 * dispatches outside tfjs's programs, so tf.profile does not see it and no group holds it.
 */
export const KERNEL_GROUPS = [
  "convolution forward",
  "convolution backward",
  "batch norm",
  "max pool",
  "activation",
  "augmentation",
  "other",
] as const;
/** One of {@link KERNEL_GROUPS}. */
export type KernelGroup = typeof KERNEL_GROUPS[number];

/** The group of a tfjs (or davidnet) kernel name. */
export function kernelGroup(name: string): KernelGroup {
  if (/Conv2DBackprop|ConvBackprop|Conv.*Grad/i.test(name)) return "convolution backward";
  if (/Conv|MatMul|Gemm/i.test(name)) return "convolution forward";
  if (/BatchNorm|Bn|Moments/i.test(name)) return "batch norm";
  if (/Pool/i.test(name) || name === "Max") return "max pool"; // Max: the final global max pool
  if (/Relu|Elu|Celu|Selu|Step/i.test(name)) return "activation";
  // Gather + CropAndResize: crop and flip; the comparisons and logical ops: the cutout mask.
  if (/CropAndResize|MirrorPad|Gather|Range|Logical|GreaterEqual|^Less$/i.test(name)) return "augmentation";
  return "other";
}

/** One kernel's time in repeated profiles of a training step. */
export interface KernelProfile {
  kernel: string;
  group: KernelGroup;
  /** Calls in one step. */
  calls: number;
  /** Milliseconds per step over the profiles (kernels missing from a profile count 0 there). */
  ms: Spread;
  /** The median's share of the sum of all kernels' medians. */
  share: number;
}

/**
 * Profiles `reps` training steps of `cfg`'s net on `data` (tf.profile: per-kernel device times where the adapter
 * has timestamp queries) and summarises each kernel's time per step, largest median first, with the config's
 * kernels (`kernels.mode`) as `train` runs them. Run it after any
 * wall-clock timing: the profiler switches on timestamp queries, which slow what follows.
 */
export async function profileSteps(
  cfg: TrainConfig,
  data: DeviceData,
  reps: number,
): Promise<KernelProfile[]> {
  const session = new TrainSession(cfg, data, { whitening: await whiteningFor(cfg, data) });
  try {
    const step = () => session.step(1, 1e-3); // step 1: not a weight-average update
    tf.dispose(step());
    await settleDevice();
    const runs: KernelShare[][] = [];
    for (let i = 0; i < reps; i++) runs.push(await profileStep(step));
    // tf.profile also lists op scopes ("fusedConv2d__op", "unnamed scope") with no time of their own.
    const names = [...new Set(runs.flat().map((k) => k.kernel))].filter((k) =>
      !/__op$|^unnamed scope$/.test(k)
    );
    const rows = names.map((kernel) => {
      const per = runs.map((r) => r.find((k) => k.kernel === kernel));
      return {
        kernel,
        group: kernelGroup(kernel),
        calls: Math.max(...per.map((k) => k?.calls ?? 0)),
        ms: spread(per.map((k) => k?.ms ?? 0)),
        share: 0,
      };
    });
    const total = rows.reduce((a, r) => a + r.ms.median, 0);
    for (const r of rows) r.share = total > 0 ? r.ms.median / total : 0;
    return rows.sort((a, b) => b.ms.median - a.ms.median);
  } finally {
    session.dispose();
  }
}

/** Kernel profiles summed by {@link KernelGroup}: median milliseconds per step and share, largest first. */
export function groupProfiles(
  kernels: readonly KernelProfile[],
): Array<{ group: KernelGroup; kernels: number; ms: number; share: number }> {
  const total = kernels.reduce((a, k) => a + k.ms.median, 0);
  return KERNEL_GROUPS.map((group) => {
    const ks = kernels.filter((k) => k.group === group);
    const ms = ks.reduce((a, k) => a + k.ms.median, 0);
    return { group, kernels: ks.length, ms, share: total > 0 ? ms / total : 0 };
  }).filter((g) => g.kernels > 0).sort((a, b) => b.ms - a.ms);
}

/** How often the augmentation's random numbers are drawn (and uploaded to the device). */
export type DrawGranularity = "epoch" | "step" | "image";

/**
 * Draws (on the host) and uploads (to the device) one epoch's augmentation randomness for `n` images in batches of
 * `batch`: in one go per epoch (davidnet, Page part 1), per step, or per image with one upload per step (a
 * data loader's `__getitem__`). Only the cost is modelled: per-step draws permute within the batch. Returns the
 * device draws made (the caller disposes them).
 */
export function drawAndUpload(
  n: number,
  batch: number,
  cfg: AugmentConfig,
  seed: number,
  epoch: number,
  how: DrawGranularity,
  padded: number,
): tf.Tensor[] {
  const up = (d: EpochDraws) => {
    const t = uploadDraws(d, padded);
    return [t.order, t.boxes, t.cut];
  };
  if (how === "epoch") return up(drawEpoch(n, cfg, seed, epoch));
  const out: tf.Tensor[] = [];
  for (let s = 0; s + batch <= n; s += batch) {
    if (how === "step") {
      out.push(...up(drawEpoch(batch, cfg, seed, epoch * n + s)));
      continue;
    }
    const d: EpochDraws = {
      order: new Int32Array(batch),
      crop: new Int32Array(2 * batch),
      flip: new Uint8Array(batch),
      cut: new Int32Array(2 * batch),
    };
    for (let i = 0; i < batch; i++) {
      const one = drawEpoch(1, cfg, seed, epoch * n + s + i);
      d.order[i] = s + i;
      d.crop.set(one.crop, 2 * i);
      d.flip[i] = one.flip[0];
      d.cut.set(one.cut, 2 * i);
    }
    out.push(...up(d));
  }
  return out;
}

/** Seconds per epoch of {@link drawAndUpload} at each granularity, `reps` repetitions each. */
export async function drawCost(
  n: number,
  batch: number,
  cfg: AugmentConfig,
  reps: number,
  padded = 32 + 2 * cfg.pad,
): Promise<Array<{ granularity: DrawGranularity; seconds: Spread }>> {
  const out = [];
  for (const how of ["epoch", "step", "image"] as const) {
    let epoch = 0;
    const seconds = await timeRepeated(async () => {
      const t = drawAndUpload(n, batch, cfg, 0, epoch++, how, padded);
      await settleDevice();
      tf.dispose(t);
    }, reps);
    out.push({ granularity: how, seconds });
  }
  return out;
}

/**
 * Seconds to preprocess (convert to float, normalise with `stats`, reflect-pad by `pad`) the first `n` images of
 * `split`: once for the whole set (davidnet; Page part 1), and per step for one epoch of batches of `batch` (what
 * a loader that preprocesses each batch pays every epoch).
 */
export async function preprocessCost(
  split: Split,
  stats: ChannelStats,
  n: number,
  batch: number,
  pad: number,
  reps: number,
): Promise<{ once: Spread; perStepEpoch: Spread }> {
  const once = await timeRepeated(async () => {
    const x = normalizeImages(split, stats, 0, n, pad);
    await settleDevice();
    x.dispose();
  }, reps);
  const perStepEpoch = await timeRepeated(async () => {
    for (let s = 0; s + batch <= n; s += batch) {
      const x = normalizeImages(split, stats, s, batch, pad);
      await settleDevice();
      x.dispose();
    }
  }, reps);
  return { once, perStepEpoch };
}

/**
 * The augmented batch of epoch positions [start, start + size) computed on the host from padded NHWC images
 * (`side` x `side` x 3 each): crop at the drawn offsets, flip where drawn, zero the cutout square. The same
 * result as the device's {@link augmentBatch}, as a data loader on the CPU would compute it.
 */
export function augmentOnHost(
  padded: Float32Array,
  side: number,
  draws: EpochDraws,
  start: number,
  size: number,
  cfg: AugmentConfig,
  out = 32,
): Float32Array {
  const res = new Float32Array(size * out * out * 3);
  const row = side * 3;
  for (let b = 0; b < size; b++) {
    const p = start + b, img = draws.order[p] * side * row;
    const y0 = draws.crop[2 * p], x0 = draws.crop[2 * p + 1], flip = draws.flip[p] === 1;
    const cy = draws.cut[2 * p], cx = draws.cut[2 * p + 1], c = cfg.cutout;
    for (let i = 0; i < out; i++) {
      const src = img + (y0 + i) * row, dst = (b * out + i) * out * 3;
      for (let j = 0; j < out; j++) {
        const o = dst + 3 * j;
        if (c > 0 && i >= cy && i < cy + c && j >= cx && j < cx + c) continue; // zeroed
        const s = src + 3 * (x0 + (flip ? out - 1 - j : j));
        res[o] = padded[s];
        res[o + 1] = padded[s + 1];
        res[o + 2] = padded[s + 2];
      }
    }
  }
  return res;
}

/**
 * Seconds per epoch (batches of `batch` over `data.trainX`) to produce the augmented batches on the device
 * ({@link augmentBatch}: the padded set stays there, one upload of the draws per epoch) and on the host
 * ({@link augmentOnHost} from a host copy of the padded set, then one upload per batch).
 */
export async function augmentCost(
  data: DeviceData,
  batch: number,
  cfg: AugmentConfig,
  reps: number,
): Promise<{ device: Spread; host: Spread }> {
  const [n, side] = data.trainX.shape;
  const hostPadded = await data.trainX.data() as Float32Array;
  let epoch = 0;
  const device = await timeRepeated(async () => {
    const d = uploadDraws(drawEpoch(n, cfg, 0, epoch++), side);
    for (let s = 0; s + batch <= n; s += batch) {
      tf.tidy(() => augmentBatch(data.trainX, d, s, batch, cfg)).dispose();
    }
    await settleDevice();
    tf.dispose([d.order, d.boxes, d.cut]);
  }, reps);
  const host = await timeRepeated(async () => {
    const d = drawEpoch(n, cfg, 0, epoch++);
    for (let s = 0; s + batch <= n; s += batch) {
      tf.tensor4d(augmentOnHost(hostPadded, side, d, s, batch, cfg), [batch, 32, 32, 3]).dispose();
    }
    await settleDevice();
  }, reps);
  return { device, host };
}

/** Training-step time and throughput at one batch size. */
export interface BatchThroughput {
  batchSize: number;
  /** Seconds per synchronised training step. */
  stepSeconds: Spread;
  /** Images per second: batch / step seconds (median, and the range from the step times' range). */
  imagesPerSecond: Spread;
}

/**
 * Times `reps` synchronised training steps of `cfg`'s net at each batch size (after a warm-up step; a fresh net
 * each; the config's kernels, as `train` runs them) and reports images per second.
 */
export async function throughputByBatch(
  cfg: TrainConfig,
  data: DeviceData,
  batchSizes: readonly number[],
  reps: number,
): Promise<BatchThroughput[]> {
  const out: BatchThroughput[] = [];
  const whitening = await whiteningFor(cfg, data);
  for (const batchSize of batchSizes) {
    const session = new TrainSession({ ...cfg, batchSize }, data, { whitening });
    try {
      let step = 1;
      const stepSeconds = await timeRepeated(
        () => tf.dispose(session.step(step++ % session.stepsPerEpoch, 1e-3)),
        reps,
      );
      out.push({
        batchSize,
        stepSeconds,
        imagesPerSecond: {
          median: batchSize / stepSeconds.median,
          min: batchSize / stepSeconds.max,
          max: batchSize / stepSeconds.min,
          n: stepSeconds.n,
        },
      });
    } finally {
      session.dispose();
    }
  }
  return out;
}
