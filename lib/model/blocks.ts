/** The blocks that `buildDavidNet` assembles from a {@link NetSpec}, with their layer names. */
import { tf } from "../backend/tf.ts";
import { Rng } from "../random/mod.ts";
import { BatchNormAct } from "./batch_norm_act.ts";
import type { DavidNetConfig } from "./davidnet.ts";
import { Celu, Scale } from "./layers.ts";
import type { HeadSpec, LayerSpec } from "./spec.ts";
import { PATCH_DIM } from "./whitening.ts";

type Sym = tf.SymbolicTensor;

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
  readonly #cfg: DavidNetConfig;
  readonly #rng: Rng;

  /** Blocks for `cfg`, with weight inits seeded from `seed`. */
  constructor(cfg: DavidNetConfig, seed: number) {
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
   * without batch norm just the activation (`<name>_relu`, `<name>_celu`).
   */
  normAct(x: Sym, name: string): Sym {
    const cfg = this.#cfg;
    if (cfg.batchNorm) {
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
    const act = cfg.activation === "celu"
      ? new Celu({ alpha: cfg.celuAlpha, name: `${name}_celu` })
      : tf.layers.reLU({ name: `${name}_relu` });
    return act.apply(x) as Sym;
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
   * The prep block: a 3x3 conv-bn-act (`prep_conv`, `prep_bn`), or with `whiten` the fixed whitening conv
   * `prep_whiten` (3x3, 27 filters, not trainable; the caller sets its weights) then a 1x1 conv-bn-act.
   */
  prep(x: Sym, filters: number): Sym {
    if (!this.#cfg.whiten) return this.convBn(x, filters, "prep");
    const white = tf.layers.conv2d({
      filters: PATCH_DIM,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      trainable: false,
      kernelInitializer: "zeros",
      name: "prep_whiten",
    }).apply(x) as Sym;
    return this.convBn(white, filters, "prep", 1);
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
