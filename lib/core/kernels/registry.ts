import { tf } from "../backend/tf.ts";
import { BN_KERNELS } from "./batch_norm.ts";
import { fastConvKernels } from "./conv_kernels.ts";

/** Which kernels a session runs: tfjs's own (`stock`) or davidnet's (`fast`, what training asks for). */
export const KERNEL_MODES = ["stock", "fast"] as const;
/** One of {@link KERNEL_MODES}. */
export type KernelMode = typeof KERNEL_MODES[number];

/** What computes the webgpu convolutions: tfjs's own kernels, or davidnet's under a conv strategy. */
export type WebGpuConvKernels = "stock" | "tiled" | "direct";

/** The webgpu kernels that davidnet's convolutions replace. */
const REPLACED_KERNELS = [
  "Conv2D",
  "FusedConv2D",
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
] as const;

/** davidnet's convolution as registered: it carries tfjs's config it replaces and its strategy. */
interface Replacement extends tf.KernelConfig {
  replaces: tf.KernelConfig;
  strategy: "tiled" | "direct";
}

/** Which convolutions a registered config computes, and tfjs's own config (itself, or the one it replaces). */
function describe(config: tf.KernelConfig): { kernels: WebGpuConvKernels; stock: tf.KernelConfig } {
  const { replaces, strategy } = config as Partial<Replacement>;
  return replaces && strategy ? { kernels: strategy, stock: replaces } : { kernels: "stock", stock: config };
}

/**
 * Puts `kernels` into tfjs's webgpu kernel registry (global by nature) unless they are there already: tfjs's own
 * convolutions, or davidnet's under a strategy (with the fused batch-norm kernels, which replace nothing, registered
 * alongside the first time). What is registered is read from tfjs's registry itself, so this keeps no state: a
 * call that finds its kernels in place costs four lookups. Nothing is registered until the first call.
 */
export function registerWebGpuKernels(kernels: WebGpuConvKernels): void {
  const registered = REPLACED_KERNELS.map((name) => {
    const config = tf.getKernel(name, "webgpu");
    if (!config) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel; davidnet needs 4.22`);
    return describe(config);
  });
  if (registered.every((r) => r.kernels === kernels)) return;
  const stock = (name: string) => registered[REPLACED_KERNELS.indexOf(name as never)].stock;
  let wanted: tf.KernelConfig[] = registered.map((r) => r.stock);
  if (kernels !== "stock") {
    wanted = fastConvKernels(stock, kernels).map((config): Replacement => ({
      ...config,
      replaces: stock(config.kernelName),
      strategy: kernels,
    }));
    for (const config of BN_KERNELS) {
      if (!tf.getKernel(config.kernelName, "webgpu")) tf.registerKernel(config);
    }
  }
  for (const config of wanted) {
    tf.unregisterKernel(config.kernelName, "webgpu");
    tf.registerKernel(config);
  }
}
