/** Crash safety of the folder swap: each state a kill -9 can leave on disk, made by hand, then recovered. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import { exists, oldDirOf, recoverDirAtomic, replaceDirAtomic } from "../lib/core/io/mod.ts";
import { loadCheckpoint, saveCheckpoint } from "../lib/lab/run/mod.ts";
import type { TrainState } from "../lib/core/train/mod.ts";
import { tempDir } from "./helpers.ts";

/** A folder holding one file `v` with `text`. */
async function version(dir: string, text: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "v"), text);
}

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("replaceDirAtomic swaps the folder in and leaves neither <dir>.old nor a temp folder", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "ckpt");
  await replaceDirAtomic(dir, (t) => version(t, "1"));
  await replaceDirAtomic(dir, (t) => version(t, "2"));
  assert.equal(await Deno.readTextFile(join(dir, "v")), "2");
  assert.deepEqual(await names(tmp.path), ["ckpt"]);
  await assert.rejects(replaceDirAtomic(dir, () => Promise.reject(new Error("disk full"))), /disk full/);
  assert.equal(await Deno.readTextFile(join(dir, "v")), "2", "a failed fill keeps the current version");
  assert.deepEqual(await names(tmp.path), ["ckpt"]);
});

Deno.test("recoverDirAtomic: a kill between the two renames leaves <dir>.old, which is renamed back", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "ckpt");
  // On disk after `rename(dir, dir.old)` and before `rename(temp, dir)`: the new version complete in its temp
  // folder (another pid's), the previous one in <dir>.old, nothing at <dir>.
  await version(oldDirOf(dir), "epoch 3");
  await version(`${dir}.999999999.7.tmp`, "epoch 4");
  const done = await recoverDirAtomic(dir);
  assert.equal(await Deno.readTextFile(join(dir, "v")), "epoch 3");
  assert.deepEqual(await names(tmp.path), ["ckpt"]);
  assert.equal(done.length, 2, done.join("\n"));
  assert.match(done[0], /restored .*ckpt from .*ckpt\.old/);
  assert.match(done[1], /removed the stale temp .*ckpt\.999999999\.7\.tmp/);
  assert.deepEqual(await recoverDirAtomic(dir), [], "a second recovery finds nothing to do");
});

Deno.test("recoverDirAtomic: a kill while <dir>.old is removed keeps the new <dir>", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "ckpt");
  await version(dir, "new");
  await version(oldDirOf(dir), "half-removed old");
  await Deno.remove(join(oldDirOf(dir), "v"));
  assert.match((await recoverDirAtomic(dir)).join("\n"), /removed .*ckpt\.old \(left by a finished swap\)/);
  assert.equal(await Deno.readTextFile(join(dir, "v")), "new");
  assert.deepEqual(await names(tmp.path), ["ckpt"]);
});

Deno.test("recoverDirAtomic touches only this folder's temps from other processes", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "ckpt");
  await version(dir, "current");
  const mine = `${dir}.${Deno.pid}.1.tmp`; // a save in progress in this process
  for (const d of [mine, `${dir}.12.3.tmp`, join(tmp.path, "ckpt2.12.3.tmp"), join(tmp.path, "model")]) {
    await Deno.mkdir(d);
  }
  await Deno.writeTextFile(`${dir}.json.12.3.tmp`, "a temp of the file ckpt.json, not of the folder");
  assert.equal((await recoverDirAtomic(dir)).length, 1);
  assert.deepEqual(await names(tmp.path), [
    "ckpt",
    `ckpt.${Deno.pid}.1.tmp`,
    "ckpt.json.12.3.tmp",
    "ckpt2.12.3.tmp",
    "model",
  ]);
  assert.deepEqual(await recoverDirAtomic(join(tmp.path, "nowhere", "ckpt")), []);
});

Deno.test("replaceDirAtomic after a crash first settles <dir>.old, then swaps", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "ckpt");
  await version(oldDirOf(dir), "old"); // crash state: <dir> missing
  await replaceDirAtomic(dir, (t) => version(t, "newer"));
  assert.equal(await Deno.readTextFile(join(dir, "v")), "newer");
  assert.equal(await exists(oldDirOf(dir)), false);
  await version(oldDirOf(dir), "stale"); // crash state: both present
  await replaceDirAtomic(dir, (t) => version(t, "newest"));
  assert.equal(await Deno.readTextFile(join(dir, "v")), "newest");
  assert.deepEqual(await names(tmp.path), ["ckpt"]);
});

Deno.test("loadCheckpoint recovers a checkpoint whose save was killed between the renames", async () => {
  await initBackend("cpu", { log: () => {} });
  await using tmp = await tempDir();
  const dir = join(tmp.path, "checkpoint");
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  const momentum = { "dense/kernel": tf.ones([3, 2]) };
  const state = (epoch: number): TrainState => ({
    epoch,
    step: 0,
    trainSeconds: epoch,
    metrics: [],
    losses: [],
    partial: { lossSum: 0, correct: 0, seen: 0, seconds: 0 },
  });
  try {
    await saveCheckpoint(dir, model, momentum, state(1), { note: "epoch 1" });
    await Deno.rename(dir, oldDirOf(dir));
    await Deno.mkdir(`${dir}.999999999.2.tmp`); // the next save, half written
    await Deno.writeTextFile(join(`${dir}.999999999.2.tmp`, "optimizer.json"), "[");
    const loaded = await loadCheckpoint(dir);
    assert.equal(loaded.state.epoch, 1);
    assert.deepEqual(loaded.metadata, { note: "epoch 1" });
    assert.deepEqual(await loaded.optimizer["dense/kernel"].data(), new Float32Array(6).fill(1));
    assert.deepEqual(await names(tmp.path), ["checkpoint"]);
    loaded.model.dispose();
    tf.dispose(Object.values(loaded.optimizer));
  } finally {
    model.dispose();
    tf.dispose(Object.values(momentum));
  }
});
