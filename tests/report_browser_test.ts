import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend, tf } from "../lib/core/mod.ts";
import { summarize, writeRunOutputs } from "../lib/lab/run/mod.ts";
import type { TrainConfig, TrainResult } from "../lib/core/mod.ts";
import { SMOKE } from "../lib/core/config/mod.ts";
import { openChromium, SCREENSHOT_DIR } from "../lib/lab/web/chromium.ts";
import { tempDir } from "./helpers.ts";

const metrics = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  lr: 0.1 * epoch,
  trainLoss: 2 / epoch,
  trainAcc: 0.2 * epoch,
  testAcc: 0.21 * epoch + 0.0012345,
  epochSeconds: 43.321433,
  totalSeconds: 43.321433 * epoch,
  evalSeconds: 1.5,
}));

Deno.test("report.html in headless Chromium: offline plots, headed tables, formatted summary, labelled 94% line, whole-epoch ticks", async () => {
  const backend = await initBackend("cpu");
  await using tmp = await tempDir();
  const result: TrainResult = {
    status: "completed",
    metrics,
    losses: Array.from({ length: 64 }, (_, i) => 2.3 / (1 + i / 16)),
    lrs: Array.from({ length: 64 }, (_, i) => i / 64),
    finalTestAcc: metrics.at(-1)!.testAcc,
    timeTo94: null,
    trainSeconds: 173.285732,
    wallSeconds: 190.1,
    compileSeconds: 12.3456,
  };
  const cfg: TrainConfig = { ...SMOKE, epochs: 4 };
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  await writeRunOutputs(tmp.path, summarize(cfg, result, backend, 8), result, model, {});
  model.dispose();

  await using chrome = await openChromium();
  const { page, errors, requests } = chrome;
  await page.goto(`file://${join(tmp.path, "report.html")}`);
  await page.waitForFunction('document.querySelectorAll(".js-plotly-plot .main-svg").length >= 3');
  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")), [], "offline");
  assert.equal(await page.locator(".js-plotly-plot").count(), 3);

  const tables = await page.evaluate(
    `[...document.querySelectorAll("table")].map((t) => ({ headed: t.querySelectorAll("th").length > 0, text: t.innerText }))`,
  ) as Array<{ headed: boolean; text: string }>;
  assert.ok(tables.length >= 2 && tables.every((t) => t.headed), "every table has headings");
  const summary = tables[0].text;
  assert.match(summary, /test accuracy\s+84\.12%/);
  assert.match(summary, /time to 94%\s+not reached/);
  assert.doesNotMatch(summary, /null|"|\d\.\d{5,}/, "no raw JSON in the summary");
  assert.doesNotMatch(tables[1].text, /\d\.\d{5,}/, "the per-epoch table is rounded");
  assert.match(tables[1].text, /test acc \(%\)/);
  assert.match(tables[1].text, /84\.12/);

  const text = await page.locator("body").innerText();
  assert.match(text, /94% target/);
  const ticks = await page.locator(".js-plotly-plot").nth(1).locator(".xtick text").allTextContents();
  assert.ok(ticks.length > 0 && ticks.every((t) => /^\d+$/.test(t)), `epoch ticks: ${ticks.join(" ")}`);

  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "report.png"), fullPage: true });
});
