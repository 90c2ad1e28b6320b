/**
 * The browser page checks the fast kernels against references on the browser's adapter before it trains (the
 * check `deno task train` runs once per adapter) and shows the verdict. Headless Debian Chromium on SwiftShader.
 */
import assert from "node:assert/strict";
import { startServer } from "../lib/lab/web/server.ts";
import { openChromium, SWIFTSHADER_ARGS } from "../lib/lab/web/chromium.ts";

const QUERY = "preset=smoke&train=128&test=100&epochs=1&batch=128&seed=0&sync=1&autostart=1";

Deno.test("the page runs the kernel check before training and shows that the fast kernels passed", async () => {
  await using server = await startServer({ port: 0 });
  await using chrome = await openChromium(SWIFTSHADER_ARGS);
  const { page } = chrome;
  await page.goto(`${server.url}?${QUERY}`);
  await page.waitForFunction(
    "window.davidnet?.kernelCheck !== undefined || window.davidnet?.status === 'error'",
    null,
    {
      timeout: 170_000,
    },
  );
  const got = await page.evaluate("({ check: davidnet.kernelCheck, error: davidnet.error })") as {
    check?: { safe: boolean; reason: string; strategy: string };
    error?: string;
  };
  assert.ok(got.check, got.error);
  assert.equal(got.check.safe, true, got.check.reason);
  assert.match(got.check.reason, /passed all \d+ checks on .*SwiftShader/i);
  const shown = await page.locator("#kernels").innerText();
  assert.match(
    shown,
    new RegExp(`^kernel check \\(\\d+\\.\\d s\\): the fast kernels \\(conv ${got.check.strategy}\\) passed`),
  );
});
