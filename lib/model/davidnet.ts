import { tf } from "../backend/mod.ts";
import { Rng } from "../random/mod.ts";
import { BatchNormAct } from "./batch_norm_act.ts";
import { Celu, Scale } from "./layers.ts";

/** How to build DavidNet. */
export interface DavidNetConfig {
  /** Channel multiplier: 1 gives 64-128-256-512 channels; 1/16 gives 4-8-16-32 (tests, CPU runs). */
  width: number;
  /** BatchNorm after every conv (the seed's net); false leaves conv -> activation, for the BN analysis. */
  batchNorm: boolean;
  /** ReLU (the seed's net) or CELU. */
  activation: "relu" | "celu";
  /** CELU's alpha. */
  celuAlpha: number;
  /** BatchNorm momentum in PyTorch's convention: running = (1 - m) * running + m * batch. */
  bnMomentum: number;
  /** BatchNorm epsilon. */
  bnEps: number;
  /** Multiplier of the logits. */
  logitScale: number;
  /**
   * Pooling: max (the seed's), or average, which with CELU makes the net smooth, so that gradients can be compared
   * between implementations without max pooling's ties (the gradient tests).
   */
  pool: "max" | "avg";
  /** Seed of the weight initialisation. */
  seed: number;
}

/** The seed's DavidNet: full width, ReLU, PyTorch's BN defaults, logits x 0.125. */
export const DAVIDNET_DEFAULTS: DavidNetConfig = {
  width: 1,
  batchNorm: true,
  activation: "relu",
  celuAlpha: 0.075,
  bnMomentum: 0.1,
  bnEps: 1e-5,
  logitScale: 0.125,
  pool: "max",
  seed: 0,
};

/** Channels of prep, layer1, layer2, layer3 at `width`. */
export function channels(width: number): [number, number, number, number] {
  const c = (n: number) => Math.max(1, Math.round(n * width));
  return [c(64), c(128), c(256), c(512)];
}

/**
 * PyTorch's default init for conv and linear weights, kaiming_uniform(a = sqrt(5)): U(-b, b) with
 * b = sqrt(1 / fan_in). (TF/Keras default to glorot-uniform instead; the seed stresses the difference.)
 */
function torchInit(seed: number): ReturnType<typeof tf.initializers.varianceScaling> {
  return tf.initializers.varianceScaling({ scale: 1 / 3, mode: "fanIn", distribution: "uniform", seed });
}

/**
 * Builds DavidNet: prep conv 64 -> layer1 conv 128 + maxpool 2 + residual (two conv 128) -> layer2 conv 256 +
 * maxpool 2 -> layer3 conv 512 + maxpool 2 + residual (two conv 512) -> global max pool -> linear 10 (no bias)
 * -> x logitScale. Every conv is 3x3, no bias, then batch norm (weight 1, bias 0) with the activation fused in
 * (layer `<block>_bn`), or without batch norm just the activation (`<block>_relu` or `<block>_celu`).
 */
export function buildDavidNet(partial: Partial<DavidNetConfig> = {}): tf.LayersModel {
  const cfg = { ...DAVIDNET_DEFAULTS, ...partial };
  const [c0, c1, c2, c3] = channels(cfg.width);
  const rng = new Rng(cfg.seed, 0x1417);
  const convBn = (x: tf.SymbolicTensor, filters: number, name: string): tf.SymbolicTensor => {
    const y = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      kernelInitializer: torchInit(rng.nextUint32()),
      name: `${name}_conv`,
    }).apply(x) as tf.SymbolicTensor;
    if (cfg.batchNorm) {
      return new BatchNormAct({
        momentum: cfg.bnMomentum,
        epsilon: cfg.bnEps,
        activation: cfg.activation,
        celuAlpha: cfg.celuAlpha,
        name: `${name}_bn`,
      }).apply(y) as tf.SymbolicTensor;
    }
    const act = cfg.activation === "celu"
      ? new Celu({ alpha: cfg.celuAlpha, name: `${name}_celu` })
      : tf.layers.reLU({ name: `${name}_relu` });
    return act.apply(y) as tf.SymbolicTensor;
  };
  const pool = (x: tf.SymbolicTensor, name: string) =>
    (cfg.pool === "max" ? tf.layers.maxPooling2d : tf.layers.averagePooling2d)({
      poolSize: 2,
      strides: 2,
      name,
    })
      .apply(x) as tf.SymbolicTensor;
  const residual = (x: tf.SymbolicTensor, filters: number, name: string) => {
    const r = convBn(convBn(x, filters, `${name}_res1`), filters, `${name}_res2`);
    return tf.layers.add({ name: `${name}_add` }).apply([x, r]) as tf.SymbolicTensor;
  };

  const input = tf.input({ shape: [32, 32, 3], name: "image" });
  let x = convBn(input, c0, "prep");
  x = residual(pool(convBn(x, c1, "layer1"), "layer1_pool"), c1, "layer1");
  x = pool(convBn(x, c2, "layer2"), "layer2_pool");
  x = residual(pool(convBn(x, c3, "layer3"), "layer3_pool"), c3, "layer3");
  const globalPool = cfg.pool === "max" ? tf.layers.globalMaxPooling2d : tf.layers.globalAveragePooling2d;
  x = globalPool({ name: "pool" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({
    units: 10,
    useBias: false,
    kernelInitializer: torchInit(rng.nextUint32()),
    name: "linear",
  })
    .apply(x) as tf.SymbolicTensor;
  const logits = new Scale({ scale: cfg.logitScale, name: "logits" }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: "davidnet" });
}

/** The layer whose output is block `block`'s activation ("prep", "layer1", "layer1_res1", ...). */
export function activationLayerName(model: tf.LayersModel, block: string): string {
  const layer = model.layers.find((l) => [`${block}_bn`, `${block}_relu`, `${block}_celu`].includes(l.name));
  if (!layer) throw new Error(`DavidNet has no block ${block}`);
  return layer.name;
}

/** Trainable parameters (conv and linear weights, BN weight and bias); full width: 6,573,120. */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/** One row of the layer table: name, kind, output shape, parameters. */
export interface LayerRow {
  layer: string;
  kind: string;
  output: string;
  params: number;
}

/** The layer table of `model` (what `deno task train` prints). */
export function layerTable(model: tf.LayersModel): LayerRow[] {
  return model.layers.map((l) => ({
    layer: l.name,
    kind: l.getClassName(),
    output: JSON.stringify(l.outputShape).replaceAll("null", "N"),
    params: l.countParams(),
  }));
}
