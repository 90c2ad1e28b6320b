import { tf } from "../backend/tf.ts";
import { BN_KERNELS } from "./batch_norm.ts";
import { type ConvStrategy, convStrategySetting, fastConvKernels, useConvStrategy } from "./conv_kernels.ts";

/** Which kernels run on the webgpu backend: tfjs's own (`stock`) or davidnet's (`fast`, what training asks for). */
export const KERNEL_MODES = ["stock", "fast"] as const;
/** One of {@link KERNEL_MODES}. */
export type KernelMode = typeof KERNEL_MODES[number];

/** The webgpu kernels that `fast` replaces. */
const REPLACED_KERNELS = [
  "Conv2D",
  "FusedConv2D",
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
] as const;

/** tfjs's own kernels and davidnet's replacements, captured on the first {@link useKernels} (never at import). */
let kernels: { stock: tf.KernelConfig[]; fast: tf.KernelConfig[] } | undefined;
let current: KernelMode = "stock";

/** Captures tfjs's kernels and registers the fused batch-norm kernels (which have no stock counterpart) once. */
function installOnce(): { stock: tf.KernelConfig[]; fast: tf.KernelConfig[] } {
  if (kernels) return kernels;
  const stock = REPLACED_KERNELS.map((name) => {
    const config = tf.getKernel(name, "webgpu");
    if (!config) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel; davidnet needs 4.22`);
    return config;
  });
  for (const config of BN_KERNELS) tf.registerKernel(config);
  kernels = { stock, fast: fastConvKernels((name) => stock.find((c) => c.kernelName === name)!) };
  return kernels;
}

/**
 * Switches the webgpu kernels (through tfjs's kernel registry) and the fused paths of the library (SGD update,
 * batch norm) between `stock` and `fast`; both can run in one process. Nothing is registered until the first call
 * (`train` calls it with its config's mode); until then tfjs's own kernels run. Other backends are unaffected.
 */
export function useKernels(mode: KernelMode): void {
  if (mode === current) return;
  const { stock, fast } = installOnce();
  for (const config of mode === "fast" ? fast : stock) {
    tf.unregisterKernel(config.kernelName, "webgpu");
    tf.registerKernel(config);
  }
  current = mode;
}

/** The kernel mode in force (`stock` until {@link useKernels} switches). */
export function kernelMode(): KernelMode {
  return current;
}

/** True when the fused paths apply: `fast` kernels on the webgpu backend. */
export function fusedOnWebGpu(): boolean {
  return current === "fast" && tf.getBackend() === "webgpu";
}

/**
 * Runs `f` with `kernels.mode` (and `kernels.conv`, when given) in force, then restores the mode and strategy that
 * were in force before, whatever `f` does.
 */
export async function runWithKernels<T>(
  kernels: { mode: KernelMode; conv?: ConvStrategy },
  f: () => Promise<T>,
): Promise<T> {
  const mode = current, conv = convStrategySetting();
  useKernels(kernels.mode);
  if (kernels.conv) useConvStrategy(kernels.conv);
  try {
    return await f();
  } finally {
    useKernels(mode);
    useConvStrategy(conv);
  }
}
