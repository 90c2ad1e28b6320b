import { tf } from "../backend/tf.ts";
import { batchNormActApply, batchNormActTraining, type KernelRuntime } from "../kernels/mod.ts";
import { batchNormActNative, ghostBatchNormActNative } from "../kernels/native/mod.ts";
import { ghostBatchNorm } from "./ghost_batch_norm.ts";
import { activate, type Activation } from "./layers.ts";

/** Settings of {@link BatchNormAct}. */
export interface BatchNormActArgs {
  /** Running statistics: running = (1 - momentum) * running + momentum * batch (PyTorch's convention). */
  momentum: number;
  epsilon: number;
  /** The activation after the normalisation; "linear" for none. */
  activation: Activation | "linear";
  celuAlpha: number;
  /** Images per ghost batch in training (0 or absent: the whole batch); see {@link ghostBatchNorm}. */
  ghostBatch?: number;
  /** Whether gamma is trained (default true); false fixes it at 1, as Page's `BatchNorm(weight=False)`. */
  trainScale?: boolean;
  name?: string;
}

/**
 * Batch norm over the last axis followed by its activation, as one layer: in training, batch statistics (biased
 * variance, as tfjs's BatchNormalization) and an update of the running mean and variance; in inference, the
 * running statistics. Weights gamma, beta (trainable), moving_mean and moving_variance, as tfjs names them; with
 * `trainScale` false gamma is a non-trainable weight fixed at 1. With `ghostBatch` > 0 the training statistics
 * are those of groups of that many images. The kernels come with each call, `layer.apply(x, { training, kernels })`
 * (a model passes its call's arguments to every layer): with a `fast` {@link KernelRuntime} on WebGPU it runs the
 * fused kernels of `lib/core/kernels` (ghost groups included; not for gelu, which they lack), in training with a `fast`
 * one on the native backend TensorFlow's fused batch norm (whole batches and ghost groups), and tfjs's ops
 * otherwise, also without a runtime ({@link ghostBatchNorm} for the ghost groups).
 */
export class BatchNormAct extends tf.layers.Layer {
  /** Registered class name (for saving and loading). */
  static className = "DavidnetBatchNormAct";
  readonly cfg: Required<Omit<BatchNormActArgs, "name">>;
  #weights?: Record<"gamma" | "beta" | "movingMean" | "movingVariance", tf.LayerVariable>;

  /** Builds the layer (its weights are made when it first sees an input shape). */
  constructor(args: BatchNormActArgs) {
    super({ name: args.name });
    const ghostBatch = args.ghostBatch ?? 0;
    if (!Number.isInteger(ghostBatch) || ghostBatch < 0) {
      throw new Error(`ghost batch ${ghostBatch}: must be a whole number of images, or 0 for off`);
    }
    this.cfg = {
      momentum: args.momentum,
      epsilon: args.epsilon,
      activation: args.activation,
      celuAlpha: args.celuAlpha,
      ghostBatch,
      trainScale: args.trainScale ?? true,
    };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = [shape[shape.length - 1]!];
    const weight = (name: string, init: tf.serialization.Serializable, trainable: boolean) =>
      this.addWeight(name, c, "float32", init as never, undefined, trainable);
    this.#weights = {
      gamma: weight("gamma", tf.initializers.ones(), this.cfg.trainScale),
      beta: weight("beta", tf.initializers.zeros(), true),
      movingMean: weight("moving_mean", tf.initializers.zeros(), false),
      movingVariance: weight("moving_variance", tf.initializers.ones(), false),
    };
    this.built = true;
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean; kernels?: KernelRuntime },
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const w = this.#weights!;
    const [gamma, beta] = [w.gamma.read(), w.beta.read()] as tf.Tensor1D[];
    const [mean, variance] = [w.movingMean.read(), w.movingVariance.read()] as tf.Variable[];
    const { training = false, kernels } = kwargs;
    const { ghostBatch, activation } = this.cfg;
    // The fused WebGPU kernels have relu, celu and linear; gelu runs on tfjs's ops below.
    if (kernels?.fusedWebGpu && activation !== "gelu") {
      const cfg = { ...this.cfg, activation };
      if (training) return batchNormActTraining(x, gamma, beta, mean, variance, cfg);
      return tf.tidy(() => batchNormActApply(x, tf.stack([mean, variance]) as tf.Tensor2D, gamma, beta, cfg));
    }
    if (training && kernels?.fusedNativeBatchNorm) {
      const stats = (m: tf.Tensor1D, v: tf.Tensor1D) => this.#updateRunning(m, v);
      if (!(ghostBatch > 0) || x.shape[0] === ghostBatch) {
        return batchNormActNative(x as tf.Tensor4D, gamma, beta, this.cfg, stats);
      }
      return tf.tidy(() =>
        ghostBatchNormActNative(x as tf.Tensor4D, gamma, beta, ghostBatch, this.cfg, stats)
      );
    }
    if (training && ghostBatch > 0 && x.shape[0] !== ghostBatch) {
      return tf.tidy(() => {
        const ghost = ghostBatchNorm(x, gamma, beta, ghostBatch, this.cfg.epsilon, this.name);
        this.#updateRunning(ghost.mean, ghost.variance);
        return this.#activate(ghost.y);
      });
    }
    return tf.tidy(() => {
      if (!training) return this.#activate(tf.batchNorm(x, mean, variance, beta, gamma, this.cfg.epsilon));
      const moments = tf.moments(x, [...Array(x.rank - 1).keys()]);
      this.#updateRunning(moments.mean, moments.variance);
      return this.#activate(tf.batchNorm(x, moments.mean, moments.variance, beta, gamma, this.cfg.epsilon));
    });
  }

  /** running = (1 - momentum) * running + momentum * batch, for the mean and the variance. */
  #updateRunning(batchMean: tf.Tensor, batchVariance: tf.Tensor): void {
    const w = this.#weights!, m = this.cfg.momentum;
    tf.tidy(() => {
      const [mean, variance] = [w.movingMean.read(), w.movingVariance.read()];
      w.movingMean.write(tf.sub(mean, tf.mul(tf.sub(mean, batchMean), m)));
      w.movingVariance.write(tf.sub(variance, tf.mul(tf.sub(variance, batchVariance), m)));
    });
  }

  #activate(z: tf.Tensor): tf.Tensor {
    return activate(z, this.cfg.activation, this.cfg.celuAlpha);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}
