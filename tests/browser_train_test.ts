/**
 * The browser page of `deno task serve` in headless Debian Chromium: it trains the smoke-size net on WebGPU with
 * the same losses as a Deno run, and its downloaded model evaluates the same in `deno task eval`. It runs on
 * SwiftShader, Chromium's fallback adapter, which needs no GPU and no ANGLE flags (lavapipe through ANGLE,
 * `--use-angle=vulkan --use-webgpu-adapter=opengles` with the page's `?compat=1`, works too). Also: the page's
 * errors, the serve command, and that the core library is runtime-neutral.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend } from "../lib/core/backend/mod.ts";
import { PRESETS } from "../lib/core/config/mod.ts";
import type { TrainConfig, TrainResult } from "../lib/core/train/mod.ts";
import { trainOnPageData } from "../lib/lab/bench/page.ts";
import { startServer } from "../lib/lab/web/server.ts";
import { openChromium, SCREENSHOT_DIR, SWIFTSHADER_ARGS } from "../lib/lab/web/chromium.ts";
import { cifar10, runCli, tempDir } from "./helpers.ts";

const TRAIN = 256, TEST = 200;
/** smoke at a test size: 2 epochs of 2 steps, a sync point after every step. */
const CFG: TrainConfig = {
  ...PRESETS.smoke,
  trainSubset: TRAIN,
  epochs: 2,
  batchSize: 128,
  seed: 0,
  syncEvery: 1,
};
const QUERY = `preset=smoke&train=${TRAIN}&test=${TEST}&epochs=2&batch=128&seed=0&sync=1&autostart=1`;

/** Chromium's WebGPU on the fallback adapter (SwiftShader); `?compat=1` plus ANGLE_ARGS would pick lavapipe. */
const WEBGPU_ARGS = SWIFTSHADER_ARGS;

const CORE = ["model", "augment", "schedule", "train"];

/** Every local file in the module graphs of `roots` (`deno info --json`). */
async function localModules(roots: string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const root of roots) {
    const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", root], stdout: "piped" })
      .output();
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: Array<{ specifier: string }>;
    };
    for (const m of info.modules) {
      if (m.specifier.startsWith("file://")) files.add(new URL(m.specifier).pathname);
    }
  }
  return [...files].sort();
}

Deno.test("the core is runtime-neutral: the page bundles for the browser; no Deno. in lib/core/{model,augment,schedule,train} or their imports", async () => {
  await using tmp = await tempDir();
  const app = new URL("../lib/lab/web/app.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", join(tmp.path, "app.js"), app],
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.ok((await Deno.stat(join(tmp.path, "app.js"))).size > 1e6);

  const roots = CORE.map((d) => new URL(`../lib/core/${d}/mod.ts`, import.meta.url).pathname);
  const files = await localModules(roots);
  for (const d of CORE) {
    assert.ok(files.some((f) => f.includes(`/lib/core/${d}/`)), `the graph holds lib/core/${d}`);
  }
  const offending = [];
  for (const f of files) if ((await Deno.readTextFile(f)).includes("Deno.")) offending.push(f);
  assert.deepEqual(offending, []);
});

/**
 * `cfg` trained in this process on Deno's WebGPU (lavapipe here: the same kernels as the page, where `auto` would
 * take the native backend), on the data the page decodes.
 */
async function denoRun(cfg: TrainConfig): Promise<TrainResult> {
  await initBackend("webgpu", { log: () => {} });
  return await trainOnPageData(await cifar10(), cfg, TEST);
}

Deno.test("the page trains smoke DavidNet on the browser's WebGPU: Deno's losses, a model that deno task eval reads", async () => {
  await using server = await startServer({ port: 0 });
  await using chrome = await openChromium(WEBGPU_ARGS);
  const { page, errors } = chrome;
  const downloads: Array<{ suggestedFilename(): string; saveAs(path: string): Promise<void> }> = [];
  page.on("download", (d) => downloads.push(d));
  await page.goto(`${server.url}?${QUERY}`);
  await page.waitForFunction("['done', 'error'].includes(window.davidnet?.status)", null, {
    timeout: 170_000,
  });
  const got = await page.evaluate(
    "({ status: davidnet.status, error: davidnet.error, backend: davidnet.backend, result: davidnet.result })",
  ) as { status: string; error?: string; backend: string; result: TrainResult };
  assert.equal(got.status, "done", got.error);
  assert.equal(got.backend, "webgpu");
  assert.equal(await page.evaluate("davidnet.getBackend()"), "webgpu", "tf.getBackend() in the page");
  const losses = got.result.losses;
  assert.equal(losses.length, 4);
  assert.ok(losses.every(Number.isFinite), `finite losses: ${losses}`);
  assert.match(await page.locator("#adapter").innerText(), /on webgpu/);

  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "browser_train.png"), fullPage: true });

  await using tmp = await tempDir();
  await page.click("#download");
  for (let i = 0; i < 100 && downloads.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  for (const d of downloads) await d.saveAs(join(tmp.path, d.suggestedFilename()));
  assert.deepEqual(downloads.map((d) => d.suggestedFilename()).sort(), ["model.json", "weights.bin"]);
  assert.deepEqual(errors, []);
  await chrome.browser.close();

  const deno = await denoRun(CFG);
  for (let i = 0; i < losses.length; i++) {
    assert.ok(
      Math.abs(losses[i] - deno.losses[i]) < 1e-4,
      `step ${i + 1}: page ${losses[i]}, Deno ${deno.losses[i]}`,
    );
  }

  console.log(`losses: page ${losses.join(", ")}; Deno ${deno.losses.join(", ")}`);
  const ev = await runCli(["eval", "--model", tmp.path, "--test-images", String(TEST)]);
  assert.equal(ev.code, 0, ev.stderr);
  const m = ev.stdout.match(/test accuracy [\d.]+% \((\d+)\/(\d+), TTA flip\)/);
  assert.ok(m, ev.stdout);
  console.log(`eval: ${m[0]}; page: ${(100 * got.result.finalTestAcc!).toFixed(2)}%`);
  assert.equal(Number(m[2]), TEST);
  const pageCorrect = Math.round(got.result.finalTestAcc! * TEST);
  // Another GPU's rounding may flip one near-tie prediction.
  assert.ok(Math.abs(Number(m[1]) - pageCorrect) <= 1, `eval ${m[1]}/${TEST}, page ${pageCorrect}/${TEST}`);
});

