import { tf } from "./tf.ts";
import {
  loadNative,
  NATIVE_PACKAGE,
  nativeAvailable,
  nativeOnednn,
  nativePrecision,
  nativeTensorflowVersion,
  onednnOffIn,
} from "./native.ts";
import { bf16Problem, type Precision, readCpuFeatures } from "./cpu.ts";
import { type AdapterInfo, probeWebGpu, watchWebGpuDevice } from "./webgpu.ts";

/** Backends a user can ask for; `auto` picks the best available. */
export const BACKEND_CHOICES = ["auto", "webgpu", "tensorflow", "cpu"] as const;
/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = typeof BACKEND_CHOICES[number];

/** The backend that runs, with the adapter it runs on, in words, and why it was chosen. */
export interface BackendInfo {
  name: "webgpu" | "tensorflow" | "cpu";
  adapter: string;
  isFallbackAdapter: boolean;
  webgpu?: AdapterInfo;
  /** The native backend's oneDNN kernels: true on, false off, null TensorFlow's default (absent elsewhere). */
  onednn?: boolean | null;
  /** Why this backend runs (asked for, or what `auto` found). */
  reason: string;
}

/** How to start a backend. */
export interface BackendOptions {
  /** Lines on what was chosen and skipped (default: stderr). */
  log?: (line: string) => void;
  /** CPU threads of the native backend (0: TensorFlow's default, every core). */
  threads?: number;
  /**
   * float32, or bf16: oneDNN's bfloat16 math on the native backend, refused where it cannot run; absent: float32,
   * or the precision the native backend already loaded with in this process.
   */
  precision?: Precision;
}

/** `--precision bf16` on the wrong backend, CPU or oneDNN setting: the message names the problem and the fix. */
export class PrecisionError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "PrecisionError";
  }
}

function noAdapterError(): Error {
  const flag = "gpu" in navigator ? "" : " Deno runs without --unstable-webgpu (deno task train passes it);";
  return new Error(
    `no WebGPU adapter.${flag} install a GPU driver, or Debian's mesa-vulkan-drivers for the slow software ` +
      "adapter, or use --backend tensorflow|cpu",
  );
}

async function useWebGpu(adapter: AdapterInfo | null, reason: string): Promise<BackendInfo> {
  if (!adapter) throw noAdapterError();
  if (!(await tf.setBackend("webgpu"))) {
    throw new Error("tfjs could not start its webgpu backend on " + adapter.description);
  }
  // Uncaptured WebGPU errors and a lost device end the process loudly, naming the programs (webgpu.ts).
  watchWebGpuDevice(tf.backend());
  return {
    name: "webgpu",
    adapter: adapter.description,
    isFallbackAdapter: adapter.isFallback,
    webgpu: adapter,
    reason,
  };
}

async function useTensorflow(threads: number, reason: string, precision?: Precision): Promise<BackendInfo> {
  const version = await loadNative(threads, precision);
  if (!(await tf.setBackend("tensorflow"))) {
    throw new Error(`${NATIVE_PACKAGE} loaded but the tensorflow backend did not start`);
  }
  const intra = Deno.env.get("TF_NUM_INTRAOP_THREADS");
  return {
    name: "tensorflow",
    adapter: `${NATIVE_PACKAGE} ${version} on TensorFlow ${nativeTensorflowVersion()} (CPU, ${
      intra ? `${intra} threads` : `${navigator.hardwareConcurrency} cores`
    }; ${nativeOnednn()?.words}${nativePrecision() === "bf16" ? "; bf16 math" : ""})`,
    isFallbackAdapter: false,
    onednn: nativeOnednn()?.on,
    reason,
  };
}

async function useCpu(reason: string): Promise<BackendInfo> {
  await tf.setBackend("cpu");
  return { name: "cpu", adapter: "tfjs cpu (JavaScript)", isFallbackAdapter: false, reason };
}

/**
 * `auto`: a hardware WebGPU adapter, else the native backend when `deno task setup` installed it, else a
 * software (fallback) WebGPU adapter such as lavapipe, else tfjs's JavaScript cpu backend.
 */
async function pickAuto(threads: number, precision?: Precision): Promise<BackendInfo> {
  const adapter = await probeWebGpu();
  if (adapter && !adapter.isFallback) {
    if (precision === "bf16") throw new PrecisionError(bf16Problem("webgpu", readCpuFeatures(), false)!);
    return await useWebGpu(adapter, "auto: a hardware WebGPU adapter");
  }
  const gpu = adapter ? `only a software WebGPU adapter (${adapter.description})` : "no WebGPU adapter";
  if (await nativeAvailable()) {
    return await useTensorflow(threads, `auto: ${gpu}; the native backend is set up`, precision);
  }
  const native = "the native backend is not set up (deno task setup)";
  if (precision === "bf16") throw new PrecisionError(`--precision bf16 needs the native backend: ${native}`);
  if (adapter) return await useWebGpu(adapter, `auto: no hardware WebGPU adapter; ${native}`);
  return await useCpu(`auto: ${gpu}; ${native}`);
}

/**
 * Starts the chosen tfjs backend (`auto`: see {@link pickAuto}) and prints which one runs and why through
 * `options.log`.
 */
export async function initBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  const log = options.log ?? console.error, threads = options.threads ?? 0;
  const precision = options.precision;
  if (precision === "bf16") {
    const problem = bf16Problem(
      choice,
      readCpuFeatures(),
      onednnOffIn(Deno.env.get("TF_ENABLE_ONEDNN_OPTS")),
    );
    if (problem) throw new PrecisionError(problem);
  }
  // Loaded first, with its threads, when installed: it must be before any WebGPU adapter (native.ts says why).
  if (choice !== "cpu" && await nativeAvailable()) await loadNative(threads, precision);
  let info: BackendInfo;
  if (choice === "webgpu") info = await useWebGpu(await probeWebGpu(), "asked for (--backend webgpu)");
  else if (choice === "tensorflow") {
    info = await useTensorflow(threads, "asked for (--backend tensorflow)", precision);
  } else if (choice === "cpu") info = await useCpu("asked for (--backend cpu)");
  else info = await pickAuto(threads, precision);
  await tf.ready();
  log(`${describeBackend(info)} (${info.reason})`);
  if (info.isFallbackAdapter) {
    log(`warning: ${info.adapter} is a fallback (software) adapter: correct but very slow`);
  }
  return info;
}

/** One line naming the backend and adapter, as every command prints it. */
export function describeBackend(info: Pick<BackendInfo, "name" | "adapter" | "isFallbackAdapter">): string {
  return `backend: ${info.name} on ${info.adapter}${info.isFallbackAdapter ? " (fallback adapter)" : ""}`;
}
