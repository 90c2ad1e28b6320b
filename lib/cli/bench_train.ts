import { type BackendChoice, type BackendInfo, initBackend, tf } from "../backend/mod.ts";
import { augmentBatch, drawEpoch, uploadDraws } from "../augment/mod.ts";
import { buildDavidNet } from "../model/mod.ts";
import {
  type PresetName,
  PRESETS,
  smoothedCrossEntropy,
  toDevice,
  train,
  type TrainConfig,
} from "../train/mod.ts";
import { progressPrinter } from "../report/mod.ts";
import { loadTrainingData } from "./train_data.ts";

/** What one benchmark seed measured. */
export interface TrainBenchRun {
  seed: number;
  epochSeconds: number[];
  imagesPerSecond: number;
  trainSeconds: number;
  finalTestAcc: number | null;
  timeTo94: number | null;
}

/** Kernel time of one training step, by kernel name (from `tf.profile`). */
export interface KernelShare {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Profiles one training step (after a warm-up step) and sums the kernel times by kernel name, largest first.
 * On WebGPU the times come from timestamp queries when the adapter has them; otherwise tfjs reports wall time.
 */
export async function profileStep(
  cfg: TrainConfig,
  device: ReturnType<typeof toDevice>,
): Promise<KernelShare[]> {
  const model = buildDavidNet({ ...cfg.model, seed: cfg.seed });
  const draws = uploadDraws(
    drawEpoch(device.trainX.shape[0], cfg.augment, cfg.seed, 0),
    device.trainX.shape[1],
  );
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () =>
    tf.tidy(() => {
      const x = augmentBatch(device.trainX, draws, 0, cfg.batchSize, cfg.augment);
      const y = tf.gather(device.trainY, draws.order.slice(0, cfg.batchSize)) as tf.Tensor1D;
      const { value, grads } = tf.variableGrads(
        () => smoothedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y, cfg.labelSmoothing),
        vars,
      );
      return [value, ...Object.values(grads)];
    });
  try {
    tf.dispose(step());
    const info = await tf.profile(async () => {
      const out = step();
      await out[0].data();
      tf.dispose(out);
    });
    const by = new Map<string, KernelShare>();
    for (const k of info.kernels) {
      const e = by.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
      e.calls++;
      const t = await k.kernelTimeMs;
      e.ms += typeof t === "number" ? t : 0;
      by.set(k.name, e);
    }
    return [...by.values()].sort((a, b) => b.ms - a.ms);
  } finally {
    tf.dispose([draws.order, draws.boxes, draws.cut]);
    model.dispose();
  }
}

/** Trains `preset` for `seeds` seeds (0, 1, ...) and measures each run; returns the runs and the backend. */
export async function benchTrain(
  preset: PresetName,
  seeds: number,
  backendChoice: BackendChoice,
  shards: string,
  dataDir: string | undefined,
  profile: boolean,
): Promise<{ backend: BackendInfo; config: TrainConfig; runs: TrainBenchRun[]; kernels: KernelShare[] }> {
  const backend = await initBackend(backendChoice, (l) => console.log(l));
  const base = PRESETS[preset];
  const data = await loadTrainingData(shards, dataDir, (l) => console.log(l));
  const device = toDevice(data, base.trainSubset, base.augment.pad);
  try {
    const runs: TrainBenchRun[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const cfg: TrainConfig = { ...base, seed, model: { ...base.model, seed } };
      console.log(`${preset}, seed ${seed}:`);
      const printer = progressPrinter(cfg.epochs);
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
      });
    }
    // Profiled after the timed runs: tfjs's profiler switches on WebGPU timestamp queries, which slow what follows.
    const kernels = profile ? await profileStep(base, device) : [];
    return { backend, config: base, runs, kernels };
  } finally {
    device.dispose();
  }
}
