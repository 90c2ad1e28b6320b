/**
 * The SLURM path of `deno task train --runs N --slurm` and `deno task ablate --slurm`: runs (arms x seeds) as a job
 * array and a join job. Every task is a run folder as `deno task train` writes it (checkpoints, SIGTERM turned
 * into a checkpoint, a requeued task resumes); each command supplies its flags, its arms and its join.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TrainConfig } from "../../core/config/mod.ts";
import { exists, writeFileAtomic, writeJsonAtomic } from "../../core/io/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";
import { toDevice } from "../../core/train/mod.ts";
import { RUN_FILES } from "../run/mod.ts";
import {
  arraySpec,
  checkCluster,
  joinScript,
  joinSweep,
  type MissingTask,
  planTasks,
  readPlan,
  readSummary,
  sbatchOptions,
  sharedFolderProblem,
  SLURM_DIR,
  SlurmError,
  type SlurmOptions,
  submit,
  type SweepPlan,
  taskRunDir,
  taskScript,
  taskStates,
  writePlan,
} from "../slurm/mod.ts";
import { type FlagSpecs, type FlagValues, parseFlags } from "./args.ts";
import { SLURM_SPECS } from "./slurm_flags.ts";
import { interruptFlag, trainInFolders } from "./train_runs.ts";
import { startBackend } from "./train_flags.ts";

/** What the SLURM path needs of a command: its flags, the configs of its arms from them, and its join. */
export interface SweepCommand {
  name: SweepPlan["kind"];
  specs: FlagSpecs;
  help: string;
  /** Every arm's config, from the command's own flags (a task parses the plan's flags again). */
  armConfigs: (flags: FlagValues) => TrainConfig[];
  /** Joins the completed runs of the sweep in a folder into the command's result files; the exit status. */
  join: (dir: string) => Promise<number>;
}

/** The record of the jobs submitted for a sweep, in its folder: array and join job ids, and the tasks each ran. */
const JOBS_FILE = join(SLURM_DIR, "jobs.json");

interface SubmittedJobs {
  submissions: Array<{ array: string; join: string; tasks: number[]; submitted: string }>;
}

/** The jobs submitted so far for the sweep in `dir` (none before the first submission). */
async function readJobs(dir: string): Promise<SubmittedJobs> {
  const path = join(dir, JOBS_FILE);
  return (await exists(path)) ? JSON.parse(await Deno.readTextFile(path)) : { submissions: [] };
}

/** The sbatch choices given on the command line. */
function slurmOptions(flags: FlagValues): SlurmOptions {
  return {
    partition: flags.partition as string | undefined,
    cpusPerTask: flags["cpus-per-task"] as number | undefined,
    mem: flags.mem as string | undefined,
    time: flags.time as string | undefined,
    gres: flags.gres as string | undefined,
    extra: ((flags["sbatch-args"] as string | undefined) ?? "").split(/\s+/).filter(Boolean),
  };
}

/** Prints a SLURM problem found before submitting and returns the usage-error status. */
function refuse(err: unknown): number {
  if (!(err instanceof SlurmError)) throw err;
  console.error(`error: ${err.message}`);
  return 2;
}

