import { tf } from "../backend/tf.ts";
import { BN_KERNELS } from "./batch_norm.ts";
import { fastConvKernels } from "./conv_kernels.ts";

/** Which kernels run on the webgpu backend: tfjs's own (`stock`) or davidnet's (`fast`, the default). */
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

const stock = new Map<string, tf.KernelConfig>();
for (const name of REPLACED_KERNELS) {
  const config = tf.getKernel(name, "webgpu");
  if (!config) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel; davidnet needs 4.22`);
  stock.set(name, config);
}
const fast = fastConvKernels((name) => stock.get(name)!);
let current: KernelMode = "stock";

/**
 * Switches the webgpu kernels (through tfjs's kernel registry) and the fused paths of the library (SGD update,
 * batch norm) between `stock` and `fast`; both can run in one process. Other backends are unaffected.
 */
export function useKernels(mode: KernelMode): void {
  if (mode === current) return;
  for (const config of mode === "fast" ? fast : REPLACED_KERNELS.map((n) => stock.get(n)!)) {
    tf.unregisterKernel(config.kernelName, "webgpu");
    tf.registerKernel(config);
  }
  current = mode;
}

/** The kernel mode in force. */
export function kernelMode(): KernelMode {
  return current;
}

/** True when the fused paths apply: `fast` kernels on the webgpu backend. */
export function fusedOnWebGpu(): boolean {
  return current === "fast" && tf.getBackend() === "webgpu";
}

// The fused batch-norm kernels have no stock counterpart; the library calls them only in `fast` mode.
for (const config of BN_KERNELS) tf.registerKernel(config);
// Importing the library makes `fast` the default, as importing tfjs-backend-webgpu registers its own kernels.
useKernels("fast");
