import { tf } from "../backend/tf.ts";
import { validateConfig } from "../config/validate.ts";
import type { DeviceData } from "./device_data.ts";
import { evaluate } from "./evaluate.ts";
import { TrainSession, whiteningFor, whiteningOf } from "./session.ts";
import type {
  CheckpointSnapshot,
  EpochMetrics,
  Progress,
  TrainConfig,
  TrainResult,
  TrainState,
  TrainStatus,
} from "./types.ts";

/** Hooks and persistence of {@link train}. */
export interface TrainOptions {
  /**
   * Called after every epoch and on interruption with what a checkpoint holds (the CLI writes a folder with
   * `checkpointTo(dir)` from lib/lab/run; a page could keep it in memory). The tensors are the live ones: save or
   * copy them before returning.
   */
  checkpoint?: (snapshot: CheckpointSnapshot) => Promise<void>;
  /** Stored with the checkpointed model (normalisation statistics, the config). */
  metadata?: Record<string, unknown>;
  /** Continue from a loaded checkpoint instead of a fresh model. */
  resume?: CheckpointSnapshot;
  /** Called at every sync point. */
  onProgress?: (p: Progress) => void;
  /** Called after every epoch (after its evaluation). */
  onEpoch?: (m: EpochMetrics) => void;
  /** Polled after every step; true finishes the step, checkpoints and stops. */
  shouldStop?: () => boolean;
  /** The machine's 1-minute load average, recorded with every epoch (the CLI passes the OS load average). */
  machineLoad?: () => number;
}

/** The test accuracy that counts as solved. */
export const TARGET_ACCURACY = 0.94;

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

/**
 * One synchronised training step of a throwaway copy of the net: compiles every shader and pipeline that the
 * training steps need, so that the clock measures training only. Returns its seconds.
 */
