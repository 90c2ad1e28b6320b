/**
 * The browser page (`deno task serve`): its server, which bundles `app.ts` (the page itself, trained on the
 * visitor's WebGPU with the same library), and the headless Chromium that the bench and the tests drive.
 * Row 6 of lib/'s layout (README, Layout): imports backend, config, data, kernels, model, report, train.
 */
export {
  bundleApp,
  DEFAULT_PACKAGE_DIR,
  pageHandler,
  type ServeOptions,
  startServer,
  type WebServer,
} from "./server.ts";
export {
  ANGLE_ARGS,
  type BrowserPage,
  CHROMIUM,
  openChromium,
  SCREENSHOT_DIR,
  SWIFTSHADER_ARGS,
} from "./chromium.ts";
export type { PageAdapter } from "./gpu.ts";
