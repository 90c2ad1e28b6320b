import { type MeanStd, meanStd } from "../stats/mod.ts";
import type { TrainResult } from "../train/mod.ts";
import type { ArmRun } from "./run.ts";

/** What {@link runRecorder} keeps of every run of an ablation, by arm, in seed order. */
export interface RunRecord {
  /** Pass as {@link AblationOptions.onRun}; `log` (if given) gets one line per run. */
  onRun: (arm: string, run: ArmRun, result: TrainResult) => void;
  /** Loss of every step, per run. */
  losses: Record<string, number[][]>;
  /** Training accuracy of the last epoch (on that epoch's augmented batches), per run. */
  trainAcc: Record<string, number[]>;
  /** Mean ± sample std over the runs of `arm` of the loss at each step (as long as the shortest run). */
  lossBands(arm: string): MeanStd[];
}

/**
 * A recorder for {@link runAblation}'s `onRun` hook: keeps each run's per-step losses and last-epoch training
 * accuracy (which the ablation's own statistics leave out), and prints a line per run through `log`.
 */
export function runRecorder(log?: (line: string) => void): RunRecord {
  const losses: Record<string, number[][]> = {}, trainAcc: Record<string, number[]> = {};
  return {
    losses,
    trainAcc,
    onRun(arm, run, result) {
      (losses[arm] ??= []).push(result.losses);
      (trainAcc[arm] ??= []).push(result.metrics.at(-1)?.trainAcc ?? NaN);
      log?.(
        `${arm}, seed ${run.seed}: test accuracy ${(100 * run.testAcc).toFixed(1)}%, training accuracy ${
          (100 * trainAcc[arm].at(-1)!).toFixed(1)
        }% (last epoch), ${run.trainSeconds.toFixed(1)} s`,
      );
    },
    lossBands(arm) {
      const runs = losses[arm] ?? [];
      if (runs.length === 0) throw new Error(`no runs recorded for arm ${arm}`);
      const steps = Math.min(...runs.map((l) => l.length));
      return Array.from({ length: steps }, (_, i) => meanStd(runs.map((l) => l[i])));
    },
  };
}