/** The command line without the flags of the SLURM path, --resume and --out: what every task parses again. */
function taskArgs(args: string[], specs: FlagSpecs): string[] {
  const drop = new Set([...Object.keys(SLURM_SPECS), "resume", "out"]);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--(?:no-)?([^=]+)/.exec(args[i])?.[1];
    if (name && drop.has(name)) {
      const bare = args[i].includes("=") || specs[name]?.type === "bool";
      if (!bare) i++; // its value
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

/** deno, the CLI's main.ts and the working folder, for the job scripts. */
function scriptContext() {
  return {
    deno: Deno.execPath(),
    main: fileURLToPath(new URL("./main.ts", import.meta.url)),
    cwd: Deno.cwd(),
  };
}

/** The result file a sweep's join writes. */
const resultFile = (plan: SweepPlan) => (plan.kind === "train" ? "runs.json" : "ablation.json");

/**
 * Submits the tasks `indices` of the sweep in `dir` (a job array) and a join job that runs after them whatever
 * their fate, records both in slurm/jobs.json and prints how to watch them.
 */
async function submitTasks(dir: string, plan: SweepPlan, indices: number[], o: SlurmOptions): Promise<void> {
  const name = `davidnet-${plan.base}`, ctx = { ...scriptContext(), command: plan.kind };
  const taskPath = join(dir, SLURM_DIR, "task.sh"), joinPath = join(dir, SLURM_DIR, "join.sh");
  await writeFileAtomic(taskPath, taskScript(dir, name, ctx));
  await writeFileAtomic(joinPath, joinScript(dir, name, ctx));
  const array = await submit(taskPath, [`--array=${arraySpec(indices)}`, ...sbatchOptions(o)]);
  const joinOptions = sbatchOptions({ partition: o.partition, time: o.time, extra: o.extra });
  const joined = await submit(joinPath, [`--dependency=afterany:${array}`, ...joinOptions]);
  const jobs = await readJobs(dir);
  jobs.submissions.push({ array, join: joined, tasks: indices, submitted: new Date().toISOString() });
  await writeJsonAtomic(join(dir, JOBS_FILE), jobs);
  const shape = plan.kind === "train" ? "one per seed" : `${plan.arms.length} arms x ${plan.runs} seeds`;
  const missing = indices.length < plan.arms.length * plan.runs ? ", the missing ones" : "";
  console.log(
    `submitted job array ${array} (${indices.length} tasks: ${shape}${missing}) and join job ${joined}\n` +
      `watch: squeue -j ${array},${joined}  |  task logs: ${join(dir, SLURM_DIR, "task-<i>.log")}\n` +
      `result: ${
        join(dir, resultFile(plan))
      } when the join has run (or now: deno task ${plan.kind} --join ${dir})`,
  );
}

/** Checks the cluster and the folder before anything is submitted; throws a {@link SlurmError}. */
async function checkBeforeSubmitting(dir: string, o: SlurmOptions): Promise<void> {
  const nodes = await checkCluster(o);
  const problem = await sharedFolderProblem(dir, nodes);
  if (problem) throw new SlurmError(problem);
}

/** A sweep's plan but for what the SLURM path fills in itself: the task flags, the command line, the date. */
export type PlanDraft = Omit<SweepPlan, "args" | "command" | "created">;

/**
 * `deno task <command> ... --slurm`: checks the cluster and the folder `out`, makes the shards, writes the plan
 * of the sweep into `out` and submits it; 2 (nothing submitted) when a check fails.
 */
export async function submitSweep(
  cmd: SweepCommand,
  args: string[],
  flags: FlagValues,
  draft: PlanDraft,
  out: string,
): Promise<number> {
  const dir = resolve(out), o = slurmOptions(flags);
  if (await exists(join(dir, "plan.json"))) {
    console.error(
      `error: ${dir} already holds a sweep: --resume ${dir} --slurm continues it, or pick another --out`,
    );
    return 2;
  }
  try {
    await checkBeforeSubmitting(dir, o);
  } catch (err) {
    return refuse(err);
  }
  // The shards once, here, before the tasks: they would otherwise all write them at the same time.
  await loadTrainingData(flags.shards as string, flags.data as string | undefined, (l) => console.log(l));
  const own = taskArgs(args, cmd.specs);
  const plan: SweepPlan = {
    ...draft,
    args: own,
    command: `deno task ${cmd.name} ${own.join(" ")}`,
    created: new Date().toISOString(),
  };
  await writePlan(dir, plan);
  console.log(
    plan.kind === "train"
      ? `training ${plan.base} on SLURM: seeds ${plan.seed} to ${plan.seed + plan.runs - 1}`
      : `ablating ${plan.base} on SLURM: ${plan.arms.map((a) => a.name).join(", ")}; ${plan.runs} seeds each`,
  );
  await submitTasks(dir, plan, planTasks(plan).map((t) => t.index), o);
  return 0;
}

/** `deno task <command> --resume DIR --slurm`: submits the sweep's missing runs only, then a join. */
export async function resubmitSweep(cmd: SweepCommand, dirArg: string, flags: FlagValues): Promise<number> {
  const dir = resolve(dirArg), plan = await readPlan(dir, cmd.name), o = slurmOptions(flags);
  const { missing } = await joinSweep(dir, plan);
  if (!missing.length) {
    console.log(`${dir}: every run has completed; joining`);
    return await cmd.join(dir);
  }
  try {
    await checkBeforeSubmitting(dir, o);
  } catch (err) {
    return refuse(err);
  }
  await submitTasks(dir, plan, missing.map((m) => m.index), o);
  return 0;
}

/**
 * `deno task <command> --slurm-task N --out DIR` (what the job array runs): trains task N of the sweep in DIR into
 * its run folder, resuming it when a previous attempt left one; exits as `deno task train` does (130/143 when
 * stopped by a signal, after a checkpoint).
 */
export async function runTask(cmd: SweepCommand, dirArg: string | undefined, index: number): Promise<number> {
  if (!dirArg) throw new Error("--slurm-task needs --out, the sweep's folder");
  const dir = resolve(dirArg), plan = await readPlan(dir, cmd.name);
  const task = planTasks(plan)[index];
  if (!task) {
    throw new Error(`--slurm-task ${index}: the sweep in ${dir} has tasks 0-${planTasks(plan).length - 1}`);
  }
  const flags = parseFlags(plan.args, cmd.specs, cmd.help);
  const armConfig = cmd.armConfigs(flags)[task.arm], arm = plan.arms[task.arm];
  if (JSON.stringify(armConfig) !== JSON.stringify(arm.config)) {
    throw new Error(
      `task ${index}: arm ${arm.name}'s config is no longer what ${dir}/plan.json planned (the code or its ` +
        "presets changed since): rerun the sweep into a new folder",
    );
  }
  const runDir = taskRunDir(dir, plan, task), cfg = { ...armConfig, seed: task.seed };
  if ((await readSummary(runDir))?.status === "completed") {
    console.log(`task ${index} (${arm.name}, seed ${task.seed}) completed before: ${runDir}`);
    return 0;
  }
  const resume = await exists(join(runDir, RUN_FILES.config));
  console.log(`task ${index}: ${arm.name}, seed ${task.seed}${resume ? ", resumed" : ""} -> ${runDir}`);
  const data = await loadTrainingData(
    flags.shards as string,
    flags.data as string | undefined,
    (l) => console.log(l),
  );
  const backend = await startBackend(flags, cmd.help);
  const device = toDevice(data, cfg.trainSubset, cfg.augment.pad, plan.testSubset);
  using interrupt = interruptFlag();
  const { runs } = await trainInFolders(cfg, device, 1, {
    backend,
    stats: data.stats,
    stop: interrupt.requested,
    dirOf: () => runDir,
    resume,
    record: {
      preset: plan.base,
      backend,
      data: { shards: flags.shards as string, source: data.source, stats: data.stats },
      command: `deno task ${cmd.name} --slurm-task ${index} --out ${dir}`,
    },
  }).finally(() => device.dispose());
  const status = runs[0].status;
  return status === "completed" ? 0 : status === "interrupted" ? interrupt.exitCode() : 1;
}

/** The last line of a task's log, to say how it ended where SLURM no longer knows. */
async function lastLogLine(dir: string, index: number): Promise<string | null> {
  const path = join(dir, SLURM_DIR, `task-${index}.log`);
  if (!(await exists(path))) return null;
  const lines = (await Deno.readTextFile(path)).trim().split("\n");
  return lines.at(-1) ?? null;
}

/** A run the join could not find, and why: its folder's state, SLURM's (sacct, else scontrol), its log's last line. */
export interface MissingRun {
  task: number;
  arm: string;
  seed: number;
  why: string;
}

/** Why each missing task is missing, for the join's file and its printout. */
export async function explainMissing(
  dir: string,
  plan: SweepPlan,
  missing: MissingTask[],
): Promise<MissingRun[]> {
  const jobs = await readJobs(dir);
  const slurmState = new Map<number, string>();
  for (const s of jobs.submissions) { // later submissions overwrite earlier ones
    const states = await taskStates(s.array);
    for (const i of s.tasks) {
      if (states.has(i)) slurmState.set(i, `job ${s.array}_${i}: ${states.get(i)}`);
      // SLURM keeps no record of an array task cancelled before it started (without accounting).
      else if (states.size) {
        slurmState.set(i, `job ${s.array} holds no task ${i} (cancelled before it started)`);
      }
    }
  }
  const runs: MissingRun[] = [];
  for (const m of missing) {
    const log = await lastLogLine(dir, m.index);
    const arm = plan.arms[m.arm].name;
    runs.push({
      task: m.index,
      arm,
      seed: m.seed,
      why: `task ${m.index} (${arm}, seed ${m.seed}): ${m.state}` +
        `${slurmState.has(m.index) ? `; SLURM: ${slurmState.get(m.index)}` : ""}` +
        `${log ? `; log: ${log}` : ""}`,
    });
  }
  return runs;
}

/** Prints the runs a join found missing and how to submit them. */
export function printMissing(dir: string, plan: SweepPlan, missing: MissingRun[]): void {
  console.log(
    `${missing.length} of ${plan.arms.length * plan.runs} runs missing:\n${
      missing.map((m) => m.why).join("\n")
    }`,
  );
  console.log(`deno task ${plan.kind} --resume ${dir} --slurm submits them`);
  console.log(`wrote ${join(dir, resultFile(plan))} (complete: false)`);
}
