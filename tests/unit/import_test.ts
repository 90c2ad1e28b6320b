/** Importing the library changes nothing in tfjs: layers and kernels are registered by explicit calls. */
import assert from "node:assert/strict";

Deno.test("importing lib/ registers no layer class and no kernel (registerLayers and KernelRuntime.activate do)", async () => {
  const script = new URL("./fixtures/import_state.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const state = JSON.parse(text.trim().split("\n").at(-1)!);
  assert.deepEqual(state.layers, []);
  assert.deepEqual(state.kernels, { davidnet: [], stockConv: "registered" });
});
