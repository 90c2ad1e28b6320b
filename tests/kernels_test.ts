/**
 * The fast WebGPU kernels against references at every DavidNet layer shape: full width at batch 8, 1/16 width at
 * batch 128 and 512. Convolutions (both strategies, tiled and direct) against tfjs's cpu backend (forward, input
 * gradient) and a float64 loop (filter gradient); the fused batch norm against tfjs's ops on the cpu backend; the
 * fused SGD step against PyTorch's formula. Relative error ||a - b|| / ||b|| <= 1e-4 everywhere.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/backend/mod.ts";
import {
  bnLoopIterations,
  CONV_STRATEGIES,
  convInfo,
  type ConvProduct,
  kernelMode,
  planConv,
  useConvStrategy,
  useKernels,
} from "../lib/kernels/mod.ts";

import { BatchNormAct, buildDavidNet, convShapes } from "../lib/model/mod.ts";
import { Rng } from "../lib/random/mod.ts";
import { NesterovSgd } from "../lib/train/mod.ts";
import { conv2dBackpropFilterF64, relativeError } from "./reference.ts";

await initBackend("webgpu", { log: () => {} });
const TOLERANCE = 1e-4;
const SIZES = [{ width: 1, batch: 8 }, { width: 1 / 16, batch: 128 }, { width: 1 / 16, batch: 512 }];

/** Uniform(-1, 1) numbers from a seeded generator. */
function uniform(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => 2 * rng.next() - 1);
}

/** The distinct conv geometries of DavidNet at `width` (the residual convs repeat). */
function distinctConvs(width: number) {
  const model = buildDavidNet({ width });
  const shapes = convShapes(model);
  model.dispose();
  return shapes.filter((s, i) =>
    shapes.findIndex((t) =>
      JSON.stringify(t.input.concat(t.filter)) ===
        JSON.stringify(s.input.concat(s.filter))
    ) === i
  );
}

/** Runs `f` with tensors made on the cpu backend, then returns to webgpu. */
async function onCpu<T>(f: () => Promise<T>): Promise<T> {
  await tf.setBackend("cpu");
  try {
    return await f();
  } finally {
    await tf.setBackend("webgpu");
  }
}

const bpfAttrs = (filter: number[]) =>
  ({
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
    dimRoundingMode: undefined,
    filterShape: filter,
  }) as unknown as tf.NamedAttrMap;

/** The three products on the current backend from raw arrays. */
async function convProducts(
  xs: Float32Array,
  ws: Float32Array,
  dys: Float32Array,
  xShape: number[],
  filter: number[],
  withFilterGrad: boolean,
): Promise<Partial<Record<ConvProduct, Float32Array>>> {
  const [x, w] = [tf.tensor4d(xs, xShape as never), tf.tensor4d(ws, filter as never)];
  const dy = tf.tensor4d(dys, [...xShape.slice(0, 3), filter[3]] as never);
  try {
    const out: Partial<Record<ConvProduct, Float32Array>> = {};
    for (
      const [name, f] of [
        ["forward", () => tf.conv2d(x, w, 1, "same")],
        ["backpropInput", () => tf.conv2dTranspose(dy, w, xShape as never, 1, "same")],
        [
          "backpropFilter",
          () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, bpfAttrs(filter)) as tf.Tensor,
        ],
      ] as const
    ) {
      if (name === "backpropFilter" && !withFilterGrad) continue;
      const t = f();
      out[name] = await t.data() as Float32Array;
      t.dispose();
    }
    return out;
  } finally {
    tf.dispose([x, w, dy]);
  }
}

