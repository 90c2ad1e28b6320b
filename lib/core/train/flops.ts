import type { tf } from "../backend/tf.ts";

/**
 * Floating-point operations of one image's forward pass through `model`: 2 x the multiply-adds of every
 * convolution and dense layer (batch norm, activations and pooling are a rounding error next to them).
 * DavidNet: 0.76 GFLOP, so 24 epochs of 50,000 images at 3x forward are ~2.7 PFLOP, as Page's series counts.
 */
export function forwardFlops(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    const inShape = layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape;
    const outShape = layer.outputShape as number[];
    if (kind === "Conv2D") {
      const [kh, kw] = layer.getConfig().kernelSize as number[];
      const cin = inShape[inShape.length - 1]!, [, h, w, cout] = outShape;
      flops += 2 * h * w * kh * kw * cin * cout;
    } else if (kind === "Dense") {
      flops += 2 * inShape[inShape.length - 1]! * outShape[outShape.length - 1];
    }
  }
  return flops;
}

/**
 * Floating-point operations of a training run: 3 x the forward pass (forward, then the backward products for
 * the inputs and the weights) for every image of every step.
 */
export function trainingFlops(model: tf.LayersModel, images: number): number {
  return 3 * forwardFlops(model) * images;
}
