/** The flags of the SLURM path, shared by `deno task train --runs N --slurm` and `deno task ablate --slurm`. */
import { type FlagSpecs, type FlagValues, UsageError } from "./args.ts";

/** The sweep's sbatch choices and the commands its jobs run (each command adds its own --resume). */
export const SLURM_SPECS: FlagSpecs = {
  slurm: {
    type: "bool",
    help: "submit the runs to SLURM as a job array (one task per run) and a join job; --out must be on a " +
      "filesystem every node mounts",
    default: false,
  },
  partition: { type: "string", help: "with --slurm: the partition (sbatch --partition)" },
  "cpus-per-task": { type: "int", min: 1, help: "with --slurm: CPUs per task (sbatch --cpus-per-task)" },
  mem: { type: "string", help: "with --slurm: memory per task's node, e.g. 8G (sbatch --mem)" },
  time: { type: "string", help: "with --slurm: time limit per task, e.g. 2:00:00 (sbatch --time)" },
  gres: { type: "string", help: "with --slurm: generic resources per task, e.g. gpu:1 (sbatch --gres)" },
  "sbatch-args": {
    type: "string",
    help: "with --slurm: further sbatch arguments for the array and the join, e.g. '--qos=low --account=lab'",
  },
  join: {
    type: "string",
    help: "joins the finished runs of the SLURM sweep in this folder (what its join job runs)",
  },
  "slurm-task": { type: "int", min: 0, help: "(the job array's) trains task N of the sweep in --out" },
};

/** The flags that only mean something with --slurm: refused without it (they have no default, so given = set). */
export function checkSlurmFlags(flags: FlagValues, help: string): void {
  const onlyWithSlurm = ["partition", "cpus-per-task", "mem", "time", "gres", "sbatch-args"];
  const given = onlyWithSlurm.filter((f) => flags[f] !== undefined);
  if (!flags.slurm && given.length) {
    throw new UsageError(`--${given[0]} is for a SLURM sweep: add --slurm`, help);
  }
}
