/**
 * The native backend: `@tensorflow/tfjs-node`, whose addon runs TensorFlow's C library on the CPU. `deno task
 * setup` builds the addon (lib/lab/setup); this module only finds and loads it, and never downloads anything.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import util from "node:util";
import type { Precision } from "./cpu.ts";
import { tf } from "./tf.ts";

/** The npm package that provides the `tensorflow` backend. */
export const NATIVE_PACKAGE = "@tensorflow/tfjs-node";

/** The N-API version of the addon that tfjs-node 4.22's loader (node-pre-gyp) picks on Node 20 and Deno 2.9. */
export const NATIVE_NAPI_VERSION = 8;

/** The project's root folder (where deno.json and node_modules are), wherever the process runs from. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where the package and its addon live in the project's `node_modules` (deno.json: `nodeModulesDir: auto`). */
export function nativePaths(root = PROJECT_ROOT): { packageDir: string; binding: string } {
  const packageDir = join(root, "node_modules", NATIVE_PACKAGE);
  return {
    packageDir,
    binding: join(packageDir, "lib", `napi-v${NATIVE_NAPI_VERSION}`, "tfjs_binding.node"),
  };
}

/** True when the addon has been built or installed (`deno task setup`). */
export async function nativeAvailable(root = PROJECT_ROOT): Promise<boolean> {
  try {
    return (await Deno.stat(nativePaths(root).binding)).isFile;
  } catch {
    return false;
  }
}

/**
 * tfjs-node 4.22 calls `util.isNullOrUndefined`, which Node deprecated and Deno's `node:util` does not have: its
 * first op throws "util_1.isNullOrUndefined is not a function". Fixed upstream after 4.22 (tensorflow/tfjs#8425,
 * merged 2025-04) but never released (tensorflow/tfjs#8609); this provides the one function it needs.
 */
function shimNodeUtil(): void {
  const u = util as unknown as Record<string, unknown>;
  u.isNullOrUndefined ??= (v: unknown) => v === null || v === undefined;
}

/**
 * The CPU threads TensorFlow uses for one op (intra-op) and across ops (inter-op), read once when the addon starts;
 * 0 keeps TensorFlow's default (all cores). Set through TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS, which the
 * user may also set directly.
 */
function setThreads(threads: number): void {
  if (threads <= 0) return;
  Deno.env.set("TF_NUM_INTRAOP_THREADS", String(threads));
  Deno.env.set("TF_NUM_INTEROP_THREADS", String(Math.min(2, threads)));
  Deno.env.set("OMP_NUM_THREADS", String(threads));
}

/** Whether TensorFlow runs its oneDNN kernels, and who decided (see {@link chooseOnednn}). */
export interface OnednnChoice {
  /** true: on; false: off; null: TensorFlow decides (not x86-64, variable unset). */
  on: boolean | null;
  /** In words, for the backend line: e.g. "oneDNN on (davidnet's default on x86-64)". */
  words: string;
}

/** True when a TF_ENABLE_ONEDNN_OPTS value turns oneDNN off (0, false, off, no). */
export function onednnOffIn(value: string | undefined): boolean {
  return /^(0|false|off|no)$/i.test(value?.trim() ?? "");
}

/**
 * Turns TensorFlow's oneDNN kernels on for x86-64 CPUs unless the user set TF_ENABLE_ONEDNN_OPTS, before the C
 * library loads (it reads the variable once). TensorFlow enables them by default only on CPUs with AVX-512-class
 * features, so on AMD EPYC (AVX2) its fallback kernels ran a DavidNet step 1.6x and an airbench94 step 2.7x slower
 * than with oneDNN (issue 24's measurements, bench/results/); on Intel Xeon it changes nothing. oneDNN changes the
 * round-off of convolutions, not the method. `env` and `arch` are parameters for the unit test.
 */
export function chooseOnednn(
  env: { get(key: string): string | undefined; set(key: string, value: string): void } = Deno.env,
  arch: string = Deno.build.arch,
): OnednnChoice {
  const yours = env.get("TF_ENABLE_ONEDNN_OPTS");
  if (yours !== undefined) {
    const on = !onednnOffIn(yours);
    return { on, words: `oneDNN ${on ? "on" : "off"} (your TF_ENABLE_ONEDNN_OPTS=${yours})` };
  }
  if (arch !== "x86_64") return { on: null, words: "TensorFlow's default kernels" };
  env.set("TF_ENABLE_ONEDNN_OPTS", "1");
  return {
    on: true,
    words: "oneDNN on (davidnet's default on x86-64; TF_ENABLE_ONEDNN_OPTS=0 turns it off)",
  };
}

