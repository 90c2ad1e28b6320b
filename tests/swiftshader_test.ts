/**
 * The kernel and gradient tests on a second, independent software Vulkan: SwiftShader's (Debian's chromium ships
 * it), whose adapter allows 256 invocations per workgroup where lavapipe allows 1024. Both test files run in a
 * child `deno test` whose Vulkan loader takes SwiftShader's ICD, at the shapes that take every code path of the
 * kernels (SwiftShader is slower than lavapipe), with both conv strategies; they check that they run on SwiftShader.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { exists } from "../lib/core/io/mod.ts";
import { ADAPTER_ENV, SHAPES_ENV, SWIFTSHADER_ICD } from "./adapters.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("the kernel and gradient tests pass on SwiftShader, conv tiled and direct", async () => {
  assert.ok(
    await exists(SWIFTSHADER_ICD),
    `${SWIFTSHADER_ICD} is missing: install Debian's chromium (the README's test line does), which ships SwiftShader`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    // As `deno task test` runs them (tests/preload.ts first).
    args: [
      "test",
      "-A",
      "--unstable-webgpu",
      "--preload",
      "tests/preload.ts",
      "tests/kernels_test.ts",
      "tests/gradients_test.ts",
    ],
    cwd: ROOT,
    env: {
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      [ADAPTER_ENV]: "swiftshader",
      [SHAPES_ENV]: "paths",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text.slice(-8000));
  const summary = text.match(/^ok \| (\d+) passed \| 0 failed/m);
  assert.ok(summary && Number(summary[1]) >= 6, text.slice(-3000));
});
