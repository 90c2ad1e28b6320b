/**
 * The kernels are a value of each session (lib/core/kernels/runtime.ts), not a setting of the process: two sessions
 * with different kernel modes, stepped alternately and then evaluated alternately in one process, each give
 * exactly what they give alone. `fast` must change the numbers wherever it switches something (WebGPU: davidnet's
 * convolutions, batch norm and SGD; the native backend: TensorFlow's fused batch norm), so that a session that ran
 * the other's kernels for a step would show; on tfjs's cpu backend it switches nothing.
 */
import assert from "node:assert/strict";
import { tf } from "../lib/core/backend/mod.ts";
import { SMOKE_TRICKS } from "../lib/core/config/mod.ts";
import type { KernelMode } from "../lib/core/kernels/mod.ts";
import {
  type DeviceData,
  predictLogits,
  type TrainConfig,
  TrainSession,
  whiteningFor,
} from "../lib/core/train/mod.ts";
import { backendTest, smallDevice } from "./helpers.ts";

/**
 * Page's final net (whitening, CELU, ghost batch norm in 2 groups, frozen BN scales) at 1/16 width: 3 steps of 64
 * images; on tfjs's cpu backend, whose filter gradient is a naive loop (about 36 s a step of 64 on 2 cores), one
 * step of 16 in ghost groups of 8.
 */
function tinyOn(backend: string): TrainConfig {
  const tiny = { ...SMOKE_TRICKS, trainSubset: 192, batchSize: 64, epochs: 1, evalEvery: 0 };
  if (backend !== "cpu") return tiny;
  return { ...tiny, trainSubset: 16, batchSize: 16, model: { ...tiny.model, ghostBatch: 8 } };
}

/**
 * What a session came to: each step's loss and whose convolutions tfjs's webgpu registry held after it (davidnet's
 * carry the config they replace: lib/core/kernels/registry.ts), its weights after the last step and its logits of the
 * test images.
 */
interface Trace {
  losses: number[];
  convs: ("davidnet's" | "tfjs's")[];
  weights: Float32Array[];
  logits: Float32Array;
}

/** Sessions of `cfg` in `modes` on `data`, stepped together one step of each in turn, then evaluated in turn. */
async function trainTogether(cfg: TrainConfig, data: DeviceData, modes: KernelMode[]): Promise<Trace[]> {
  const whitening = await whiteningFor(cfg, data);
  const sessions = modes.map((mode) =>
    new TrainSession({ ...cfg, kernels: { ...cfg.kernels, mode } }, data, { whitening })
  );
  try {
    const losses = sessions.map(() => [] as number[]), convs = sessions.map((): Trace["convs"] => []);
    for (let step = 0; step < sessions[0].totalSteps; step++) {
      for (const [i, session] of sessions.entries()) {
        const out = session.step(step);
        convs[i].push("replaces" in tf.getKernel("Conv2D", "webgpu")! ? "davidnet's" : "tfjs's");
        losses[i].push((await out[0].data())[0]);
        tf.dispose(out);
      }
    }
    const traces: Trace[] = [];
    for (const [i, session] of sessions.entries()) {
      const logits = predictLogits(session.model, data.testX, "none", session.kernels);
      traces.push({
        losses: losses[i],
        convs: convs[i],
        weights: await Promise.all(session.model.getWeights().map((w) => w.data() as Promise<Float32Array>)),
        logits: await logits.data() as Float32Array,
      });
      logits.dispose();
    }
    return traces;
  } finally {
    for (const session of sessions) session.dispose();
  }
}

backendTest(
  "two sessions with different kernels, stepped alternately in one process, each train as they do alone",
  async (backend) => {
    const cfg = tinyOn(backend.name);
    const data = await smallDevice(cfg.trainSubset, 50, cfg.augment.pad);
    try {
      const before = tf.memory().numTensors;
      const [fast, stock] = await trainTogether(cfg, data, ["fast", "stock"]);
      const [fastAlone] = await trainTogether(cfg, data, ["fast"]);
      const [stockAlone] = await trainTogether(cfg, data, ["stock"]);
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
      assert.equal(fast.losses.length, cfg.trainSubset / cfg.batchSize);
      assert.deepEqual(fast, fastAlone, "the fast session, stepped and evaluated beside a stock one");
      assert.deepEqual(stock, stockAlone, "the stock session, stepped and evaluated beside a fast one");
      if (backend.name === "webgpu") {
        assert.deepEqual([fast.convs, stock.convs], [
          fast.convs.map(() => "davidnet's"),
          stock.convs.map(() => "tfjs's"),
        ]);
      }
      const differ = fastAlone.losses.some((l, i) => l !== stockAlone.losses[i]) ||
        fastAlone.logits.some((v, i) => v !== stockAlone.logits[i]);
      assert.equal(
        differ,
        backend.name !== "cpu",
        `fast and stock ${differ ? "differ" : "agree"} on ${backend.name}`,
      );
    } finally {
      data.dispose();
    }
  },
  ["webgpu", "tensorflow", "cpu"],
);
