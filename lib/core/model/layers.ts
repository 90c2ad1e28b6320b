import { tf } from "../backend/tf.ts";

/** A layer's base settings (name, trainable, ...), as tfjs passes them back when it loads a saved model. */
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/** The activations of the nets: ReLU (the seed's), CELU (Page's bag of tricks) and GELU (airbench). */
export type Activation = "relu" | "celu" | "gelu";

/** CELU(alpha)(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), the smooth ReLU of the bag of tricks. */
export function celu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.mul(tf.sub(tf.exp(tf.div(tf.minimum(x, 0), alpha)), 1), alpha)));
}

/**
 * The exact GELU, x Φ(x) = 0.5 x (1 + erf(x / sqrt 2)) (PyTorch's `nn.GELU()` default, airbench94.py lines 198
 * and 221), not the tanh approximation. tfjs's erf kernels differ from erf by at most 1.5e-7 (Abramowitz-Stegun
 * 7.1.26 on the cpu and webgpu backends); the gradient is autodiff's, with erf' exact.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

/** `activation` of `z` (celu with `celuAlpha`); "linear" returns `z` itself. */
export function activate(z: tf.Tensor, activation: Activation | "linear", celuAlpha: number): tf.Tensor {
  if (activation === "relu") return tf.relu(z);
  if (activation === "celu") return celu(z, celuAlpha);
  return activation === "gelu" ? gelu(z) : z;
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

/** The exact GELU activation as a layer (see {@link gelu}). */
export class Gelu extends tf.layers.Layer {
  /** Registered class name (for saving and loading). */
  static className = "DavidnetGelu";
  /** Builds the layer. */
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return gelu(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}

/**
 * Adds a trained bias per channel (the last axis), zero at the start: the bias of airbench's whitening conv, whose
 * kernel is fixed (airbench94.py lines 220 and 230: the conv's weight frozen, its bias, zeroed at line 186,
 * trained). Its one weight is named `bias`.
 */
export class Bias extends tf.layers.Layer {
  /** Registered class name (for saving and loading). */
  static className = "DavidnetBias";
  #bias?: tf.LayerVariable;
  /** Builds the layer (its weight is made when it first sees an input shape); `trainable: false` freezes it. */
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1]!;
    this.#bias = this.addWeight("bias", [c], "float32", tf.initializers.zeros(), undefined, true);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.add(Array.isArray(inputs) ? inputs[0] : inputs, this.#bias!.read());
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
