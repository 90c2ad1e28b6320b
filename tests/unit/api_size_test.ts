/**
 * The names a notebook author meets: the core's public interface (lib/core/mod.ts, `dn`) and the teaching module
 * (lib/lab/notebook/teach.ts, `nb`), held to 120 in all (issue "Core and lab"), and the README's counts of them.
 */
import assert from "node:assert/strict";

const read = (path: string) => Deno.readTextFile(new URL(`../../${path}`, import.meta.url));

/** The names a re-export-only module exports; throws when it exports anything but `export { ... } from` lists. */
export function reexportedNames(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const lists = [...code.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"[^"]+";/g)];
  const rest = code.replace(/export\s+(?:type\s+)?\{[^}]*\}\s*from\s*"[^"]+";/g, "").trim();
  if (rest !== "") throw new Error(`not only re-exports: ${rest.slice(0, 80)}`);
  return lists.flatMap((m) =>
    m[1].split(",").map((n) => n.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()!).filter((n) =>
      n !== ""
    )
  );
}

Deno.test("a notebook author meets at most 120 names: the core's mod.ts and the teaching module, as the README counts them", async () => {
  const core = reexportedNames(await read("lib/core/mod.ts"));
  const teach = reexportedNames(await read("lib/lab/notebook/teach.ts"));
  assert.equal(new Set(core).size, core.length);
  assert.equal(new Set(teach).size, teach.length);
  assert.ok(core.length + teach.length <= 120, `${core.length} + ${teach.length} names`);
  const readme = (await read("README.md")).replace(/\s+/g, " ");
  assert.match(
    readme,
    new RegExp(`its whole public interface for someone training a net \\(${core.length} names`),
  );
  assert.match(readme, new RegExp(`the teaching module \`teach.ts\` \\(\`nb\`, ${teach.length} names\\)`));
});

Deno.test("the name count reads export lists, types and renames included, and refuses a module that defines", () => {
  assert.deepEqual(
    reexportedNames('export { a, type B, c as d } from "./x.ts";\nexport type { E } from "./y.ts";'),
    [
      "a",
      "B",
      "d",
      "E",
    ],
  );
  assert.throws(
    () => reexportedNames('export const x = 1;\nexport { a } from "./x.ts";'),
    /not only re-exports/,
  );
});
