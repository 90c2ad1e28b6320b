import type { BackendInfo } from "../../core/backend/mod.ts";
import { measureStep, type StepMeasurement } from "../bench/mod.ts";
import type { KernelMode } from "../../core/kernels/mod.ts";
import { type PresetName, PRESETS } from "../../core/config/mod.ts";
import { toDevice, type TrainConfig, trainSeeds } from "../../core/train/mod.ts";
import { progressPrinter } from "../report/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";

/** What one benchmark seed measured. */
export interface TrainBenchRun {
  seed: number;
  epochSeconds: number[];
  imagesPerSecond: number;
  trainSeconds: number;
  finalTestAcc: number | null;
  timeTo94: number | null;
  compileSeconds: number;
}

/** Trains `preset` for `seeds` seeds (0, 1, ...) and measures each run; returns the runs and the backend. */
export async function benchTrain(
  preset: PresetName,
  seeds: number,
  backend: BackendInfo,
  shards: string,
  dataDir: string | undefined,
  profile: boolean,
  kernels: KernelMode,
): Promise<
  { backend: BackendInfo; config: TrainConfig; runs: TrainBenchRun[]; step: StepMeasurement | null }
> {
  const base: TrainConfig = { ...PRESETS[preset], kernels: { ...PRESETS[preset].kernels, mode: kernels } };
  const data = await loadTrainingData(shards, dataDir, (l) => console.log(l));
  const device = toDevice(data, base.trainSubset, base.augment.pad);
  try {
    const { runs } = await trainSeeds({ ...base, seed: 0 }, device, seeds, {
      trainOptions: (cfg) => {
        console.log(`${preset}, seed ${cfg.seed}:`);
        const printer = progressPrinter(Math.ceil(cfg.epochs));
        return { onEpoch: printer.onEpoch, onProgress: printer.onProgress };
      },
    });
    const imagesPerEpoch = Math.floor(base.trainSubset / base.batchSize) * base.batchSize;
    const measured = runs.map((r): TrainBenchRun => ({
      seed: r.seed,
      epochSeconds: r.epochSeconds,
      imagesPerSecond: (r.epochSeconds.length * imagesPerEpoch) / r.trainSeconds,
      trainSeconds: r.trainSeconds,
      finalTestAcc: r.finalTestAcc,
      timeTo94: r.timeTo94,
      compileSeconds: r.compileSeconds,
    }));
    // Profiled after the timed runs: tfjs's profiler switches on WebGPU timestamp queries, which slow what follows.
    const step = profile ? await measureStep(base, device, kernels, 3) : null;
    return { backend, config: base, runs: measured, step };
  } finally {
    device.dispose();
  }
}
