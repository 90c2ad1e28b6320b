/** Shared test fixtures: the real CIFAR-10 (loaded once per test file) and assertion helpers. */
import assert from "node:assert/strict";
import { type Cifar10, loadCifar10 } from "../lib/core/data/mod.ts";
import { checkpointTo, loadCheckpoint } from "../lib/lab/run/mod.ts";
import {
  type DeviceData,
  toDevice,
  train,
  type TrainConfig,
  type TrainResult,
} from "../lib/core/train/mod.ts";
import { type BackendChoice, type BackendInfo, initBackend, tf } from "../lib/core/backend/mod.ts";

let cached: Promise<Cifar10> | undefined;

/** The real, verified CIFAR-10 through the project's cache (downloaded on first use). */
export function cifar10(): Promise<Cifar10> {
  cached ??= loadCifar10({ log: (l) => console.log(`[data] ${l}`) });
  return cached;
}

/** A fresh temp folder removed when the returned handle is disposed. */
export async function tempDir(prefix = "davidnet-test-"): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Runs the CLI (`lib/lab/cli/main.ts ARGS`) in a subprocess; returns its exit code and output. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = new URL("../lib/lab/cli/main.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-webgpu", main, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Real CIFAR-10 on the device, cut to the first `trainN` train and `testN` test images (small test runs). */
export async function smallDevice(trainN: number, testN: number, pad = 4) {
  const data = await cifar10();
  const test = {
    images: data.test.images.subarray(0, testN * 3072),
    labels: data.test.labels.subarray(0, testN),
    count: testN,
  };
  return toDevice({ train: data.train, test, stats: data.stats }, trainN, pad);
}

/** The backends that backend-dependent tests run on (`deno task setup` provides `tensorflow`). */
export const TEST_BACKENDS = ["webgpu", "tensorflow"] as const;

/**
 * Registers one test per backend in {@link TEST_BACKENDS}, named `[backend] name`; each starts its backend first
 * (failing, with the fix, when it is missing) and hands the test what runs.
 */
export function backendTest(
  name: string,
  fn: (backend: BackendInfo) => Promise<void>,
  backends: readonly BackendChoice[] = TEST_BACKENDS,
): void {
  for (const choice of backends) {
    Deno.test(`[${choice}] ${name}`, async () => fn(await initBackend(choice, { log: () => {} })));
  }
}

/**
 * Trains `cfg` on `dev` uninterrupted, then again stopped after `cutAt` steps with a checkpoint (which `inspect`
 * sees), then resumed from it: the resumed run's losses and final accuracy must equal the uninterrupted run's, and
 * no tensor may leak. Returns the uninterrupted run's result.
 */
export async function assertResumeReproduces(
  cfg: TrainConfig,
  dev: DeviceData,
  cutAt: number,
  inspect: (ckpt: Awaited<ReturnType<typeof loadCheckpoint>>) => void = () => {},
): Promise<TrainResult> {
  await using tmp = await tempDir();
  const before = tf.memory().numTensors;
  const full = await train(cfg, dev);
  let steps = 0;
  const cut = await train(cfg, dev, {
    checkpoint: checkpointTo(`${tmp.path}/ckpt`),
    shouldStop: () => ++steps === cutAt,
  });
  cut.model.dispose();
  const ckpt = await loadCheckpoint(`${tmp.path}/ckpt`);
  inspect(ckpt);
  const resumed = await train(cfg, dev, { resume: ckpt });
  tf.dispose(Object.values(ckpt.optimizer));
  assert.deepEqual(resumed.result.losses, full.result.losses);
  assert.equal(resumed.result.finalTestAcc, full.result.finalTestAcc);
  full.model.dispose();
  resumed.model.dispose();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  return full.result;
}
