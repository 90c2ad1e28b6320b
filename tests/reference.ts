/**
 * References for the kernel and gradient tests: a float64 filter gradient (tfjs's cpu kernel for it is a naive
 * loop through TensorBuffer, minutes at DavidNet's shapes), the relative error, and running a function on the
 * tfjs cpu backend with inputs read back from the device.
 */
import { tf } from "../lib/backend/mod.ts";

/** ||a - b|| / ||b|| over all elements (float64 accumulation). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

/** NHWC geometry of a 2-D convolution with dilation 1. */
export interface ConvGeometry {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: number;
  pad: "same" | "valid";
}

/** dw[r, s, ci, co] = sum over n, oy, ox of x[n, oy*stride + r - pt, ox*stride + s - pl, ci] dy[n, oy, ox, co], in float64. */
export function conv2dBackpropFilterF64(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  g: ConvGeometry,
): Float64Array {
  const info = tf.backend_util.computeConv2DInfo(g.xShape, g.filterShape, g.strides, 1, g.pad);
  const {
    batchSize: N,
    inHeight: H,
    inWidth: W,
    inChannels: CI,
    outHeight: OH,
    outWidth: OW,
    outChannels: CO,
  } = info;
  const [KH, KW] = [info.filterHeight, info.filterWidth];
  const dw = new Float64Array(KH * KW * CI * CO);
  const row = new Float64Array(CO);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const d0 = ((n * OH + oy) * OW + ox) * CO;
        for (let co = 0; co < CO; co++) row[co] = dy[d0 + co];
        for (let r = 0; r < KH; r++) {
          const iy = oy * info.strideHeight + r - info.padInfo.top;
          if (iy < 0 || iy >= H) continue;
          for (let s = 0; s < KW; s++) {
            const ix = ox * info.strideWidth + s - info.padInfo.left;
            if (ix < 0 || ix >= W) continue;
            const x0 = ((n * H + iy) * W + ix) * CI, w0 = (r * KW + s) * CI * CO;
            for (let ci = 0; ci < CI; ci++) {
              const xv = x[x0 + ci], o = w0 + ci * CO;
              for (let co = 0; co < CO; co++) dw[o + co] += xv * row[co];
            }
          }
        }
      }
    }
  }
  return dw;
}

/**
 * Runs `f` on the tfjs cpu backend, with the cpu's Conv2DBackpropFilter replaced by {@link conv2dBackpropFilterF64}
 * (rounded to float32) for the duration, then switches back to the backend it was called on.
 */
export async function onCpuWithReferenceFilterGrad<T>(f: () => Promise<T>): Promise<T> {
  const stock = tf.getKernel("Conv2DBackpropFilter", "cpu")!;
  tf.unregisterKernel("Conv2DBackpropFilter", "cpu");
  tf.registerKernel({
    ...stock,
    kernelFunc: ((
      { inputs, backend, attrs }: {
        inputs: Record<string, tf.TensorInfo>;
        backend: tf.KernelBackend;
        attrs: Record<string, unknown>;
      },
    ) => {
      const { x, dy } = inputs;
      if (attrs.dataFormat !== "NHWC" || attrs.dimRoundingMode !== undefined) {
        throw new Error("reference: NHWC only");
      }
      const read = (t: tf.TensorInfo) => backend.readSync(t.dataId) as Float32Array;
      const strides = attrs.strides as [number, number];
      if (strides[0] !== strides[1]) throw new Error("reference: square strides only");
      const dw = conv2dBackpropFilterF64(read(x), read(dy), {
        xShape: x.shape as ConvGeometry["xShape"],
        filterShape: attrs.filterShape as ConvGeometry["filterShape"],
        strides: strides[0],
        pad: attrs.pad as "same",
      });
      return (backend as unknown as {
        makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo;
      })
        .makeTensorInfo(attrs.filterShape as number[], "float32", Float32Array.from(dw));
    }) as unknown as tf.KernelFunc,
  });
  const previous = tf.getBackend();
  try {
    await tf.setBackend("cpu");
    return await f();
  } finally {
    tf.unregisterKernel("Conv2DBackpropFilter", "cpu");
    tf.registerKernel(stock);
    await tf.setBackend(previous);
  }
}

/**
 * The loss, every trainable gradient (in `model.trainableWeights` order) and the starting weights of one training
 * step of `model` on `x`; the weights are first set to `weights` when given (to repeat a run on another backend).
 * Disposes the model.
 */
export async function modelGradients(
  model: tf.LayersModel,
  x: tf.Tensor,
  loss: (logits: tf.Tensor2D) => tf.Scalar,
  weights?: Float32Array[],
) {
  try {
    if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
    const initial = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => loss(model.apply(x, { training: true }) as tf.Tensor2D),
      vars,
    );
    const out = {
      names: model.trainableWeights.map((w) => w.originalName),
      loss: (await value.data())[0],
      grads: await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>)),
      initial,
    };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    model.dispose();
  }
}
