import { mean, type MeanStd, meanStd } from "../../core/stats/mod.ts";
import type { TrainResult } from "../../core/train/mod.ts";
import type { ArmRun } from "./run.ts";

/** What {@link runRecorder} keeps of every run of an ablation, by arm, in seed order. */
export interface RunRecord {
  /** Pass as {@link AblationOptions.onRun}; `log` (if given) gets one line per run. */
  onRun: (arm: string, run: ArmRun, result: TrainResult) => void;
  /** Loss of every step, per run. */
  losses: Record<string, number[][]>;
  /** Training accuracy of the last epoch (on that epoch's augmented batches), per run. */
  trainAcc: Record<string, number[]>;
  /** Test accuracy, per run. */
  testAcc: Record<string, number[]>;
  /** Per run of `arm`: last-epoch training accuracy minus test accuracy (the generalisation gap as measured here). */
  gaps(arm: string): number[];
  /**
   * Mean ± sample std over the runs of `arm` of the training loss averaged over each `bin` consecutive steps (1:
   * every step), up to the shortest run; `step` is the last step of the bin (counted from 1).
   */
  lossBands(arm: string, bin?: number): Array<MeanStd & { step: number }>;
}

/**
 * A recorder for {@link runAblation}'s `onRun` hook: keeps each run's per-step losses, last-epoch training accuracy
 * (which the ablation's own statistics leave out) and test accuracy, and prints a line per run through `log`.
 */
export function runRecorder(log?: (line: string) => void): RunRecord {
  const losses: Record<string, number[][]> = {}, trainAcc: Record<string, number[]> = {};
  const testAcc: Record<string, number[]> = {};
  return {
    losses,
    trainAcc,
    testAcc,
    onRun(arm, run, result) {
      (losses[arm] ??= []).push(result.losses);
      (testAcc[arm] ??= []).push(run.testAcc);
      (trainAcc[arm] ??= []).push(result.metrics.at(-1)?.trainAcc ?? NaN);
      log?.(
        `${arm}, seed ${run.seed}: test accuracy ${(100 * run.testAcc).toFixed(1)}%, training accuracy ${
          (100 * trainAcc[arm].at(-1)!).toFixed(1)
        }% (last epoch), ${run.trainSeconds.toFixed(1)} s`,
      );
    },
    gaps(arm) {
      if (!trainAcc[arm]) throw new Error(`no runs recorded for arm ${arm}`);
      return trainAcc[arm].map((t, i) => t - testAcc[arm][i]);
    },
    lossBands(arm, bin = 1) {
      const runs = losses[arm] ?? [];
      if (runs.length === 0) throw new Error(`no runs recorded for arm ${arm}`);
      const bins = Math.floor(Math.min(...runs.map((l) => l.length)) / bin);
      const binMean = (l: number[], b: number) => mean(l.slice(b * bin, (b + 1) * bin));
      return Array.from({ length: bins }, (_, b) => ({
        ...meanStd(runs.map((l) => binMean(l, b))),
        step: (b + 1) * bin,
      }));
    },
  };
}
