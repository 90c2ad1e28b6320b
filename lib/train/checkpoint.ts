import { join } from "node:path";
import { tf } from "../backend/mod.ts";
import { exists, recoverDirAtomic, replaceDirAtomic, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { loadModel, saveModel } from "../model/mod.ts";
import type { EpochMetrics } from "./types.ts";

/** Where a run stands: the next step to take and what was measured so far. */
export interface TrainState {
  /** Epoch of the next step (0-based). */
  epoch: number;
  /** Step within that epoch of the next step. */
  step: number;
  /** Training seconds spent so far (excluding data loading and evaluation). */
  trainSeconds: number;
  /** Metrics of the finished epochs. */
  metrics: EpochMetrics[];
  /** Loss of every step taken. */
  losses: number[];
  /** Running sums of the unfinished epoch: loss x images, correct predictions, images, seconds. */
  partial: { lossSum: number; correct: number; seen: number; seconds: number };
}

/**
 * Writes a checkpoint folder atomically: the model (tfjs format), the optimizer's momentum buffers
 * (`optimizer.bin` + `optimizer.json`) and `state.json`.
 */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  momentum: tf.NamedTensorMap,
  state: TrainState,
  metadata: Record<string, unknown>,
): Promise<void> {
  await replaceDirAtomic(dir, async (tmp) => {
    await saveModel(model, join(tmp, "model"), metadata);
    const { data, specs } = await tf.io.encodeWeights(momentum);
    await writeFileAtomic(join(tmp, "optimizer.bin"), new Uint8Array(data as ArrayBuffer));
    await writeJsonAtomic(join(tmp, "optimizer.json"), specs);
    await writeJsonAtomic(join(tmp, "state.json"), state);
  });
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, first repairing what a crash during a save left (see
 * `recoverDirAtomic`); the caller disposes the model and momentum tensors.
 */
export async function loadCheckpoint(dir: string): Promise<{
  model: tf.LayersModel;
  momentum: tf.NamedTensorMap;
  state: TrainState;
  metadata: Record<string, unknown>;
}> {
  await recoverDirAtomic(dir);
  if (!(await exists(join(dir, "state.json")))) {
    throw new Error(
      `${dir} holds no checkpoint (state.json); --resume takes the --out folder of an earlier run`,
    );
  }
  const { model, metadata } = await loadModel(join(dir, "model"));
  const specs = JSON.parse(await Deno.readTextFile(join(dir, "optimizer.json")));
  const bytes = await Deno.readFile(join(dir, "optimizer.bin"));
  const momentum = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    specs,
  );
  const state = JSON.parse(await Deno.readTextFile(join(dir, "state.json"))) as TrainState;
  return { model, momentum, state, metadata };
}