Deno.test("the float64 filter-gradient reference equals tfjs's cpu kernel (stride 1 and 2, same and valid)", async () => {
  for (
    const [xShape, filter, strides, pad] of [
      [[2, 7, 7, 3], [3, 3, 3, 5], 1, "same"],
      [[2, 8, 8, 4], [3, 3, 4, 6], 2, "same"],
      [[1, 9, 9, 2], [3, 3, 2, 3], 2, "valid"],
    ] as const
  ) {
    const info = tf.backend_util.computeConv2DInfo(xShape as never, filter as never, strides, 1, pad);
    const xs = uniform(xShape.reduce((a: number, b) => a * b, 1), 1);
    const dys = uniform(info.outShape.reduce((a, b) => a * b, 1), 2);
    const cpu = await onCpu(async () => {
      const t = tf.engine().runKernel("Conv2DBackpropFilter", {
        x: tf.tensor4d(xs, xShape as never),
        dy: tf.tensor4d(dys, info.outShape),
      }, { ...bpfAttrs(filter as never), strides: [strides, strides], pad } as never) as tf.Tensor;
      return await t.data();
    });
    const ref = conv2dBackpropFilterF64(xs, dys, {
      xShape: [...xShape],
      filterShape: [...filter],
      strides,
      pad,
    });
    assert.ok(
      relativeError(ref, cpu) < 1e-6,
      `${xShape} ${filter} s${strides} ${pad}: ${relativeError(ref, cpu)}`,
    );
  }
});

Deno.test("no fast kernel loops 60,000 times in one invocation at any DavidNet shape, up to batch 2048", () => {
  for (const width of [1, 1 / 16]) {
    for (const batch of [8, 128, 512, 2048]) {
      for (const s of distinctConvs(width)) {
        const info = convInfo([batch, ...s.input], s.filter, { strides: [1, 1], pad: "same" });
        for (const product of ["forward", "backpropInput", "backpropFilter"] as const) {
          for (const strategy of ["tiled", "direct"] as const) {
            const { loopIterations } = planConv(product, info, strategy);
            assert.ok(
              loopIterations < 60000,
              `${s.layer} ${product} ${strategy} batch ${batch}: ${loopIterations}`,
            );
          }
        }
        for (const groups of [1, batch / 4]) {
          const bn = bnLoopIterations([batch, s.input[0], s.input[1], s.filter[3]], groups);
          assert.ok(bn < 60000, `${s.layer} batch norm batch ${batch}, ${groups} groups: ${bn}`);
        }
      }
    }
  }
});

for (const { width, batch } of SIZES) {
  Deno.test(`conv kernels equal the references at every DavidNet shape: width ${width}, batch ${batch}`, async () => {
    assert.equal(kernelMode(), "fast");
    for (const s of distinctConvs(width)) {
      const xShape = [batch, ...s.input], size = (a: number[]) => a.reduce((p, q) => p * q, 1);
      const xs = uniform(size(xShape), 1), ws = uniform(size(s.filter), 2);
      const dys = uniform(size([batch, s.input[0], s.input[1], s.filter[3]]), 3);
      const cpu = await onCpu(() => convProducts(xs, ws, dys, xShape, s.filter, false));
      const geometry = { xShape: xShape as never, filterShape: s.filter, strides: 1, pad: "same" as const };
      const ref = { ...cpu, backpropFilter: conv2dBackpropFilterF64(xs, dys, geometry) };
      for (const strategy of CONV_STRATEGIES.filter((c) => c !== "auto")) {
        useConvStrategy(strategy);
        try {
          const got = await convProducts(xs, ws, dys, xShape, s.filter, true);
          for (const product of ["forward", "backpropInput", "backpropFilter"] as const) {
            const err = relativeError(got[product]!, ref[product]!);
            assert.ok(err <= TOLERANCE, `${s.layer} ${product} (${strategy}) batch ${batch}: error ${err}`);
          }
        } finally {
          useConvStrategy("auto");
        }
      }
    }
  });
}

