import { tf } from "../backend/tf.ts";
import { Blocks } from "./blocks.ts";
import { type ArchName, netSpec, specChannels } from "./spec.ts";
import { PATCH_DIM } from "./whitening.ts";

/** How to build the net: which spec (`arch`) and every model-side setting and trick. */
export interface DavidNetConfig {
  /** The net's spec in `NET_SPECS` (default DavidNet). */
  arch: ArchName;
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
   * between implementations without max pooling's ties (the gradient tests). Average replaces every max pool,
   * the global ones included.
   */
  pool: "max" | "avg";
  /** Max pool right after the conv: conv -> pool -> BN -> activation (Page's `conv_pool_block_pre`). */
  movePool: boolean;
  /**
   * Ghost batch norm: in training, BN statistics over consecutive groups of this many images (Page: 16 splits
   * of 512, i.e. 32); 0 = the whole batch. The batch must be a multiple of it. See `ghostBatchNorm`.
   */
  ghostBatch: number;
  /** BN scale (gamma) fixed at 1 and not trainable (Page's `BatchNorm(weight=False)`); beta still trains. */
  freezeBnScale: boolean;
  /**
   * Input whitening (Page's `whitening_block`): the prep block becomes a fixed 3x3 conv to 27 channels
   * (`prep_whiten`, not trainable, filters from `whiteningFilters`), then a 1x1 conv, BN and activation.
   */
  whiten: boolean;
}

/** Build options that are not hyperparameters of the net. */
export interface BuildOptions {
  /** Seed of the weight initialisation (default 0). */
  seed?: number;
  /**
   * The whitening conv's filters, HWIO [3, 3, 3, 27] (`whiteningFilters`); required when `whiten` is on,
   * unused otherwise.
   */
  whitening?: Float32Array | tf.Tensor4D;
}

/** The seed's DavidNet: full width, ReLU, PyTorch's BN defaults, logits x 0.125, no part-8 tricks. */
export const DAVIDNET_DEFAULTS: DavidNetConfig = {
  arch: "davidnet",
  width: 1,
  batchNorm: true,
  activation: "relu",
  celuAlpha: 0.075,
  bnMomentum: 0.1,
  bnEps: 1e-5,
  logitScale: 0.125,
  pool: "max",
  movePool: false,
  ghostBatch: 0,
  freezeBnScale: false,
  whiten: false,
};

/** Channels of the prep block and of every layer of `arch` at `width` (DavidNet: prep, layer1, 2, 3). */
export function channels(width: number, arch: ArchName = "davidnet"): number[] {
  return specChannels(netSpec(arch), width);
}

/** The whitening filters as a [3, 3, 3, 27] tensor, checked. */
function whiteningKernel(filters: Float32Array | tf.Tensor4D): tf.Tensor4D {
  const shape: [number, number, number, number] = [3, 3, 3, PATCH_DIM];
  if (filters instanceof Float32Array) {
    if (filters.length !== 3 * 3 * 3 * PATCH_DIM) {
      throw new Error(`whitening filters: ${filters.length} floats, need 3x3x3x${PATCH_DIM} = 729`);
    }
    return tf.tensor4d(filters, shape);
  }
  if (filters.shape.join() !== shape.join()) {
    throw new Error(`whitening filters of shape [${filters.shape}]: need [${shape}]`);
  }
  return filters.clone();
}

/**
 * Builds the net `cfg.arch` (default DavidNet) from its spec: the prep block (`prep_conv`, `prep_bn`; with
 * `whiten`, `prep_whiten` first), then each layer `layer<i>` (`_conv`, `_bn`, `_pool`, and `_extra_*` or
 * `_res1_*`, `_res2_*`, `_add`), the global pool `pool`, `linear` and `logits`. DavidNet: prep conv 64 -> layer1
 * conv 128 + maxpool 2 + residual (two conv 128) -> layer2 conv 256 + maxpool 2 -> layer3 conv 512 + maxpool 2
 * + residual (two conv 512) -> global max pool -> linear 10 (no bias) -> x logitScale. Every conv has no bias;
 * batch norm starts at weight 1 and bias 0, with the activation fused in (layer `<block>_bn`), or without batch
 * norm just the activation (`<block>_relu` or `<block>_celu`). `options.seed` seeds the weights;
 * `options.whitening` gives the whitening filters, required with `whiten`.
 */
export function buildDavidNet(
  partial: Partial<DavidNetConfig> = {},
  options: BuildOptions = {},
): tf.LayersModel {
  const cfg = { ...DAVIDNET_DEFAULTS, ...partial };
  const spec = netSpec(cfg.arch);
  if (cfg.whiten && !options.whitening) {
    throw new Error(
      "whiten is on but no whitening filters were given: pass options.whitening (whiteningFilters)",
    );
  }
  const [c0, ...cs] = channels(cfg.width, cfg.arch);
  const blocks = new Blocks(cfg, options.seed ?? 0);
  const input = tf.input({ shape: [32, 32, 3], name: "image" });
  let x = blocks.prep(input, c0);
  for (const [i, layer] of spec.layers.entries()) x = blocks.layer(x, layer, cs[i], `layer${i + 1}`);
  const model = tf.model({ inputs: input, outputs: blocks.head(x, spec.head), name: cfg.arch });
  if (cfg.whiten) {
    const kernel = whiteningKernel(options.whitening!);
    model.getLayer("prep_whiten").setWeights([kernel]);
    kernel.dispose();
  }
  return model;
}

/** The layer whose output is block `block`'s activation ("prep", "layer1", "layer1_res1", ...). */
export function activationLayerName(model: tf.LayersModel, block: string): string {
  const layer = model.layers.find((l) => [`${block}_bn`, `${block}_relu`, `${block}_celu`].includes(l.name));
  if (!layer) throw new Error(`the net has no block ${block}`);
  return layer.name;
}

/** Trainable parameters (conv and linear weights, BN weight and bias); DavidNet at full width: 6,573,120. */
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
