/** The blocks that `buildNet` assembles from a {@link NetSpec}, with their layer names. */
import { tf } from "../backend/tf.ts";
import { Rng } from "../random/mod.ts";
import { BatchNormAct } from "./batch_norm_act.ts";
import type { NetConfig } from "./net_config.ts";
import { Bias, Celu, Gelu, Scale } from "./layers.ts";
import type { HeadSpec, LayerSpec, PreactStageSpec } from "./spec.ts";
import { WHITENING_RECIPES, type WhiteningKind, whiteningWidth } from "./whitening.ts";

type Sym = tf.SymbolicTensor;

/** The fixed whitening conv (its kernel set by the builder, never trained). */
export const WHITEN_LAYER = "prep_whiten";
/**
 * The trained bias after the 2x2 whitening conv (airbench), weight `bias`: `prep_whiten_bias/bias`. airbench
 * trains it for the first epochs only (airbench94.py line 47 `whiten_bias_epochs`, line 410); setting the layer's
 * `trainable` to false freezes it.
 */
export const WHITEN_BIAS_LAYER = "prep_whiten_bias";

/**
 * PyTorch's default init for conv and linear weights, kaiming_uniform(a = sqrt(5)): U(-b, b) with
 * b = sqrt(1 / fan_in). (TF/Keras default to glorot-uniform instead; the seed stresses the difference.)
 */
function torchInit(seed: number): ReturnType<typeof tf.initializers.varianceScaling> {
  return tf.initializers.varianceScaling({ scale: 1 / 3, mode: "fanIn", distribution: "uniform", seed });
}

/**
 * Makes the layers of a net for one config. Every conv and linear weight draws its init seed from one
 * {@link Rng} in the order the blocks are made, so a seed gives the same weights for the same spec.
 */
export class Blocks {
  readonly #cfg: NetConfig;
  readonly #rng: Rng;

  /** Blocks for `cfg`, with weight inits seeded from `seed`. */
  constructor(cfg: NetConfig, seed: number) {
    this.#cfg = cfg;
    this.#rng = new Rng(seed, 0x1417);
  }

