import { tf } from "../backend/tf.ts";
import { BatchNormAct } from "./batch_norm_act.ts";
import { Bias, Celu, Gelu, Scale } from "./layers.ts";

/** davidnet's own layer classes, which a saved model names and tfjs must know to load it. */
const LAYER_CLASSES = [BatchNormAct, Bias, Celu, Gelu, Scale];

/**
 * Registers davidnet's layer classes with tfjs's serialization registry, so that `tf.loadLayersModel` can rebuild
 * a saved net; called before loading (`modelFromFiles`), never at import. Registering twice is harmless.
 */
export function registerLayers(): void {
  for (const c of LAYER_CLASSES) tf.serialization.registerClass(c);
}
