/**
 * Sweeps beyond one machine: the seeds of `train --runs N` or an ablation's arms x seeds as a SLURM job array (one
 * task per run, each a run folder as `deno task train` writes it, resumable), a join job that writes what a local
 * run would (runs.json, ablation.json), and the
 * checks made before anything is submitted (the commands, the controller, the partition, a folder every node
 * sees).
 * Row 7 of lib/'s layout (README, Layout): imports ablate, io, run, train.
 */
export {
  joinSweep,
  type MissingTask,
  PLAN_FILE,
  planTasks,
  readPlan,
  readSummary,
  type SweepPlan,
  type SweepResult,
  type SweepTask,
  taskRunDir,
  writePlan,
} from "./plan.ts";
export {
  checkCluster,
  type Completed,
  sbatchOptions,
  slurm,
  SlurmError,
  type SlurmOptions,
  submit,
  taskStates,
} from "./sbatch.ts";
export { filesystemOf, sharedFolderProblem } from "./shared_fs.ts";
export { arraySpec, joinScript, type ScriptContext, shellQuote, SLURM_DIR, taskScript } from "./script.ts";