export async function warmUp(cfg: TrainConfig, data: DeviceData, whitening?: Float32Array): Promise<number> {
  const t0 = performance.now();
  const session = new TrainSession(cfg, data, { whitening });
  try {
    await readScalars([session.step(0, cfg.lr)]);
  } finally {
    session.dispose();
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Trains DavidNet on the device-resident data: per epoch, all augmentation randomness is drawn at once from
 * (seed, epoch) and applied batched on the device; SGD with Nesterov momentum over parameter groups follows the
 * schedule per step; the weights are averaged when `emaEvery` > 0; losses are read back every `syncEvery` steps.
 * The timing rules: a warm-up step (shader compilation) runs first, off the clock, as `compileSeconds`; the clock
 * covers the whitening filters, each epoch's random draws, augmentation and steps, synchronised with the device;
 * evaluation and checkpoints are off it. Its session's kernels, made from `cfg.kernels`, are activated before every
 * step and evaluation ({@link TrainSession.kernels}), so runs with different kernels can share a process. Returns
 * the result and the trained model (the average when there is one; the caller disposes it).
 */
export async function train(
  cfg: TrainConfig,
  data: DeviceData,
  options: TrainOptions = {},
): Promise<{ result: TrainResult; model: tf.LayersModel }> {
  validateConfig(cfg);
  const wallStart = performance.now();
  const t0 = performance.now();
  const whitening = options.resume
    ? await whiteningOf(options.resume.model, cfg)
    : await whiteningFor(cfg, data);
  const whitenSeconds = (performance.now() - t0) / 1000;
  const compileSeconds = await warmUp(cfg, data, whitening);
  const resume = options.resume && { model: options.resume.model, optimizer: options.resume.optimizer };
  const session = new TrainSession(cfg, data, { whitening, resume });
  const state: TrainState = structuredClone(options.resume?.state ?? freshState(whitenSeconds));
  let status: TrainStatus = "completed";
  let divergedAt: TrainResult["divergedAt"];
  try {
    while (state.epoch < session.epochs && status === "completed") {
      const ended = await runEpoch(session, state, options);
      if (ended.status === "diverged") {
        [status, divergedAt] = ["diverged", ended.divergedAt];
        break; // the last checkpoint (end of the previous epoch) stays as it was
      }
      status = ended.status;
      if (state.step === session.stepsIn(state.epoch)) await finishEpoch(session, state, options);
      else await checkpoint(session, state, options);
    }
  } catch (err) {
    session.dispose();
    throw err;
  }
  const reached = state.metrics.find((m) => m.testAcc !== null && m.testAcc >= TARGET_ACCURACY);
  const evaluated = state.metrics.filter((m) => m.testAcc !== null);
  return {
    model: session.release(),
    result: {
      status,
      metrics: state.metrics,
      losses: state.losses,
      lrs: state.losses.map((_, i) => session.lrAt(i)),
      finalTestAcc: status === "completed" ? evaluated.at(-1)?.testAcc ?? null : null,
      timeTo94: reached ? reached.totalSeconds : null,
      trainSeconds: state.trainSeconds + state.partial.seconds,
      wallSeconds: (performance.now() - wallStart) / 1000,
      compileSeconds,
      divergedAt,
    } satisfies TrainResult,
  };
}

/** A run's state before its first step; the whitening filters' seconds are the first on the clock. */
function freshState(whitenSeconds: number): TrainState {
  return {
    epoch: 0,
    step: 0,
    trainSeconds: 0,
    metrics: [],
    losses: [],
    partial: { lossSum: 0, correct: 0, seen: 0, seconds: whitenSeconds },
  };
}

async function checkpoint(session: TrainSession, state: TrainState, options: TrainOptions): Promise<void> {
  if (!options.checkpoint) return;
  await options.checkpoint({
    model: session.model,
    optimizer: session.optimizerState(),
    state,
    metadata: options.metadata ?? {},
  });
}

/**
 * Steps from `state.step` to the end of the epoch (or a stop request), reading losses back every `syncEvery`
 * steps to update `state` and report progress. Returns how it ended.
 */
async function runEpoch(
  session: TrainSession,
  state: TrainState,
  options: TrainOptions,
): Promise<{ status: TrainStatus; divergedAt?: TrainResult["divergedAt"] }> {
  const { cfg, stepsPerEpoch } = session,
    epoch = state.epoch,
    p = state.partial,
    steps = session.stepsIn(epoch);
  const pending: tf.Scalar[][] = [];
  // The native and cpu backends run a step's ops synchronously: without a macrotask boundary a stop request (a
  // SIGINT or SIGTERM listener) would wait for the next read-back, syncEvery steps away (minutes on a CPU, past a
  // scheduler's grace period). WebGPU steps only enqueue work, so they need none.
  const blocking = tf.getBackend() !== "webgpu";
  let t0 = performance.now();
  try {
    for (let step = state.step; step < steps; step++) {
      pending.push(session.step(epoch * stepsPerEpoch + step));
      if (blocking) await new Promise((resolve) => setTimeout(resolve, 0));
      const stop = options.shouldStop?.() ?? false;
      if ((step + 1) % cfg.syncEvery !== 0 && step !== steps - 1 && !stop) continue;
      const first = step + 1 - pending.length;
      const [losses, correct] = await readScalars(pending);
      const bad = losses.findIndex((l) => !Number.isFinite(l));
      if (bad >= 0) {
        return {
          status: "diverged",
          divergedAt: { step: epoch * stepsPerEpoch + first + bad, epoch, loss: losses[bad] },
        };
      }
      state.losses.push(...losses);
      for (const l of losses) p.lossSum += l * cfg.batchSize;
      for (const c of correct) p.correct += c;
      p.seen += losses.length * cfg.batchSize;
      p.seconds += (performance.now() - t0) / 1000;
      t0 = performance.now();
      state.step = step + 1;
      const rate = p.seen / p.seconds, left = session.totalSteps - (epoch * stepsPerEpoch + step + 1);
      options.onProgress?.({
        epoch,
        epochs: session.epochs,
        step: step + 1,
        stepsPerEpoch,
        imagesPerSecond: rate,
        loss: losses[losses.length - 1],
        etaSeconds: (left * cfg.batchSize) / rate,
      });
      if (stop) return { status: "interrupted" };
    }
    return { status: "completed" };
  } finally {
    tf.dispose(pending.flat());
  }
}

/** Closes a finished epoch: evaluation (off the clock) when due, its metrics, the checkpoint. */
async function finishEpoch(session: TrainSession, state: TrainState, options: TrainOptions): Promise<void> {
  const { cfg, stepsPerEpoch } = session, p = state.partial;
  const last = state.epoch === session.epochs - 1;
  if (last) {
    // The stages' end of run (the lookahead's last copy) is training work: on the clock.
    const t0 = performance.now();
    session.finishRun();
    p.seconds += (performance.now() - t0) / 1000;
  }
  state.trainSeconds += p.seconds;
  const evalNow = last || (cfg.evalEvery > 0 && (state.epoch + 1) % cfg.evalEvery === 0);
  const e0 = performance.now();
  const data = session.data;
  const how = { tta: cfg.tta, kernels: session.kernels };
  const testAcc = evalNow ? (await evaluate(session.evalModel, data.testX, data.testY, how)).accuracy : null;
  const m: EpochMetrics = {
    epoch: state.epoch + 1,
    lr: session.lrAt(state.epoch * stepsPerEpoch + session.stepsIn(state.epoch) - 1),
    trainLoss: p.lossSum / p.seen,
    trainAcc: p.correct / p.seen,
    testAcc,
    epochSeconds: p.seconds,
    totalSeconds: state.trainSeconds,
    evalSeconds: (performance.now() - e0) / 1000,
    load1: options.machineLoad?.() ?? null,
  };
  state.metrics.push(m);
  state.epoch += 1;
  state.step = 0;
  state.partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  options.onEpoch?.(m);
  await checkpoint(session, state, options);
}
