import { tf } from "../backend/tf.ts";
import { type ConvStrategy, resolveConvStrategy } from "./conv_kernels.ts";
import { KERNEL_MODES, type KernelMode, registerWebGpuKernels } from "./registry.ts";

/** The kernel settings of a config (`cfg.kernels`). */
export interface KernelSettings {
  mode: KernelMode;
  /** How the fast convolutions are computed on WebGPU (default `auto`). */
  conv?: ConvStrategy;
}

/**
 * The kernels one session runs, as a value that the session holds and hands to what it builds and steps (the
 * optimizer, the batch-norm layers through `model.apply(x, { training, kernels })`, evaluation); nothing reads a
 * kernel mode from module state. `fast` switches on WebGPU davidnet's convolutions (under the resolved conv
 * strategy), its fused batch norm and its fused SGD update, and on the native backend TensorFlow's fused batch
 * norm in training; on tfjs's cpu backend it changes nothing. `stock` runs tfjs's own ops everywhere. The
 * convolutions live in tfjs's kernel registry, which is global: {@link activate} puts this runtime's there and
 * must precede its ops, so that sessions with different runtimes can be stepped alternately in one process.
 */
export class KernelRuntime {
  /** The tfjs backend it was made on (and must run on). */
  readonly backend: string;
  readonly mode: KernelMode;
  /** The fast convolutions' strategy, `auto` resolved from the adapter; null unless `fast` on WebGPU. */
  readonly conv: "tiled" | "direct" | null;

  /** The kernels of `settings` on the running backend (start the backend first). */
  constructor(settings: KernelSettings) {
    if (!KERNEL_MODES.includes(settings.mode)) {
      throw new Error(`kernel mode "${settings.mode}": expected one of ${KERNEL_MODES.join(", ")}`);
    }
    this.backend = tf.getBackend();
    this.mode = settings.mode;
    this.conv = this.fusedWebGpu ? resolveConvStrategy(settings.conv ?? "auto") : null;
  }

  /** True when davidnet's fused WebGPU kernels run: batch norm with its activation, and the SGD update. */
  get fusedWebGpu(): boolean {
    return this.mode === "fast" && this.backend === "webgpu";
  }

  /** True when batch norm in training runs TensorFlow's fused op (FusedBatchNormV3) on the native backend. */
  get fusedNativeBatchNorm(): boolean {
    return this.mode === "fast" && this.backend === "tensorflow";
  }

  /**
   * Puts this runtime's convolutions into tfjs's webgpu kernel registry (a no-op when they are there already, and
   * off WebGPU); call it before running the session's ops. Throws when another backend runs than it was made on.
   */
  activate(): void {
    const running = tf.getBackend();
    if (running !== this.backend) {
      throw new Error(
        `kernels made on the ${this.backend} backend cannot run on ${running}: make the runtime (or the session) ` +
          `after switching backends`,
      );
    }
    if (this.backend === "webgpu") registerWebGpuKernels(this.conv ?? "stock");
  }
}
