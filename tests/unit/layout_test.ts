/**
 * The layout of lib/: each folder is a concept that imports only folders below it, so that the order reads as
 * the design (README, "Layout"). A folder's level is its row in {@link LEVELS}; an import must go to a lower row.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/** lib/'s folders from the bottom up; a folder may import folders of earlier rows only. */
export const LEVELS: readonly (readonly string[])[] = [
  ["io", "random", "backend", "stats", "schedule"],
  ["data", "augment", "kernels", "setup"],
  ["shards", "model"],
  ["config"],
  ["train"],
  ["report", "recipe"],
  ["run", "ablate", "web"],
  ["bench"],
  ["notebook", "doctor"],
  ["cli"],
];

const level = (folder: string) => LEVELS.findIndex((row) => row.includes(folder));

/** Every .ts file under `dir`, recursively. */
async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await tsFiles(path));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The lib/ folders that `text`, the source of `file`, imports (static and dynamic relative imports, types too). */
function importedFolders(text: string, file: string): string[] {
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specs.map((s) => relative(LIB, join(dirname(file), s)).split("/")[0]);
}

Deno.test("every folder of lib/ has a level, and imports only folders of lower levels (no cycles)", async () => {
  const folders = [...Deno.readDirSync(LIB)].filter((e) => e.isDirectory).map((e) => e.name);
  for (const f of folders) assert.ok(level(f) >= 0, `lib/${f} has no level in LEVELS (tests/layout_test.ts)`);
  const bad: string[] = [];
  for (const file of await tsFiles(LIB)) {
    const own = relative(LIB, file).split("/")[0];
    if (!folders.includes(own)) continue; // lib/mod.ts, the public entry point, re-exports everything
    for (const to of importedFolders(await Deno.readTextFile(file), file)) {
      if (to !== own && folders.includes(to) && level(to) >= level(own)) {
        bad.push(`${relative(LIB, file)} -> ${to}`);
      }
    }
  }
  assert.deepEqual(bad, [], `imports against the order:\n${bad.join("\n")}`);
});

Deno.test("each folder's mod.ts states its row and the folders it imports, as they are", async () => {
  for (const [row, folders] of LEVELS.entries()) {
    for (const folder of folders) {
      const dir = join(LIB, folder);
      const mod = await Deno.readTextFile(join(dir, "mod.ts")).catch(() => null);
      if (mod === null) continue; // a planned folder that does not exist (yet)
      const said = /Row (\d+) of lib\/'s layout \(README, Layout\): imports ([^.]+)\./.exec(
        mod.replace(/\n \* /g, " "),
      );
      assert.ok(said, `lib/${folder}/mod.ts does not state its row and imports`);
      assert.equal(Number(said[1]), row, `lib/${folder}/mod.ts states row ${said[1]}`);
      const stated = said[2] === "no other folder of lib/" ? [] : said[2].split(", ");
      const actual = new Set<string>();
      for (const file of await tsFiles(dir)) {
        for (const to of importedFolders(await Deno.readTextFile(file), file)) {
          if (to !== folder) actual.add(to);
        }
      }
      assert.deepEqual(stated, [...actual].sort(), `lib/${folder}/mod.ts: stated vs actual imports`);
    }
  }
});

Deno.test("the layout check sees static, type and dynamic imports, and an upward one is against the order", () => {
  const file = join(LIB, "config", "example.ts");
  const text = 'import type { T } from "../train/types.ts";\nimport { x } from "./schema.ts";\n' +
    'const m = await import("../../lib/model/mod.ts");\n';
  assert.deepEqual(importedFolders(text, file), ["train", "config", "model"]);
  assert.ok(level("train") > level("config") && level("model") < level("config"));
});
