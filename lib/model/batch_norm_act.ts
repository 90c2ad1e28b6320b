import { tf } from "../backend/mod.ts";
import { batchNormActApply, batchNormActTraining, type BnActivation, fusedOnWebGpu } from "../kernels/mod.ts";
import { celu } from "./layers.ts";

/** Settings of {@link BatchNormAct}. */
export interface BatchNormActArgs {
  /** Running statistics: running = (1 - momentum) * running + momentum * batch (PyTorch's convention). */
  momentum: number;
  epsilon: number;
  activation: BnActivation;
  celuAlpha: number;
  name?: string;
}

/**
 * Batch norm over the last axis followed by its activation, as one layer: in training, batch statistics (biased
 * variance, as tfjs's BatchNormalization) and an update of the running mean and variance; in inference, the
 * running statistics. Weights gamma, beta (trainable), moving_mean and moving_variance, as tfjs names them. With
 * `fast` kernels on WebGPU it runs the fused kernels of `lib/kernels`; otherwise tfjs's ops.
 */
export class BatchNormAct extends tf.layers.Layer {
  /** Registered class name (for saving and loading). */
  static className = "DavidnetBatchNormAct";
  readonly cfg: Omit<BatchNormActArgs, "name">;
  #weights?: Record<"gamma" | "beta" | "movingMean" | "movingVariance", tf.LayerVariable>;

  /** Builds the layer (its weights are made when it first sees an input shape). */
  constructor(args: BatchNormActArgs) {
    super({ name: args.name });
    this.cfg = {
      momentum: args.momentum,
      epsilon: args.epsilon,
      activation: args.activation,
      celuAlpha: args.celuAlpha,
    };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = [shape[shape.length - 1]!];
    const weight = (name: string, init: tf.serialization.Serializable, trainable: boolean) =>
      this.addWeight(name, c, "float32", init as never, undefined, trainable);
    this.#weights = {
      gamma: weight("gamma", tf.initializers.ones(), true),
      beta: weight("beta", tf.initializers.zeros(), true),
      movingMean: weight("moving_mean", tf.initializers.zeros(), false),
      movingVariance: weight("moving_variance", tf.initializers.ones(), false),
    };
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const w = this.#weights!;
    const [gamma, beta] = [w.gamma.read(), w.beta.read()] as tf.Tensor1D[];
    const [mean, variance] = [w.movingMean.read(), w.movingVariance.read()] as tf.Variable[];
    const training = kwargs.training ?? false;
    if (fusedOnWebGpu()) {
      if (training) return batchNormActTraining(x, gamma, beta, mean, variance, this.cfg);
      return tf.tidy(() =>
        batchNormActApply(x, tf.stack([mean, variance]) as tf.Tensor2D, gamma, beta, this.cfg)
      );
    }
    return tf.tidy(() => {
      if (!training) return this.#activate(tf.batchNorm(x, mean, variance, beta, gamma, this.cfg.epsilon));
      const moments = tf.moments(x, [...Array(x.rank - 1).keys()]);
      const m = this.cfg.momentum;
      w.movingMean.write(tf.sub(mean, tf.mul(tf.sub(mean, moments.mean), m)));
      w.movingVariance.write(tf.sub(variance, tf.mul(tf.sub(variance, moments.variance), m)));
      return this.#activate(tf.batchNorm(x, moments.mean, moments.variance, beta, gamma, this.cfg.epsilon));
    });
  }

  #activate(z: tf.Tensor): tf.Tensor {
    const a = this.cfg.activation;
    return a === "relu" ? tf.relu(z) : a === "celu" ? celu(z, this.cfg.celuAlpha) : z;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg };
  }
}

tf.serialization.registerClass(BatchNormAct);
