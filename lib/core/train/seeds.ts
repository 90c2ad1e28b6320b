import type { tf } from "../backend/tf.ts";
import { type MeanStd, meanStd } from "../stats/mod.ts";
import type { DeviceData } from "./device_data.ts";
import { train, type TrainOptions } from "./trainer.ts";
import type { TrainConfig, TrainResult, TrainStatus } from "./types.ts";

/** What one seed of {@link trainSeeds} measured. */
export interface SeedRun {
  seed: number;
  status: TrainStatus;
  finalTestAcc: number | null;
  trainSeconds: number;
  /** Training seconds to 94% test accuracy, or null when the run did not reach it. */
  timeTo94: number | null;
  /** Training seconds of every finished epoch. */
  epochSeconds: number[];
  /** The warm-up step before the clock (shader compilation). */
  compileSeconds: number;
}

/** One finished seed as {@link SeedHooks.onRun} sees it. */
export interface SeedDone {
  run: SeedRun;
  /** The seed's config: the config given to {@link trainSeeds} with this seed. */
  config: TrainConfig;
  /** The options it trained with (from {@link SeedHooks.trainOptions}). */
  options: TrainOptions;
  /** The whole result (losses, metrics). */
  result: TrainResult;
  /** The trained model; {@link trainSeeds} disposes it once `onRun` returns. */
  model: tf.LayersModel;
}

/** What differs between the callers of {@link trainSeeds}. */
export interface SeedHooks {
  /** The options of one seed's `train` (a checkpoint folder, a progress printer); `{}` when absent. */
  trainOptions?: (config: TrainConfig) => TrainOptions | Promise<TrainOptions>;
  /**
   * Decides, before `onRun`, whether a run is the last: true runs its `onRun` and stops the loop; a throw aborts
   * the loop without its `onRun`. Absent, every seed runs whatever its status.
   */
  stopAfter?: (run: SeedRun) => boolean;
  /** Called after each run (and its `stopAfter`) with the run, its result and its model (to save them). */
  onRun?: (done: SeedDone) => void | Promise<void>;
}

/** The outcome of {@link trainSeeds}. */
export interface SeedRuns {
  /** The runs in seed order (fewer than asked when `stopAfter` stopped the loop). */
  runs: SeedRun[];
  /** Mean and sample std (n - 1) of the final test accuracy over the runs that have one; null when none has. */
  accuracy: MeanStd | null;
  /** Mean and sample std of the time to 94% over the runs that reached it (`n` of them); null when none did. */
  timeTo94: MeanStd | null;
}

/** The summary of one run of `seed`. */
function seedRun(seed: number, r: TrainResult): SeedRun {
  return {
    seed,
    status: r.status,
    finalTestAcc: r.finalTestAcc,
    trainSeconds: r.trainSeconds,
    timeTo94: r.timeTo94,
    epochSeconds: r.metrics.map((m) => m.epochSeconds),
    compileSeconds: r.compileSeconds,
  };
}

/** Mean and sample std of `xs` without its nulls; null when nothing is left. */
function statsOf(xs: readonly (number | null)[]): MeanStd | null {
  const present = xs.filter((x): x is number => x !== null);
  return present.length ? meanStd(present) : null;
}

/**
 * Trains `count` seeds of `cfg` (cfg.seed, cfg.seed + 1, ...) one after another on `data`, each exactly as a lone
 * `train` of that seed's config with its options would, and returns their runs with the mean and sample std of
 * the test accuracy. Each model is disposed after its `onRun`. Throws when `count` is not a positive integer.
 */
export async function trainSeeds(
  cfg: TrainConfig,
  data: DeviceData,
  count: number,
  hooks: SeedHooks = {},
): Promise<SeedRuns> {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`trainSeeds: the number of seeds must be a positive integer, got ${count}`);
  }
  const runs: SeedRun[] = [];
  for (let i = 0; i < count; i++) {
    const config: TrainConfig = { ...cfg, seed: cfg.seed + i };
    const options = (await hooks.trainOptions?.(config)) ?? {};
    const { result, model } = await train(config, data, options);
    try {
      const run = seedRun(config.seed, result);
      const last = hooks.stopAfter?.(run) ?? false;
      runs.push(run);
      await hooks.onRun?.({ run, config, options, result, model });
      if (last) break;
    } finally {
      model.dispose();
    }
  }
  return {
    runs,
    accuracy: statsOf(runs.map((r) => r.finalTestAcc)),
    timeTo94: statsOf(runs.map((r) => r.timeTo94)),
  };
}
