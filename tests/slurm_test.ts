/**
 * `deno task ablate --slurm` and `deno task train --runs N --slurm` against a real one-node SLURM
 * (tests/slurm_cluster.ts): the joined result equals the same command run here, a cancelled task is named by the
 * join and resubmitted alone by --resume, and bad input is refused before anything is submitted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, tempDir } from "./helpers.ts";
import { startCluster, waitForJobs } from "./slurm_cluster.ts";
import { writeTinyShards } from "./tiny_shards.ts";

/** The job ids that `--slurm` printed. */
function jobIds(stdout: string): { array: string; join: string } {
  const m = /submitted job array (\d+) .*and join job (\d+)/s.exec(stdout);
  assert.ok(m, `no job ids in:\n${stdout}`);
  return { array: m[1], join: m[2] };
}

type Saved = {
  complete: boolean;
  arms: Array<{ name: string; runs: Array<{ seed: number; testAcc: number }> }>;
  missing?: Array<{ task: number; arm: string; seed: number; why: string }>;
};
const read = async (dir: string) => JSON.parse(await Deno.readTextFile(join(dir, "ablation.json"))) as Saved;
/** Each arm's test accuracy by seed. */
const accuracies = (a: Saved) => a.arms.map((arm) => [arm.name, arm.runs.map((r) => [r.seed, r.testAcc])]);

