import type { AugmentConfig, TtaMode } from "../augment/mod.ts";
import type { ConvStrategy, KernelMode } from "../kernels/mod.ts";
import type { DavidNetConfig } from "../model/mod.ts";
import type { ScheduleName } from "../schedule/mod.ts";

/** Every hyperparameter of a training run. */
export interface TrainConfig {
  model: DavidNetConfig;
  augment: AugmentConfig;
  /** Epochs; a fraction trains part of the last one (airbench: 9.9, i.e. ceil(9.9 x steps per epoch) steps). */
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the schedule (on the mean loss; per 1024 examples with `decoupled`). */
  lr: number;
  schedule: ScheduleName;
  /** Learning rate at the start of the run as a fraction of the peak (piecewise; airbench 0.2, Page 0). */
  lrStart: number;
  /** Fraction of the run at which the learning rate peaks. */
  lrPeak: number;
  /** Final learning rate as a fraction of the peak (piecewise). */
  lrEnd: number;
  /** Fraction of the run at which the final rate is reached and then held (piecewise). */
  lrEndAt: number;
  momentum: number;
  nesterov: boolean;
  /** L2 weight decay coefficient on the mean loss (the seed's 5e-4 x batch on the summed loss). */
  weightDecay: number;
  /**
   * lr and weight decay in airbench's decoupled form (Page part 5): lr per 1024 examples of the summed loss with
   * the momentum's 1 + 1/(1 - momentum) divided out, weight decay per 1024 examples and independent of lr; see
   * `sgdRates`.
   */
  decoupled: boolean;
  /** SGD parameter group of the BN biases: learning-rate multiplier (Page: 64 with frozen BN scales). */
  biasLrScale: number;
  /** SGD parameter group of the BN biases: weight-decay multiplier (Page: 1/64). */
  biasWdScale: number;
  labelSmoothing: number;
  /** Average the weights (every float of the state) every this many steps; 0: off (Page: 5). */
  emaEvery: number;
  /** Per-step momentum of the weight average; each update uses momentum^emaEvery (Page: 0.99). */
  emaMomentum: number;
  /** Lookahead (airbench): every N steps the net is moved to an average of itself; 0: off. */
  lookaheadEvery: number;
  /** Per-step decay of the lookahead average; each update uses decay^N x (step / steps)^power. */
  lookaheadDecay: number;
  /** Power of the lookahead decay's warm-up (step / steps)^power (airbench: 3). */
  lookaheadPower: number;
  /** Epochs during which the 2x2 whitening's bias trains before it is frozen (airbench: 3). */
  whitenBiasEpochs: number;
  /** Test-time augmentation: none, left-right flip, flip and 2-pixel translations, or airbench's level 2. */
  tta: TtaMode;
  /** Train images used (the first N in the official order); 50000 is all. */
  trainSubset: number;
  /** Evaluate on the test set every N epochs (and always after the last); 0: only after the last. */
  evalEvery: number;
  /** Read losses back from the device every N steps (NaN check, progress line). */
  syncEvery: number;
  seed: number;
  /** Which WebGPU kernels compute the run: davidnet's (`fast`) or tfjs's (`stock`), and how convolutions are tiled. */
  kernels: { mode: KernelMode; conv: ConvStrategy };
}
