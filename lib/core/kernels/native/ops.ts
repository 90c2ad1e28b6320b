import { tf } from "../../backend/tf.ts";

/** An op attribute as tfjs-node's binding takes it (`type` is one of the binding's TF_ATTR_* codes). */
export interface NativeAttr {
  name: string;
  type: number;
  value: unknown;
}

/** The parts of tfjs-node 4.22's `NodeJSKernelBackend` used here (public JS, untyped in its .d.ts). */
interface NativeBackend {
  binding: Record<string, number>;
  executeMultipleOutputs(name: string, attrs: NativeAttr[], inputs: tf.Tensor[], n: number): tf.Tensor[];
}

/** The running tensorflow backend; throws when another backend runs. */
function nativeBackend(): NativeBackend {
  if (tf.getBackend() !== "tensorflow") {
    throw new Error(`native ops need the tensorflow backend, not ${tf.getBackend()}`);
  }
  return tf.backend() as unknown as NativeBackend;
}

/** Attribute builders in TensorFlow's names: a dtype, a float, a bool, a string. */
export const attr = {
  type: (name: string, dtype: "float32" | "int32" = "float32"): NativeAttr => {
    const b = nativeBackend().binding;
    return { name, type: b.TF_ATTR_TYPE, value: dtype === "float32" ? b.TF_FLOAT : b.TF_INT32 };
  },
  float: (name: string, value: number): NativeAttr => ({
    name,
    type: nativeBackend().binding.TF_ATTR_FLOAT,
    value,
  }),
  bool: (name: string, value: boolean): NativeAttr => ({
    name,
    type: nativeBackend().binding.TF_ATTR_BOOL,
    value,
  }),
  string: (name: string, value: string): NativeAttr => ({
    name,
    type: nativeBackend().binding.TF_ATTR_STRING,
    value,
  }),
};

/**
 * Runs one TensorFlow op eagerly through tfjs-node's binding (outside tfjs's kernel registry, so outside the
 * gradient tape: callers wrap it in `tf.customGrad`); returns its `n` outputs as tfjs tensors.
 */
export function nativeOp(name: string, attrs: NativeAttr[], inputs: tf.Tensor[], n = 1): tf.Tensor[] {
  return nativeBackend().executeMultipleOutputs(name, attrs, inputs, n);
}
