/**
 * kill -9 at seeded random moments (startup, training, checkpoint saves), then `--resume`, over and over: the
 * checkpoint is always there and loadable, at most one epoch is lost per kill, and the run completes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { exists, recoverDirAtomic } from "../lib/core/io/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";
import { RUN_FILES } from "../lib/lab/run/mod.ts";
import { loadCheckpoint } from "../lib/lab/run/mod.ts";
import { tempDir } from "./helpers.ts";
import { writeTinyShards } from "./tiny_shards.ts";

const KILLS = 20;
const EPOCHS = 20; // more than the kills reach (a kill lets at most two epochs end): each kill finds it running
/** The tiny run: 128 synthetic images, 2 steps an epoch (about 3 s on lavapipe), 64 test images. */
const RUN_FLAGS = [
  "--preset",
  "smoke",
  "--train-subset",
  "128",
  "--batch-size",
  "64",
  "--epochs",
  `${EPOCHS}`,
];
const MAIN = new URL("../lib/lab/cli/main.ts", import.meta.url).pathname;

/**
 * Where each kill aims, in turn, with a seeded random delay: any moment of the first 4 s (startup, warm-up, the
 * first epoch), up to 2 s into training after an epoch, or within 15 ms of an epoch's end, when its checkpoint
 * is saved. None waits past the end of a second epoch of the process.
 */
const AIMS = ["anytime", "training", "checkpoint"] as const;

