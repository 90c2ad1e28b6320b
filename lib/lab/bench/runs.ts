import { join } from "node:path";
import { buildNet, whiteningPlaceholder } from "../../core/model/mod.ts";
import { readRunConfig, readRunHistory, type RunSummary } from "../run/mod.ts";
import { type MeanStd, meanStd } from "../../core/stats/mod.ts";
import { type EpochMetrics, stepsOfRun, trainingFlops } from "../../core/train/mod.ts";
import { BENCH_RESULTS_DIR } from "./results.ts";

/** One finished run folder as the bench records it. */
export interface RecordedRun {
  dir: string;
  seed: number;
  preset: string;
  command: string;
  summary: RunSummary;
  /** The per-epoch table (test accuracy with the run's TTA, training seconds, load). */
  metrics: EpochMetrics[];
  /** Floating-point operations of the run (3 x forward x images) and their rate over its training seconds. */
  flops: number;
  flopsPerSecond: number;
  /** Smallest and largest 1-minute load average recorded at the epochs' ends (null when none was). */
  load: [number, number] | null;
  /**
   * The training time `deno task train` estimated before the clock started, and the measured time over it (1.10:
   * the run took 10% longer); null for runs that recorded no estimate (GPU runs, older runs).
   */
  estimate: { seconds: number; measuredOverEstimate: number } | null;
}

/** Runs and their statistics: test accuracy, training time and time to 94% (mean ± sample std). */
export interface RecordedRuns {
  runs: RecordedRun[];
  accuracy: MeanStd;
  trainSeconds: MeanStd;
  /** Over the runs that reached 94%. */
  timeTo94: MeanStd | null;
  reached94: number;
}

/** Reads one completed run folder (config.json, summary.json, history.json) and counts its FLOPs. */
async function recordRun(dir: string): Promise<RecordedRun> {
  const record = await readRunConfig(dir);
  const { metrics, summary } = await readRunHistory(dir);
  if (summary.status !== "completed") {
    throw new Error(`${dir}: the run is ${summary.status}; finish it with deno task train --resume ${dir}`);
  }
  const cfg = record.config;
  const model = buildNet(cfg.model, { whitening: whiteningPlaceholder(cfg.model.whiten) });
  const flops = trainingFlops(model, stepsOfRun(cfg) * cfg.batchSize);
  model.dispose();
  const loads = metrics.map((m) => m.load1).filter((l): l is number => typeof l === "number");
  return {
    dir,
    seed: cfg.seed,
    preset: record.preset,
    command: record.command,
    summary,
    metrics,
    flops,
    flopsPerSecond: flops / summary.trainSeconds,
    load: loads.length ? [Math.min(...loads), Math.max(...loads)] : null,
    estimate: record.estimate
      ? {
        seconds: record.estimate.seconds,
        measuredOverEstimate: summary.trainSeconds / record.estimate.seconds,
      }
      : null,
  };
}

/** Reads finished run folders (one per seed) and summarises them, as `deno task bench --only runs` records them. */
export async function recordRuns(dirs: string[]): Promise<RecordedRuns> {
  const runs: RecordedRun[] = [];
  for (const dir of dirs) runs.push(await recordRun(dir));
  const reached = runs.map((r) => r.summary.timeTo94Seconds).filter((t): t is number => t !== null);
  return {
    runs,
    accuracy: meanStd(runs.map((r) => r.summary.finalTestAcc!)),
    trainSeconds: meanStd(runs.map((r) => r.summary.trainSeconds)),
    timeTo94: reached.length ? meanStd(reached) : null,
    reached94: reached.length,
  };
}

/** A `deno task bench --only runs` result as committed: the recorded runs plus where and how they were recorded. */
export interface SavedRuns extends RecordedRuns {
  file: string;
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number };
}

/**
 * The newest `<date>-runs-<preset>-*.json` in `dir` (bench/results), or null when no run of `preset` has been
 * recorded there; throws, naming the file, when one is malformed.
 */
export async function latestRecordedRuns(preset: string, dir = BENCH_RESULTS_DIR): Promise<SavedRuns | null> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && new RegExp(`^\\d{4}-\\d{2}-\\d{2}-runs-${preset}-.*\\.json$`).test(e.name)) {
      names.push(e.name);
    }
  }
  const file = names.sort().at(-1);
  if (!file) return null;
  const d = JSON.parse(await Deno.readTextFile(join(dir, file)));
  if (!Array.isArray(d.runs) || !d.runs.length || !d.accuracy || !d.machine) {
    throw new Error(`${file}: not a bench --only runs result (runs, accuracy and machine are required)`);
  }
  return { ...d, file } as SavedRuns;
}
