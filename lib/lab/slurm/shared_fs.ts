import { dirname, resolve } from "node:path";
import { exists } from "../../core/io/mod.ts";

/** Filesystems that live on one machine: a folder on one of these is not seen by the cluster's other nodes. */
const LOCAL = new Set([
  "ext2",
  "ext3",
  "ext4",
  "xfs",
  "btrfs",
  "tmpfs",
  "overlay",
  "zfs",
  "f2fs",
  "vfat",
  "ramfs",
]);

/** The type of the filesystem that holds `path` (or would, for a folder yet to be made), from /proc/mounts. */
export async function filesystemOf(path: string): Promise<string | null> {
  let at = resolve(path);
  while (!(await exists(at)) && dirname(at) !== at) at = dirname(at);
  at = await Deno.realPath(at);
  const mounts = await Deno.readTextFile("/proc/mounts").catch(() => "");
  let best: { point: string; type: string } | null = null;
  for (const line of mounts.split("\n")) {
    const [, point, type] = line.split(" ");
    if (!point || !type) continue;
    const mount = point.replace(/\\040/g, " ");
    const inside = at === mount || at.startsWith(mount.endsWith("/") ? mount : `${mount}/`);
    if (inside && (!best || mount.length > best.point.length)) best = { point: mount, type };
  }
  return best?.type ?? null;
}

/**
 * Why `dir` cannot hold a sweep that runs on `nodes` nodes, or null: with more than one node, a folder on a local
 * filesystem (ext4, xfs, tmpfs, ...) is not seen by the other nodes' tasks. Other types (NFS, Lustre, GPFS, BeeGFS,
 * CephFS, ...) and one-node clusters pass; an unknown type passes too, since it cannot be checked here.
 */
export async function sharedFolderProblem(dir: string, nodes: number): Promise<string | null> {
  if (nodes <= 1) return null;
  const type = await filesystemOf(dir);
  if (!type || !LOCAL.has(type)) return null;
  return `--out ${dir} is on a local filesystem (${type}), but the sweep may run on ${nodes} nodes: tasks on the ` +
    "others could not write their runs there; put --out on a filesystem every node mounts (NFS, Lustre, ...)";
}
