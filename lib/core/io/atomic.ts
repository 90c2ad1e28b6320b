import { dirname, join } from "node:path";

let counter = 0;

/**
 * A temp path next to `path` (`<path>.<pid>.<n>.tmp`), unique within this process, so a rename onto `path`
 * stays on one filesystem; {@link isStaleTempOf} recognises the ones other processes left behind.
 */
export function tempPathFor(path: string): string {
  counter += 1;
  return `${path}.${Deno.pid}.${counter}.tmp`;
}

/** True when `name` is a temp name {@link tempPathFor} made for `base` in another process than this one. */
export function isStaleTempOf(name: string, base: string): boolean {
  const m = name.startsWith(`${base}.`) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(base.length + 1)) : null;
  return m !== null && Number(m[1]) !== Deno.pid;
}

/**
 * Writes `data` to `path` atomically: a temp file in the same folder, then a rename, so a reader (or a crash)
 * never sees a half-written file and an existing file is kept until the new one is complete.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {/* the temp file may never have been created */});
    throw err;
  }
}

/** Writes `value` as pretty JSON (with a trailing newline) to `path` atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** True when `path` exists (file or folder); other errors than "not found" are thrown. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** True when every one of `names` exists in `dir`. */
export async function allExist(dir: string, names: string[]): Promise<boolean> {
  for (const n of names) if (!(await exists(join(dir, n)))) return false;
  return true;
}