/** A spawned `train` whose stdout and stderr are collected as they come. */
function spawnTrain(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-webgpu", MAIN, "train", ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { stdout: "", stderr: "", exited: false };
  const collect = async (s: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) out[key] += chunk;
  };
  const done = Promise.all([collect(child.stdout, "stdout"), collect(child.stderr, "stderr"), child.status])
    .then(([, , status]) => {
      out.exited = true;
      return status;
    });
  return { child, out, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Epochs finished, as the per-epoch lines of this process report them. */
function epochsPrinted(stdout: string): number {
  return Math.max(0, ...[...stdout.matchAll(/^epoch (\d+)\/\d+ lr/gm)].map((m) => Number(m[1])));
}

/** Waits `ms`, or less when the process has printed its `lines`-th epoch line or has exited. */
async function waitAtMost(
  out: { stdout: string; exited: boolean },
  ms: number,
  lines: number,
): Promise<void> {
  const end = performance.now() + ms;
  const count = () => [...out.stdout.matchAll(/^epoch \d+\/\d+ lr/gm)].length;
  while (!out.exited && performance.now() < end && count() < lines) await sleep(2);
}

/** What a kill left in the run folder before recovery: a save cut short, or none. */
async function leftovers(run: string): Promise<string[]> {
  const names = (await Array.fromAsync(Deno.readDir(run))).map((e) => e.name);
  return names.filter((n) => n.startsWith(`${RUN_FILES.checkpoint}.`));
}

Deno.test(`train survives ${KILLS} kill -9 at random moments, resuming each time, and completes`, async () => {
  await initBackend("cpu", { log: () => {} });
  const t0 = performance.now();
  await using tmp = await tempDir();
  const shards = join(tmp.path, "shards"), run = join(tmp.path, "run");
  const checkpointDir = join(run, RUN_FILES.checkpoint);
  await writeTinyShards(shards, 128, 64);
  const rng = new Rng(8, 20);
  let epoch = 0; // epoch of the checkpoint after the last kill
  const counts = { anytime: 0, training: 0, checkpoint: 0, cutSaves: 0, restored: 0, lostEpochs: 0 };
  for (let kill = 0; kill < KILLS; kill++) {
    const resume = await exists(join(run, RUN_FILES.config));
    const p = spawnTrain(resume ? ["--resume", run] : [...RUN_FLAGS, "--shards", shards, "--out", run]);
    const aim = AIMS[kill % AIMS.length];
    counts[aim]++;
    const delay = rng.next();
    if (aim === "anytime") await waitAtMost(p.out, 50 + delay * 3950, 1);
    else {
      await waitAtMost(p.out, Infinity, 1);
      await waitAtMost(p.out, aim === "training" ? delay * 2000 : delay * 15, 2);
    }
    assert.ok(
      !p.out.exited,
      `kill ${kill} (${aim}): train exited on its own\n${p.out.stdout}${p.out.stderr}`,
    );
    p.child.kill("SIGKILL");
    assert.equal((await p.done).signal, "SIGKILL");
    const why = `kill ${kill} (${aim})\n${p.out.stdout}${p.out.stderr}`;
    const resumedAt = /^resuming .* at epoch (\d+), step (\d+)$/m.exec(p.out.stdout);
    if (resumedAt) assert.deepEqual([Number(resumedAt[1]), Number(resumedAt[2])], [epoch + 1, 0], why);
    if (/^resuming .*: no checkpoint yet/m.test(p.out.stdout)) assert.equal(epoch, 0, why);
    // --resume reads the run's own shards (config.json), not the default folder.
    if (/^read \d+ images/m.test(p.out.stdout)) {
      assert.match(p.out.stdout, /^read 192 images from .*shards in/m, why);
    }

    const left = await leftovers(run).catch(() => []);
    const repairs = await recoverDirAtomic(checkpointDir);
    counts.cutSaves += left.length > 0 ? 1 : 0;
    counts.restored += repairs.filter((r) => r.startsWith("restored")).length;
    const reached = Math.max(epoch, epochsPrinted(p.out.stdout));
    if (!(await exists(join(checkpointDir, "state.json")))) {
      assert.equal(epoch, 0, `${why}\nthe checkpoint of epoch ${epoch} is gone`);
      assert.ok(reached <= 1, `${why}\nepoch ${reached} ended but no checkpoint is there`);
      continue;
    }
    const ckpt = await loadCheckpoint(checkpointDir);
    ckpt.model.dispose();
    tf.dispose(Object.values(ckpt.optimizer));
    const now = ckpt.state.epoch;
    assert.ok(now >= epoch, `${why}\nthe checkpoint went back from epoch ${epoch} to ${now}`);
    assert.ok(now >= reached - 1 && now <= reached, `${why}\nepoch ${reached} ended, checkpoint at ${now}`);
    assert.equal(ckpt.state.step, 0, "a killed run never leaves a mid-epoch checkpoint");
    assert.deepEqual(ckpt.state.metrics.map((m) => m.epoch), Array.from({ length: now }, (_, i) => i + 1));
    counts.lostEpochs += reached - now;
    epoch = now;
    assert.deepEqual(await leftovers(run), [], "recovery leaves neither checkpoint.old nor temp folders");
  }

  const last = spawnTrain(["--resume", run]);
  const status = await last.done;
  assert.equal(status.code, 0, last.out.stdout + last.out.stderr);
  const summary = JSON.parse(await Deno.readTextFile(join(run, RUN_FILES.summary)));
  assert.equal(summary.status, "completed");
  assert.equal(summary.epochsDone, EPOCHS);
  const history = JSON.parse(await Deno.readTextFile(join(run, RUN_FILES.history)));
  assert.deepEqual(
    history.metrics.map((m: { epoch: number }) => m.epoch),
    Array.from({ length: EPOCHS }, (_, i) => i + 1),
  );
  assert.ok(await exists(join(run, RUN_FILES.model, "model.json")));
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${KILLS} kills (${counts.anytime} anytime, ${counts.training} in training, ${counts.checkpoint} at a save); ` +
      `${counts.cutSaves} cut a save short, ${counts.restored} left checkpoint.old to restore; epochs ended but ` +
      `lost: ${counts.lostEpochs}; checkpoint at epoch ${epoch} after the last kill; ${seconds.toFixed(0)} s`,
  );
});
