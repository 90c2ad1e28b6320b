import { tf } from "../../core/backend/mod.ts";
import { KERNEL_MODES, type KernelMode, KernelRuntime, resolveConvStrategy } from "../../core/kernels/mod.ts";
import { BatchNormAct, buildNet, convShapes } from "../../core/model/mod.ts";
import { Rng } from "../../core/random/mod.ts";
import { MomentumSgd } from "../../core/train/mod.ts";
import { medianTime, type TimingMethod } from "./device_timing.ts";

/** One kernel at one DavidNet shape, timed with tfjs's stock kernels and with davidnet's fast ones. */
export interface KernelComparison {
  kernel: string;
  /** The DavidNet layer(s) with this shape. */
  layers: string[];
  shape: string;
  stockMs: number;
  fastMs: number;
  /** stockMs / fastMs. */
  speedup: number;
  /**
   * ||stock - fast|| / ||fast|| of the outputs: large where the stock kernel is wrong (lavapipe's loop limit); null
   * where the outputs are not comparable.
   */
  stockError: number | null;
  method: TimingMethod;
  /** The fast convolutions' strategy (tiled or direct); absent for the other kernels. */
  strategy?: string;
}

function uniform(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed, 0xbe4c);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.next() - 1),
    shape,
  );
}

function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

/**
 * Times `make` (which returns one output to compare) with the kernels of each mode, activated before each call
 * (the running backend's; the fast convolutions under `auto`).
 */
async function compare(
  make: (kernels: KernelRuntime) => tf.Tensor,
  reps: number,
  wallOnly = false,
): Promise<{ stockMs: number; fastMs: number; stockError: number; method: TimingMethod }> {
  const run = async (mode: KernelMode) => {
    const kernels = new KernelRuntime({ mode });
    const once = () => {
      kernels.activate();
      return make(kernels);
    };
    const t = await medianTime(() => tf.tidy(() => void once()), reps, wallOnly);
    const out = once();
    const values = await out.data() as Float32Array;
    out.dispose();
    return { ...t, values };
  };
  const stock = await run("stock");
  const fast = await run("fast");
  return {
    stockMs: stock.ms,
    fastMs: fast.ms,
    stockError: relErr(stock.values, fast.values),
    method: fast.method,
  };
}

/** Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter at every distinct conv shape of DavidNet at `width`. */
export async function benchConvKernels(
  width: number,
  batch: number,
  reps: number,
): Promise<KernelComparison[]> {
  const model = buildNet({ width });
  const shapes = convShapes(model);
  model.dispose();
  const out: KernelComparison[] = [];
  for (const same of Map.groupBy(shapes, (s) => JSON.stringify([s.input, s.filter])).values()) {
    const { input, filter } = same[0];
    const x = uniform([batch, ...input], 1) as tf.Tensor4D, w = uniform(filter, 2) as tf.Tensor4D;
    const dy = uniform([batch, input[0], input[1], filter[3]], 3) as tf.Tensor4D;
    const attrs = {
      strides: [1, 1],
      pad: "same",
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
      filterShape: filter,
    };
    const products: [string, () => tf.Tensor][] = [
      ["Conv2D", () => tf.conv2d(x, w, 1, "same")],
      ["Conv2DBackpropInput", () => tf.conv2dTranspose(dy, w, x.shape, 1, "same")],
      [
        "Conv2DBackpropFilter",
        () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs as never) as tf.Tensor,
      ],
    ];
    try {
      for (const [kernel, make] of products) {
        const r = await compare(make, reps);
        out.push({
          kernel,
          layers: same.map((s) => s.layer),
          shape: `${batch}x${input.join("x")} -> ${filter[3]}`,
          ...r,
          speedup: r.stockMs / r.fastMs,
          strategy: resolveConvStrategy("auto"),
        });
      }
    } finally {
      tf.dispose([x, w, dy]);
    }
  }
  return out;
}

/** Batch norm + ReLU, forward and backward in training mode, at every distinct BN shape of DavidNet at `width`. */
export async function benchBatchNorm(
  width: number,
  batch: number,
  reps: number,
): Promise<KernelComparison[]> {
  const model = buildNet({ width });
  const shapes = convShapes(model).map((s) => ({
    layer: s.layer.replace(/_conv$/, "_bn"),
    shape: [batch, s.input[0], s.input[1], s.filter[3]],
  }));
  model.dispose();
  const out: KernelComparison[] = [];
  for (const [key, same] of Map.groupBy(shapes, (s) => s.shape.join("x"))) {
    const { shape } = same[0];
    const layer = new BatchNormAct({ momentum: 0.1, epsilon: 1e-5, activation: "relu", celuAlpha: 0.3 });
    const x = uniform(shape, 4), dy = uniform(shape, 5);
    layer.apply(tf.zeros([1, ...shape.slice(1)]), { training: false });
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = (kernels: KernelRuntime) => {
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x, { training: true, kernels }) as tf.Tensor, dy)),
        vars,
      );
      return grads[vars[0].name];
    };
    try {
      const r = await compare(step, reps);
      out.push({
        kernel: "BatchNorm+ReLU train fwd+bwd",
        layers: same.map((s) => s.layer),
        shape: key,
        ...r,
        speedup: r.stockMs / r.fastMs,
      });
    } finally {
      tf.dispose([x, dy]);
      layer.dispose();
    }
  }
  return out;
}

/** One SGD step (Nesterov, weight decay) over all of DavidNet's parameters at `width`. */
export async function benchSgd(width: number, reps: number): Promise<KernelComparison> {
  const model = buildNet({ width });
  const params = model.trainableWeights.map((w) => ({
    name: w.originalName,
    variable: w.read() as tf.Variable,
  }));
  const grads = Object.fromEntries(
    params.map((p, i) => [p.variable.name, uniform(p.variable.shape, 10 + i)]),
  );
  const groups = [{ name: "all", lrScale: 1, wdScale: 1, params }];
  const settings = { momentum: 0.9, weightDecay: 5e-4, nesterov: true };
  const sgd = Object.fromEntries(
    KERNEL_MODES.map((mode) => [mode, new MomentumSgd(groups, settings, new KernelRuntime({ mode }))]),
  ) as Record<KernelMode, MomentumSgd>;
  try {
    // The fused update writes the weights in place with its own dispatches, which tf.time cannot see: wall clock.
    const r = await compare(
      (kernels) => {
        sgd[kernels.mode].step(grads, 1e-3);
        return tf.clone(params[0].variable);
      },
      reps,
      true,
    );
    return {
      kernel: "SGD step, all parameters",
      layers: ["all"],
      shape: `${params.length} tensors`,
      ...r,
      stockError: null,
      speedup: r.stockMs / r.fastMs,
    };
  } finally {
    for (const s of Object.values(sgd)) s.dispose();
    tf.dispose(Object.values(grads));
    model.dispose();
  }
}
