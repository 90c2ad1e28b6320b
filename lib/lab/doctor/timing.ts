/**
 * A training step of each preset, timed on this machine, and the training time of the preset's whole run that
 * follows from it. On a GPU a step runs at the preset's own batch. On a CPU (a software adapter, the native or the
 * cpu backend) a full-width step of 512 images takes minutes: a step of {@link CPU_PROBE_BATCH} images is timed
 * first, and the preset's own batch only when that step, scaled, stays under {@link FULL_STEP_BUDGET_SECONDS};
 * otherwise the small step is scaled to the batch (a CPU's time per image depends little on the batch, a little
 * less at larger batches, so the scaled estimate errs long).
 */
import { syntheticData } from "../bench/mod.ts";
import { type PresetName, PRESETS } from "../../core/config/mod.ts";
import { estimateTraining, stepsOfRun, type TrainConfig, whiteningFor } from "../../core/train/mod.ts";

/** Images of the step timed first on a CPU. */
export const CPU_PROBE_BATCH = 8;
/** On a CPU, a step at the preset's batch is timed only when it should take less than this. */
export const FULL_STEP_BUDGET_SECONDS = 20;

/** One preset's step and run, timed here. */
export interface PresetTiming {
  preset: PresetName;
  /** The preset's batch and the images of the step that was timed. */
  batch: number;
  timedBatch: number;
  /** Seconds of one step at the preset's batch (scaled from the timed step when it had fewer images). */
  stepSeconds: number;
  /** Steps of the whole run and their seconds: the estimated training time (evaluation and warm-up aside). */
  steps: number;
  seconds: number;
}

/** `cfg` at a batch of `n` images (ghost batch norm groups no larger than the batch). */
function atBatch(cfg: TrainConfig, n: number): TrainConfig {
  const ghost = cfg.model.ghostBatch;
  return { ...cfg, batchSize: n, model: { ...cfg.model, ghostBatch: ghost > 0 ? Math.min(ghost, n) : 0 } };
}

/** One step of `p` at a batch of `n` images, timed after an untimed one (which compiles its shaders). */
async function timeAt(preset: PresetName, p: TrainConfig, n: number): Promise<PresetTiming> {
  const cfg = atBatch(p, n);
  const data = syntheticData(n, cfg.augment.pad);
  try {
    const estimate = await estimateTraining(cfg, data, 1, await whiteningFor(cfg, data));
    const stepSeconds = estimate.stepSeconds * p.batchSize / n, steps = stepsOfRun(p);
    return { preset, batch: p.batchSize, timedBatch: n, stepSeconds, steps, seconds: steps * stepSeconds };
  } finally {
    data.dispose();
  }
}

/**
 * Times a training step of `preset` on synthetic data: at its own batch, or, with `onCpu`, at
 * {@link CPU_PROBE_BATCH} images first (see the module's comment).
 */
export async function timePreset(preset: PresetName, onCpu: boolean): Promise<PresetTiming> {
  const p: TrainConfig = PRESETS[preset];
  if (onCpu && p.batchSize > CPU_PROBE_BATCH) {
    const small = await timeAt(preset, p, CPU_PROBE_BATCH);
    if (small.stepSeconds > FULL_STEP_BUDGET_SECONDS) return small;
  }
  return await timeAt(preset, p, p.batchSize);
}
