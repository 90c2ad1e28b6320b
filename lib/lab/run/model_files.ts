import { join } from "node:path";
import type { tf } from "../../core/backend/tf.ts";
import { exists, replaceDirAtomic, writeFileAtomic, writeJsonAtomic } from "../../core/io/mod.ts";
import { modelFromFiles, modelToFiles } from "../../core/model/mod.ts";

/**
 * Saves `model` to `dir` in tfjs format (model.json + weights.bin, loadable by `tf.loadLayersModel` once the
 * davidnet layers are registered) with `metadata` kept in model.json; replaces `dir` atomically.
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  const files = await modelToFiles(model, metadata);
  await replaceDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, "weights.bin"), files.weights);
    await writeJsonAtomic(join(tmp, "model.json"), files.json);
  });
}

/** Loads a model saved by {@link saveModel}, with its metadata; errors name the folder and the fix. */
export async function loadModel(
  dir: string,
): Promise<{ model: tf.LayersModel; metadata: Record<string, unknown> }> {
  const jsonPath = join(dir, "model.json");
  if (!(await exists(jsonPath))) {
    throw new Error(`${dir} has no model.json: pass the model/ folder of a training run (runs/<time>/model)`);
  }
  const json = JSON.parse(await Deno.readTextFile(jsonPath));
  const weights = await Deno.readFile(join(dir, json.weightsManifest[0].paths[0]));
  return await modelFromFiles({ json, weights });
}
