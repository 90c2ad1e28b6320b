import { createHash } from "node:crypto";

/** Hex sha256 of `data`. */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Streaming hex digest of a file (`sha256`, `sha512`, `md5`, ...), read in 1 MiB chunks. */
export async function fileDigest(
  path: string,
  algorithm: string,
  encoding: "hex" | "base64" = "hex",
): Promise<string> {
  const hash = createHash(algorithm);
  using file = await Deno.open(path, { read: true });
  const buf = new Uint8Array(1 << 20);
  for (;;) {
    const n = await file.read(buf);
    if (n === null) break;
    hash.update(buf.subarray(0, n));
  }
  return hash.digest(encoding);
}