Deno.test("Stop, then Continue, in the page: the run resumes where it stopped and ends with the uninterrupted run's losses", async () => {
  await using server = await startServer({ port: 0 });
  await using chrome = await openChromium(WEBGPU_ARGS);
  const { page, errors } = chrome;
  const finished = async () => {
    await page.waitForFunction("['done', 'error'].includes(window.davidnet?.status)", null, {
      timeout: 170_000,
    });
    return await page.evaluate(
      "({ status: davidnet.status, error: davidnet.error, result: davidnet.result })",
    ) as {
      status: string;
      error?: string;
      result: TrainResult;
    };
  };
  // 2 epochs of 4 steps, uninterrupted.
  await page.goto(`${server.url}?${QUERY.replace("batch=128", "batch=64")}`);
  const whole = await finished();
  assert.equal(whole.status, "done", whole.error);
  assert.equal(whole.result.losses.length, 8);

  // The same run again, stopped after its first progress report, then continued.
  await page.evaluate("davidnet.firstProgressMs = undefined");
  await page.click("#start");
  await page.waitForFunction("window.davidnet?.firstProgressMs !== undefined", null, { timeout: 170_000 });
  await page.click("#stop");
  await page.waitForFunction("['stopped', 'done', 'error'].includes(window.davidnet?.status)", null, {
    timeout: 60_000,
  });
  const stopped = await page.evaluate(
    "({ status: davidnet.status, steps: davidnet.result.losses.length })",
  ) as {
    status: string;
    steps: number;
  };
  assert.equal(stopped.status, "stopped");
  assert.ok(stopped.steps >= 1 && stopped.steps < 8, `stopped after ${stopped.steps} of 8 steps`);
  await page.click("#continue");
  const resumed = await finished();
  assert.equal(resumed.status, "done", resumed.error);
  assert.equal(
    await page.evaluate("davidnet.progressReports"),
    8 - stopped.steps,
    "Continue took the rest only",
  );
  assert.deepEqual(errors, []);
  assert.equal(resumed.result.losses.length, 8);
  resumed.result.losses.forEach((loss, i) => {
    const want = whole.result.losses[i];
    assert.ok(Math.abs(loss - want) < 1e-5, `step ${i + 1}: resumed ${loss}, uninterrupted ${want}`);
  });
});

Deno.test("the page's errors: no WebGPU says how to enable it per browser; missing data names deno task data", async () => {
  await using tmp = await tempDir();
  await using server = await startServer({ port: 0, dataDir: tmp.path });
  const errorText = async (args: readonly string[]) => {
    await using chrome = await openChromium(args);
    await chrome.page.goto(`${server.url}?preset=smoke&train=256&test=100&autostart=1`);
    await chrome.page.waitForFunction("window.davidnet?.status === 'error'", null, { timeout: 60_000 });
    assert.ok(await chrome.page.locator("#error").isVisible());
    return await chrome.page.locator("#error").innerText();
  };
  const noGpu = await errorText([]);
  assert.match(noGpu, /WebGPU/);
  assert.match(noGpu, /chrome:\/\/flags\/#enable-unsafe-webgpu/);
  assert.match(noGpu, /Firefox Nightly with dom\.webgpu\.enabled/);
  assert.match(noGpu, /Safari Technology Preview/);
  const noData = await errorText(WEBGPU_ARGS);
  assert.match(noData, /CIFAR-10 data missing/);
  assert.match(noData, /deno task data/);
});

Deno.test("deno task serve --port 0 prints its address and serves the page, its script, plotly and the data; a bad flag, a missing --data folder or a busy port exits 2", async () => {
  const bad = await runCli(["serve", "--port", "x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port x: expected a number/);
  const noData = await runCli(["serve", "--data", "/nonexistent-cifar"]);
  assert.equal(noData.code, 2);
  assert.match(noData.stderr, /--data \/nonexistent-cifar: no such folder\. Fix:/);
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const taken = await runCli(["serve", "--port", String(busy.addr.port)]);
  assert.equal(taken.code, 2);
  assert.match(taken.stderr, /the port is in use\. Fix: pick another, or --port 0/);
  const main = new URL("../lib/lab/cli/main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "serve", "--port", "0"],
    stdout: "piped",
  })
    .spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/http:\/\/127\.0\.0\.1:\d+\/\s/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    reader.releaseLock();
    const url = out.match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0];
    assert.ok(url, out);
    const get = async (path: string) => {
      const res = await fetch(new URL(path, url));
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    };
    assert.match((await get("/")).text, /<script type="module" src="app\.js">/);
    assert.equal((await get("app.js")).type, "text/javascript; charset=utf-8");
    assert.ok((await get("plotly.js")).text.length > 1e6);
    const labels = JSON.parse((await get("data/test_lables.json")).text) as number[];
    assert.equal(labels.length, 10000);
    assert.equal((await get("data/../deno.json")).status, 404);
  } finally {
    child.kill();
    await child.stdout.cancel().catch(() => {});
    await child.status;
  }
});
