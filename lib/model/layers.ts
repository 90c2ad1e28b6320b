import { tf } from "../backend/tf.ts";

/** CELU(alpha)(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), the smooth ReLU of the bag of tricks. */
export function celu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.mul(tf.sub(tf.exp(tf.div(tf.minimum(x, 0), alpha)), 1), alpha)));
}

/** The CELU activation as a layer. */
export class Celu extends tf.layers.Layer {
  /** Registered class name (for saving and loading). */
  static className = "DavidnetCelu";
  readonly alpha: number;
  /** Builds the layer with its `alpha` (default 1). */
  constructor(args: { alpha?: number; name?: string } = {}) {
    super({ name: args.name });
    this.alpha = args.alpha ?? 1;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return celu(Array.isArray(inputs) ? inputs[0] : inputs, this.alpha);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/** Multiplies its input by a constant (DavidNet's logits x 0.125). */
export class Scale extends tf.layers.Layer {
  /** Registered class name (for saving and loading). */
  static className = "DavidnetScale";
  readonly scale: number;
  /** Builds the layer with its constant `scale`. */
  constructor(args: { scale: number; name?: string }) {
    super({ name: args.name });
    this.scale = args.scale;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.mul(x, this.scale);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(Celu);
tf.serialization.registerClass(Scale);
