/**
 * References for checking the fast kernels: float64 loops for the filter gradient (tfjs's cpu kernel for it is a
 * naive loop through TensorBuffer, minutes at DavidNet's shapes), for batch norm with its activation (forward,
 * backward, running statistics, ghost groups) and for the SGD step, the relative error, and running a function on
 * the tfjs cpu backend with the float64 filter gradient (for whole-net gradients).
 */
import { tf } from "../backend/tf.ts";
import type { BnActivation } from "./batch_norm.ts";
import { KernelRuntime } from "./runtime.ts";

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

/** The settings of one batch norm with its activation, as the fused kernels take them. */
export interface BnReferenceConfig {
  activation: BnActivation;
  celuAlpha: number;
  epsilon: number;
  /** running = (1 - momentum) * running + momentum * batch. */
  momentum: number;
  /** Ghost groups: consecutive equal runs of rows with their own statistics (1: the whole batch). */
  groups: number;
}

/** What {@link batchNormActF64} computes. */
export interface BnReferenceResult {
  /** act(batchnorm(x)) with the batch (group) statistics. */
  y: Float64Array;
  /** Gradients of sum(y * dy) with respect to x, gamma and beta. */
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
  /** Running mean then running variance after `updates` updates from the batch (mean over the groups). */
  running: Float64Array;
  /** act(batchnorm(x)) with those running statistics (inference). */
  inference: Float64Array;
}

/**
 * Batch norm over the last axis (C channels, biased variance) followed by ReLU, CELU or nothing, in float64: the
 * training output and its gradients, `updates` updates of the running statistics (starting from mean 0 and variance
 * 1) and the inference output with them.
 */
export function batchNormActF64(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  cfg: BnReferenceConfig,
  updates: number,
): BnReferenceResult {
  const C = gamma.length, R = x.length / C, K = cfg.groups, Rg = R / K;
  const act = (z: number) =>
    cfg.activation === "relu"
      ? Math.max(z, 0)
      : cfg.activation === "celu"
      ? Math.max(z, 0) + Math.min(0, cfg.celuAlpha * (Math.exp(Math.min(z, 0) / cfg.celuAlpha) - 1))
      : z;
  const slope = (z: number) =>
    cfg.activation === "relu"
      ? (z > 0 ? 1 : 0)
      : cfg.activation === "celu" && z <= 0
      ? Math.exp(z / cfg.celuAlpha)
      : 1;
  const out = {
    y: new Float64Array(R * C),
    dx: new Float64Array(R * C),
    dgamma: new Float64Array(C),
    dbeta: new Float64Array(C),
  };
  const batchMean = new Float64Array(C), batchVar = new Float64Array(C);
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < C; c++) {
      let sum = 0, m2 = 0;
      for (let r = k * Rg; r < (k + 1) * Rg; r++) sum += x[r * C + c];
      const mean = sum / Rg;
      for (let r = k * Rg; r < (k + 1) * Rg; r++) m2 += (x[r * C + c] - mean) ** 2;
      const inv = 1 / Math.sqrt(m2 / Rg + cfg.epsilon);
      batchMean[c] += mean / K;
      batchVar[c] += m2 / Rg / K;
      let sg = 0, sgx = 0;
      const g = new Float64Array(Rg), xhat = new Float64Array(Rg);
      for (let r = k * Rg; r < (k + 1) * Rg; r++) {
        const i = r * C + c, j = r - k * Rg;
        xhat[j] = (x[i] - mean) * inv;
        const z = xhat[j] * gamma[c] + beta[c];
        out.y[i] = act(z);
        g[j] = dy[i] * slope(z);
        sg += g[j];
        sgx += g[j] * xhat[j];
      }
      for (let r = k * Rg; r < (k + 1) * Rg; r++) {
        const j = r - k * Rg;
        out.dx[r * C + c] = gamma[c] * inv * (g[j] - (sg + xhat[j] * sgx) / Rg);
      }
      out.dbeta[c] += sg;
      out.dgamma[c] += sgx;
    }
  }
  const running = new Float64Array(2 * C), inference = new Float64Array(R * C);
  for (let c = 0; c < C; c++) {
    let mean = 0, variance = 1;
    for (let u = 0; u < updates; u++) {
      mean -= (mean - batchMean[c]) * cfg.momentum;
      variance -= (variance - batchVar[c]) * cfg.momentum;
    }
    running[c] = mean;
    running[C + c] = variance;
    for (let r = 0; r < R; r++) {
      const i = r * C + c;
      inference[i] = act((x[i] - mean) / Math.sqrt(variance + cfg.epsilon) * gamma[c] + beta[c]);
    }
  }
  return { ...out, running, inference };
}

/** Hyperparameters of the SGD step (PyTorch's form). */
export interface SgdReferenceHyper {
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * Weights after SGD steps from `w0` with the gradients `grads[i]` at learning rates `lrs[i]`, in float64:
 * g = grad + wd * w; v = mu * v + g; w -= lr * (nesterov ? g + mu * v : v).
 */
export function sgdF64(
  w0: ArrayLike<number>,
  grads: ArrayLike<number>[],
  lrs: number[],
  h: SgdReferenceHyper,
): Float64Array {
  const w = Float64Array.from(w0), v = new Float64Array(w.length);
  for (const [step, g] of grads.entries()) {
    for (let j = 0; j < w.length; j++) {
      const d = g[j] + h.weightDecay * w[j];
      v[j] = h.momentum * v[j] + d;
      w[j] -= lrs[step] * (h.nesterov ? d + h.momentum * v[j] : v[j]);
    }
  }
  return w;
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

/** The loss, every trainable gradient and the starting weights of one training step (see {@link modelGradients}). */
export interface ModelGradients {
  names: string[];
  loss: number;
  grads: Float32Array[];
  initial: Float32Array[];
}

/**
 * The loss, every trainable gradient (in `model.trainableWeights` order) and the starting weights of one training
 * step of `model` on `x` with `kernels` (default: tfjs's stock ones); the weights are first set to `weights` when
 * given (to repeat a run on another backend). Disposes the model.
 */
export async function modelGradients(
  model: tf.LayersModel,
  x: tf.Tensor,
  loss: (logits: tf.Tensor2D) => tf.Scalar,
  weights?: Float32Array[],
  kernels: KernelRuntime = new KernelRuntime({ mode: "stock" }),
): Promise<ModelGradients> {
  try {
    if (weights) {
      const shapes = model.weights.map((w) => w.shape as number[]);
      const tensors = weights.map((w, i) => tf.tensor(w, shapes[i]));
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    const initial = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    kernels.activate();
    const { value, grads } = tf.variableGrads(
      () => loss(model.apply(x, { training: true, kernels }) as tf.Tensor2D),
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