/** One training step of a BatchNormAct layer: outputs, gradients and running statistics, read back. */
async function bnStep(shape: number[], activation: "relu" | "celu", seed: number, ghostBatch = 0) {
  const C = shape[3], n = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(seed);
  // For ReLU, keep every input 0.5 standard deviations or more from the batch mean and beta at 0, so that no
  // pre-activation sits within rounding of zero (where two correct implementations may differ in ReLU's kink).
  const xs = Float32Array.from(
    { length: n },
    () => activation === "relu" ? (rng.next() < 0.5 ? -1 : 1) * (0.5 + rng.next()) : 3 * rng.next() - 1,
  );
  const dys = uniform(n, seed + 1);
  const gammas = Float32Array.from({ length: C }, () => 0.5 + rng.next());
  const betas = Float32Array.from({ length: C }, () => (activation === "relu" ? 0 : rng.next() - 0.5));
  const layer = new BatchNormAct({ momentum: 0.1, epsilon: 1e-5, activation, celuAlpha: 0.3, ghostBatch });
  const x = tf.tensor(xs, shape), dy = tf.tensor(dys, shape);
  try {
    layer.apply(tf.zeros([1, ...shape.slice(1)]), { training: false });
    layer.setWeights([tf.tensor1d(gammas), tf.tensor1d(betas), tf.zeros([C]), tf.ones([C])]);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const f = (input: tf.Tensor) =>
      tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dy)) as tf.Scalar;
    const { grads } = tf.variableGrads(() => f(x), vars);
    const dx = tf.grad(f)(x);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    const read = (t: tf.Tensor) => t.data() as Promise<Float32Array>;
    const out = {
      y: await read(y),
      inference: await read(inference),
      dx: await read(dx),
      dgamma: await read(grads[vars[0].name]),
      dbeta: await read(grads[vars[1].name]),
      running: Float32Array.from([
        ...await read(layer.getWeights()[2]),
        ...await read(layer.getWeights()[3]),
      ]),
    };
    tf.dispose([y, inference, dx, ...Object.values(grads)]);
    return out;
  } finally {
    tf.dispose([x, dy]);
    layer.dispose();
  }
}

for (const { width, batch } of SIZES) {
  Deno.test(`fused batch norm + ReLU/CELU (and ghost groups) equals tfjs's ops at every DavidNet shape: width ${width}, batch ${batch}`, async () => {
    const shapes = distinctConvs(width).map((s) => [batch, s.input[0], s.input[1], s.filter[3]]);
    for (const shape of shapes.filter((s, i) => shapes.findIndex((t) => t.join() === s.join()) === i)) {
      // Ghost batch norm in 4 groups (the cpu reference runs tfjs's ops on reshaped groups).
      for (const [activation, ghost] of [["relu", 0], ["celu", 0], ["celu", batch / 4]] as const) {
        const got = await bnStep(shape, activation, 7, ghost);
        const want = await onCpu(() => bnStep(shape, activation, 7, ghost));
        for (const k of Object.keys(got) as (keyof typeof got)[]) {
          const err = relativeError(got[k], want[k]);
          assert.ok(err <= TOLERANCE, `[${shape}] ${activation} ghost ${ghost} ${k}: error ${err}`);
        }
      }
    }
  });
}

Deno.test("the fused SGD step equals the stock ops and PyTorch's formula, over three steps", async () => {
  const n = 4099, w0 = uniform(n, 1), grads = [2, 3, 4].map((s) => uniform(n, s));
  const run = async (mode: "stock" | "fast") => {
    useKernels(mode);
    const w = tf.variable(tf.tensor1d(w0));
    const sgd = new NesterovSgd(
      [{ name: "all", lrScale: 1, wdScale: 1, params: [{ name: "w", variable: w }] }],
      { momentum: 0.9, weightDecay: 5e-4, nesterov: true },
    );
    try {
      for (const [i, g] of grads.entries()) {
        const t = tf.tensor1d(g);
        sgd.step({ [w.name]: t }, 0.1 * (i + 1));
        t.dispose();
      }
      return await w.data() as Float32Array;
    } finally {
      sgd.dispose();
      w.dispose();
      useKernels("fast");
    }
  };
  const ref = Float64Array.from(w0), v = new Float64Array(n);
  for (const [i, g] of grads.entries()) {
    for (let j = 0; j < n; j++) {
      const d = g[j] + 5e-4 * ref[j];
      v[j] = 0.9 * v[j] + d;
      ref[j] -= 0.1 * (i + 1) * (d + 0.9 * v[j]);
    }
  }
  for (const mode of ["fast", "stock"] as const) {
    const err = relativeError(await run(mode), ref);
    assert.ok(err < 1e-6, `${mode}: error ${err}`);
  }
});
