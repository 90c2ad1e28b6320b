import { DAVIDNET_AUGMENT } from "../augment/mod.ts";
import { DAVIDNET_DEFAULTS } from "../model/mod.ts";
import type { TrainConfig } from "../train/types.ts";

/**
 * Page's DAWNBench recipe exactly ("How to train your ResNet" parts 1-4, dawn.py; 94% in 79 s on a V100): DavidNet,
 * batch 512, 24 epochs, crop + flip + 8x8 cutout, no label smoothing, no TTA.
 */
export const BASELINE: TrainConfig = {
  model: DAVIDNET_DEFAULTS, // ReLU, logits x 1/8, PyTorch BN (dawn.py)
  augment: DAVIDNET_AUGMENT, // pad 4 + crop 32, flip, cutout 8 (dawn.py)
  epochs: 24, // dawn.py
  batchSize: 512, // dawn.py
  lr: 0.4, // dawn.py: 0.4 / 512 on the summed loss = 0.4 on the mean loss
  schedule: "piecewise", // dawn.py: PiecewiseLinear([0, 5, 24], [0, 0.4, 0])
  lrPeak: 5 / 24, // dawn.py: peak at epoch 5 of 24
  lrEnd: 0, // dawn.py: down to 0 ...
  lrEndAt: 1, // ... at the last epoch
  momentum: 0.9, // dawn.py
  nesterov: true, // torch_backend.py: nesterov_update
  weightDecay: 5e-4, // dawn.py: 5e-4 x 512 on the summed loss = 5e-4 on the mean loss
  biasLrScale: 1, // one parameter group (dawn.py)
  biasWdScale: 1, // one parameter group (dawn.py)
  labelSmoothing: 0, // dawn.py: plain cross-entropy
  emaEvery: 0, // no weight averaging (dawn.py)
  emaMomentum: 0.99, // unused while emaEvery is 0
  tta: "none", // dawn.py evaluates the plain net
  trainSubset: 50000, // all of CIFAR-10's training set
  evalEvery: 1, // test after every epoch, to time 94%
  syncEvery: 8, // davidnet: read losses back every 8 steps
  seed: 0,
  kernels: { mode: "fast", conv: "auto" }, // davidnet's WebGPU kernels (lib/kernels); "stock" for tfjs's own
};

/** The seed's default: the baseline plus label smoothing 0.2 and flip TTA (part 8's first two tricks). */
export const DAVIDNET24: TrainConfig = {
  ...BASELINE,
  labelSmoothing: 0.2, // bag_of_tricks.ipynb: label_smoothing_loss(0.2)
  tta: "flip", // bag_of_tricks.ipynb: forward_tta([identity, flip_lr])
};

/** Page's final setup (part 8, bag_of_tricks.ipynb "Final training setup", 10 epochs; 94% in 26 s on a V100). */
export const TRICKS: TrainConfig = {
  ...DAVIDNET24,
  model: {
    ...DAVIDNET_DEFAULTS,
    whiten: true, // whitening_block: fixed PCA 3x3 conv to 27 channels, 1x1 conv
    movePool: true, // conv_pool_block_pre: conv -> pool -> BN -> act
    activation: "celu", // nn.CELU ...
    celuAlpha: 0.3, // ... alpha 0.3 with frozen BN scales
    ghostBatch: 32, // GhostBatchNorm(num_splits=16) at batch 512
    freezeBnScale: true, // BatchNorm(weight=False)
    logitScale: 1 / 16, // frozen_bn_scale_net: scale=1/16
  },
  augment: { ...DAVIDNET_AUGMENT, cutout: 0 }, // final setup: Crop(32, 32), FlipLR(), no cutout
  epochs: 10, // final setup: epochs = 10
  lr: 1.0, // lr_schedule(..., [0, 1.0, 0.1], 512): 1.0 / 512 on the summed loss = 1.0 on the mean loss
  lrPeak: 0.2, // knots [0, epochs / 5, ...]
  lrEnd: 0.1, // ... down to 0.1 x the peak ...
  lrEndAt: 0.8, // ... at epochs - ema_epochs = 8 of 10, then held (np.interp)
  weightDecay: 5e-4, // 5e-4 x 512 on the summed loss
  biasLrScale: 64, // opt_params_bias: lr x 64 ...
  biasWdScale: 1 / 64, // ... weight decay / 64
  labelSmoothing: 0.2, // label_smoothing_loss(0.2)
  emaEvery: 5, // update_ema(momentum=0.99, update_freq=5)
  emaMomentum: 0.99, // rho = 0.99^5 per update
  tta: "flip", // valid_steps_tta: identity and flip_lr
};

/** The smoke size: 1/16 width, 4096 images, 5 epochs of batch 128, for a 2-core machine without a GPU. */
const SMOKE_SIZE = {
  epochs: 5,
  batchSize: 128,
  trainSubset: 4096,
  evalEvery: 0,
  syncEvery: 4,
} satisfies Partial<TrainConfig>;

/**
 * `davidnet24` at smoke size, for a 2-core machine without a GPU (lavapipe): about 220 s of training and 51-52%
 * test accuracy on all 10000 test images (bench/results/2026-11-25-smoke-*). The peak stays at 2 of 5 epochs.
 */
export const SMOKE: TrainConfig = {
  ...DAVIDNET24,
  ...SMOKE_SIZE,
  model: { ...DAVIDNET24.model, width: 1 / 16 },
  lrPeak: 0.4, // epoch 2 of 5 (the seed's smoke run)
};

/**
 * `tricks` at smoke size. The weight average keeps Page's horizon as a fraction of the run: 0.99 per step is ~100
 * of his 970 steps (a tenth); 160 steps here make that 16 steps, momentum 1 - 1/16 ~ 0.94.
 */
export const SMOKE_TRICKS: TrainConfig = {
  ...TRICKS,
  ...SMOKE_SIZE,
  model: { ...TRICKS.model, width: 1 / 16 },
  emaMomentum: 0.94, // Page's horizon scaled to 160 steps (see above)
};

/** Presets by name. */
export const PRESETS = {
  baseline: BASELINE,
  davidnet24: DAVIDNET24,
  tricks: TRICKS,
  smoke: SMOKE,
  "smoke-tricks": SMOKE_TRICKS,
} as const;
/** A preset name. */
export type PresetName = keyof typeof PRESETS;
