/**
 * `deno task bench --only page`: the browser page of `deno task serve` in headless Chromium on each of its
 * adapters (SwiftShader; lavapipe through ANGLE), beside the same run in Deno: page load to the first training
 * step, warm-up compile, images per second. Not re-exported from lib/core/mod.ts (it drives a browser).
 */
import { PRESETS } from "../../core/config/mod.ts";
import { channelStats, type Cifar10, takeSplit } from "../../core/data/mod.ts";
import { toDevice, train, type TrainConfig, type TrainResult } from "../../core/train/mod.ts";
import { ANGLE_ARGS, openChromium, SWIFTSHADER_ARGS } from "../web/chromium.ts";
import type { PageAdapter } from "../web/gpu.ts";
import { startServer } from "../web/server.ts";

/** What one timed run measured. */
export interface PageTiming {
  /** "SwiftShader", "lavapipe via ANGLE" or "Deno". */
  runtime: string;
  /** The adapter the page reported (absent for the Deno run). */
  adapter?: PageAdapter;
  /** Navigation start to the first progress report (a sync point after the first step), seconds. */
  loadToFirstStepSeconds: number | null;
  compileSeconds: number;
  trainSeconds: number;
  /** Training images over device-synchronised training seconds (warm-up excluded). */
  imagesPerSecond: number;
  testAcc: number | null;
}

/** The runs of {@link benchPage} with their setup. */
export interface PageBench {
  preset: "smoke";
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  runs: PageTiming[];
}

const rate = (r: TrainResult, cfg: TrainConfig) => (r.losses.length * cfg.batchSize) / r.trainSeconds;

/**
 * Trains `cfg` in this process (tfjs backend already initialised) on what the page trains on: the first
 * `cfg.trainSubset` training images, normalised with the statistics of the first 10,000 (the page decodes
 * data_batch_1.png only for runs up to 10,000 images), tested on the first `testImages` test images.
 */
export async function trainOnPageData(
  data: Cifar10,
  cfg: TrainConfig,
  testImages: number,
): Promise<TrainResult> {
  const stats = channelStats(takeSplit(data.train, 10000));
  const test = takeSplit(data.test, testImages);
  const device = toDevice({ train: data.train, test, stats }, cfg.trainSubset, cfg.augment.pad);
  try {
    const { result, model } = await train(cfg, device);
    model.dispose();
    return result;
  } finally {
    device.dispose();
  }
}

/**
 * Times the smoke preset (`trainImages` x `epochs`, batch `batchSize`, seed 0) in the page on SwiftShader and on
 * lavapipe via ANGLE, then in this process (the caller has initialised the tfjs backend) on the page's data and
 * statistics (the first 10,000 training images, which the page decodes).
 */
export async function benchPage(
  data: Cifar10,
  options: { trainImages: number; testImages: number; epochs: number; batchSize: number },
): Promise<PageBench> {
  const { trainImages, testImages, epochs, batchSize } = options;
  const cfg: TrainConfig = {
    ...PRESETS.smoke,
    trainSubset: trainImages,
    epochs,
    batchSize,
    seed: 0,
    syncEvery: 2,
  };
  const query = `preset=smoke&train=${trainImages}&test=${testImages}&epochs=${epochs}&batch=${batchSize}` +
    `&seed=0&sync=2&autostart=1`;
  const runs: PageTiming[] = [];
  await using server = await startServer({ port: 0 });
  for (
    const [runtime, args, extra] of [["SwiftShader", SWIFTSHADER_ARGS, ""], [
      "lavapipe via ANGLE",
      ANGLE_ARGS,
      "&compat=1",
    ]] as const
  ) {
    await using chrome = await openChromium(args);
    await chrome.page.goto(`${server.url}?${query}${extra}`);
    await chrome.page.waitForFunction("['done', 'error'].includes(window.davidnet?.status)", null, {
      timeout: 3_600_000,
    });
    const got = await chrome.page.evaluate(
      "({ status: davidnet.status, error: davidnet.error, adapter: davidnet.adapter, first: davidnet.firstProgressMs, result: davidnet.result })",
    ) as { status: string; error?: string; adapter: PageAdapter; first: number; result: TrainResult };
    if (got.status !== "done") throw new Error(`${runtime}: the page ended with ${got.status}: ${got.error}`);
    runs.push({
      runtime,
      adapter: got.adapter,
      loadToFirstStepSeconds: got.first / 1000,
      compileSeconds: got.result.compileSeconds,
      trainSeconds: got.result.trainSeconds,
      imagesPerSecond: rate(got.result, cfg),
      testAcc: got.result.finalTestAcc,
    });
  }
  const result = await trainOnPageData(data, cfg, testImages);
  runs.push({
    runtime: "Deno",
    loadToFirstStepSeconds: null,
    compileSeconds: result.compileSeconds,
    trainSeconds: result.trainSeconds,
    imagesPerSecond: rate(result, cfg),
    testAcc: result.finalTestAcc,
  });
  return { preset: "smoke", trainImages, testImages, epochs, batchSize, runs };
}
