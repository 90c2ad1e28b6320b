/**
 * A real one-node SLURM for the tests, from Debian's packages (`slurm-wlm`, `munge`): munged, slurmctld and slurmd
 * started as root with a configuration written to a temporary folder (its own ports, state, spool and munge socket,
 * `SLURM_CONF` pointing at it), and stopped by process id when the handle is disposed, whatever happened.
 */
import { join } from "node:path";

/** A running one-node cluster: the environment its clients need, and the folder that holds its files. */
export interface Cluster extends AsyncDisposable {
  env: Record<string, string>;
  dir: string;
}

/** A TCP port that is free now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Runs a command to its end; throws with its output when it fails. */
async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed (${out.code}): ${text}`);
  return text;
}

/** The process id in `path`, once the daemon has written it (within `ms`). */
async function pidFrom(path: string, ms = 15000): Promise<number> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (/^\d+/.test(text.trim())) return Number(text.trim());
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no process id in ${path} after ${ms} ms`);
}

/** Whether process `pid` still runs. */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Stops `pid` with SIGTERM, then SIGKILL if it is still there after 5 s; waits until it has gone. */
async function stop(pid: number): Promise<void> {
  if (!alive(pid)) return;
  Deno.kill(pid, "SIGTERM");
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited === 5000) Deno.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a one-node SLURM (2 CPUs, partition `debug`, no accounting) and waits until its node is idle. Fails,
 * naming the packages, when the daemons are not installed.
 */
export async function startCluster(): Promise<Cluster> {
  for (const daemon of ["munged", "slurmctld", "slurmd"]) {
    if (!(await Deno.stat(`/usr/sbin/${daemon}`).catch(() => null))) {
      throw new Error(
        `/usr/sbin/${daemon} is missing: apt-get install slurm-wlm munge (the README's test line does)`,
      );
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "dn-slurm-" }); // short: a socket path has at most 107 bytes
  const pids: number[] = [];
  const dispose = async () => {
    for (const pid of pids.reverse()) await stop(pid);
    await Deno.remove(dir, { recursive: true });
  };
  try {
    for (const sub of ["munge", "state", "spool", "log"]) await Deno.mkdir(join(dir, sub), { mode: 0o700 });
    await Deno.writeFile(join(dir, "munge.key"), crypto.getRandomValues(new Uint8Array(1024)), {
      mode: 0o400,
    });
    const socket = join(dir, "munge", "socket");
    await run("/usr/sbin/munged", [
      `--key-file=${join(dir, "munge.key")}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, "munge", "pid")}`,
      `--log-file=${join(dir, "munge", "log")}`,
      `--seed-file=${join(dir, "munge", "seed")}`,
      "--force",
    ]);
    pids.push(await pidFrom(join(dir, "munge", "pid")));
    const conf = join(dir, "slurm.conf");
    await Deno.writeTextFile(
      conf,
      [
        "ClusterName=davidnet-test",
        "SlurmctldHost=localhost",
        `SlurmctldPort=${freePort()}`,
        `SlurmdPort=${freePort()}`,
        "AuthType=auth/munge",
        `AuthInfo=socket=${socket}`,
        "CredType=cred/munge",
        "SlurmUser=root",
        "SlurmdUser=root",
        `StateSaveLocation=${join(dir, "state")}`,
        `SlurmdSpoolDir=${join(dir, "spool")}`,
        `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
        `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
        `SlurmctldLogFile=${join(dir, "log", "slurmctld.log")}`,
        `SlurmdLogFile=${join(dir, "log", "slurmd.log")}`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "MpiDefault=none",
        "ReturnToService=2",
        "MinJobAge=600",
        "NodeName=localhost CPUs=2 State=UNKNOWN",
        "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
        "",
      ].join("\n"),
    );
    const env = { SLURM_CONF: conf };
    await run("/usr/sbin/slurmctld", ["-f", conf], env);
    pids.push(await pidFrom(join(dir, "slurmctld.pid")));
    await run("/usr/sbin/slurmd", ["-f", conf, "-N", "localhost"], env);
    pids.push(await pidFrom(join(dir, "slurmd.pid")));
    for (const end = Date.now() + 30000;;) {
      const info = await run("sinfo", ["-h", "-o", "%T"], env).catch(() => "");
      if (/^idle/m.test(info)) break;
      if (Date.now() > end) throw new Error(`the node did not come up in 30 s (sinfo: ${info.trim()})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { env, dir, [Symbol.asyncDispose]: dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** Waits until SLURM holds no job of `jobIds` any more (within `ms`). */
export async function waitForJobs(env: Record<string, string>, jobIds: string[], ms = 300000): Promise<void> {
  for (const end = Date.now() + ms;;) {
    const queue = await run("squeue", ["-h", "-j", jobIds.join(","), "-o", "%i %T"], env).catch(() => "");
    if (!queue.trim()) return;
    if (Date.now() > end) throw new Error(`jobs ${jobIds.join(",")} still queued after ${ms} ms:\n${queue}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
