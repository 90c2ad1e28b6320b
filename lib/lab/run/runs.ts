import { meanStd } from "../../core/stats/mod.ts";
import { formatSeconds } from "../report/mod.ts";

/** The file of `deno task train --runs N` (and of its SLURM join) beside the seeds' folders. */
export const RUNS_FILE = "runs.json";

/** One seed's outcome, as runs.json gathers it. */
export interface SeedOutcome {
  seed: number;
  finalTestAcc: number;
  /** Training seconds to 94%, or null when the run did not reach it. */
  timeTo94: number | null;
}

/** `runs.json`: the seeds of `deno task train --runs N` and their statistics. */
export interface RunsRecord {
  /** Seeds asked for. */
  runs: number;
  /** The completed seeds, in order, and their final test accuracies. */
  seeds: number[];
  accuracies: number[];
  /** Mean and sample standard deviation (n - 1) of the accuracies; null when no seed completed. */
  mean: number | null;
  std: number | null;
  timeTo94: Array<number | null>;
  reached94: number;
  /** True when every seed asked for completed (a SLURM join can be partial). */
  complete: boolean;
}

/** The runs.json of `runs` seeds asked for, of which `done` completed. */
export function runsRecord(runs: number, done: readonly SeedOutcome[]): RunsRecord {
  const acc = done.length ? meanStd(done.map((r) => r.finalTestAcc)) : null;
  return {
    runs,
    seeds: done.map((r) => r.seed),
    accuracies: done.map((r) => r.finalTestAcc),
    mean: acc?.mean ?? null,
    std: acc?.std ?? null,
    timeTo94: done.map((r) => r.timeTo94),
    reached94: done.filter((r) => r.timeTo94 !== null).length,
    complete: done.length === runs,
  };
}

/** The line that reports a runs.json: "3 runs: test accuracy 94.10% +- 0.12 | reached 94% in 2/3 (mean 29m)". */
export function runsLine(r: RunsRecord): string {
  const reached = r.timeTo94.filter((t): t is number => t !== null);
  const head = r.complete ? `${r.runs} runs` : `${r.seeds.length} of ${r.runs} runs`;
  if (r.mean === null) return `${head}: none completed`;
  return `${head}: test accuracy ${(100 * r.mean).toFixed(2)}% +- ${(100 * r.std!).toFixed(2)} | ` +
    `reached 94% in ${r.reached94}/${r.seeds.length}` +
    (reached.length ? ` (mean ${formatSeconds(meanStd(reached).mean)})` : "");
}
