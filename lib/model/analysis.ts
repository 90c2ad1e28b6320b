import { tf } from "../backend/mod.ts";

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

/** One convolution of a model: its name, input [H, W, C] and filter [KH, KW, CI, CO] shapes. */
export interface ConvShape {
  layer: string;
  input: [number, number, number];
  filter: [number, number, number, number];
}

/** Every Conv2D layer of `model` with its input and filter shapes (the shapes the conv kernels must handle). */
export function convShapes(model: tf.LayersModel): ConvShape[] {
  return model.layers.filter((l) => l.getClassName() === "Conv2D").map((l) => ({
    layer: l.name,
    input: (l.input as tf.SymbolicTensor).shape.slice(1) as [number, number, number],
    filter: l.getWeights()[0].shape as [number, number, number, number],
  }));
}
