import assert from "node:assert/strict";
import { join } from "node:path";
import { probeWebGpu, readCpuFeatures } from "../lib/core/backend/mod.ts";
import { cifar10, runCli, tempDir, TEST_BACKENDS } from "./helpers.ts";

const TINY = [
  "--preset",
  "smoke",
  "--train-subset",
  "256",
  "--batch-size",
  "64",
  "--epochs",
  "2",
  "--tta",
  "none",
  "--sync-every",
  "1",
];

Deno.test("train: unknown flags, bad values and --resume with hyperparameters exit 2 with the usage", async () => {
  for (
    const [args, message] of [
      [["--lr-max", "1"], /unknown flag --lr-max/],
      [["--lr", "fast"], /--lr fast: expected a number/],
      [["--schedule", "linear"], /--schedule linear: expected one of piecewise, onecycle, cosine, step/],
      [["--kernels", "slow"], /--kernels slow: expected one of stock, fast/],
      [["--conv", "fft"], /--conv fft: expected one of auto, tiled, direct/],
      [
        ["--batch-size", "1024", "--train-subset", "512"],
        /--batch-size 1024 exceeds the 512 training images/,
      ],
      [
        ["--resume", "/tmp/x", "--lr", "0.1"],
        /--resume continues with the run's own config\.json; drop --lr/,
      ],
    ] as const
  ) {
    const res = await runCli(["train", ...args]);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.match(res.stderr, /usage: deno task train/);
  }
  const missing = await runCli(["train", "--shards", "/no/such/shards"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--shards \/no\/such\/shards holds no shards .*Fix: deno task data --out/);
});

Deno.test("train --precision bf16: refused off the native backend; on it, refused without bfloat16 units, else bf16 math", async () => {
  const cpu = await runCli(["train", ...TINY, "--backend", "cpu", "--precision", "bf16"]);
  assert.equal(cpu.code, 2, cpu.stderr);
  assert.match(cpu.stderr, /--precision bf16 is the native backend's .*use --backend tensorflow/);
  assert.match(cpu.stderr, /usage: deno task train/);
  await cifar10();
  await using tmp = await tempDir();
  const out = join(tmp.path, "run");
  const res = await runCli([
    "train",
    ...TINY,
    "--backend",
    "tensorflow",
    "--precision",
    "bf16",
    "--out",
    out,
  ]);
  const f = readCpuFeatures();
  if (f.avx512Bf16 || f.amxBf16) {
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /backend: tensorflow on .*oneDNN on .*; bf16 math\)/);
  } else {
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /needs a CPU with bfloat16 instructions .*use --precision float32/);
  }
});

for (const backend of TEST_BACKENDS) {
  // Ctrl-C on one backend, a scheduler's SIGTERM on the other: both finish the step and checkpoint.
  const [signal, code] = backend === "webgpu" ? ["SIGINT", 130] as const : ["SIGTERM", 143] as const;
  Deno.test(`[${backend}] train: ${signal} finishes the step, checkpoints, exits ${code}; --resume completes; eval reloads the model`, async () => {
    await cifar10();
    await using tmp = await tempDir();
    const out = join(tmp.path, "run");
    const main = new URL("../lib/lab/cli/main.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-webgpu",
        main,
        "train",
        ...TINY,
        "--epochs",
        "3",
        "--backend",
        backend,
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Interrupt as soon as the first epoch's line appears.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let stdout = "";
    while (!stdout.includes("epoch 1/3")) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    if (!stdout.includes("epoch 1/3")) {
      const stderr = await new Response(child.stderr).text();
      throw new Error(
        `train exited before its first epoch (${(await child.status).code}):\n${stdout}${stderr}`,
      );
    }
    child.kill(signal);
    for (let r = await reader.read(); !r.done; r = await reader.read()) stdout += r.value;
    const status = await child.status;
    const stderr = await new Response(child.stderr).text();
    assert.equal(status.code, code, stdout + stderr);
    assert.match(stderr, new RegExp(`${signal}: finishing this step`));
    assert.match(stdout, /interrupted: checkpoint in .*; continue with --resume/);
    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(summary.status, "interrupted");
    assert.equal(summary.finalTestAcc, null);
    const state = JSON.parse(await Deno.readTextFile(join(out, "checkpoint", "state.json")));
    assert.ok(state.epoch >= 1 && state.epoch < 3, JSON.stringify(state));

    const resumed = await runCli(["train", "--resume", out]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming .* at epoch/);
    // On a CPU the estimate names the run's own preset, not the flag's default.
    if (resumed.stdout.includes("estimate on this CPU")) {
      assert.match(resumed.stdout, /estimate on this CPU: smoke,/);
    }
    assert.match(
      resumed.stdout,
      /\|epoch\|learning rate\|train loss\|train acc \(%\)\|test acc \(%\)\|epoch time \(s\)\|training time \(s\)\|/,
    );
    const done = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(done.status, "completed");
    assert.equal(done.epochsDone, 3);
    assert.equal(done.timeTo94Seconds, null);
    assert.equal(done.backend, backend);
    if (backend === "webgpu") assert.equal(done.adapter, (await probeWebGpu())?.description);
    else assert.match(done.adapter, /^@tensorflow\/tfjs-node 4\.22\.0 on TensorFlow 2\.21\.0 \(CPU/);
    assert.deepEqual(done.kernels, { mode: "fast", conv: "auto" });
    assert.ok(done.compileSeconds > 0 && done.compileSeconds < done.wallSeconds, JSON.stringify(done));
    const csv = (await Deno.readTextFile(join(out, "metrics.csv"))).trim().split("\n");
    assert.equal(csv[0], "epoch,lr,train_loss,train_acc,test_acc,epoch_seconds,total_seconds,load1");
    assert.equal(csv.length, 4);
    const html = await Deno.readTextFile(join(out, "report.html"));
    assert.match(html, /Plotly\.newPlot\("fig2"/);
    assert.doesNotMatch(html, /<script src=/);

    const evaluated = await runCli(["eval", "--model", join(out, "model"), "--backend", backend]);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const pct = (100 * done.finalTestAcc).toFixed(2);
    assert.match(
      evaluated.stdout,
      new RegExp(`test accuracy ${pct.replace(".", "\\.")}% \\(\\d+/10000, TTA none\\)`),
    );
  });
}
