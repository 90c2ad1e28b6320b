import { join } from "node:path";
import { tf } from "../backend/mod.ts";
import { concatBytes, exists, replaceDirAtomic, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";

/** Writes `model` into `dir` as tfjs's LayersModel format, `model.json` and `weights.bin`. */
async function writeModelFiles(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData!;
    const weights = concatBytes((Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b)));
    await writeFileAtomic(join(dir, "weights.bin"), weights);
    await writeJsonAtomic(join(dir, "model.json"), {
      modelTopology: artifacts.modelTopology,
      format: "layers-model",
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: null,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      userDefinedMetadata: metadata,
    });
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: "JSON",
        weightDataBytes: weights.length,
      },
    };
  }));
}

/**
 * Saves `model` to `dir` in tfjs format (model.json + weights.bin, loadable by `tf.loadLayersModel` once the
 * davidnet layers are registered) with `metadata` kept in model.json; replaces `dir` atomically.
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  await replaceDirAtomic(dir, (tmp) => writeModelFiles(model, tmp, metadata));
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
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) =>
    g.weights
  );
  const bytes = await Deno.readFile(join(dir, json.weightsManifest[0].paths[0]));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  }));
  return { model, metadata: json.userDefinedMetadata ?? {} };
}
