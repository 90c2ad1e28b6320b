/** Talking to SLURM through its commands (sbatch, sinfo, scontrol, sacct), each run as a child process. */

/** The sbatch choices a sweep passes on: each maps to the sbatch option of the same name. */
export interface SlurmOptions {
  partition?: string;
  cpusPerTask?: number;
  /** Memory per node, as sbatch reads it ("8G"). */
  mem?: string;
  /** Time limit per task, as sbatch reads it ("2:00:00"). */
  time?: string;
  /** Generic resources per task, e.g. "gpu:1". */
  gres?: string;
  /** Further sbatch arguments, as given. */
  extra: string[];
}

/** A SLURM command's outcome. */
export interface Completed {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a SLURM command; a missing command is an error that says which package provides it. */
export async function slurm(cmd: string, args: string[]): Promise<Completed> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new SlurmError(
        `${cmd} is not on PATH: --slurm needs SLURM's client commands (Debian: apt-get install slurm-client), ` +
          "on a machine that can submit to the cluster",
      );
    }
    throw err;
  }
}

/** A problem with SLURM or the sweep's request, found before anything is submitted (the CLI exits 2). */
export class SlurmError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "SlurmError";
  }
}

/** The sbatch options of `o`, in sbatch's own spelling. */
export function sbatchOptions(o: SlurmOptions): string[] {
  return [
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.cpusPerTask ? [`--cpus-per-task=${o.cpusPerTask}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.gres ? [`--gres=${o.gres}`] : []),
    ...o.extra,
  ];
}

/**
 * Checks, before anything is submitted, that sbatch is on PATH, the controller answers, and the partition (when
 * one is named) exists; returns the number of nodes the sweep may run on (the partition's, else the cluster's).
 */
export async function checkCluster(o: SlurmOptions): Promise<number> {
  const version = await slurm("sbatch", ["--version"]);
  if (version.code !== 0) {
    throw new SlurmError(`sbatch --version failed: ${version.stderr || version.stdout}`);
  }
  const ping = await slurm("scontrol", ["ping"]);
  if (ping.code !== 0 || !/\bUP\b/.test(ping.stdout)) {
    throw new SlurmError(
      `the SLURM controller does not answer (scontrol ping: ${
        ping.stdout || ping.stderr
      }); check SLURM_CONF ` +
        "and that slurmctld runs",
    );
  }
  const parts = await slurm("sinfo", ["-h", "-o", "%P %D"]);
  if (parts.code !== 0) throw new SlurmError(`sinfo failed: ${parts.stderr}`);
  const table = parts.stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/))
    .map(([p, n]) => ({ name: p.replace(/\*$/, ""), nodes: Number(n) }));
  if (o.partition) {
    const found = table.filter((p) => p.name === o.partition);
    if (!found.length) {
      throw new SlurmError(
        `--partition ${o.partition}: no such partition; this cluster has ${
          table.map((p) => p.name).join(", ")
        }`,
      );
    }
    return found.reduce((n, p) => n + p.nodes, 0);
  }
  return Math.max(0, ...table.map((p) => p.nodes));
}

/** Submits `script` with `args` (sbatch --parsable) and returns the job id. */
export async function submit(script: string, args: string[]): Promise<string> {
  const out = await slurm("sbatch", ["--parsable", ...args, script]);
  if (out.code !== 0) {
    throw new Error(`sbatch ${[...args, script].join(" ")} failed: ${out.stderr || out.stdout}`);
  }
  return out.stdout.split(";")[0].trim();
}

/**
 * What SLURM says of each task of array job `jobId` ("CANCELLED", "FAILED", ...): from sacct where accounting is
 * on, else from scontrol while the controller still holds the job; empty when neither knows.
 */
export async function taskStates(jobId: string): Promise<Map<number, string>> {
  const states = new Map<number, string>();
  const acct = await slurm("sacct", ["-j", jobId, "-n", "-P", "-X", "-o", "JobID,State,ExitCode"]);
  if (acct.code === 0 && acct.stdout) {
    for (const line of acct.stdout.split("\n")) {
      const [id, state, exit] = line.split("|");
      const m = /_(\d+)$/.exec(id);
      if (m) states.set(Number(m[1]), `${state} (exit ${exit})`);
    }
    return states;
  }
  const show = await slurm("scontrol", ["-o", "show", "job", jobId]);
  if (show.code !== 0) return states;
  for (const line of show.stdout.split("\n")) {
    const task = /\bArrayTaskId=(\d+)\b/.exec(line), state = /\bJobState=(\S+)/.exec(line);
    const exit = /\bExitCode=(\S+)/.exec(line);
    if (task && state) states.set(Number(task[1]), `${state[1]}${exit ? ` (exit ${exit[1]})` : ""}`);
  }
  return states;
}
