/**
 * Headless Debian Chromium driven by npm `playwright-core`, for the tests and `deno task bench --only page`
 * (Deno side; the page itself is lib/lab/web/app.ts).
 */
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); nothing here downloads a browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Chromium flags for WebGPU on its fallback adapter, SwiftShader (no GPU needed). */
export const SWIFTSHADER_ARGS: readonly string[] = [
  "--enable-unsafe-webgpu",
  "--enable-webgpu-developer-features",
];

/**
 * Chromium flags for WebGPU through ANGLE's OpenGL ES backend on Vulkan (lavapipe where there is no GPU); the page
 * must then ask for a `featureLevel: "compatibility"` adapter (`?compat=1`).
 */
export const ANGLE_ARGS: readonly string[] = [
  ...SWIFTSHADER_ARGS,
  "--use-angle=vulkan",
  "--use-webgpu-adapter=opengles",
];

/** Where tests and benchmarks leave screenshots to look at (`runs/` is not committed). */
export const SCREENSHOT_DIR: string = new URL("../../../runs/screenshots/", import.meta.url).pathname;

/** A page in headless Debian Chromium with its console errors and every requested URL recorded. */
export interface BrowserPage extends AsyncDisposable {
  browser: Browser;
  page: Page;
  errors: string[];
  requests: string[];
}

/** Starts headless Chromium (extra `args` for WebGPU flags) and opens a blank page. */
export async function openChromium(args: readonly string[] = []): Promise<BrowserPage> {
  if (!(await Deno.stat(CHROMIUM).then(() => true, () => false))) {
    throw new Error(`no Chromium at ${CHROMIUM}. Fix: apt-get install chromium (Debian's package)`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", ...args] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [], requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  return { browser, page, errors, requests, [Symbol.asyncDispose]: () => browser.close() };
}
