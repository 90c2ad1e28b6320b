import type { tf } from "../backend/tf.ts";

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
