import type { BackendInfo } from "../backend/mod.ts";
import { measureStep, type StepMeasurement } from "../bench/mod.ts";
import type { KernelMode } from "../kernels/mod.ts";
import { type PresetName, PRESETS } from "../config/mod.ts";
import { toDevice, train, type TrainConfig } from "../train/mod.ts";
import { progressPrinter } from "../report/mod.ts";
import { loadTrainingData } from "../shards/mod.ts";

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
    const runs: TrainBenchRun[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const cfg: TrainConfig = { ...base, seed };
      console.log(`${preset}, seed ${seed}:`);
      const printer = progressPrinter(Math.ceil(cfg.epochs));
      const { result, model } = await train(cfg, device, {
        onEpoch: printer.onEpoch,
        onProgress: printer.onProgress,
      });
      model.dispose();
      const images = result.metrics.length * Math.floor(cfg.trainSubset / cfg.batchSize) * cfg.batchSize;
      runs.push({
        seed,
        epochSeconds: result.metrics.map((m) => m.epochSeconds),
        imagesPerSecond: images / result.trainSeconds,
        trainSeconds: result.trainSeconds,
        finalTestAcc: result.finalTestAcc,
        timeTo94: result.timeTo94,
        compileSeconds: result.compileSeconds,
      });
    }
    // Profiled after the timed runs: tfjs's profiler switches on WebGPU timestamp queries, which slow what follows.
    const step = profile ? await measureStep(base, device, kernels, 3) : null;
    return { backend, config: base, runs, step };
  } finally {
    device.dispose();
  }
}
