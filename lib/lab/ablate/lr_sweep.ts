import { tf } from "../../core/backend/tf.ts";
import { meanStd } from "../../core/stats/mod.ts";
import { scaleKernels } from "../../core/model/mod.ts";
import type { DeviceData } from "../../core/train/mod.ts";
import { TrainSession, whiteningFor } from "../../core/train/mod.ts";
import type { TrainConfig } from "../../core/train/mod.ts";

/** One step of an LR sweep: the rate used and the batch's loss and accuracy. */
export interface SweepPoint {
  step: number;
  lr: number;
  loss: number;
  accuracy: number;
}

/** How an LR sweep runs. */
export interface SweepOptions {
  /** Learning rate of the first step. */
  lrMin: number;
  /** Learning rate of the last step; the rate grows exponentially in between. */
  lrMax: number;
  /** Training steps (batches of `cfg.batchSize`). */
  steps: number;
  /**
   * Multiplies every conv and linear kernel of the fresh net before the first step (default 1). Page's batch-norm
   * post uses sqrt(6) (`HE_FROM_TORCH_INIT`: He et al.'s init instead of PyTorch's default).
   */
  weightScale?: number;
}

/** The learning rate of step `step` of an exponential sweep from `lrMin` to `lrMax` in `steps` steps. */
export function sweepLr(step: number, options: Pick<SweepOptions, "lrMin" | "lrMax" | "steps">): number {
  return options.lrMin * (options.lrMax / options.lrMin) ** (step / Math.max(1, options.steps - 1));
}

/**
 * Trains a fresh net (seed `cfg.seed`) for `steps` steps with the learning rate growing exponentially from `lrMin`
 * to `lrMax` ({@link sweepLr}), recording each batch's loss and training accuracy (Page's LR stress test with and
 * without batch norm, batch_norm_post.ipynb). Stops early once the loss is no longer finite. Steps the same
 * {@link TrainSession} as `train`, with the config's kernels.
 */
export async function lrSweep(
  cfg: TrainConfig,
  data: DeviceData,
  options: SweepOptions,
): Promise<SweepPoint[]> {
  const session = new TrainSession(cfg, data, { whitening: await whiteningFor(cfg, data) });
  const points: SweepPoint[] = [];
  try {
    if (options.weightScale !== undefined && options.weightScale !== 1) {
      scaleKernels(session.model, options.weightScale);
    }
    for (let step = 0; step < options.steps; step++) {
      const lr = sweepLr(step, options);
      const [loss, correct] = session.step(step, lr);
      const [l, c] = [(await loss.data())[0], (await correct.data())[0]];
      tf.dispose([loss, correct]);
      points.push({ step, lr, loss: l, accuracy: c / cfg.batchSize });
      if (!Number.isFinite(l)) break;
    }
    return points;
  } finally {
    session.dispose();
  }
}

/** Several sweeps' training accuracy over one bin of consecutive steps. */
export interface SweepBand {
  /** Geometric mean of the bin's learning rates. */
  lr: number;
  /** Mean over runs of each run's average batch accuracy in the bin. */
  mean: number;
  /** Sample standard deviation (n - 1) of those averages over runs; 0 with one run. */
  std: number;
  /** Runs in the bin. */
  runs: number;
  /** Of them, runs whose loss had become non-finite by the end of the bin (counted at `divergedAccuracy`). */
  diverged: number;
}

/**
 * Mean and standard deviation over runs of the training accuracy of sweeps made with the same `sweep` options, in
 * bins of `binSteps` consecutive steps (the last bin may be shorter). A run that stopped early because its loss
 * became non-finite counts from the step it diverged at `divergedAccuracy` (default 0.1, chance on CIFAR-10's 10
 * balanced classes: a net whose outputs are NaN predicts nothing better); its non-finite step is counted that way
 * too.
 */
export function sweepBands(
  runs: SweepPoint[][],
  sweep: Pick<SweepOptions, "lrMin" | "lrMax" | "steps">,
  binSteps: number,
  divergedAccuracy = 0.1,
): SweepBand[] {
  if (runs.length === 0) throw new Error("sweepBands: no runs");
  if (binSteps < 1) throw new Error(`sweepBands: bin of ${binSteps} steps`);
  const bands: SweepBand[] = [];
  for (let start = 0; start < sweep.steps; start += binSteps) {
    const end = Math.min(sweep.steps, start + binSteps);
    let logLr = 0;
    for (let s = start; s < end; s++) logLr += Math.log(sweepLr(s, sweep));
    const averages: number[] = [];
    let diverged = 0;
    for (const run of runs) {
      let sum = 0;
      for (let s = start; s < end; s++) {
        const p = run[s];
        sum += p && Number.isFinite(p.loss) ? p.accuracy : divergedAccuracy;
      }
      averages.push(sum / (end - start));
      const last = run[end - 1];
      if (!last || !Number.isFinite(last.loss)) diverged++;
    }
    const { mean, std } = meanStd(averages);
    bands.push({ lr: Math.exp(logLr / (end - start)), mean, std, runs: runs.length, diverged });
  }
  return bands;
}
