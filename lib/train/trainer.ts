import { augmentBatch, drawEpoch, uploadDraws } from "../augment/mod.ts";
import { tf } from "../backend/mod.ts";
import { convStrategySetting, kernelMode, useConvStrategy, useKernels } from "../kernels/mod.ts";
import { buildDavidNet } from "../model/mod.ts";
import { makeSchedule } from "../schedule/mod.ts";
import { saveCheckpoint, type TrainState } from "./checkpoint.ts";
import type { DeviceData } from "./device_data.ts";
import { evaluate } from "./evaluate.ts";
import { countCorrect, smoothedCrossEntropy } from "./loss.ts";
import { NesterovSgd } from "./sgd.ts";
import type { EpochMetrics, Progress, TrainConfig, TrainResult, TrainStatus } from "./types.ts";

/** Hooks and persistence of {@link train}. */
export interface TrainOptions {
  /** Checkpoint folder, rewritten atomically after every epoch and on interruption. */
  checkpointDir?: string;
  /** Stored with the checkpointed model (normalisation statistics, the config). */
  metadata?: Record<string, unknown>;
  /** Continue from a loaded checkpoint instead of a fresh model. */
  resume?: { model: tf.LayersModel; momentum: tf.NamedTensorMap; state: TrainState };
  /** Called at every sync point. */
  onProgress?: (p: Progress) => void;
  /** Called after every epoch (after its evaluation). */
  onEpoch?: (m: EpochMetrics) => void;
  /** Polled after every step; true finishes the step, checkpoints and stops. */
  shouldStop?: () => boolean;
}

/** The test accuracy that counts as solved. */
export const TARGET_ACCURACY = 0.94;

/** Trainable parameters with stable names (the layer's weight name, unique within the model). */
function namedParams(model: tf.LayersModel) {
  return model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable }));
}

/** Reads pending (loss, correct) scalars in one transfer each and disposes them all; empties `pending`. */
async function readScalars(pending: tf.Scalar[][]): Promise<[Float32Array, Float32Array]> {
  const stacked = tf.tidy(
    () => [tf.stack(pending.map((p) => p[0])), tf.stack(pending.map((p) => p[1])).cast("float32")],
  );
  try {
    return [await stacked[0].data() as Float32Array, await stacked[1].data() as Float32Array];
  } finally {
    tf.dispose(stacked);
    tf.dispose(pending.flat());
    pending.length = 0;
  }
}

/** One training step on batch `step` of the epoch's draws; returns (loss, correct) scalars that the caller disposes. */
export function trainStep(
  model: tf.LayersModel,
  sgd: NesterovSgd,
  data: DeviceData,
  draws: ReturnType<typeof uploadDraws>,
  cfg: TrainConfig,
  step: number,
  lr: number,
): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    const start = step * cfg.batchSize;
    const x = augmentBatch(data.trainX, draws, start, cfg.batchSize, cfg.augment);
    const y = tf.gather(data.trainY, draws.order.slice(start, cfg.batchSize)) as tf.Tensor1D;
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      correct = tf.keep(countCorrect(logits, y));
      return smoothedCrossEntropy(logits, y, cfg.labelSmoothing);
    }, sgd.params.map((p) => p.variable));
    sgd.step(grads, lr);
    return [value, correct!];
  });
}

/**
 * One training step of a throwaway copy of the net, synchronised: compiles every shader and pipeline that the
 * training steps need, so that the clock measures training only. Returns its seconds.
 */
