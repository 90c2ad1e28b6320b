import * as aq from "arquero";
import { tf } from "../../core/backend/mod.ts";
import type { KernelMode } from "../../core/kernels/mod.ts";
import { Rng } from "../../core/random/mod.ts";
import { median } from "../../core/stats/mod.ts";
import { type DeviceData, type TrainConfig, TrainSession, whiteningFor } from "../../core/train/mod.ts";
import { countDispatches, settleDevice } from "./device_timing.ts";

/** One kernel's share of a profiled training step. */
export interface KernelShare {
  kernel: string;
  calls: number;
  ms: number;
}

/** A full training step (augmentation, forward, backward, SGD) measured with one kernel mode. */
export interface StepMeasurement {
  kernels: KernelMode;
  /** Median wall seconds of a synchronised step, after a warm-up step. */
  seconds: number;
  /** Compute dispatches recorded for the device queue in one step (WebGPU; null on other backends). */
  dispatches: number | null;
  /** Kernel times of one step by kernel name (tf.profile; timestamp queries where the adapter has them). */
  profile: KernelShare[];
}

/** Random images (already "normalised") and labels on the device, padded like the training set. */
export function syntheticData(n: number, pad: number, seed = 0): DeviceData {
  const rng = new Rng(seed, 0x57e9);
  const side = 32 + 2 * pad;
  const trainX = tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, () => 2 * rng.next() - 1), [
    n,
    side,
    side,
    3,
  ]);
  const trainY = tf.tensor1d(Int32Array.from({ length: n }, () => rng.int(10)), "int32");
  const testX = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D, testY = tf.zeros([1], "int32") as tf.Tensor1D;
  return { trainX, trainY, testX, testY, dispose: () => tf.dispose([trainX, trainY, testX, testY]) };
}

/** Profiles one training step and sums kernel times by kernel name, largest first. */
export async function profileStep(step: () => tf.Tensor[]): Promise<KernelShare[]> {
  const info = await tf.profile(async () => {
    const out = step();
    await out[0].data();
    tf.dispose(out);
  });
  const ms = await Promise.all(info.kernels.map(async (k) => {
    const t = await k.kernelTimeMs;
    return typeof t === "number" ? t : 0;
  }));
  return aq.table({ kernel: info.kernels.map((k) => k.name), ms })
    .groupby("kernel").rollup({ calls: aq.op.count(), ms: aq.op.sum("ms") })
    .orderby(aq.desc("ms")).objects() as KernelShare[];
}

/**
 * Times `reps` training steps of `cfg`'s net on `data` with the kernel mode `kernels` (the config's conv strategy;
 * after a warm-up step), counts the dispatches of one step and profiles one.
 */
export async function measureStep(
  cfg: TrainConfig,
  data: DeviceData,
  kernels: KernelMode,
  reps: number,
): Promise<StepMeasurement> {
  const withMode = { ...cfg, kernels: { ...cfg.kernels, mode: kernels } };
  const session = new TrainSession(withMode, data, { whitening: await whiteningFor(cfg, data) });
  // Step 1, not 0: a step that is not also a weight-average update (Page averages every 5th step).
  const step = () => session.step(1, 1e-3);
  try {
    const run = async () => {
      const out = step();
      await out[0].data();
      tf.dispose(out);
      await settleDevice();
    };
    await run();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await run();
      times.push((performance.now() - t0) / 1000);
    }
    const dispatches = tf.getBackend() === "webgpu" ? await countDispatches(() => tf.dispose(step())) : null;
    const profile = await profileStep(step);
    return { kernels, seconds: median(times), dispatches, profile };
  } finally {
    session.dispose();
  }
}
