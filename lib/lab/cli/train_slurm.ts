/**
 * `deno task train --runs N --slurm`: the seeds of a preset through the SLURM path (./slurm_sweep.ts), one task a
 * seed, each into `<out>/seed-<seed>` as a local `train --runs N` writes it; the join writes the same runs.json.
 */
import { join, resolve } from "node:path";
import type { TrainConfig } from "../../core/config/mod.ts";
import { writeJsonAtomic } from "../../core/io/mod.ts";
import { RUNS_FILE, runsLine, runsRecord } from "../run/mod.ts";
import { joinSweep, readPlan } from "../slurm/mod.ts";
import type { FlagValues } from "./args.ts";
import { explainMissing, printMissing, submitSweep, type SweepCommand } from "./slurm_sweep.ts";
import { configFromFlags, TRAIN_HELP, TRAIN_SPECS } from "./train_flags.ts";

/**
 * `deno task train --join DIR` (what the join job runs; any time by hand): gathers the completed seeds of the sweep
 * in DIR into runs.json, as a local `train --runs N` writes it; with seeds missing it writes `complete: false`
 * with the missing runs and why, and exits 1.
 */
export async function joinRuns(dirArg: string): Promise<number> {
  const dir = resolve(dirArg), plan = await readPlan(dir, "train");
  const { ablation, missing } = await joinSweep(dir, plan);
  const done = (ablation.arms[0]?.runs ?? []).map((r) => ({
    seed: r.seed,
    finalTestAcc: r.testAcc,
    timeTo94: r.timeTo94,
  }));
  const why = await explainMissing(dir, plan, missing);
  const record = runsRecord(plan.runs, done);
  await writeJsonAtomic(join(dir, RUNS_FILE), { ...record, ...(why.length ? { missing: why } : {}) });
  console.log(runsLine(record));
  if (missing.length) {
    printMissing(dir, plan, why);
    return 1;
  }
  console.log(`wrote ${join(dir, RUNS_FILE)}: every run completed`);
  return 0;
}

/** `deno task train` as the SLURM path sees it: one arm, the preset with the flags' hyperparameters. */
export const TRAIN_SWEEP: SweepCommand = {
  name: "train",
  specs: TRAIN_SPECS,
  help: TRAIN_HELP,
  armConfigs: (flags) => [configFromFlags(flags, TRAIN_HELP)],
  join: joinRuns,
};

/** `deno task train --runs N ... --slurm`: writes the plan of the seeds into `out` and submits it. */
export function submitRuns(
  args: string[],
  flags: FlagValues,
  cfg: TrainConfig,
  out: string,
): Promise<number> {
  const preset = flags.preset as string;
  return submitSweep(TRAIN_SWEEP, args, flags, {
    kind: "train",
    base: preset,
    toggles: [],
    arms: [{ name: preset, toggle: null, config: cfg }],
    runs: flags.runs as number,
    seed: cfg.seed,
  }, out);
}
