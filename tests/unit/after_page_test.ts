import assert from "node:assert/strict";
import { AIRBENCH94, configDifferences, TRICKS } from "../../lib/core/config/mod.ts";
import { AFTER_PAGE_NOTES, afterPageNote } from "../../lib/lab/notebook/teach.ts";

Deno.test("every hyperparameter on which airbench94 differs from Page's tricks has a note, and no note is stale", () => {
  const differing = configDifferences(TRICKS, AIRBENCH94).map((d) => d.flag);
  for (const flag of differing) assert.ok(afterPageNote(flag), `no note explains --${flag}`);
  for (const note of AFTER_PAGE_NOTES) {
    assert.ok(note.flags.some((f) => differing.includes(f)), `${note.change}: none of its flags differ`);
  }
  assert.deepEqual(differing.slice(0, 3), ["arch", "activation", "celu-alpha"]);
});
