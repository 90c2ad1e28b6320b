import { concatBytes } from "../io/bytes.ts";
import { tf } from "../backend/tf.ts";
import { registerLayers } from "./registry.ts";

/** tfjs's `model.json` (LayersModel format) for a model whose weights sit in one `weights.bin`. */
export interface ModelJson {
  modelTopology: unknown;
  format: "layers-model";
  generatedBy: string;
  convertedBy: null;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  userDefinedMetadata: Record<string, unknown>;
}

/** A model in tfjs format, in memory: `model.json` and the bytes of `weights.bin` (no file I/O here). */
export interface ModelFiles {
  json: ModelJson;
  weights: Uint8Array;
}

/** Serialises `model` to tfjs's format, with `metadata` kept in model.json (runs in Deno and in a browser). */
export async function modelToFiles(
  model: tf.LayersModel,
  metadata: Record<string, unknown>,
): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save(tf.io.withSaveHandler((artifacts) => {
    const data = artifacts.weightData!;
    const weights = concatBytes((Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b)));
    files = {
      weights,
      json: {
        modelTopology: artifacts.modelTopology,
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs! }],
        userDefinedMetadata: metadata,
      },
    };
    return Promise.resolve({
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: "JSON",
        weightDataBytes: weights.length,
      },
    });
  }));
  return files!;
}

/** Builds the model back from {@link modelToFiles}'s output (the davidnet layers must be registered: import lib/core/model). */
export async function modelFromFiles(
  files: ModelFiles,
): Promise<{ model: tf.LayersModel; metadata: Record<string, unknown> }> {
  const { json, weights } = files;
  registerLayers();
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology as tf.io.ModelJSON["modelTopology"],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer,
  }));
  return { model, metadata: json.userDefinedMetadata ?? {} };
}
