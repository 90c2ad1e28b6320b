/**
 * The native backend: `@tensorflow/tfjs-node`, whose addon runs TensorFlow's C library on the CPU. `deno task
 * setup` builds the addon (lib/setup); this module only finds and loads it, and never downloads anything.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import util from "node:util";
import { tf } from "./tf.ts";

/** The npm package that provides the `tensorflow` backend. */
export const NATIVE_PACKAGE = "@tensorflow/tfjs-node";

/** The N-API version of the addon that tfjs-node 4.22's loader (node-pre-gyp) picks on Node 20 and Deno 2.9. */
export const NATIVE_NAPI_VERSION = 8;

/** The project's root folder (where deno.json and node_modules are), wherever the process runs from. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

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

let loaded: Promise<string> | undefined;

/**
 * Loads tfjs-node once, which registers the `tensorflow` backend; resolves to TensorFlow's version. Throws, with
 * the fix, when `deno task setup` has not built the addon. `threads` applies only to the first load.
 */
export function loadNative(threads = 0): Promise<string> {
  loaded ??= (async () => {
    if (!(await nativeAvailable())) {
      throw new Error(
        `the native backend is not installed (no ${nativePaths().binding}). Fix: run deno task setup ` +
          "(about 1 GB of disk), or use --backend webgpu|cpu",
      );
    }
    setThreads(threads);
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
  loaded.catch(() => loaded = undefined);
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
