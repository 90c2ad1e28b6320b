import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Where tests leave screenshots to look at (`runs/` is not committed). */
export const SCREENSHOT_DIR = new URL("../runs/screenshots/", import.meta.url).pathname;

/** A page in headless Debian Chromium with its console errors and every requested URL recorded. */
export interface BrowserPage extends AsyncDisposable {
  browser: Browser;
  page: Page;
  errors: string[];
  requests: string[];
}

/** Starts headless Chromium (extra `args` for WebGPU flags) and opens a blank page. */
export async function openChromium(args: string[] = []): Promise<BrowserPage> {
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
