import { tf } from "../backend/tf.ts";
import { Blocks, WHITEN_LAYER } from "./blocks.ts";
import { applyDirac } from "./dirac.ts";
import { DAVIDNET_DEFAULTS, type NetConfig } from "./net_config.ts";
import { type ArchName, isPreactStage, netSpec, specChannels } from "./spec.ts";
import { WHITEN_CHOICES, type WhiteningKind, whiteningShape } from "./whitening.ts";

/** Build options that are not hyperparameters of the net. */
export interface BuildOptions {
  /** Seed of the weight initialisation (default 0). */
  seed?: number;
  /**
   * The whitening conv's filters (`whiteningFiltersFor`), HWIO [3, 3, 3, 27] for `whiten` "3x3" or [2, 2, 3, 24]
   * for "2x2"; required when the net whitens, unused otherwise.
   */
  whitening?: Float32Array | tf.Tensor4D;
}

/**
 * airbench94's net (KellerJordan/cifar10-airbench legacy/airbench94.py `make_net`): the 2x2 whitening conv with a
 * trained bias and GELU, then three ConvGroups (conv -> max pool -> BN -> GELU -> conv -> BN -> GELU) of 64, 256
 * and 256 channels, a global max pool, linear without bias, logits x 1/9. 1,971,352 trainable parameters.
 */
export const AIRBENCH94_NET: NetConfig = {
  ...DAVIDNET_DEFAULTS,
  arch: "airbench", // lines 54-58 widths 64, 256, 256; lines 190-208 ConvGroup; lines 225-227 MaxPool2d(3), Linear
  activation: "gelu", // lines 198 and 221: nn.GELU()
  bnMomentum: 0.4, // line 59 batchnorm_momentum 0.6, line 174: momentum=1-momentum (PyTorch's convention)
  bnEps: 1e-12, // line 172: eps=1e-12
  logitScale: 1 / 9, // line 60 scaling_factor, line 228 Mul
  movePool: true, // lines 201-204: conv1 -> pool -> norm1 -> activ
  freezeBnScale: true, // lines 173 and 175: weight=False, requires_grad = weight
  whiten: "2x2", // lines 217-221 and 230: fixed 2x2 conv to 24 channels with a bias, GELU
  diracInit: true, // lines 183-188: dirac_(w[:w.size(1)]) after the default init
};

/** Channels of the prep block and of every layer of `arch` at `width` (DavidNet: prep, layer1, 2, 3). */
export function channels(width: number, arch: ArchName = "davidnet"): number[] {
  return specChannels(netSpec(arch), width);
}

/** The whitening filters of `kind` as a tensor of {@link whiteningShape}, checked. */
function whiteningKernel(filters: Float32Array | tf.Tensor4D, kind: WhiteningKind): tf.Tensor4D {
  const shape = whiteningShape(kind), size = shape.reduce((a, b) => a * b, 1);
  if (filters instanceof Float32Array) {
    if (filters.length !== size) {
      throw new Error(
        `${kind} whitening filters: ${filters.length} floats, need ${shape.join("x")} = ${size}`,
      );
    }
    return tf.tensor4d(filters, shape);
  }
  if (filters.shape.join() !== shape.join()) {
    throw new Error(`${kind} whitening filters of shape [${filters.shape}]: need [${shape}]`);
  }
  return filters.clone();
}

/**
 * Builds the net `cfg.arch` (default DavidNet) from its spec: the prep block (`prep_conv`, `prep_bn`; with
 * `whiten` "3x3", `prep_whiten` first; with "2x2", `prep_whiten`, `prep_whiten_bias` and the activation instead),
 * then each layer `layer<i>` (`_conv`, `_bn`, `_pool`, and `_extra_*` or `_res1_*`, `_res2_*`, `_add`), the global
 * pool `pool`, `linear` and `logits`. DavidNet: prep conv 64 -> layer1 conv 128 + maxpool 2 + residual (two conv
 * 128) -> layer2 conv 256 + maxpool 2 -> layer3 conv 512 + maxpool 2 + residual (two conv 512) -> global max pool
 * -> linear 10 (no bias) -> x logitScale. Every conv has no bias; batch norm starts at weight 1 and bias 0, with
 * the activation fused in (layer `<block>_bn`), or without batch norm just the activation (`<block>_relu`,
 * `<block>_celu` or `<block>_gelu`). With `diracInit` every trainable conv is then Dirac-initialised; with
 * `headUnitStd` the head's weights are rescaled to unit standard deviation.
 * `options.seed` seeds the weights; `options.whitening` gives the whitening filters, required when whitening.
 */
