import { tf } from "../../core/backend/tf.ts";
import { activationLayerName } from "../../core/model/mod.ts";

/** Receptive field of one layer's output: its side in input pixels and the input-pixel step between outputs. */
export interface ReceptiveField {
  layer: string;
  size: number;
  jump: number;
}

/**
 * Receptive field after every layer of a conv net (3x3 convs, max pools; an `add` takes its widest input; a
 * global pool sees the whole input).
 */
export function receptiveFields(model: tf.LayersModel, inputSize = 32): ReceptiveField[] {
  const seen = new Map<string, { size: number; jump: number }>();
  const out: ReceptiveField[] = [];
  for (const layer of model.layers) {
    const inputs = (layer.inboundNodes[0]?.inboundLayers ?? []).map((l) => seen.get(l.name)!).filter(Boolean);
    let rf = inputs.length ? inputs.reduce((a, b) => (b.size > a.size ? b : a)) : { size: 1, jump: 1 };
    const cfg = layer.getConfig() as { kernelSize?: number[]; poolSize?: number[]; strides?: number[] };
    const kind = layer.getClassName();
    if (kind === "Conv2D" || kind === "MaxPooling2D") {
      const k = (cfg.kernelSize ?? cfg.poolSize ?? [1])[0], s = (cfg.strides ?? [1])[0];
      rf = { size: rf.size + (k - 1) * rf.jump, jump: rf.jump * s };
    } else if (kind.startsWith("Global")) {
      rf = { size: inputSize, jump: rf.jump };
    }
    seen.set(layer.name, rf);
    out.push({ layer: layer.name, ...rf, size: Math.min(rf.size, inputSize) });
  }
  return out;
}

/**
 * Mean of every channel of layer `name`'s output over a batch `x`, with BatchNorm in training mode (batch
 * statistics, as during training). Note this updates the BN running statistics, as a training step would.
 */
export async function channelMeans(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  name: string,
): Promise<Float32Array> {
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output as tf.SymbolicTensor });
  const means = tf.tidy(() => tf.mean(probe.apply(x, { training: true }) as tf.Tensor, [0, 1, 2]));
  try {
    return (await means.data()) as Float32Array;
  } finally {
    means.dispose();
  }
}

/** Per-channel mean and (biased) variance of one layer's output, over images and pixels. */
export interface ChannelMoments {
  layer: string;
  mean: Float32Array;
  variance: Float32Array;
}

/**
 * The layers to probe block by block in a net built by `buildNet`: for every block in order (prep, layer1,
 * layer1_extra, ...), its conv's output (`<block>_conv`, before BN and activation) and its activation's output
 * (`<block>_bn` with the activation fused in, or `<block>_relu`/`_celu`/`_gelu` without BN).
 */
export function blockLayers(model: tf.LayersModel): { block: string; conv: string; act: string }[] {
  const out: { block: string; conv: string; act: string }[] = [];
  for (const layer of model.layers) {
    const m = /^(.*)_conv$/.exec(layer.name);
    if (m) out.push({ block: m[1], conv: layer.name, act: activationLayerName(model, m[1]) });
  }
  return out;
}

/**
 * Per-channel mean and biased variance (over images and pixels) of the outputs of layers `names` of `model` on
 * the batch `x` (NHWC), in one forward pass with BatchNorm in training mode (batch statistics, as in training;
 * this updates BN's running statistics as a training step would). Outputs of rank 2 ([N, C]) are reduced over
 * images only. Frees every tensor it makes.
 */
export async function channelMoments(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  names: string[],
): Promise<ChannelMoments[]> {
  const probe = tf.model({
    inputs: model.inputs,
    outputs: names.map((n) => model.getLayer(n).output as tf.SymbolicTensor),
  });
  const moments = tf.tidy(() => {
    const outs = probe.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(outs) ? outs : [outs]).map((o) => {
      const axes = Array.from({ length: o.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(o, axes);
      return [mean, variance];
    });
  });
  try {
    const out: ChannelMoments[] = [];
    for (const [i, [mean, variance]] of moments.entries()) {
      out.push({
        layer: names[i],
        mean: (await mean.data()) as Float32Array,
        variance: (await variance.data()) as Float32Array,
      });
    }
    return out;
  } finally {
    tf.dispose(moments.flat());
  }
}

/**
 * Element-wise average of the same layers' moments over several nets (e.g. one per weight init): `runs[r][l]` is
 * run r's layer l. Averaging the per-channel means over initialisations is Page's "marginalise over the weights":
 * each init has large per-channel offsets, but they have mean zero over inits. All runs must list the same layers
 * with the same channel counts.
 */
export function averageMoments(runs: ChannelMoments[][]): ChannelMoments[] {
  if (runs.length === 0) throw new Error("averageMoments: no runs");
  return runs[0].map((first, l) => {
    const mean = new Float32Array(first.mean.length), variance = new Float32Array(first.variance.length);
    for (const run of runs) {
      const m = run[l];
      if (m.layer !== first.layer || m.mean.length !== mean.length) {
        throw new Error(
          `averageMoments: layer ${l} is ${m.layer} [${m.mean.length}], expected ${first.layer} [${mean.length}]`,
        );
      }
      for (let c = 0; c < mean.length; c++) {
        mean[c] += m.mean[c] / runs.length;
        variance[c] += m.variance[c] / runs.length;
      }
    }
    return { layer: first.layer, mean, variance };
  });
}

/**
 * One layer's channel statistics in a line (Page's law of total variance: pooled over channels, the variance of
 * the activations is the variance of the channel means plus the average variance within a channel).
 */
export interface MomentSummary {
  layer: string;
  channels: number;
  /** Average of the channel means. */
  meanOfMeans: number;
  /** Root mean square of the channel means: how far channels sit from zero. */
  rmsMean: number;
  /** Variance of the channel means about their average (the between-channel part). */
  betweenVariance: number;
  /** Average within-channel variance (the part that depends on the input image). */
  withinVariance: number;
  /** withinVariance / (withinVariance + betweenVariance): 1 when no channel has an offset of its own, 0 when every channel is constant. */
  withinFraction: number;
}

/** Summarises one layer's {@link ChannelMoments} (see {@link MomentSummary}); float64 sums. */
export function summarizeMoments(m: ChannelMoments): MomentSummary {
  const c = m.mean.length;
  let s = 0, s2 = 0, v = 0;
  for (let i = 0; i < c; i++) {
    s += m.mean[i];
    s2 += m.mean[i] * m.mean[i];
    v += m.variance[i];
  }
  const meanOfMeans = s / c, betweenVariance = Math.max(0, s2 / c - meanOfMeans * meanOfMeans);
  const withinVariance = v / c, total = withinVariance + betweenVariance;
  return {
    layer: m.layer,
    channels: c,
    meanOfMeans,
    rmsMean: Math.sqrt(s2 / c),
    betweenVariance,
    withinVariance,
    withinFraction: total > 0 ? withinVariance / total : NaN,
  };
}
