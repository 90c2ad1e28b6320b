import { augmentBatch, type DeviceDraws, drawEpoch, uploadDraws } from "../augment/mod.ts";
import { tf } from "../backend/tf.ts";
import { KernelRuntime } from "../kernels/mod.ts";
import { buildNet, whiteningFiltersFor } from "../model/mod.ts";
import type { Schedule } from "../schedule/mod.ts";
import type { DeviceData } from "./device_data.ts";
import { countCorrect, smoothedCrossEntropy } from "./loss.ts";
import { scheduleOf } from "../config/mod.ts";
import { type Stage, stagesFor } from "./stages/mod.ts";
import { makeOptimizer } from "./param_groups.ts";
import type { Optimizer } from "./optimizer.ts";
import type { TrainConfig } from "./types.ts";

/**
 * The whitening filters of `cfg` (3x3 or 2x2) from the first training images of its recipe (10000 for Page's 3x3,
 * 5000 for airbench's 2x2; the centre 32x32 of the padded, normalised images), or undefined when the net does not
 * whiten.
 */
export async function whiteningFor(cfg: TrainConfig, data: DeviceData): Promise<Float32Array | undefined> {
  if (cfg.model.whiten === "none") return undefined;
  return await whiteningFiltersFor(cfg.model.whiten, data.trainX);
}

/** The fixed whitening filters of a built (or resumed) net, or undefined when it does not whiten. */
export async function whiteningOf(
  model: tf.LayersModel,
  cfg: TrainConfig,
): Promise<Float32Array | undefined> {
  if (cfg.model.whiten === "none") return undefined;
  return await model.getLayer("prep_whiten").getWeights()[0].data() as Float32Array;
}

/**
 * One training step on batch `step` of the epoch's draws, updating every parameter but the `frozen` ones at rate
 * `lr` (a group with its own schedule reads it at `epoch`), with `kernels` activated first and handed to the net
 * (default: tfjs's stock ones; the optimizer was made with the same); returns (loss, correct) scalars that the
 * caller disposes.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: Optimizer,
  data: DeviceData,
  draws: DeviceDraws,
  cfg: TrainConfig,
  step: number,
  lr: number,
  frozen: ReadonlySet<string> = new Set(),
  epoch = 0,
  kernels: KernelRuntime = new KernelRuntime({ mode: "stock" }),
): [tf.Scalar, tf.Scalar] {
  kernels.activate();
  return tf.tidy(() => {
    const start = step * cfg.batchSize;
    const x = augmentBatch(data.trainX, draws, start, cfg.batchSize, cfg.augment);
    const y = tf.gather(data.trainY, draws.order.slice(start, cfg.batchSize)) as tf.Tensor1D;
    let correct: tf.Scalar | undefined;
    const trained = optimizer.params.filter((p) => !frozen.has(p.name)).map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true, kernels }) as tf.Tensor2D;
      correct = tf.keep(countCorrect(logits, y));
      return smoothedCrossEntropy(logits, y, cfg.labelSmoothing);
    }, trained);
    optimizer.step(grads, lr, frozen, epoch);
    return [value, correct!];
  });
}

/**
 * A net being trained: the model, its optimizer (SGD over parameter groups, or Muon and SGD), the stages its config switches on (weight
 * average, lookahead, whitening bias epochs: lib/core/train/stages), the LR schedule and the current epoch's random
 * draws, and its kernels ({@link KernelRuntime}, made from `cfg.kernels`), which it activates before each
 * step, so that sessions with different kernels can be stepped alternately. A step is: draws (once per epoch),
 * augment, forward, loss, backward, SGD (minus what a stage freezes), then each stage's `afterStep`. `train`, the LR
 * sweep, the estimate and the step profiler all step it.
 */
export class TrainSession {
  readonly model: tf.LayersModel;
  readonly optimizer: Optimizer;
  readonly stages: readonly Stage[];
  readonly stepsPerEpoch: number;
  /** Steps of the whole run: ceil(stepsPerEpoch x epochs), so a fractional last epoch is partial. */
  readonly totalSteps: number;
  readonly schedule: Schedule;
  /** The kernels its steps run (evaluate its nets with them too). */
  readonly kernels: KernelRuntime;
  #draws?: { epoch: number; draws: DeviceDraws };

  /**
   * A fresh net, or the resumed one with its optimizer and stage state; a whitening net needs its filters in
   * `init.whitening` (also when resuming: second nets of the stages are built with them). Its kernels are made
   * from `cfg.kernels` on the running backend.
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
    this.totalSteps = Math.ceil(this.stepsPerEpoch * cfg.epochs);
    this.kernels = new KernelRuntime(cfg.kernels);
    const build = () => buildNet(cfg.model, { seed: cfg.seed, whitening: init.whitening });
    this.model = init.resume?.model ?? build();
    this.optimizer = makeOptimizer(this.model, cfg, this.kernels);
    this.stages = stagesFor({
      cfg,
      model: this.model,
      build,
      stepsPerEpoch: this.stepsPerEpoch,
      totalSteps: this.totalSteps,
    });
    if (init.resume) this.setState(init.resume.optimizer);
    this.schedule = scheduleOf(cfg);
  }

  /** Epochs of the run, the last one partial when `epochs` has a fraction. */
  get epochs(): number {
    return Math.ceil(this.totalSteps / this.stepsPerEpoch);
  }

  /** Steps of epoch `epoch` (0-based): all but the partial last one have `stepsPerEpoch`. */
  stepsIn(epoch: number): number {
    return Math.min(this.stepsPerEpoch, this.totalSteps - epoch * this.stepsPerEpoch);
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
    const frozen = new Set(this.stages.flatMap((s) => [...(s.frozen?.(epoch) ?? [])]));
    const out = trainStep(
      this.model,
      this.optimizer,
      this.data,
      this.#draws.draws,
      this.cfg,
      step % this.stepsPerEpoch,
      lr,
      frozen,
      (step + 1) / this.stepsPerEpoch,
      this.kernels,
    );
    for (const s of this.stages) s.afterStep?.(step);
    return out;
  }

  /** Runs the stages' end-of-run hooks (after the last step, before the final evaluation). */
  finishRun(): void {
    for (const s of this.stages) s.afterRun?.();
  }

  /** The net to evaluate and save: a stage's (the weight average) when it has one. */
  get evalModel(): tf.LayersModel {
    return this.stages.find((s) => s.evalModel)?.evalModel ?? this.model;
  }

  /** Momentum buffers and the stages' tensors (prefixed `<stage>/`) by name, for a checkpoint. */
  optimizerState(): tf.NamedTensorMap {
    const state: tf.NamedTensorMap = { ...this.optimizer.state() };
    for (const s of this.stages) {
      for (const [k, t] of Object.entries(s.state?.() ?? {})) state[`${s.name}/${k}`] = t;
    }
    return state;
  }

  /** Restores {@link optimizerState}. */
  setState(state: tf.NamedTensorMap): void {
    this.optimizer.setState(state);
    for (const s of this.stages) {
      const prefix = `${s.name}/`;
      const own = Object.entries(state).filter(([k]) => k.startsWith(prefix)).map((
        [k, t],
      ) => [k.slice(prefix.length), t]);
      s.setState?.(Object.fromEntries(own));
    }
  }

  /** Frees everything but {@link evalModel}, which it returns (the caller disposes it). */
  release(): tf.LayersModel {
    const keep = this.evalModel;
    this.#disposeDraws();
    this.optimizer.dispose();
    for (const s of this.stages) if (s.evalModel !== keep) s.dispose?.();
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
