import { dirname, join } from "node:path";
import { exists } from "../../core/io/mod.ts";
import { NATIVE_NAPI_VERSION } from "../../core/backend/native.ts";
import { run } from "./process.ts";

/** node-gyp as npm ships it (`<npm root -g>/npm/node_modules/node-gyp`), run with node. */
async function nodeGyp(): Promise<string> {
  const root = (await run("find npm's global folder", "npm", ["root", "-g"], {
    fix: "install Node.js 20 with npm (Debian: apt-get install -y nodejs npm)",
  })).trim();
  const script = join(root, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (!(await exists(script))) {
    throw new Error(
      `setup: npm has no node-gyp at ${script}. Fix: npm install -g node-gyp, then rerun deno task setup`,
    );
  }
  return script;
}

/**
 * The folder holding Node's headers (`include/node/node_api.h`), so that node-gyp builds offline: npm's `nodedir`
 * setting, else the prefix of the `node` on PATH; undefined when neither has them (node-gyp then downloads them).
 */
async function nodeHeaders(): Promise<string | undefined> {
  const fromNpm = (await run("read npm's nodedir", "npm", ["config", "get", "nodedir"], { fix: "check npm" }))
    .trim();
  const which =
    (await run("find node", "sh", ["-c", 'readlink -f "$(command -v node)"'], { fix: "install Node.js" }))
      .trim();
  for (const dir of [fromNpm, dirname(dirname(which))]) {
    if (dir && dir !== "undefined" && await exists(join(dir, "include", "node", "node_api.h"))) return dir;
  }
  return undefined;
}

/**
 * Builds tfjs-node's addon (`binding/*.cc`) with node-gyp against the TensorFlow C library in `packageDir/deps`
 * (`lib/`, `include/`), into `lib/napi-v8/tfjs_binding.node`, the file tfjs-node loads. g++, make and python3
 * must be installed. On failure the partial build folder is removed.
 */
export async function buildBinding(packageDir: string, log: (line: string) => void): Promise<void> {
  const [gyp, headers] = [await nodeGyp(), await nodeHeaders()];
  log(
    `building ${join(packageDir, "lib", `napi-v${NATIVE_NAPI_VERSION}`, "tfjs_binding.node")} with node-gyp` +
      (headers ? ` (Node headers in ${headers})` : ""),
  );
  try {
    await run("build tfjs-node's binding", "node", [
      gyp,
      "rebuild",
      ...(headers ? [`--nodedir=${headers}`] : []),
      "--",
      `-Dnapi_build_version=${NATIVE_NAPI_VERSION}`,
      "-Dmodule_name=tfjs_binding",
      `-Dmodule_path=${join(packageDir, "lib", `napi-v${NATIVE_NAPI_VERSION}`)}`,
    ], {
      cwd: packageDir,
      fix: "apt-get install -y g++ make python3 (node-gyp's tools), then rerun deno task setup",
    });
  } finally {
    await Deno.remove(join(packageDir, "build"), { recursive: true }).catch(() => {/* never created */});
  }
}