let onednn: OnednnChoice | undefined;

/** The oneDNN choice the native backend loaded with (after {@link loadNative}); undefined before. */
export function nativeOnednn(): OnednnChoice | undefined {
  return onednn;
}

/** The precision the native backend loaded with (after {@link loadNative}); undefined before. */
export function nativePrecision(): Precision | undefined {
  return loadedPrecision;
}

let loaded: Promise<string> | undefined;
let loadedPrecision: Precision | undefined;

/**
 * Loads tfjs-node once, which registers the `tensorflow` backend; resolves to TensorFlow's version. Throws, with
 * the fix, when `deno task setup` has not built the addon. `threads` and `precision` (bf16: oneDNN's bfloat16
 * math, TF_SET_ONEDNN_FPMATH_MODE=BF16, which TensorFlow reads once) apply only to the first load; a later load
 * asking another precision throws (one that asks none takes the loaded one).
 */
export function loadNative(threads = 0, asked?: Precision): Promise<string> {
  const precision = asked ?? loadedPrecision ?? "float32";
  if (loadedPrecision && loadedPrecision !== precision) {
    return Promise.reject(
      new Error(
        `the native backend is already loaded with ${loadedPrecision} math in this process; ${precision} needs ` +
          "a new process",
      ),
    );
  }
  loadedPrecision = precision;
  loaded ??= (async () => {
    if (!(await nativeAvailable())) {
      throw new Error(
        `the native backend is not installed (no ${nativePaths().binding}). Fix: run deno task setup ` +
          "(about 1 GB of disk), or use --backend webgpu|cpu",
      );
    }
    setThreads(threads);
    onednn = chooseOnednn();
    if (precision === "bf16") Deno.env.set("TF_SET_ONEDNN_FPMATH_MODE", "BF16");
    // Hides TensorFlow's INFO lines on CPU features at every start (its oneDNN note comes before absl's logging
    // starts and prints regardless); warnings and errors still print.
    if (!Deno.env.get("TF_CPP_MIN_LOG_LEVEL")) Deno.env.set("TF_CPP_MIN_LOG_LEVEL", "1");
    shimNodeUtil();
    const node = await import("@tensorflow/tfjs-node") as { version: Record<string, string> };
    if (!tf.findBackendFactory("tensorflow")) {
      throw new Error(`${NATIVE_PACKAGE} loaded but registered no tensorflow backend`);
    }
    return node.version["tfjs-node"];
  })();
  loaded.catch(() => {
    loaded = undefined;
    loadedPrecision = undefined;
  });
  return loaded;
}

/**
 * Loads the native backend, when it is installed, before a WebGPU adapter is requested in this process.
 * TensorFlow's framework library exports the symbols of the LLVM it bundles without a version; once lavapipe has
 * loaded Mesa's LLVM 15, loading TensorFlow binds its static initialisers to LLVM 15 and the process dies
 * (SIGSEGV in DebugInfoMetadata.cpp's initialiser). In the other order both work, so every path to a WebGPU
 * adapter (`probeWebGpu`, hence `initBackend`) calls this first. A broken install fails here, naming the fix.
 */
export async function loadNativeBeforeWebGpu(): Promise<void> {
  if (!(await nativeAvailable())) return;
  try {
    await loadNative();
  } catch (err) {
    throw new Error(
      `the native backend is installed but does not load (${(err as Error).message}); it must load before ` +
        "WebGPU. Fix: rerun deno task setup, or delete node_modules/@tensorflow/tfjs-node/lib to uninstall it",
    );
  }
}

/** TensorFlow's own version as the addon reports it (after {@link loadNative}). */
export function nativeTensorflowVersion(): string {
  const backend = tf.findBackend("tensorflow") as unknown as { binding?: { TF_Version?: string } } | null;
  return backend?.binding?.TF_Version ?? "unknown";
}
