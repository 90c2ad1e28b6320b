import { augmentBatch, type DeviceDraws, drawEpoch, uploadDraws } from "../augment/mod.ts";
import { tf } from "../backend/tf.ts";
import { buildDavidNet, whiteningFilters } from "../model/mod.ts";
import { makeSchedule, type Schedule } from "../schedule/mod.ts";
import type { DeviceData } from "./device_data.ts";
import { WeightAverage } from "./ema.ts";
import { countCorrect, smoothedCrossEntropy } from "./loss.ts";
import { makeSgd } from "./param_groups.ts";
import type { NesterovSgd } from "./sgd.ts";
import type { TrainConfig } from "./types.ts";

/** How many training images Page's whitening looks at (the first 10000). */
export const WHITENING_IMAGES = 10000;

/**
 * The whitening filters of `cfg` from the first {@link WHITENING_IMAGES} training images (the centre 32x32 of the
 * padded, normalised images), or undefined when the net does not whiten.
 */
export async function whiteningFor(cfg: TrainConfig, data: DeviceData): Promise<Float32Array | undefined> {
  if (!cfg.model.whiten) return undefined;
  const [n, side] = data.trainX.shape;
  const p = (side - 32) / 2, k = Math.min(n, WHITENING_IMAGES);
  const images = data.trainX.slice([0, p, p, 0], [k, 32, 32, 3]);
  try {
    return await whiteningFilters(images, k);
  } finally {
    images.dispose();
  }
}

/** The fixed whitening filters of a built (or resumed) net, or undefined when it does not whiten. */
export async function whiteningOf(
  model: tf.LayersModel,
  cfg: TrainConfig,
): Promise<Float32Array | undefined> {
  if (!cfg.model.whiten) return undefined;
  return await model.getLayer("prep_whiten").getWeights()[0].data() as Float32Array;
}

/** One training step on batch `step` of the epoch's draws; returns (loss, correct) scalars that the caller disposes. */
export function trainStep(
  model: tf.LayersModel,
  sgd: NesterovSgd,
  data: DeviceData,
  draws: DeviceDraws,
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
 * A net being trained: the model, its SGD (parameter groups), the weight average when `cfg.emaEvery` > 0, the
 * LR schedule and the current epoch's random draws. `train`, the LR sweep and the step profiler all step it.
 */
export class TrainSession {
  readonly model: tf.LayersModel;
  readonly sgd: NesterovSgd;
  readonly average?: WeightAverage;
  readonly stepsPerEpoch: number;
  readonly schedule: Schedule;
  #draws?: { epoch: number; draws: DeviceDraws };

  /**
   * A fresh net, or the resumed one with its optimizer state; a whitening net needs its filters in `init.whitening`
   * (also when resuming: the weight average is built with them).
   */
  constructor(
    readonly cfg: TrainConfig,
    readonly data: DeviceData,
    init: { whitening?: Float32Array; resume?: { model: tf.LayersModel; optimizer: tf.NamedTensorMap } } = {},
  ) {
    this.stepsPerEpoch = Math.floor(data.trainX.shape[0] / cfg.batchSize);
    if (this.stepsPerEpoch < 1) {
      throw new Error(`batch size ${cfg.batchSize} exceeds the ${data.trainX.shape[0]} training images`);
    }
    const build = () => buildDavidNet(cfg.model, { seed: cfg.seed, whitening: init.whitening });
    this.model = init.resume?.model ?? build();
    this.sgd = makeSgd(this.model, cfg);
    if (cfg.emaEvery > 0) {
      this.average = new WeightAverage(this.model, build(), cfg.emaEvery, cfg.emaMomentum);
    }
    if (init.resume) {
      this.sgd.setState(init.resume.optimizer);
      this.average?.setState(init.resume.optimizer);
    }
    this.schedule = makeSchedule(
      cfg.schedule,
      { lr: cfg.lr, peak: cfg.lrPeak, end: cfg.lrEnd, endAt: cfg.lrEndAt },
      cfg.epochs,
    );
  }

  /** The learning rate of global step `step` (the schedule at the end of the step, in epochs). */
  lrAt(step: number): number {
    return this.schedule((step + 1) / this.stepsPerEpoch);
  }

  /** Takes global step `step` (drawing its epoch's randomness first when needed); returns (loss, correct). */
  step(step: number, lr = this.lrAt(step)): [tf.Scalar, tf.Scalar] {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (this.#draws?.epoch !== epoch) {
      this.#disposeDraws();
      const draws = drawEpoch(this.data.trainX.shape[0], this.cfg.augment, this.cfg.seed, epoch);
      this.#draws = { epoch, draws: uploadDraws(draws, this.data.trainX.shape[1]) };
    }
    const out = trainStep(
      this.model,
      this.sgd,
      this.data,
      this.#draws.draws,
      this.cfg,
      step % this.stepsPerEpoch,
      lr,
    );
    this.average?.update(step);
    return out;
  }

  /** The net to evaluate and save: the weight average when there is one. */
  get evalModel(): tf.LayersModel {
    return this.average?.average ?? this.model;
  }

  /** Momentum buffers and averaged weights by name, for a checkpoint. */
  optimizerState(): tf.NamedTensorMap {
    return { ...this.sgd.state(), ...this.average?.state() };
  }

  /** Frees everything but {@link evalModel}, which it returns (the caller disposes it). */
  release(): tf.LayersModel {
    const keep = this.evalModel;
    this.#disposeDraws();
    this.sgd.dispose();
    if (keep !== this.model) this.model.dispose();
    return keep;
  }

  /** Frees everything. */
  dispose(): void {
    this.release().dispose();
  }

  #disposeDraws(): void {
    if (this.#draws) tf.dispose([this.#draws.draws.order, this.#draws.draws.boxes, this.#draws.draws.cut]);
    this.#draws = undefined;
  }
}