/** Runs a SLURM client command of the cluster; throws when it fails. */
async function client(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  const out = await new Deno.Command(cmd, { args, env, stderr: "piped" }).output();
  assert.ok(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

/**
 * Submits `args` as a held sweep, cancels its task 1 before it starts, releases the rest (array and join are both
 * held) and waits for them; returns what the submission printed.
 */
async function sweepWithoutTask1(args: string[], env: Record<string, string>): Promise<string> {
  const held = await runCli([...args, "--slurm", "--sbatch-args", "--hold"], env);
  assert.equal(held.code, 0, held.stderr);
  const jobs = jobIds(held.stdout);
  await client("scancel", [`${jobs.array}_1`], env);
  for (const job of [jobs.array, jobs.join]) await client("scontrol", ["release", job], env);
  await waitForJobs(env, [jobs.array, jobs.join]);
  return held.stdout;
}

/** `deno task <command> --resume DIR --slurm`, which must submit `tasks` (a pattern), then waits for its jobs. */
async function resubmit(
  command: string,
  dir: string,
  tasks: RegExp,
  env: Record<string, string>,
): Promise<void> {
  const resumed = await runCli([command, "--resume", dir, "--slurm"], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, tasks);
  const again = jobIds(resumed.stdout);
  await waitForJobs(env, [again.array, again.join]);
}

Deno.test("ablate --slurm: a real one-node SLURM gives the local accuracies; a cancelled task is named, resumed alone and joined", async () => {
  await using cluster = await startCluster();
  await using tmp = await tempDir();
  const shards = join(tmp.path, "shards");
  await writeTinyShards(shards, 128, 64);
  const ablation = (runs: number) => [
    ...["ablate", "--base", "smoke-tricks", "--toggle", "ema", "--runs", String(runs), "--shards", shards],
    ...["--train-subset", "64", "--batch-size", "64", "--epochs", "1", "--test-subset", "64"],
  ];
  const local = await runCli([...ablation(2), "--out", join(tmp.path, "local")]);
  assert.equal(local.code, 0, local.stderr);

  // 2 arms x 2 seeds as a job array of 4 tasks and a join job.
  const swept = join(tmp.path, "swept");
  const submitted = await runCli(
    [...ablation(2), "--slurm", "--cpus-per-task", "1", "--out", swept],
    cluster.env,
  );
  assert.equal(submitted.code, 0, submitted.stderr);
  assert.match(submitted.stdout, /4 tasks: 2 arms x 2 seeds/);
  const first = jobIds(submitted.stdout);
  await waitForJobs(cluster.env, [first.array, first.join]);
  const joined = await read(swept);
  assert.equal(
    joined.complete,
    true,
    await Deno.readTextFile(join(swept, "slurm", `join-${first.join}.log`)),
  );
  assert.deepEqual(accuracies(joined), accuracies(await read(join(tmp.path, "local"))));
  assert.match(await Deno.readTextFile(join(swept, "ablation.html")), /<th>verdict<\/th>/);

  // A held sweep of 2 tasks; task 1 cancelled before it runs, then the rest released.
  const second = join(tmp.path, "second");
  await sweepWithoutTask1([...ablation(1), "--out", second], cluster.env);
  const partial = await read(second);
  assert.equal(partial.complete, false);
  assert.deepEqual(partial.missing!.map((m) => [m.task, m.arm, m.seed]), [[1, "-ema", 0]]);
  assert.match(
    partial.missing![0].why,
    /not started; SLURM: job \d+ holds no task 1 \(cancelled before it started\)/,
  );
  await resubmit("ablate", second, /1 tasks: 2 arms x 1 seeds, the missing ones/, cluster.env);
  const full = await read(second);
  assert.equal(full.complete, true);
  const seed0 = (a: Saved) =>
    a.arms.map((arm) => [arm.name, arm.runs.filter((r) => r.seed === 0)[0].testAcc]);
  assert.deepEqual(seed0(full), seed0(joined));
  const resumedAgain = await runCli(["ablate", "--resume", second, "--slurm"], cluster.env);
  assert.match(resumedAgain.stdout, /every run has completed; joining/);
});

Deno.test("train --runs 2 --slurm: a cancelled seed is named in runs.json, resubmitted alone, and the joined seeds equal a local train --runs 2", async () => {
  await using cluster = await startCluster();
  await using tmp = await tempDir();
  const shards = join(tmp.path, "shards");
  await writeTinyShards(shards, 128, 64);
  const train = [
    ...[
      "train",
      "--preset",
      "smoke",
      "--runs",
      "2",
      "--seed",
      "3",
      "--shards",
      shards,
      "--backend",
      "tensorflow",
    ],
    ...["--train-subset", "64", "--batch-size", "64", "--epochs", "1"],
  ];
  const runsOf = async (dir: string) => JSON.parse(await Deno.readTextFile(join(dir, "runs.json")));
  const local = await runCli([...train, "--out", join(tmp.path, "local")]);
  assert.equal(local.code, 0, local.stderr);
  const here = await runsOf(join(tmp.path, "local"));

  // Both seeds held, seed 4 (task 1) cancelled before it starts, then the rest released.
  const swept = join(tmp.path, "swept");
  const submitted = await sweepWithoutTask1([...train, "--out", swept], cluster.env);
  assert.match(submitted, /training smoke on SLURM: seeds 3 to 4\n/);
  assert.match(submitted, /2 tasks: one per seed\) and join job/);
  const partial = await runsOf(swept);
  assert.deepEqual([partial.complete, partial.seeds, partial.accuracies], [false, [3], [here.accuracies[0]]]);
  assert.deepEqual(partial.missing.map((m: { task: number; seed: number }) => [m.task, m.seed]), [[1, 4]]);
  assert.match(partial.missing[0].why, /not started; SLURM: job \d+ holds no task 1/);

  const plain = await runCli(["train", "--resume", swept]);
  assert.equal(plain.code, 2, plain.stderr);
  assert.match(plain.stderr, /is a SLURM sweep: --resume .* --slurm continues it/);
  await resubmit("train", swept, /1 tasks: one per seed, the missing ones/, cluster.env);
  const full = await runsOf(swept);
  assert.equal(full.complete, true);
  assert.equal(full.missing, undefined);
  assert.deepEqual([full.seeds, full.accuracies, full.mean, full.std], [
    here.seeds,
    here.accuracies,
    here.mean,
    here.std,
  ]);
  const summary = JSON.parse(await Deno.readTextFile(join(swept, "seed-4", "summary.json")));
  assert.equal(summary.status, "completed");
  const stray = await runCli(["train", "--partition", "debug"]);
  assert.equal(stray.code, 2, stray.stderr);
  assert.match(stray.stderr, /--partition is for a SLURM sweep: add --slurm/);
});

Deno.test("ablate --slurm refuses, before submitting or writing anything: no sbatch, no controller, no such partition", async () => {
  await using tmp = await tempDir();
  const out = join(tmp.path, "sweep");
  const args = ["ablate", "--toggle", "ema", "--slurm", "--out", out];
  const noSbatch = await runCli(args, { PATH: "/nonexistent" });
  assert.equal(noSbatch.code, 2, noSbatch.stderr);
  assert.match(noSbatch.stderr, /sbatch is not on PATH: --slurm needs SLURM's client commands/);
  const conf = join(tmp.path, "slurm.conf");
  await Deno.writeTextFile(
    conf,
    "ClusterName=none\nSlurmctldHost=localhost\nSlurmctldPort=9\nAuthType=auth/none\n",
  );
  const noController = await runCli(args, { SLURM_CONF: conf });
  assert.equal(noController.code, 2, noController.stderr);
  assert.match(noController.stderr, /the SLURM controller does not answer/);
  await using cluster = await startCluster();
  const partition = await runCli([...args, "--partition", "nope"], cluster.env);
  assert.equal(partition.code, 2, partition.stderr);
  assert.match(partition.stderr, /--partition nope: no such partition; this cluster has debug/);
  const stray = await runCli(["ablate", "--partition", "debug"]);
  assert.equal(stray.code, 2, stray.stderr);
  assert.match(stray.stderr, /--partition is for a SLURM sweep: add --slurm/);
  assert.ok(!(await Deno.stat(out).catch(() => null)), "nothing written");
});
