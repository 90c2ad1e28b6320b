/**
 * No silent exit: a command whose GPU work fails ends with a non-zero exit status and a message that names the
 * failure and the programs (kernels with their shapes) that ran. The failures are injected into real runs of
 * `deno task doctor` with `deno run --preload`: a lost device (the device destroyed after a few queue submits),
 * and a dispatch beyond `maxComputeWorkgroupsPerDimension`, which WebGPU rejects only through an uncaptured
 * validation error while the work is skipped (unwatched, Deno drops such an error and the process exits 0).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../lib/lab/cli/main.ts", import.meta.url));

/** Preload scripts, each patching WebGPU before the command starts. */
const INJECTIONS = {
  /** Destroys tfjs's device after its third queue submit. */
  lost: `
const requestDevice = GPUAdapter.prototype.requestDevice;
GPUAdapter.prototype.requestDevice = async function (...args) {
  const device = await requestDevice.apply(this, args);
  const submit = device.queue.submit.bind(device.queue);
  let submits = 0;
  device.queue.submit = (buffers) => {
    submit(buffers);
    if (++submits === 3) device.destroy();
  };
  return device;
};`,
  /** Makes the fifth compute dispatch one workgroup wider than any adapter allows in x. */
  oversize: `
const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
let dispatches = 0;
GPUComputePassEncoder.prototype.dispatchWorkgroups = function (x, y, z) {
  return dispatch.call(this, ++dispatches === 5 ? 65536 : x, y, z);
};`,
};

/** Runs `main.ts ARGS` with `injection` preloaded; its exit status and output. */
async function runInjected(injection: string, args: string[]) {
  await using tmp = await tempDir();
  const preload = join(tmp.path, "inject.js");
  await Deno.writeTextFile(preload, injection);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-webgpu", "--preload", preload, MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

const DOCTOR = ["doctor", "--backend", "webgpu", "--presets", "none"];

Deno.test("a lost device ends deno task doctor with exit status 1, naming the loss and the programs that ran", async () => {
  const { code, text } = await runInjected(INJECTIONS.lost, DOCTOR);
  assert.notEqual(code, 0, text);
  assert.match(text, /WebGPU device lost \(destroyed\)/, text);
  assert.match(
    text,
    /while running \(latest first\):\n +\S+: \[[\d,]+\].* -> \[[\d,]+\], workgroup \[\d+,\d+,\d+\], dispatch/,
    text,
  );
  assert.doesNotMatch(text, /doctor: done/, text);
});

Deno.test("a dispatch beyond the adapter's limits ends deno task doctor with exit status 1, naming the error and the programs", async () => {
  const { code, text } = await runInjected(INJECTIONS.oversize, DOCTOR);
  assert.notEqual(code, 0, text);
  assert.match(text, /WebGPU validation error: .*65536/s, text);
  assert.match(text, /while running \(latest first\):\n +\S+: \[[\d,]+\].* -> \[[\d,]+\], workgroup/, text);
  assert.doesNotMatch(text, /doctor: done/, text);
});
