import { join } from "node:path";
import { exists, fileDigest } from "../../core/io/mod.ts";
import { run } from "./process.ts";

/**
 * The TensorFlow C library that the native backend links against, taken from the `tensorflow-cpu` wheel on the
 * Python package index (pip's configured index serves it where TensorFlow's own bucket is unreachable). The
 * wheel's two shared libraries carry the whole C API (`TF_*`, `TFE_*`) and need no libpython.
 */
export const TENSORFLOW_WHEEL = {
  project: "tensorflow-cpu",
  version: "2.21.0",
  file: "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl",
  /** The index's published sha256 of `file`. */
  sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  /** pip's platform and Python tags of `file`, so that any pip on any Python fetches the same file. */
  pipTags: ["--platform", "manylinux_2_27_x86_64", "--python-version", "3.11", "--implementation", "cp"],
} as const;

/**
 * What the binding needs from the wheel: the libraries (renamed below `lib/` without their `tensorflow/` prefix)
 * and the C headers that `binding/tfjs_backend.cc` includes, directly or through c_api.h (found with `g++ -MM`).
 */
export const WHEEL_MEMBERS = {
  libraries: ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"],
  headerPrefixes: [
    "tensorflow/include/tensorflow/c/",
    "tensorflow/include/tensorflow/core/platform/ctstring",
    "tensorflow/include/tsl/platform/ctstring",
    "tensorflow/include/xla/tsl/c/",
  ],
} as const;

/** Downloads the pinned wheel into `dir` with pip (no dependencies) and checks its sha256; returns its path. */
export async function downloadWheel(dir: string, log: (line: string) => void): Promise<string> {
  const path = join(dir, TENSORFLOW_WHEEL.file);
  if (!(await exists(path))) {
    log(`downloading ${TENSORFLOW_WHEEL.file} (274 MB) with pip`);
    const pip = await pythonWithPip();
    await run("download the TensorFlow wheel", pip[0], [
      ...pip.slice(1),
      "download",
      `${TENSORFLOW_WHEEL.project}==${TENSORFLOW_WHEEL.version}`,
      "--no-deps",
      "--only-binary=:all:",
      ...TENSORFLOW_WHEEL.pipTags,
      "--dest",
      dir,
    ], {
      fix:
        "pip needs a Python package index that serves tensorflow-cpu 2.21.0 (check `pip config list` and " +
        "the network), or put the wheel into " + dir + " by hand",
    });
  }
  const digest = await fileDigest(path, "sha256");
  if (digest !== TENSORFLOW_WHEEL.sha256) {
    await Deno.remove(path);
    throw new Error(
      `setup: ${TENSORFLOW_WHEEL.file} has sha256 ${digest}, expected ${TENSORFLOW_WHEEL.sha256}; removed it. ` +
        "Fix: rerun deno task setup (a truncated download), or check which index pip uses",
    );
  }
  return path;
}

/** A Python that has pip: `python3 -m pip`, else `pip3`. */
async function pythonWithPip(): Promise<string[]> {
  for (const cmd of [["python3", "-m", "pip"], ["pip3"], ["pip"]]) {
    const ok = await new Deno.Command(cmd[0], {
      args: [...cmd.slice(1), "--version"],
      stdout: "null",
      stderr: "null",
    })
      .output().then((o) => o.success).catch(() => false);
    if (ok) return cmd;
  }
  throw new Error(
    "setup: no pip found (python3 -m pip, pip3, pip). Fix: apt-get install -y python3-pip, or use --backend " +
      "webgpu|cpu without the native backend",
  );
}

/**
 * Extracts {@link WHEEL_MEMBERS} of `wheel` into `dest` (`lib/`, `include/`) with Python's zipfile, which streams
 * the 274 MB archive instead of holding it in memory.
 */
export async function extractWheel(wheel: string, dest: string): Promise<void> {
  const script = `
import os, shutil, sys, zipfile
wheel, dest, libs, prefixes = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name in libs:
            out = os.path.join(dest, "lib", os.path.basename(name))
        elif not name.endswith("/") and any(name.startswith(p) for p in prefixes):
            out = os.path.join(dest, "include", name[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(info) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;
  await run("extract the TensorFlow C library from the wheel", "python3", [
    "-c",
    script,
    wheel,
    dest,
    WHEEL_MEMBERS.libraries.join(","),
    WHEEL_MEMBERS.headerPrefixes.join(","),
  ], { fix: "check the free disk space (about 900 MB are needed) and rerun deno task setup" });
  for (const lib of WHEEL_MEMBERS.libraries) {
    if (!(await exists(join(dest, "lib", lib.split("/").pop()!)))) {
      throw new Error(
        `setup: ${wheel} holds no ${lib}. Fix: check TENSORFLOW_WHEEL in lib/lab/setup/wheel.ts`,
      );
    }
  }
}
