/**
 * The layout of lib/: two layers, `lib/core` (the training library) and `lib/lab` (notebooks' helpers, bench,
 * ablations, the CLI) above it, and in each a folder per concept that imports only folders below it, so that the
 * order reads as the design (README, "Layout"). A folder's level is its row in {@link LEVELS}; an import must go
 * to a lower row, so the core never imports the lab.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/** The core's folders from the bottom up; a folder may import folders of earlier rows only. */
export const CORE_LEVELS: readonly (readonly string[])[] = [
  ["io", "random", "backend", "stats", "schedule", "params"],
  ["data", "augment", "kernels"],
  ["shards", "model"],
  ["config"],
  ["train"],
];

/** The lab's folders from the bottom up, every row above the core's. */
export const LAB_LEVELS: readonly (readonly string[])[] = [
  ["setup", "report", "recipe"],
  ["run", "ablate", "web"],
  ["bench", "slurm"],
  ["notebook", "doctor"],
  ["cli"],
];

/** lib/'s folders from the bottom up, the core's rows first. */
export const LEVELS: readonly (readonly string[])[] = [...CORE_LEVELS, ...LAB_LEVELS];

const level = (folder: string) => LEVELS.findIndex((row) => row.includes(folder));
const layerOf = (folder: string) => CORE_LEVELS.some((row) => row.includes(folder)) ? "core" : "lab";

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

/** The layer/folder of a path under lib/ ("core/train"), or the path's first step outside lib/. */
function folderOf(path: string): string {
  const steps = relative(LIB, path).split("/");
  return steps[0] === "core" || steps[0] === "lab" ? steps.slice(0, 2).join("/") : steps[0];
}

/** The lib/ folders that `text`, the source of `file`, imports (static and dynamic relative imports, types too). */
function importedFolders(text: string, file: string): string[] {
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specs.map((s) => folderOf(join(dirname(file), s)));
}

/** Each layer's folders as "core/train", "lab/cli". */
function layerFolders(): string[] {
  return ["core", "lab"].flatMap((layer) =>
    [...Deno.readDirSync(join(LIB, layer))].filter((e) => e.isDirectory).map((e) => `${layer}/${e.name}`)
  );
}

const name = (folder: string) => folder.split("/")[1];

Deno.test("lib/ holds the two layers only; every folder has a level in its layer, and imports only lower rows", async () => {
  const top = [...Deno.readDirSync(LIB)].map((e) => e.name).sort();
  assert.deepEqual(top, ["core", "lab"], "lib/ holds core/ and lab/, nothing else");
  const folders = layerFolders();
  for (const f of folders) {
    assert.ok(level(name(f)) >= 0, `lib/${f} has no level in LEVELS (tests/unit/layout_test.ts)`);
    assert.equal(layerOf(name(f)), f.split("/")[0], `lib/${f} is in the other layer's rows`);
  }
  const bad: string[] = [];
  for (const file of await tsFiles(LIB)) {
    const own = folderOf(file);
    const to = importedFolders(await Deno.readTextFile(file), file);
    if (own === "core/mod.ts") { // the core's public entry point re-exports the core, never the lab
      bad.push(...to.filter((t) => !t.startsWith("core/")).map((t) => `core/mod.ts -> ${t}`));
      continue;
    }
    for (const t of to) {
      if (t !== own && folders.includes(t) && level(name(t)) >= level(name(own))) {
        bad.push(`${relative(LIB, file)} -> ${t}`);
      }
    }
  }
  assert.deepEqual(bad, [], `imports against the order:\n${bad.join("\n")}`);
});

Deno.test("each folder's mod.ts states its row and the folders it imports, as they are", async () => {
  for (const folder of layerFolders()) {
    const row = level(name(folder));
    const dir = join(LIB, folder);
    const mod = await Deno.readTextFile(join(dir, "mod.ts")).catch(() => null);
    if (mod === null) continue; // a folder without a mod.ts (none today)
    const said = /Row (\d+) of lib\/'s layout \(README, Layout\): imports ([^.]+)\./.exec(
      mod.replace(/\n \* /g, " "),
    );
    assert.ok(said, `lib/${folder}/mod.ts does not state its row and imports`);
    assert.equal(Number(said[1]), row, `lib/${folder}/mod.ts states row ${said[1]}`);
    const stated = said[2] === "no other folder of lib/" ? [] : said[2].split(", ");
    const actual = new Set<string>();
    for (const file of await tsFiles(dir)) {
      for (const to of importedFolders(await Deno.readTextFile(file), file)) {
        if (to !== folder) actual.add(name(to));
      }
    }
    assert.deepEqual(stated, [...actual].sort(), `lib/${folder}/mod.ts: stated vs actual imports`);
  }
});

Deno.test("the layout check sees static, type and dynamic imports, and an upward one is against the order", () => {
  const file = join(LIB, "core", "config", "example.ts");
  const text = 'import type { T } from "../train/types.ts";\nimport { x } from "./schema.ts";\n' +
    'const m = await import("../../../lib/core/model/mod.ts");\nimport { y } from "../../lab/cli/mod.ts";\n';
  assert.deepEqual(importedFolders(text, file), ["core/train", "core/config", "core/model", "lab/cli"]);
  assert.ok(level("train") > level("config") && level("model") < level("config"));
  assert.ok(LAB_LEVELS.flat().every((f) => level(f) > level("train")), "every lab row is above the core's");
});
