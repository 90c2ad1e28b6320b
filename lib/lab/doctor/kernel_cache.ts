/**
 * The kernel check once per adapter: `deno task train` asks {@link checkKernelsCached} whether the fast kernels are
 * safe on the adapter it runs on; the first time it runs the check (half a minute on a software adapter), then
 * it reads the verdict from `data/kernel-checks/`, keyed by the adapter, its limits, the conv strategy, the
 * versions of tfjs and Deno and the source of lib/core/kernels (a changed kernel is checked again).
 */
import { join } from "node:path";
import { type BackendInfo, tf } from "../../core/backend/mod.ts";
import { PROJECT_ROOT } from "../../core/backend/native.ts";
import { exists, sha256Hex, writeJsonAtomic } from "../../core/io/mod.ts";
import {
  checkKernels,
  type CheckVerdict,
  checkVerdict,
  type ConvStrategy,
  resolveConvStrategy,
  runningLimits,
} from "../../core/kernels/mod.ts";

/** Where the verdicts are kept (a cache: delete it to check again). */
export const KERNEL_CHECK_DIR = join(PROJECT_ROOT, "data", "kernel-checks");

/** Whether the fast kernels may run, and why ({@link CheckVerdict}), and whether that came from the cache. */
export interface KernelVerdict extends CheckVerdict {
  cached: boolean;
}

/** The verdict kept on disk. */
interface CachedVerdict {
  adapter: string;
  strategy: "tiled" | "direct";
  safe: boolean;
  reason: string;
  checkedAt: string;
}

/** sha256 of lib/core/kernels' own source files, so that a changed kernel is checked again. */
async function kernelSourceHash(): Promise<string> {
  const dir = new URL("../../core/kernels/", import.meta.url);
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ts")).map((e) =>
    e.name
  );
  const parts = await Promise.all(
    names.sort().map(async (n) => `${n}\n${await Deno.readTextFile(new URL(n, dir))}`),
  );
  return sha256Hex(new TextEncoder().encode(parts.join("\n")));
}

/** The cache file of the running webgpu adapter's verdict under `strategy`. */
async function verdictPath(backend: BackendInfo, strategy: "tiled" | "direct", dir: string): Promise<string> {
  const identity = {
    adapter: backend.webgpu ?? backend.adapter,
    limits: runningLimits(),
    strategy,
    tfjs: tf.version_core,
    deno: Deno.version.deno,
    kernels: await kernelSourceHash(),
  };
  return join(dir, `${sha256Hex(new TextEncoder().encode(JSON.stringify(identity))).slice(0, 32)}.json`);
}

/** Keeps the verdict of the fast kernels under `strategy` on the running adapter (the doctor's, say). */
export async function saveKernelVerdict(
  backend: BackendInfo,
  strategy: "tiled" | "direct",
  verdict: KernelVerdict,
  dir = KERNEL_CHECK_DIR,
): Promise<void> {
  const cached: CachedVerdict = {
    adapter: backend.adapter,
    strategy,
    safe: verdict.safe,
    reason: verdict.reason,
    checkedAt: new Date().toISOString(),
  };
  await Deno.mkdir(dir, { recursive: true });
  await writeJsonAtomic(await verdictPath(backend, strategy, dir), cached);
}

/** How {@link checkKernelsCached} runs. */
export interface CachedCheckOptions {
  /** The conv strategy training will use (default `auto`); `auto` is resolved on the adapter. */
  conv?: ConvStrategy;
  /** The cache folder (default {@link KERNEL_CHECK_DIR}). */
  dir?: string;
}

/**
 * Whether the fast kernels are safe on the running backend: on webgpu, the verdict of {@link checkKernels} under
 * the conv strategy training will use, run once per adapter (and kernel source) and then read from the cache;
 * elsewhere they do not run, so safe. Prints what it does through `log`. Call it after the backend has started.
 */
export async function checkKernelsCached(
  backend: BackendInfo,
  log: (line: string) => void,
  options: CachedCheckOptions = {},
): Promise<KernelVerdict> {
  if (backend.name !== "webgpu") {
    return { safe: true, reason: `the WebGPU kernels do not run on ${backend.name}`, cached: false };
  }
  const strategy = resolveConvStrategy(options.conv ?? "auto");
  const path = await verdictPath(backend, strategy, options.dir ?? KERNEL_CHECK_DIR);
  if (await exists(path)) {
    const kept = JSON.parse(await Deno.readTextFile(path)) as CachedVerdict;
    log(`kernel check: ${kept.safe ? "passed" : "FAILED"} on this adapter on ${kept.checkedAt} (${path})`);
    return { safe: kept.safe, reason: kept.reason, cached: true };
  }
  log(
    `kernel check: the fast kernels (conv ${strategy}) against references on ${backend.adapter}, once per adapter`,
  );
  const report = await checkKernels({ strategies: [strategy] });
  const verdict = { ...checkVerdict(report, backend.adapter, strategy), cached: false };
  log(
    `kernel check: ${verdict.safe ? "passed" : "FAILED"} in ${
      report.seconds.toFixed(1)
    } s: ${verdict.reason}`,
  );
  await saveKernelVerdict(backend, strategy, verdict, options.dir);
  return verdict;
}
