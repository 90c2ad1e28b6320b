import { type BatchThroughput, compareSpreads, type KernelGroup, type Spread } from "../bench/mod.ts";

export { compareSpreads };

const x = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x`;
const pct = (r: number) => `${r >= 1 ? "+" : ""}${(100 * (r - 1)).toFixed(0)}%`;

/**
 * Notebook 11, preprocessing: how many times as much preprocessing every step costs over `epochs` epochs as doing
 * it once (`perStepEpoch` is one epoch's batch-by-batch pass, `once` the whole subset in one pass), against the
 * `epochs` x that equal work per image would give, and which side of it the measurement fell on.
 */
export function preprocessWords(pre: { once: Spread; perStepEpoch: Spread }, epochs: number): string {
  const r = (epochs * pre.perStepEpoch.median) / pre.once.median;
  const side = r >= epochs
    ? "more: each batch also pays per-batch overheads (an upload, kernel dispatches, a synchronisation) that one " +
      "bulk pass pays once"
    : "less: on this backend one pass over the whole subset costs more per image than the batch-sized passes, " +
      "which eats into the saving, but does not remove it";
  return `over ${epochs} epochs, preprocessing every step costs ${
    x(r)
  } as much as preprocessing once (medians). ` +
    `Doing it once saves the other ${epochs - 1} passes, so equal work per image would give ${epochs}x; ` +
    `the measurement gives ${side}.`;
}

/**
 * Notebook 11, augmentation draws: per image and per step against per epoch, by the medians, each with whether the
 * repetitions' ranges overlap (then the two cannot be told apart at this many repetitions).
 */
export function drawWords(
  draws: ReadonlyArray<{ granularity: "epoch" | "step" | "image"; seconds: Spread }>,
): string {
  const of = (g: string) => draws.find((d) => d.granularity === g)!.seconds;
  const line = (g: "image" | "step") => {
    const c = compareSpreads(of(g), of("epoch"));
    return `drawing per ${g} took ${x(c.ratio)} the time of drawing per epoch (medians; the ranges ${
      c.overlap ? "overlap, so the repetitions cannot tell them apart" : "do not overlap"
    })`;
  };
  return `${line("image")}; ${line("step")}.`;
}

/** Notebook 11, augmentation: the device path against the host path for one epoch, by medians and ranges. */
export function augmentWords(aug: { device: Spread; host: Spread }): string {
  const c = compareSpreads(aug.device, aug.host);
  const faster = c.ratio < 1 ? "the device path" : "the host path";
  const by = c.ratio < 1 ? 1 / c.ratio : c.ratio;
  return `on this backend ${faster} was faster, by ${x(by)} (medians; the ranges ${
    c.overlap ? "overlap" : "do not overlap"
  }).`;
}

/**
 * Notebook 11, batch sizes: how the median throughput changes from the smallest to the largest batch and at each
 * step between them, and whether it keeps rising, levels off (a last step under +10%) or falls.
 */
export function throughputWords(sweep: readonly BatchThroughput[]): string {
  const [first, last] = [sweep[0], sweep.at(-1)!];
  const steps = sweep.slice(1).map((t, i) => ({
    from: sweep[i].batchSize,
    to: t.batchSize,
    gain: t.imagesPerSecond.median / sweep[i].imagesPerSecond.median,
    overlap: compareSpreads(t.imagesPerSecond, sweep[i].imagesPerSecond).overlap,
  }));
  const lastGain = steps.at(-1)?.gain ?? 1;
  const trend = steps.every((s) => s.gain > 1)
    ? lastGain < 1.1 ? "rise, but level off at the largest batches" : "rise at every step"
    : lastGain < 1
    ? "rise, then fall at the largest batch"
    : "do not rise steadily";
  const overlapping = steps.filter((s) => s.overlap).map((s) => `${s.from} -> ${s.to}`);
  return `images per second (medians) ${trend}: ${
    first.imagesPerSecond.median.toFixed(0)
  } at batch ${first.batchSize}, ` +
    `${last.imagesPerSecond.median.toFixed(0)} at batch ${last.batchSize} (${
      x(last.imagesPerSecond.median / first.imagesPerSecond.median)
    }); step by step ${steps.map((s) => `${s.from} -> ${s.to}: ${pct(s.gain)}`).join(", ")}` +
    (overlapping.length ? `; the repetitions' ranges overlap at ${overlapping.join(", ")}.` : ".");
}

/**
 * Notebook 11, the profile: the kinds of work in order of their share, and whether batch norm is in the profile at
 * all (the native backend's fused batch norm runs outside tfjs's kernel registry, which tf.profile lists).
 */
export function profileWords(
  groups: ReadonlyArray<{ group: KernelGroup; share: number }>,
  backend: "webgpu" | "tensorflow" | "cpu",
): string {
  const shares = groups.map((g) => `${g.group} ${(100 * g.share).toFixed(0)}%`).join(", ");
  const bn = groups.some((g) => g.group === "batch norm")
    ? ""
    : backend === "tensorflow"
    ? " Batch norm is missing: on the native backend it runs as TensorFlow's fused ops (`FusedBatchNormV3`, " +
      "lib/core/kernels/native), called outside tfjs's kernel registry, so tf.profile does not list it and its time is " +
      "not in the sum."
    : " Batch norm is missing from the profile on this backend.";
  return `shares of the profiled kernel time: ${shares}.${bn}`;
}
