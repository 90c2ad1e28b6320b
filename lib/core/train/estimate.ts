import { tf } from "../backend/tf.ts";
import { median } from "../stats/mod.ts";
import type { DeviceData } from "./device_data.ts";
import { trainingFlops } from "./flops.ts";
import { TrainSession } from "./session.ts";
import type { TrainConfig } from "./types.ts";

/** How long a run of a config would train on this machine, from a few timed steps. */
export interface TrainEstimate {
  /** Median seconds of the timed steps (after an untimed first step). */
  stepSeconds: number;
  /** Steps of the whole run. */
  steps: number;
  /** Estimated training seconds: steps x stepSeconds. */
  seconds: number;
  /** Floating-point operations of the whole run ({@link trainingFlops}) and their rate in the timed steps. */
  flops: number;
  flopsPerSecond: number;
}

/** The steps of a whole run of `cfg`: whole batches of its training images, every epoch (a partial last one too). */
export function stepsOfRun(cfg: TrainConfig): number {
  return Math.ceil(Math.floor(cfg.trainSubset / cfg.batchSize) * cfg.epochs);
}

/**
 * Times `timed` training steps of a throwaway copy of `cfg`'s net on `data` (which must hold at least one batch)
 * with the config's kernels, after one untimed step, and extrapolates to the whole run. Nothing of the run itself
 * is touched.
 */
export async function estimateTraining(
  cfg: TrainConfig,
  data: DeviceData,
  timed = 2,
  whitening?: Float32Array,
): Promise<TrainEstimate> {
  const session = new TrainSession(cfg, data, { whitening });
  try {
    const times: number[] = [];
    for (let i = 0; i <= timed; i++) {
      const t0 = performance.now();
      const out = session.step(i, 1e-3);
      await out[0].data();
      tf.dispose(out);
      if (i > 0) times.push((performance.now() - t0) / 1000);
    }
    const stepSeconds = median(times);
    const steps = stepsOfRun(cfg), flops = trainingFlops(session.model, steps * cfg.batchSize);
    return {
      stepSeconds,
      steps,
      seconds: steps * stepSeconds,
      flops,
      flopsPerSecond: flops / (steps * stepSeconds),
    };
  } finally {
    session.dispose();
  }
}