export async function warmUp(cfg: TrainConfig, data: DeviceData): Promise<number> {
  const t0 = performance.now();
  const model = buildDavidNet({ ...cfg.model, seed: cfg.seed });
  const sgd = new NesterovSgd(namedParams(model), cfg.momentum, cfg.weightDecay, cfg.nesterov);
  const draws = uploadDraws(drawEpoch(data.trainX.shape[0], cfg.augment, cfg.seed, 0), data.trainX.shape[1]);
  try {
    const out = trainStep(model, sgd, data, draws, cfg, 0, cfg.lr);
    await readScalars([out]);
  } finally {
    tf.dispose([draws.order, draws.boxes, draws.cut]);
    sgd.dispose();
    model.dispose();
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Trains DavidNet on the device-resident data: per epoch, all augmentation randomness is drawn at once from
 * (seed, epoch) and applied batched on the device; SGD with Nesterov momentum follows the schedule per step;
 * losses are read back every `syncEvery` steps (to check for NaN and report progress). The timing rules: a warm-up
 * step (shader compilation) runs first, off the clock, and is reported as `compileSeconds`; the clock covers each
 * epoch's random draws, augmentation and steps, synchronised with the device; evaluation and checkpoints are off
 * it. Runs with `cfg.kernels` (restoring the previous kernels at the end). Returns the result and the trained
 * model (the caller disposes it).
 */
export async function train(
  cfg: TrainConfig,
  data: DeviceData,
  options: TrainOptions = {},
): Promise<{ result: TrainResult; model: tf.LayersModel }> {
  const previous = { mode: kernelMode(), conv: convStrategySetting() };
  useKernels(cfg.kernels.mode);
  useConvStrategy(cfg.kernels.conv);
  try {
    return await trainWithKernels(cfg, data, options);
  } finally {
    useKernels(previous.mode);
    useConvStrategy(previous.conv);
  }
}

async function trainWithKernels(
  cfg: TrainConfig,
  data: DeviceData,
  options: TrainOptions,
): Promise<{ result: TrainResult; model: tf.LayersModel }> {
  const wallStart = performance.now();
  const n = data.trainX.shape[0];
  const stepsPerEpoch = Math.floor(n / cfg.batchSize);
  if (stepsPerEpoch < 1) throw new Error(`batch size ${cfg.batchSize} exceeds the ${n} training images`);
  const compileSeconds = await warmUp(cfg, data);
  const model = options.resume?.model ?? buildDavidNet({ ...cfg.model, seed: cfg.seed });
  const sgd = new NesterovSgd(namedParams(model), cfg.momentum, cfg.weightDecay, cfg.nesterov);
  if (options.resume) sgd.setState(options.resume.momentum);
  const schedule = makeSchedule(cfg.schedule, cfg.lr, cfg.lrPeakEpoch, cfg.epochs);
  const lrAt = (globalStep: number) => schedule((globalStep + 1) / stepsPerEpoch);
  const state: TrainState = structuredClone(
    options.resume?.state ??
      {
        epoch: 0,
        step: 0,
        trainSeconds: 0,
        metrics: [],
        losses: [],
        partial: { lossSum: 0, correct: 0, seen: 0, seconds: 0 },
      },
  );
  let status: TrainStatus = "completed";
  let divergedAt: TrainResult["divergedAt"];
  const checkpoint = async () => {
    if (options.checkpointDir) {
      await saveCheckpoint(options.checkpointDir, model, sgd.state(), state, options.metadata ?? {});
    }
  };

  try {
    epochs: while (state.epoch < cfg.epochs) {
      const epoch = state.epoch;
      let t0 = performance.now();
      const draws = uploadDraws(drawEpoch(n, cfg.augment, cfg.seed, epoch), data.trainX.shape[1]);
      const pending: tf.Scalar[][] = [];
      try {
        for (let step = state.step; step < stepsPerEpoch; step++) {
          pending.push(trainStep(model, sgd, data, draws, cfg, step, lrAt(epoch * stepsPerEpoch + step)));
          const stop = options.shouldStop?.() ?? false;
          if ((step + 1) % cfg.syncEvery !== 0 && step !== stepsPerEpoch - 1 && !stop) continue;
          const first = step + 1 - pending.length;
          const [losses, correct] = await readScalars(pending);
          const bad = losses.findIndex((l) => !Number.isFinite(l));
          if (bad >= 0) {
            status = "diverged";
            divergedAt = { step: epoch * stepsPerEpoch + first + bad, epoch, loss: losses[bad] };
            break epochs; // the last checkpoint (end of the previous epoch) stays as it was
          }
          state.losses.push(...losses);
          const p = state.partial;
          for (let i = 0; i < losses.length; i++) p.lossSum += losses[i] * cfg.batchSize;
          for (const c of correct) p.correct += c;
          p.seen += losses.length * cfg.batchSize;
          p.seconds += (performance.now() - t0) / 1000;
          t0 = performance.now();
          state.step = step + 1;
          const rate = p.seen / p.seconds;
          const left = (cfg.epochs - epoch) * stepsPerEpoch - (step + 1);
          options.onProgress?.({
            epoch,
            epochs: cfg.epochs,
            step: step + 1,
            stepsPerEpoch,
            imagesPerSecond: rate,
            loss: losses[losses.length - 1],
            etaSeconds: (left * cfg.batchSize) / rate,
          });
          if (stop && step < stepsPerEpoch - 1) {
            status = "interrupted";
            await checkpoint();
            break epochs;
          }
          if (stop) status = "interrupted";
        }
      } finally {
        tf.dispose(pending.flat());
        tf.dispose([draws.order, draws.boxes, draws.cut]);
      }
      const p = state.partial;
      state.trainSeconds += p.seconds;
      const last = epoch === cfg.epochs - 1;
      const evalNow = last || (cfg.evalEvery > 0 && (epoch + 1) % cfg.evalEvery === 0);
      const e0 = performance.now();
      const testAcc = evalNow
        ? (await evaluate(model, data.testX, data.testY, { tta: cfg.tta })).accuracy
        : null;
      const m: EpochMetrics = {
        epoch: epoch + 1,
        lr: lrAt((epoch + 1) * stepsPerEpoch - 1),
        trainLoss: p.lossSum / p.seen,
        trainAcc: p.correct / p.seen,
        testAcc,
        epochSeconds: p.seconds,
        totalSeconds: state.trainSeconds,
        evalSeconds: (performance.now() - e0) / 1000,
      };
      state.metrics.push(m);
      state.epoch = epoch + 1;
      state.step = 0;
      state.partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
      options.onEpoch?.(m);
      await checkpoint();
      if (status === "interrupted") break;
    }
  } catch (err) {
    sgd.dispose();
    model.dispose();
    throw err;
  }
  sgd.dispose();
  const reached = state.metrics.find((m) => m.testAcc !== null && m.testAcc >= TARGET_ACCURACY);
  const evaluated = state.metrics.filter((m) => m.testAcc !== null);
  return {
    model,
    result: {
      status,
      metrics: state.metrics,
      losses: state.losses,
      lrs: state.losses.map((_, i) => lrAt(i)),
      finalTestAcc: status === "completed" ? evaluated.at(-1)?.testAcc ?? null : null,
      timeTo94: reached ? reached.totalSeconds : null,
      trainSeconds: state.trainSeconds + state.partial.seconds,
      wallSeconds: (performance.now() - wallStart) / 1000,
      compileSeconds,
      divergedAt,
    },
  };
}
