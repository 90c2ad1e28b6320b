import type { BackendInfo } from "../../core/backend/mod.ts";
import { measureStep, type StepMeasurement, syntheticData } from "../bench/mod.ts";
import { KERNEL_MODES } from "../../core/kernels/mod.ts";
import type { TrainConfig } from "../../core/train/mod.ts";

/** One training step of a preset's net at its batch size with each kernel mode, as `bench --only step` records it. */
export interface StepBench {
  batch: number;
  reps: number;
  /** Per kernel mode: the step (median seconds, profile) and images per second. */
  modes: (StepMeasurement & { imagesPerSecond: number })[];
  /** Stock seconds over fast seconds, in the same process. */
  speedup: number;
}

/**
 * Times `reps` training steps of `cfg`'s net at `cfg.batchSize` on synthetic data with the stock and the fast
 * kernels, one after the other in this process (ratios from one run), and prints each with its top kernels.
 */
export async function benchStep(cfg: TrainConfig, reps: number, backend: BackendInfo): Promise<StepBench> {
  const data = syntheticData(cfg.batchSize, cfg.augment.pad);
  try {
    const modes = [];
    for (const mode of KERNEL_MODES) {
      const m = await measureStep(cfg, data, mode, reps);
      const rate = cfg.batchSize / m.seconds;
      console.log(
        `${mode} kernels: a step of ${cfg.batchSize} images in ${
          m.seconds.toFixed(3)
        } s (median of ${reps}), ` +
          `${rate.toFixed(1)} images/s on ${backend.adapter}`,
      );
      const total = m.profile.reduce((a, k) => a + k.ms, 0);
      for (const k of m.profile.slice(0, 8)) {
        console.log(
          `  ${k.kernel.padEnd(28)} ${String(k.calls).padStart(4)} calls ${k.ms.toFixed(1).padStart(9)} ms ${
            (100 * k.ms / total).toFixed(1).padStart(5)
          }%`,
        );
      }
      modes.push({ ...m, imagesPerSecond: rate });
    }
    const speedup = modes[0].seconds / modes[1].seconds;
    console.log(`fast is ${speedup.toFixed(2)}x faster than stock`);
    return { batch: cfg.batchSize, reps, modes, speedup };
  } finally {
    data.dispose();
  }
}
