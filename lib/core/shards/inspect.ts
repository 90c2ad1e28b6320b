/** One field of a framed TFRecord, located in the file's bytes. */
export interface RecordField {
  field: string;
  offset: number;
  bytes: number;
  value: string;
}

/** Names the parts of the framed record at `offset` in `bytes`: length, its CRC, payload, payload CRC. */
export function describeRecord(bytes: Uint8Array, offset = 0): RecordField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(offset, true));
  const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
  return [
    { field: "length (uint64 LE)", offset, bytes: 8, value: String(length) },
    {
      field: "masked CRC32C of length",
      offset: offset + 8,
      bytes: 4,
      value: hex(view.getUint32(offset + 8, true)),
    },
    { field: "payload (tf.train.Example)", offset: offset + 12, bytes: length, value: `${length} bytes` },
    {
      field: "masked CRC32C of payload",
      offset: offset + 12 + length,
      bytes: 4,
      value: hex(view.getUint32(offset + 12 + length, true)),
    },
  ];
}

/** A classic hex dump (offset, 16 bytes in hex, ASCII) of `bytes[start, start + length)`. */
export function hexDump(bytes: Uint8Array, start = 0, length = 64): string {
  const lines: string[] = [];
  for (let o = start; o < Math.min(bytes.length, start + length); o += 16) {
    const row = bytes.subarray(o, Math.min(o + 16, start + length, bytes.length));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${o.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join("\n");
}
