import { basename, dirname, join } from "node:path";
import { exists, isStaleTempOf, tempPathFor } from "./atomic.ts";

/** Where {@link replaceDirAtomic} keeps the previous version of `path` during a swap: `<path>.old`. */
export function oldDirOf(path: string): string {
  return `${path}.old`;
}

/**
 * Settles a swap a crash interrupted: `path` missing and `<path>.old` present means the crash came between
 * the two renames, so `<path>.old` (the last complete version) is renamed back; both present means the swap
 * had finished, so `<path>.old` is removed. Returns what it did, if anything.
 */
async function settleOld(path: string): Promise<string | null> {
  const old = oldDirOf(path);
  if (!(await exists(old))) return null;
  if (await exists(path)) {
    await Deno.remove(old, { recursive: true });
    return `removed ${old} (left by a finished swap)`;
  }
  await Deno.rename(old, path);
  return `restored ${path} from ${old} (a swap was interrupted)`;
}

/**
 * Replaces the folder `path` with a folder filled by `fill`, safe against a crash (kill -9) at any moment:
 * `fill` writes into a temp folder beside it; then the current folder is renamed to `<path>.old`, the temp
 * folder is renamed to `path`, and `<path>.old` is removed. Between the two renames `path` is missing but
 * `<path>.old` holds the previous complete version, which {@link recoverDirAtomic} (or the next replace) renames
 * back. One writer per `path` at a time.
 */
export async function replaceDirAtomic(path: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await settleOld(path);
  const tmp = tempPathFor(path);
  await Deno.mkdir(tmp);
  try {
    await fill(tmp);
    const old = oldDirOf(path);
    const hadOld = await exists(path);
    if (hadOld) await Deno.rename(path, old);
    await Deno.rename(tmp, path);
    if (hadOld) await Deno.remove(old, { recursive: true });
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {/* already moved or never filled */});
    throw err;
  }
}

/**
 * Repairs what a crash inside {@link replaceDirAtomic} left at `path`, before a reader opens it: renames
 * `<path>.old` back when `path` is missing, removes it when both exist, and removes the temp folders that
 * other processes left beside `path`. Call it only while no other process writes `path`. Returns what it did,
 * one line per repair (none when there was nothing to repair).
 */
export async function recoverDirAtomic(path: string): Promise<string[]> {
  const parent = dirname(path);
  if (!(await exists(parent))) return [];
  const settled = await settleOld(path);
  const done = settled ? [settled] : [];
  for await (const entry of Deno.readDir(parent)) {
    if (isStaleTempOf(entry.name, basename(path))) {
      await Deno.remove(join(parent, entry.name), { recursive: true });
      done.push(`removed the stale temp ${join(parent, entry.name)}`);
    }
  }
  return done;
}
