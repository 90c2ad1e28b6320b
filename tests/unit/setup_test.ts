/** The setup's steps fail with the step, the command's last output and the fix (lib/lab/setup), without the network. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { TENSORFLOW_WHEEL } from "../../lib/lab/setup/mod.ts";
import { run } from "../../lib/lab/setup/process.ts";
import { downloadWheel } from "../../lib/lab/setup/wheel.ts";
import { tempDir } from "../helpers.ts";

Deno.test("a failing setup step names the step, the exit code, the last lines of output and the fix", async () => {
  await assert.rejects(
    () =>
      run("build the thing", "sh", ["-c", "echo first; echo 'the real cause' >&2; exit 3"], {
        fix: "do this",
      }),
    (err: Error) => {
      assert.match(err.message, /^setup: could not build the thing: sh -c .* exited 3:/);
      assert.match(err.message, /the real cause/);
      assert.match(err.message, /Fix: do this$/);
      return true;
    },
  );
  await assert.rejects(
    () => run("start it", "no-such-command-here", [], { fix: "install it" }),
    /setup: could not start it: no-such-command-here did not start .*Fix: install it/,
  );
});

Deno.test("setup: a wheel whose sha256 differs from the pin is removed, and the error names both digests", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.path, TENSORFLOW_WHEEL.file);
  await Deno.writeTextFile(path, "not a wheel");
  await assert.rejects(() => downloadWheel(tmp.path, () => {}), (err: Error) => {
    assert.match(err.message, new RegExp(`expected ${TENSORFLOW_WHEEL.sha256}; removed it\\. Fix: rerun`));
    return true;
  });
  await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
});
