import { DAVIDNET_AUGMENT } from "../augment/mod.ts";
import { AIRBENCH94_NET, DAVIDNET_DEFAULTS } from "../model/mod.ts";
import { schemaDefaults } from "./schema.ts";
import type { TrainConfig } from "./train_config.ts";

/**
 * Page's DAWNBench recipe exactly ("How to train your ResNet" parts 1-4, dawn.py; 94% in 79 s on a V100): DavidNet,
 * batch 512, 24 epochs, crop + flip + 8x8 cutout, no label smoothing, no TTA.
 */
export const BASELINE: TrainConfig = schemaDefaults();

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
    whiten: "3x3", // whitening_block: fixed PCA 3x3 conv to 27 channels, 1x1 conv
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
 * The weight average's momentum per step that keeps Page's horizon as a fraction of a run of `steps` steps: his 0.99
 * per step remembers ~100 steps, a tenth of his 970, so 1 - 10 / steps (0.9897 at 970 steps, 0.9375 at 160). A run
 * much shorter than Page's that kept his 0.99 would still evaluate mostly the initial weights after a few dozen
 * steps (the average starts from them). At most 0.99; at least 0 (runs of 10 steps or fewer evaluate the last
 * weights).
 */
export function emaMomentumForSteps(steps: number): number {
  if (!(steps > 0)) throw new Error(`emaMomentumForSteps: steps must be positive, got ${steps}`);
  return Math.min(0.99, Math.max(0, 1 - 10 / steps));
}

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

/**
 * airbench94 (KellerJordan/cifar10-airbench legacy/airbench94.py; 94.01% mean of 1000 runs, 3.83 s on an A100, 0.36
 * PFLOP): Page's method carried further. Line numbers are those of airbench94.py.
 */
export const AIRBENCH94: TrainConfig = {
  ...DAVIDNET24,
  model: AIRBENCH94_NET, // make_net, lines 210-235 (see AIRBENCH94_NET)
  augment: { pad: 2, flip: true, alternateFlip: true, cutout: 0 }, // lines 50-53: flip, translate 2 (reflect pad); lines 124-150: flip once, then every other epoch
  epochs: 9.9, // line 40: train_epochs; line 354: ceil(batches x epochs) steps
  batchSize: 1024, // line 41
  decoupled: true, // lines 24-36 and 341-346: decoupled lr and weight decay
  lr: 11.5, // line 42: per 1024 examples
  momentum: 0.85, // line 43
  nesterov: true, // line 367: nesterov=True
  weightDecay: 0.0153, // line 44: per 1024 examples, decoupled from the lr
  biasLrScale: 64, // line 45 bias_scaler, line 365: lr_biases = lr x 64 ...
  biasWdScale: 1 / 64, // ... with weight_decay = wd / lr_biases (the same decay per step)
  labelSmoothing: 0.2, // line 46; summed over the batch (line 425) = this mean loss at lr x batch (decoupled)
  schedule: "piecewise", // lines 369-377 get_lr: linear ...
  lrStart: 0.2, // ... from 0.2 ...
  lrPeak: 0.23, // ... to 1.0 at int(steps x 0.23) ...
  lrEnd: 0.07, // ... down to 0.07 ...
  lrEndAt: 1, // ... at the last step
  emaEvery: 0, // no Page-style average; airbench's lookahead instead:
  lookaheadEvery: 5, // line 434: every 5 steps
  lookaheadDecay: 0.95, // line 381: alpha_schedule = 0.95**5 x ...
  lookaheadPower: 3, // ... (step / total)**3
  whitenBiasEpochs: 3, // line 47 whiten_bias_epochs, line 410
  tta: "airbench", // line 61 tta_level 2: mirror + 1-pixel translations (lines 300-318)
  evalEvery: 1, // line 446: val_acc after every epoch (off the clock; time to 94% needs it)
  syncEvery: 8, // davidnet: read losses back every 8 steps
};

/**
 * airbench94_muon (KellerJordan/cifar10-airbench airbench94_muon.py; 94.01% mean of 200 runs in 2.59 s on an A100,
 * 0.29 PFLOP): airbench94's net with the head rescaled, 8 epochs of batch 2000, every rate decaying linearly to 0,
 * no lookahead; the filters trained by Muon, the biases and the head by Nesterov SGD. Rates are airbench's on the
 * summed loss times the batch (this mean loss; the same steps); each SGD group's decay per step is
 * 2e-6 x batch x its rate's decay factor, as PyTorch's `weight_decay = wd / lr` gives.
 */
export const AIRBENCH94_MUON: TrainConfig = {
  ...AIRBENCH94,
  model: {
    ...AIRBENCH94_NET, // lines 180-261 CifarNet: airbench94's net (widths line 221, BN line 184, GELU, dirac line 196)
    logitScale: 1 / 256, // line 261: self.head(x) / x.size(-1), the last width
    headUnitStd: true, // line 245: w *= 1 / w.std()
  },
  epochs: 8, // line 352: total_train_steps = ceil(8 * len(train_loader))
  batchSize: 2000, // line 342
  decoupled: false, // lines 343-345 and 358-360: plain rates on the summed loss
  lr: 0.67 * 2000, // line 344 head_lr on the summed loss = 0.67 x batch on the mean loss
  momentum: 0.85, // line 361: SGD(momentum=0.85, ...)
  nesterov: true, // lines 361-362: nesterov=True (SGD and Muon)
  weightDecay: 2e-6 / 0.67, // line 345 wd = 2e-6 x batch, line 360 weight_decay = wd / head_lr: / batch here
  biasLrScale: 0.053 / 0.67, // line 343 bias_lr = 0.053 (lines 358-359), as a multiple of head_lr
  biasWdScale: 0.67 / 0.053, // line 359: weight_decay = wd / bias_lr, the same decay per step as the head's
  schedule: "piecewise", // lines 402-403: initial_lr x (1 - step / total_train_steps) ...
  lrStart: 1, // ... from the peak ...
  lrPeak: 0, // ... at step 0 (no warm-up) ...
  lrEnd: 0, // ... to 0 ...
  lrEndAt: 1, // ... at the last step
  lookaheadEvery: 0, // no lookahead (lines 404-405 step only the two optimizers)
  optimizer: "muon", // line 362: Muon(filter_params, ...), filter_params = 4-d parameters (line 356)
  muonLr: 0.24, // line 362: lr=0.24
  muonMomentum: 0.6, // line 362: momentum=0.6
  whitenBiasEpochs: 3, // line 353 whiten_bias_train_steps = ceil(3 * len(train_loader)); line 398: detached after
  whitenBiasDecay: true, // lines 400-401: its lr x (1 - step / whiten_bias_train_steps)
  labelSmoothing: 0.2, // line 399: label_smoothing=0.2, reduction="sum"
  tta: "airbench", // line 427: tta_level=2
};

/** Presets by name. */
export const PRESETS = {
  baseline: BASELINE,
  davidnet24: DAVIDNET24,
  tricks: TRICKS,
  smoke: SMOKE,
  "smoke-tricks": SMOKE_TRICKS,
  airbench94: AIRBENCH94,
  airbench94_muon: AIRBENCH94_MUON,
} as const;
/** A preset name. */
export type PresetName = keyof typeof PRESETS;
