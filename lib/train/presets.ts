import { DAVIDNET_AUGMENT } from "../augment/mod.ts";
import { DAVIDNET_DEFAULTS } from "../model/mod.ts";
import type { TrainConfig } from "./types.ts";

/** The seed's recipe: full DavidNet, batch 512, 24 epochs, 0 -> 0.4 at epoch 5 -> 0, TTA, eval every epoch. */
export const DAVIDNET24: TrainConfig = {
  model: DAVIDNET_DEFAULTS,
  augment: DAVIDNET_AUGMENT,
  epochs: 24,
  batchSize: 512,
  lr: 0.4,
  lrPeakEpoch: 5,
  schedule: "piecewise",
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  labelSmoothing: 0.2,
  tta: true,
  trainSubset: 50000,
  evalEvery: 1,
  syncEvery: 8,
  seed: 0,
  kernels: { mode: "fast", conv: "auto" }, // davidnet's WebGPU kernels (lib/kernels); "stock" for tfjs's own
};

/**
 * A narrow net on a subset, for a 2-core machine without a GPU (lavapipe): about 220 s of training and 51-52%
 * test accuracy on all 10000 test images (bench/results/2026-11-25-smoke-*).
 */
export const SMOKE: TrainConfig = {
  ...DAVIDNET24,
  model: { ...DAVIDNET_DEFAULTS, width: 1 / 16 },
  epochs: 5,
  batchSize: 128,
  lr: 0.4,
  lrPeakEpoch: 2,
  trainSubset: 4096,
  evalEvery: 0,
  syncEvery: 4,
};

/** Presets by name. */
export const PRESETS = { davidnet24: DAVIDNET24, smoke: SMOKE } as const;
/** A preset name. */
export type PresetName = keyof typeof PRESETS;
