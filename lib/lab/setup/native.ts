import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NATIVE_PACKAGE, nativeAvailable, nativePaths, PROJECT_ROOT } from "../../core/backend/native.ts";
import { exists, replaceDirAtomic } from "../../core/io/mod.ts";
import { buildBinding } from "./binding.ts";
import { run } from "./process.ts";
import { downloadWheel, extractWheel, TENSORFLOW_WHEEL } from "./wheel.ts";

/** Where the setup keeps the extracted TensorFlow C library (a cache: `data/` holds caches only). */
export const NATIVE_CACHE = join(PROJECT_ROOT, "data", "native");

/** What {@link setupNative} found or did. */
export interface NativeSetup {
  /** How the addon got there: already present, tfjs-node's own install, or built from the wheel. */
  route: "present" | "official" | "wheel";
  tfjsNode: string;
  tensorflow: string;
}

/** The addon's check in a child process: loads it and runs a 3x3 convolution whose sum is known (200). */
async function probe(): Promise<{ tfjsNode: string; tensorflow: string }> {
  const out = await run("load the native backend", Deno.execPath(), [
    "run",
    "-A",
    fileURLToPath(new URL("./probe.ts", import.meta.url)),
  ], { cwd: PROJECT_ROOT, fix: "rerun deno task setup; it rebuilds the addon" });
  const result = JSON.parse(out.trim().split("\n").at(-1)!);
  if (result.sum !== 200) {
    throw new Error(`setup: the native backend computed ${result.sum} for a sum of 200`);
  }
  return result;
}

/** Removes what a failed install or build left in the package (the addon, the linked libraries, the build). */
async function cleanPackage(packageDir: string): Promise<void> {
  for (const dir of ["lib", "deps", "build"]) {
    await Deno.remove(join(packageDir, dir), { recursive: true }).catch(() => {/* not there */});
  }
}

/** True when TensorFlow's download bucket, which tfjs-node's own install step uses, answers within 5 s. */
async function bucketReachable(): Promise<boolean> {
  try {
    const res = await fetch("https://storage.googleapis.com/tf-builds/", {
      method: "HEAD",
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** The extracted C library from the pinned wheel, in the cache (made once: download, sha256, extract, rename). */
async function cachedLibrary(log: (line: string) => void): Promise<string> {
  const dir = join(NATIVE_CACHE, `libtensorflow-${TENSORFLOW_WHEEL.version}`);
  if (await exists(join(dir, "lib", "libtensorflow.so"))) return dir;
  await Deno.mkdir(NATIVE_CACHE, { recursive: true });
  const wheel = await downloadWheel(NATIVE_CACHE, log);
  log(`extracting the TensorFlow C library into ${dir}`);
  await replaceDirAtomic(dir, async (tmp) => {
    await extractWheel(wheel, tmp);
    // The linker's names for the two libraries; the addon records their sonames (*.so.2).
    await Deno.symlink("libtensorflow_cc.so.2", join(tmp, "lib", "libtensorflow.so"));
    await Deno.symlink("libtensorflow_framework.so.2", join(tmp, "lib", "libtensorflow_framework.so"));
  });
  await Deno.remove(wheel);
  return dir;
}

/**
 * Provides tfjs-node's native part, idempotently: nothing to do when the addon loads; else tfjs-node's own install
 * step when TensorFlow's bucket is reachable; else TensorFlow's C library from the pinned `tensorflow-cpu` wheel
 * (pip, sha256-checked, cached in `data/native`) and a node-gyp build of the addon against it. Every route ends
 * with the addon loaded in a child process; a failed route leaves nothing behind that a rerun would trip on.
 */
export async function setupNative(log: (line: string) => void = console.log): Promise<NativeSetup> {
  const { packageDir } = nativePaths();
  if (!(await exists(join(packageDir, "package.json")))) {
    log(`installing ${NATIVE_PACKAGE} into node_modules (deno install)`);
    await run("install the npm packages", Deno.execPath(), ["install"], {
      cwd: PROJECT_ROOT,
      fix: "check that the npm registry is reachable, then rerun deno task setup",
    });
  }
  if (await nativeAvailable()) {
    try {
      return { route: "present", ...(await probe()) };
    } catch (err) {
      log(`the installed addon does not load (${(err as Error).message.split("\n")[0]}); rebuilding it`);
      await cleanPackage(packageDir);
    }
  }
  if (await bucketReachable()) {
    log("TensorFlow's download bucket is reachable: running tfjs-node's own install step");
    try {
      await run("run tfjs-node's install step", "node", ["scripts/install.js"], {
        cwd: packageDir,
        fix: "see its output; the wheel route follows",
      });
      return { route: "official", ...(await probe()) };
    } catch (err) {
      log(`tfjs-node's install step failed (${(err as Error).message.split("\n")[0]}); using the wheel`);
      await cleanPackage(packageDir);
    }
  } else {
    log(
      "TensorFlow's download bucket (storage.googleapis.com) is unreachable: using the tensorflow-cpu wheel",
    );
  }
  const library = await cachedLibrary(log);
  await cleanPackage(packageDir);
  await Deno.symlink(library, join(packageDir, "deps"));
  try {
    await buildBinding(packageDir, log);
    return { route: "wheel", ...(await probe()) };
  } catch (err) {
    await cleanPackage(packageDir);
    throw err;
  }
}