  /** `<name>_conv`: a conv without bias, PyTorch's init; "same" padding, or "valid" at stride 2. */
  conv(x: Sym, filters: number, name: string, kernelSize = 3, strides = 1): Sym {
    return tf.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding: strides === 1 ? "same" : "valid",
      useBias: false,
      kernelInitializer: torchInit(this.#rng.nextUint32()),
      name: `${name}_conv`,
    }).apply(x) as Sym;
  }

  /**
   * Batch norm with the activation fused in (`<name>_bn`: frozen scale and ghost batch as the config says), or
   * without batch norm just the activation ({@link act}).
   */
  normAct(x: Sym, name: string): Sym {
    const cfg = this.#cfg;
    if (!cfg.batchNorm) return this.act(x, name);
    return new BatchNormAct({
      momentum: cfg.bnMomentum,
      epsilon: cfg.bnEps,
      activation: cfg.activation,
      celuAlpha: cfg.celuAlpha,
      ghostBatch: cfg.ghostBatch,
      trainScale: !cfg.freezeBnScale,
      name: `${name}_bn`,
    }).apply(x) as Sym;
  }

  /** The config's activation alone, as layer `<name>_relu`, `<name>_celu` or `<name>_gelu`. */
  act(x: Sym, name: string): Sym {
    const { activation, celuAlpha } = this.#cfg, layerName = `${name}_${activation}`;
    const layer = activation === "celu"
      ? new Celu({ alpha: celuAlpha, name: layerName })
      : activation === "gelu"
      ? new Gelu({ name: layerName })
      : tf.layers.reLU({ name: layerName });
    return layer.apply(x) as Sym;
  }

  /** conv (3x3 unless said), then batch norm and activation. */
  convBn(x: Sym, filters: number, name: string, kernelSize = 3): Sym {
    return this.normAct(this.conv(x, filters, name, kernelSize), name);
  }

  /** A 2x2 stride-2 max pool (average with the config's `pool: "avg"`). */
  pool(x: Sym, name: string): Sym {
    const make = this.#cfg.pool === "max" ? tf.layers.maxPooling2d : tf.layers.averagePooling2d;
    return make({ poolSize: 2, strides: 2, name }).apply(x) as Sym;
  }

  /**
   * The prep block, by the config's `whiten`: "none", a 3x3 conv-bn-act (`prep_conv`, `prep_bn`) to `filters`, or
   * the conv alone when `normAct` is false (ResNet-18, whose first block starts with its own BN-act);
   * "3x3", Page's fixed whitening conv `prep_whiten` (3x3, 27 filters) then a 1x1 conv-bn-act to `filters`;
   * "2x2", airbench's fixed whitening conv `prep_whiten` (2x2 valid, 24 filters: 32 x 32 -> 31 x 31), its trained
   * bias {@link WHITEN_BIAS_LAYER} and the activation ({@link act}, `prep_gelu` for GELU), `filters` unused
   * (airbench94.py lines 220-221). The whitening conv is not trainable; the builder sets its weights.
   */
  prep(x: Sym, filters: number, normAct = true): Sym {
    const { whiten } = this.#cfg;
    if (whiten === "none") return normAct ? this.convBn(x, filters, "prep") : this.conv(x, filters, "prep");
    const white = this.#whitening(x, whiten);
    if (whiten === "3x3") return this.convBn(white, filters, "prep", 1);
    return this.act(new Bias({ name: WHITEN_BIAS_LAYER }).apply(white) as Sym, "prep");
  }

  /** The fixed whitening conv of `kind`, {@link WHITEN_LAYER}: no bias, zero until the builder sets it. */
  #whitening(x: Sym, kind: WhiteningKind): Sym {
    const { kernel, padding } = WHITENING_RECIPES[kind];
    return tf.layers.conv2d({
      filters: whiteningWidth(kind),
      kernelSize: kernel,
      padding,
      useBias: false,
      trainable: false,
      kernelInitializer: "zeros",
      name: WHITEN_LAYER,
    }).apply(x) as Sym;
  }

  /**
   * One layer `name` of the spec: its downsampling conv-bn-act (with pool: conv, bn-act, pool, or with
   * `movePool` conv, pool, bn-act, Page's `conv_pool_block_pre`; with stride: `<name>_pad` zero padding when
   * the kernel is 3, then a stride-2 conv), then its extra block.
   */
  layer(x: Sym, spec: LayerSpec, filters: number, name: string): Sym {
    let y: Sym;
    if (spec.downsample === "stride") {
      const padded = spec.kernel === 1
        ? x
        : tf.layers.zeroPadding2d({ padding: (spec.kernel - 1) / 2, name: `${name}_pad` }).apply(x) as Sym;
      y = this.normAct(this.conv(padded, filters, name, spec.kernel, 2), name);
    } else if (this.#cfg.movePool) {
      y = this.normAct(this.pool(this.conv(x, filters, name, spec.kernel), `${name}_pool`), name);
    } else {
      y = this.pool(this.convBn(x, filters, name, spec.kernel), `${name}_pool`);
    }
    if (spec.block === "extra") return this.convBn(y, filters, `${name}_extra`);
    if (spec.block === "residual") {
      const r = this.convBn(this.convBn(y, filters, `${name}_res1`), filters, `${name}_res2`);
      return tf.layers.add({ name: `${name}_add` }).apply([y, r]) as Sym;
    }
    return y;
  }

  /**
   * A stage of pre-activation residual blocks `name` (ResNet-18's layer, Page's `res_block` x `spec.blocks`): block
   * `<name>_block<b>` is `_in_bn` (BN-act of its input), `_branch1_conv` (3x3, at the stage's stride in the first
   * block, after `_pad`), `_branch1_bn`, `_branch2_conv` (3x3), and `_add` of that to the `_in_bn` output, or where
   * the stride or the channels change to `_shortcut_conv`, a 1x1 conv of it at the same stride.
   */
  preactStage(x: Sym, spec: PreactStageSpec, filters: number, name: string): Sym {
    let y = x;
    for (let b = 0; b < spec.blocks; b++) {
      const block = `${name}_block${b}`, stride = b === 0 ? spec.stride : 1;
      const entry = this.normAct(y, `${block}_in`);
      const padded = stride === 1
        ? entry
        : tf.layers.zeroPadding2d({ padding: 1, name: `${block}_pad` }).apply(entry) as Sym;
      const branch = this.conv(
        this.normAct(this.conv(padded, filters, `${block}_branch1`, 3, stride), `${block}_branch1`),
        filters,
        `${block}_branch2`,
      );
      const projection = stride !== 1 || y.shape[3] !== filters;
      const shortcut = projection ? this.conv(entry, filters, `${block}_shortcut`, 1, stride) : entry;
      y = tf.layers.add({ name: `${block}_add` }).apply([shortcut, branch]) as Sym;
    }
    return y;
  }

  /**
   * The head: global pool (`pool`; for max+avg, `pool_max` and `pool_avg` concatenated as `pool`), `linear` to
   * 10 classes (bias, if any, PyTorch's init U(+-1 / sqrt(fan in))), `logits` = linear x the logit scale.
   */
  head(x: Sym, spec: HeadSpec): Sym {
    const avg = this.#cfg.pool === "avg";
    const globalMax = avg ? tf.layers.globalAveragePooling2d : tf.layers.globalMaxPooling2d;
    let pooled: Sym;
    if (spec.pool === "max") {
      pooled = globalMax({ name: "pool" }).apply(x) as Sym;
    } else {
      const max = globalMax({ name: "pool_max" }).apply(x) as Sym;
      const mean = tf.layers.globalAveragePooling2d({ name: "pool_avg" }).apply(x) as Sym;
      pooled = tf.layers.concatenate({ name: "pool" }).apply([max, mean]) as Sym;
    }
    const kernelInitializer = torchInit(this.#rng.nextUint32());
    const bound = 1 / Math.sqrt(pooled.shape[1]!);
    const linear = tf.layers.dense({
      units: 10,
      useBias: spec.bias,
      kernelInitializer,
      biasInitializer: spec.bias
        ? tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.#rng.nextUint32() })
        : undefined,
      name: "linear",
    }).apply(pooled) as Sym;
    return new Scale({ scale: this.#cfg.logitScale, name: "logits" }).apply(linear) as Sym;
  }
}
