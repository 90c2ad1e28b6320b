import { join } from "node:path";
import { tf } from "../../core/backend/tf.ts";
import {
  exists,
  recoverDirAtomic,
  replaceDirAtomic,
  writeFileAtomic,
  writeJsonAtomic,
} from "../../core/io/mod.ts";
import type { CheckpointSnapshot, TrainState } from "../../core/train/mod.ts";
import { loadModel, saveModel } from "./model_files.ts";

/**
 * Writes a checkpoint folder atomically: the model (tfjs format), the optimizer state (momentum buffers and the
 * stages' tensors: `optimizer.bin` + `optimizer.json`) and `state.json`.
 */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.NamedTensorMap,
  state: TrainState,
  metadata: Record<string, unknown>,
): Promise<void> {
  await replaceDirAtomic(dir, async (tmp) => {
    await saveModel(model, join(tmp, "model"), metadata);
    const { data, specs } = await tf.io.encodeWeights(optimizer);
    await writeFileAtomic(join(tmp, "optimizer.bin"), new Uint8Array(data as ArrayBuffer));
    await writeJsonAtomic(join(tmp, "optimizer.json"), specs);
    await writeJsonAtomic(join(tmp, "state.json"), state);
  });
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, first repairing what a crash during a save left (see
 * `recoverDirAtomic`); the caller disposes the model and optimizer tensors.
 */
export async function loadCheckpoint(dir: string): Promise<CheckpointSnapshot> {
  await recoverDirAtomic(dir);
  if (!(await exists(join(dir, "state.json")))) {
    throw new Error(
      `${dir} holds no checkpoint (state.json); --resume takes the --out folder of an earlier run`,
    );
  }
  const { model, metadata } = await loadModel(join(dir, "model"));
  const specs = JSON.parse(await Deno.readTextFile(join(dir, "optimizer.json")));
  const bytes = await Deno.readFile(join(dir, "optimizer.bin"));
  const optimizer = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    specs,
  );
  const state = JSON.parse(await Deno.readTextFile(join(dir, "state.json"))) as TrainState;
  return { model, optimizer, state, metadata };
}

/** The trainer's checkpoint hook that writes {@link saveCheckpoint} folders to `dir`. */
export function checkpointTo(dir: string): (s: CheckpointSnapshot) => Promise<void> {
  return (s) => saveCheckpoint(dir, s.model, s.optimizer, s.state, s.metadata);
}
