import { join } from "node:path";

/** A word quoted for bash. */
export const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** Where a sweep's job scripts and task logs live, in its folder. */
export const SLURM_DIR = "slurm";

/**
 * What the scripts run: deno, the CLI's main.ts, the working folder that relative paths start from, and the
 * command whose sweep it is.
 */
export interface ScriptContext {
  deno: string;
  main: string;
  cwd: string;
  command: "train" | "ablate";
}

/**
 * The job-array script of the sweep in `dir`: task `$SLURM_ARRAY_TASK_ID` trains one arm x seed of the plan
 * (`<command> --slurm-task`). It asks to be requeued when preempted (training turns SIGTERM into a checkpoint, and the
 * requeued task resumes from it), and appends to its task's log.
 */
export function taskScript(dir: string, name: string, ctx: ScriptContext): string {
  return [
    "#!/usr/bin/env bash",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${join(dir, SLURM_DIR, "task-%a.log")}`,
    `#SBATCH --chdir=${ctx.cwd}`,
    "#SBATCH --requeue",
    "#SBATCH --open-mode=append",
    "set -euo pipefail",
    `exec ${shellQuote(ctx.deno)} run -A --unstable-webgpu ${
      shellQuote(ctx.main)
    } ${ctx.command} --slurm-task ` +
    `"$SLURM_ARRAY_TASK_ID" --out ${shellQuote(dir)}`,
    "",
  ].join("\n");
}

/**
 * The join script: after the array ends (whatever its tasks' fate), it writes the sweep's result (ablation.json,
 * or runs.json for `train`).
 */
export function joinScript(dir: string, name: string, ctx: ScriptContext): string {
  return [
    "#!/usr/bin/env bash",
    `#SBATCH --job-name=${name}-join`,
    `#SBATCH --output=${join(dir, SLURM_DIR, "join-%j.log")}`,
    `#SBATCH --chdir=${ctx.cwd}`,
    "set -euo pipefail",
    `exec ${shellQuote(ctx.deno)} run -A --unstable-webgpu ${shellQuote(ctx.main)} ${ctx.command} --join ${
      shellQuote(dir)
    }`,
    "",
  ].join("\n");
}

/** The `--array` value for task indices: ranges where they run on ("0-3,7,9-10"). */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b), parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(",");
}
