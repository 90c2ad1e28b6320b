import { join } from "node:path";
import { exists, writeJsonAtomic } from "../../core/io/mod.ts";
import type { TrainConfig } from "../../core/train/mod.ts";
import { type Ablation, armResult, type ArmRun, armsAgainstFirst } from "../ablate/mod.ts";
import { RUN_FILES, type RunSummary } from "../run/mod.ts";

/** The plan file of a sweep, in its folder. */
export const PLAN_FILE = "plan.json";

/**
 * A sweep handed to SLURM: every arm with its full config, and the seeds each arm trains. Task `i` of the job
 * array trains arm `floor(i / runs)` with seed `seed + i % runs`; a local run of the same command trains the same
 * configs with the same seeds.
 */
export interface SweepPlan {
  /** The command whose runs these are: `train --runs N` (one arm) or `ablate` (the base and its toggles). */
  kind: "train" | "ablate";
  /** The command's own flags (the SLURM ones removed), which every task reads again to rebuild its data and backend. */
  args: string[];
  /** The command line, as a local run records it. */
  command: string;
  /** The preset the arms start from. */
  base: string;
  toggles: string[];
  arms: Array<{ name: string; toggle: string | null; config: TrainConfig }>;
  /** Seeds per arm. */
  runs: number;
  /** The first seed. */
  seed: number;
  /** Test images each run is evaluated on (the first N; every test image when absent). */
  testSubset?: number;
  /** When the plan was written (ISO 8601). */
  created: string;
}

/** One task of a plan: its index in the job array, its arm and seed. */
export interface SweepTask {
  index: number;
  arm: number;
  seed: number;
}

/** Every task of `plan`, in job-array order. */
export function planTasks(plan: SweepPlan): SweepTask[] {
  return Array.from({ length: plan.arms.length * plan.runs }, (_, index) => ({
    index,
    arm: Math.floor(index / plan.runs),
    seed: plan.seed + (index % plan.runs),
  }));
}

/** A folder name for an arm: its position and its name with a leading + or - spelled out ("2-minus-ema"). */
function armFolder(plan: SweepPlan, arm: number): string {
  const name = plan.arms[arm].name.replace(/^\+/, "plus-").replace(/^-/, "minus-").replace(/[^\w.-]/g, "_");
  return `${arm}-${name}`;
}

/**
 * The run folder of a task, as `deno task train --out` writes it: `<dir>/seed-<seed>` for `train` (the folders of
 * a local `train --runs N`), `<dir>/runs/<arm>/seed-<seed>` for `ablate`.
 */
export function taskRunDir(dir: string, plan: SweepPlan, task: SweepTask): string {
  const seedDir = `seed-${task.seed}`;
  return plan.kind === "train" ? join(dir, seedDir) : join(dir, "runs", armFolder(plan, task.arm), seedDir);
}

/** Writes `plan` into `dir` (atomically). */
export async function writePlan(dir: string, plan: SweepPlan): Promise<void> {
  await writeJsonAtomic(join(dir, PLAN_FILE), plan);
}

/**
 * Reads the plan of the sweep in `dir`, a sweep of the command `kind`; the error names the folder and what it
 * expects. A plan written before plans named their command is an ablation's.
 */
export async function readPlan(dir: string, kind: SweepPlan["kind"]): Promise<SweepPlan> {
  const path = join(dir, PLAN_FILE);
  if (!(await exists(path))) {
    throw new Error(
      `${dir} has no ${PLAN_FILE}: it is no SLURM sweep; pass the --out folder of a --slurm run`,
    );
  }
  const plan = { kind: "ablate", ...JSON.parse(await Deno.readTextFile(path)) } as SweepPlan;
  if (plan.kind !== kind) {
    throw new Error(
      `${dir} holds a sweep of deno task ${plan.kind}, not ${kind}: use deno task ${plan.kind} with it`,
    );
  }
  return plan;
}

/** A run folder's `summary.json` (written atomically when the run ends or stops), or null before that. */
export async function readSummary(runDir: string): Promise<RunSummary | null> {
  const path = join(runDir, RUN_FILES.summary);
  return (await exists(path)) ? JSON.parse(await Deno.readTextFile(path)) as RunSummary : null;
}

/** A task whose run has not completed: its run folder and what that folder says. */
export interface MissingTask extends SweepTask {
  dir: string;
  /** "not started", "started, no checkpoint yet", "stopped, with a checkpoint in epoch N ...", "interrupted", "diverged". */
  state: string;
}

/** The outcome of a sweep so far: the ablation over the completed runs and the tasks still missing. */
export interface SweepResult {
  ablation: Ablation;
  missing: MissingTask[];
  /** The adapter the completed runs trained on (their summary's), or null when none completed. */
  adapter: string | null;
}

/**
 * Reads every task's `summary.json` (written atomically when its run ends) and joins the completed runs into the
 * ablation a local run of the plan returns, each arm's difference taken against the first arm; a task without a
 * completed summary is listed as missing, with what its folder holds.
 */
export async function joinSweep(dir: string, plan: SweepPlan): Promise<SweepResult> {
  const runs: ArmRun[][] = plan.arms.map(() => []);
  const missing: MissingTask[] = [];
  let adapter: string | null = null;
  for (const task of planTasks(plan)) {
    const runDir = taskRunDir(dir, plan, task);
    const summary = await readSummary(runDir);
    if (summary?.status === "completed" && summary.finalTestAcc !== null) {
      adapter ??= summary.adapter;
      runs[task.arm].push({
        seed: summary.seed,
        testAcc: summary.finalTestAcc,
        trainSeconds: summary.trainSeconds,
        timeTo94: summary.timeTo94Seconds,
      });
    } else {
      missing.push({ ...task, dir: runDir, state: await runState(runDir, summary) });
    }
  }
  const present = plan.arms.map((a, k) => ({ name: a.name, toggle: a.toggle, runs: runs[k] }))
    .filter((a) => a.runs.length > 0);
  // Without a run of the base, no arm is compared (the next arm is no base).
  const arms = runs[0].length
    ? armsAgainstFirst(present)
    : present.map((a) => armResult(a.name, a.toggle, a.runs));
  return { ablation: { runsPerArm: plan.runs, arms }, missing, adapter };
}

/** What a task's run folder says about a run that has not completed. */
async function runState(runDir: string, summary: RunSummary | null): Promise<string> {
  if (summary) return summary.status === "diverged" ? "diverged" : summary.status;
  if (!(await exists(join(runDir, RUN_FILES.config)))) return "not started";
  const state = join(runDir, RUN_FILES.checkpoint, "state.json");
  if (!(await exists(state))) return "started, no checkpoint yet";
  const { epoch } = JSON.parse(await Deno.readTextFile(state)) as { epoch: number };
  return `stopped, with a checkpoint in epoch ${epoch + 1} (--resume continues it)`;
}
