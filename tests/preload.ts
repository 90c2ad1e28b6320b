/**
 * Loaded by `deno task test` before every test module (`--preload`): the native backend, when it is installed,
 * before anything in the process can request a WebGPU adapter (lib/core/backend/native.ts says why the order matters),
 * whichever test file the runner starts with and however it reaches WebGPU; and a private XDG_RUNTIME_DIR, which
 * Mesa's Vulkan drivers complain about on every adapter request when it is unset.
 */
import { loadNativeBeforeWebGpu } from "../lib/core/backend/native.ts";

if (!Deno.env.get("XDG_RUNTIME_DIR")) {
  Deno.env.set("XDG_RUNTIME_DIR", await Deno.makeTempDir({ prefix: "xdg-" }));
}
await loadNativeBeforeWebGpu();