export function buildNet(
  partial: Partial<NetConfig> = {},
  options: BuildOptions = {},
): tf.LayersModel {
  const cfg = { ...DAVIDNET_DEFAULTS, ...partial };
  const spec = netSpec(cfg.arch);
  if (!WHITEN_CHOICES.includes(cfg.whiten)) {
    throw new Error(`whiten ${JSON.stringify(cfg.whiten)}: pick one of ${WHITEN_CHOICES.join(", ")}`);
  }
  if (cfg.whiten !== "none" && !options.whitening) {
    throw new Error(
      `whiten is ${cfg.whiten} but no whitening filters were given: pass options.whitening (whiteningFiltersFor)`,
    );
  }
  // Checked before any layer is made, so that bad filters leave nothing behind.
  const kernel = cfg.whiten === "none" ? undefined : whiteningKernel(options.whitening!, cfg.whiten);
  try {
    const [c0, ...cs] = channels(cfg.width, cfg.arch);
    const blocks = new Blocks(cfg, options.seed ?? 0);
    const input = tf.input({ shape: [32, 32, 3], name: "image" });
    let x = blocks.prep(input, c0, spec.prepNormAct);
    for (const [i, stage] of spec.layers.entries()) {
      const name = `layer${i + 1}`;
      x = isPreactStage(stage)
        ? blocks.preactStage(x, stage, cs[i], name)
        : blocks.layer(x, stage, cs[i], name);
    }
    const model = tf.model({ inputs: input, outputs: blocks.head(x, spec.head), name: cfg.arch });
    if (kernel) model.getLayer(WHITEN_LAYER).setWeights([kernel]);
    if (cfg.diracInit) applyDirac(model);
    if (cfg.headUnitStd) scaleToUnitStd(model.getLayer("linear"));
    return model;
  } finally {
    kernel?.dispose();
  }
}

/** Rescales a layer's kernel to unit sample standard deviation (its bias, if any, is left alone). */
function scaleToUnitStd(layer: tf.layers.Layer): void {
  const [kernel, ...rest] = layer.getWeights();
  const scaled = tf.tidy(() => {
    const n = kernel.size, mean = tf.mean(kernel);
    const std = tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(kernel, mean))), n - 1));
    return tf.div(kernel, std);
  });
  layer.setWeights([scaled, ...rest]);
  scaled.dispose();
}

/**
 * A model config read back from a saved run (`config.json`, a model's metadata): a boolean `whiten`, as runs
 * saved it before the 2x2 whitening, becomes "3x3" (true) or "none" (false), and settings missing from it take
 * {@link DAVIDNET_DEFAULTS} (the ones added since, such as `diracInit`, were off).
 */
export function savedModelConfig(saved: Record<string, unknown>): NetConfig {
  const whiten = saved.whiten === true ? "3x3" : saved.whiten === false ? "none" : saved.whiten;
  return { ...DAVIDNET_DEFAULTS, ...saved, whiten: whiten ?? DAVIDNET_DEFAULTS.whiten } as NetConfig;
}

/** The layer whose output is block `block`'s activation ("prep", "layer1", "layer1_res1", ...). */
export function activationLayerName(model: tf.LayersModel, block: string): string {
  const names = ["bn", "relu", "celu", "gelu"].map((suffix) => `${block}_${suffix}`);
  const layer = model.layers.find((l) => names.includes(l.name));
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
