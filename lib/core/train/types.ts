import type { tf } from "../backend/tf.ts";
import type { TrainConfig } from "../config/train_config.ts";

export type { TrainConfig };

/** What one finished epoch measured. */
export interface EpochMetrics {
  epoch: number;
  /** Learning rate at the epoch's last step. */
  lr: number;
  trainLoss: number;
  trainAcc: number;
  /** Test accuracy after this epoch, or null when it was not evaluated. */
  testAcc: number | null;
  /** Training seconds of this epoch, device-synchronised, evaluation excluded. */
  epochSeconds: number;
  /** Training seconds up to the end of this epoch. */
  totalSeconds: number;
  /** Seconds spent evaluating after this epoch (not part of training time). */
  evalSeconds: number;
  /** The machine's 1-minute load average at the epoch's end (`TrainOptions.machineLoad`), or null unknown. */
  load1?: number | null;
}

/** A progress report, sent at every sync point. */
export interface Progress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  imagesPerSecond: number;
  loss: number;
  /** Estimated training seconds left. */
  etaSeconds: number;
}

/** How a run ended. */
export type TrainStatus = "completed" | "interrupted" | "diverged";

/** The outcome of {@link train}. */
export interface TrainResult {
  status: TrainStatus;
  metrics: EpochMetrics[];
  /** Loss of every step taken. */
  losses: number[];
  /** Learning rate of every step taken. */
  lrs: number[];
  finalTestAcc: number | null;
  /** Training seconds to the end of the first epoch whose test accuracy reached 94%, or null. */
  timeTo94: number | null;
  trainSeconds: number;
  wallSeconds: number;
  /** Seconds of the warm-up step (shader compilation, pipeline creation) run before the clock starts. */
  compileSeconds: number;
  /** Where the loss first became NaN or infinite, when it did. */
  divergedAt?: { step: number; epoch: number; loss: number };
}

/** Where a run stands: the next step to take and what was measured so far. */
export interface TrainState {
  /** Epoch of the next step (0-based). */
  epoch: number;
  /** Step within that epoch of the next step. */
  step: number;
  /** Training seconds spent so far (excluding data loading and evaluation). */
  trainSeconds: number;
  /** Metrics of the finished epochs. */
  metrics: EpochMetrics[];
  /** Loss of every step taken. */
  losses: number[];
  /** Running sums of the unfinished epoch: loss x images, correct predictions, images, seconds. */
  partial: { lossSum: number; correct: number; seen: number; seconds: number };
}

/** What a checkpoint holds: the model, the whole optimizer state, where the run stands, and metadata. */
export interface CheckpointSnapshot {
  model: tf.LayersModel;
  /** The SGD's momentum buffers and the stages' tensors (`ema/...`, `lookahead/...`), by name. */
  optimizer: tf.NamedTensorMap;
  state: TrainState;
  metadata: Record<string, unknown>;
}
