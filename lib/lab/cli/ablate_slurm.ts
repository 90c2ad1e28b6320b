/**
 * `deno task ablate --slurm`: an ablation's arms x seeds as a SLURM job array and a join job. Every task is a run
 * folder as `deno task train` writes it (checkpoints, SIGTERM turned into a checkpoint, a requeued task resumes),
 * and the join writes the ablation.json a local run of the same command writes, or names the runs still missing.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as aq from "arquero";
import { ablationRows, type Variant } from "../ablate/mod.ts";
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
import { type FlagValues, parseFlags } from "./args.ts";
import { ABLATE_HELP, ablationArms, SLURM_SPECS, SPECS, writeAblation } from "./ablate_flags.ts";
import { interruptFlag, trainInFolders } from "./train.ts";
import { startBackend } from "./train_flags.ts";

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

/** The command line without the flags of the SLURM path and without --out: what every task parses again. */
function taskArgs(args: string[]): string[] {
  const drop = new Set([...Object.keys(SLURM_SPECS), "out"]);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--(?:no-)?([^=]+)/.exec(args[i])?.[1];
    if (name && drop.has(name)) {
      const bare = args[i].includes("=") || SPECS[name]?.type === "bool";
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

/**
 * Submits the tasks `indices` of the sweep in `dir` (a job array) and a join job that runs after them whatever
 * their fate, records both in slurm/jobs.json and prints how to watch them.
 */
async function submitTasks(dir: string, plan: SweepPlan, indices: number[], o: SlurmOptions): Promise<void> {
  const name = `davidnet-${plan.base}`, ctx = scriptContext();
  const taskPath = join(dir, SLURM_DIR, "task.sh"), joinPath = join(dir, SLURM_DIR, "join.sh");
  await writeFileAtomic(taskPath, taskScript(dir, name, ctx));
  await writeFileAtomic(joinPath, joinScript(dir, name, ctx));
  const array = await submit(taskPath, [`--array=${arraySpec(indices)}`, ...sbatchOptions(o)]);
  const joinOptions = sbatchOptions({ partition: o.partition, time: o.time, extra: o.extra });
  const joined = await submit(joinPath, [`--dependency=afterany:${array}`, ...joinOptions]);
  const jobs = await readJobs(dir);
  jobs.submissions.push({ array, join: joined, tasks: indices, submitted: new Date().toISOString() });
  await writeJsonAtomic(join(dir, JOBS_FILE), jobs);
  console.log(
    `submitted job array ${array} (${indices.length} tasks: ${plan.arms.length} arms x ${plan.runs} seeds` +
      `${
        indices.length < plan.arms.length * plan.runs ? ", the missing ones" : ""
      }) and join job ${joined}\n` +
      `watch: squeue -j ${array},${joined}  |  task logs: ${join(dir, SLURM_DIR, "task-<i>.log")}\n` +
      `result: ${join(dir, "ablation.json")} when the join has run (or now: deno task ablate --join ${dir})`,
  );
}

/** Checks the cluster and the folder before anything is submitted; throws a {@link SlurmError}. */
async function checkBeforeSubmitting(dir: string, o: SlurmOptions): Promise<void> {
  const nodes = await checkCluster(o);
  const problem = await sharedFolderProblem(dir, nodes);
  if (problem) throw new SlurmError(problem);
}

/** `deno task ablate ... --slurm`: writes the plan of the sweep into `out` and submits it. */
export async function submitSweep(
  args: string[],
  flags: FlagValues,
  arms: { base: TrainConfig; toggles: string[]; variants: Variant[] },
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
  const own = taskArgs(args);
  const plan: SweepPlan = {
    args: own,
    command: `deno task ablate ${own.join(" ")}`,
    base: flags.base as string,
    toggles: arms.toggles,
    arms: arms.variants.map((v) => ({ name: v.name, toggle: v.toggle, config: v.config })),
    runs: flags.runs as number,
    seed: arms.base.seed,
    testSubset: flags["test-subset"] as number,
    created: new Date().toISOString(),
  };
  await writePlan(dir, plan);
  console.log(
    `ablating ${plan.base} on SLURM: ${plan.arms.map((a) => a.name).join(", ")}; ${plan.runs} seeds each`,
  );
  await submitTasks(dir, plan, planTasks(plan).map((t) => t.index), o);
  return 0;
}

/** `deno task ablate --resume DIR --slurm`: submits the sweep's missing runs only, then a join. */
export async function resubmitSweep(dirArg: string, flags: FlagValues): Promise<number> {
  const dir = resolve(dirArg), plan = await readPlan(dir), o = slurmOptions(flags);
  const { missing } = await joinSweep(dir, plan);
  if (!missing.length) {
    console.log(`${dir}: every run has completed; joining`);
    return await joinCommand(dir);
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
 * `deno task ablate --slurm-task N --out DIR` (what the job array runs): trains task N of the sweep in DIR into its
 * run folder, resuming it when a previous attempt left one; exits as `deno task train` does (130/143 when stopped
 * by a signal, after a checkpoint).
 */
export async function runTask(dirArg: string | undefined, index: number): Promise<number> {
  if (!dirArg) throw new Error("--slurm-task needs --out, the sweep's folder");
  const dir = resolve(dirArg), plan = await readPlan(dir);
  const task = planTasks(plan)[index];
  if (!task) {
    throw new Error(`--slurm-task ${index}: the sweep in ${dir} has tasks 0-${planTasks(plan).length - 1}`);
  }
  const flags = parseFlags(plan.args, SPECS, ABLATE_HELP);
  const variant = ablationArms(flags, ABLATE_HELP).variants[task.arm];
  if (JSON.stringify(variant.config) !== JSON.stringify(plan.arms[task.arm].config)) {
    throw new Error(
      `task ${index}: arm ${
        plan.arms[task.arm].name
      }'s config is no longer what ${dir}/plan.json planned (the ` +
        "code or its presets changed since): rerun the sweep into a new folder",
    );
  }
  const runDir = taskRunDir(dir, plan, task), cfg = { ...variant.config, seed: task.seed };
  if ((await readSummary(runDir))?.status === "completed") {
    console.log(`task ${index} (${variant.name}, seed ${task.seed}) completed before: ${runDir}`);
    return 0;
  }
  const resume = await exists(join(runDir, RUN_FILES.config));
  console.log(`task ${index}: ${variant.name}, seed ${task.seed}${resume ? ", resumed" : ""} -> ${runDir}`);
  const data = await loadTrainingData(
    flags.shards as string,
    flags.data as string | undefined,
    (l) => console.log(l),
  );
  const backend = await startBackend(flags, ABLATE_HELP);
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
      command: `deno task ablate --slurm-task ${index} --out ${dir}`,
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

/** Why each missing task is missing: its folder's state, SLURM's (sacct, else scontrol), its log's last line. */
async function explainMissing(dir: string, plan: SweepPlan, missing: MissingTask[]): Promise<string[]> {
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
  const lines: string[] = [];
  for (const m of missing) {
    const log = await lastLogLine(dir, m.index);
    lines.push(
      `task ${m.index} (${plan.arms[m.arm].name}, seed ${m.seed}): ${m.state}` +
        `${slurmState.has(m.index) ? `; SLURM: ${slurmState.get(m.index)}` : ""}` +
        `${log ? `; log: ${log}` : ""}`,
    );
  }
  return lines;
}

/**
 * `deno task ablate --join DIR` (what the join job runs; any time by hand): joins the completed runs of the sweep
 * in DIR into ablation.json and ablation.html, as a local run writes them; with runs missing it writes
 * `complete: false` with the missing runs and why, and exits 1.
 */
export async function joinCommand(dirArg: string): Promise<number> {
  const dir = resolve(dirArg), plan = await readPlan(dir);
  const { ablation, missing, adapter } = await joinSweep(dir, plan);
  const why = await explainMissing(dir, plan, missing);
  const record = {
    facts: {
      base: plan.base,
      command: plan.command,
      adapter: adapter ?? "(no run completed)",
      "test images": String(plan.testSubset),
      date: plan.created.slice(0, 10),
    },
    baseConfig: plan.arms[0].config,
    toggles: plan.toggles,
  };
  const missingRecord = missing.map((m, k) => ({
    task: m.index,
    arm: plan.arms[m.arm].name,
    seed: m.seed,
    why: why[k],
  }));
  await writeAblation(dir, ablation, record, missing.length === 0, missingRecord);
  if (ablation.arms.length) console.log(aq.from(ablationRows(ablation)).toMarkdown());
  if (missing.length) {
    console.log(`${missing.length} of ${plan.arms.length * plan.runs} runs missing:\n${why.join("\n")}`);
    console.log(`deno task ablate --resume ${dir} --slurm submits them`);
    console.log(`wrote ${join(dir, "ablation.json")} (complete: false) and ablation.html`);
    return 1;
  }
  console.log(`wrote ${join(dir, "ablation.json")} and ablation.html: every run completed`);
  return 0;
}
