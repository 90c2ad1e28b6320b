import assert from "node:assert/strict";
import { usage } from "../../lib/cli/args.ts";

Deno.test("usage: a flag's help starts in its column, or on the next line when the flag is too long to leave a gap", () => {
  const text = usage("train", "Trains.", {
    seed: { type: "int", help: "random seed", default: 0 },
    backend: {
      type: "string",
      help: "tfjs backend",
      choices: ["auto", "webgpu", "tensorflow", "cpu"],
      default: "auto",
    },
  });
  const lines = text.split("\n");
  assert.ok(lines.includes("  --seed INT".padEnd(34) + "random seed (default 0)"), text);
  const at = lines.indexOf("  --backend auto|webgpu|tensorflow|cpu");
  assert.ok(at > 0, text);
  assert.equal(lines[at + 1], " ".repeat(34) + "tfjs backend (default auto)");
});
