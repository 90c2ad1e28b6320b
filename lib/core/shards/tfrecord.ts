import { maskedCrc32c } from "./crc32c.ts";

/** Bytes of TFRecord framing around each payload: length (8), length CRC (4), payload CRC (4). */
export const FRAMING_BYTES = 16;

/** A TFRecord problem located exactly: which file, which record (0-based) and at which byte offset. */
export class TFRecordError extends Error {
  /** Builds the error; the message names the file, the record index and the byte offset. */
  constructor(
    readonly file: string,
    readonly record: number,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file}: record ${record} at byte ${offset}: ${problem}`);
    this.name = "TFRecordError";
  }
}

/** Writes one framed record (uint64 LE length, masked CRC32C of it, payload, masked CRC32C of it) at `pos`. */
export function writeRecord(out: Uint8Array, pos: number, payload: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setBigUint64(pos, BigInt(payload.length), true);
  view.setUint32(pos + 8, maskedCrc32c(out, pos, pos + 8), true);
  out.set(payload, pos + 12);
  view.setUint32(pos + 12 + payload.length, maskedCrc32c(payload), true);
  return pos + FRAMING_BYTES + payload.length;
}

/** Frames `payloads` into one TFRecord file image. */
export function encodeTFRecords(payloads: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(payloads.reduce((n, p) => n + p.length + FRAMING_BYTES, 0));
  let pos = 0;
  for (const p of payloads) pos = writeRecord(out, pos, p);
  return out;
}

/** One record read back: its index, the byte offset of its frame, and its payload (valid only inside the callback). */
export interface TFRecord {
  index: number;
  offset: number;
  payload: Uint8Array;
}

/** Largest payload the reader accepts; a longer one means a damaged length that its CRC did not catch. */
export const MAX_RECORD_BYTES = 64 << 20;

/**
 * Parses the complete records at the front of `buf[start, end)`, checking both CRCs, and calls `onRecord` for
 * each. Returns where the first incomplete record starts. `base` is the file offset of `buf[start]`.
 */
function parseRecords(
  path: string,
  buf: Uint8Array,
  start: number,
  end: number,
  base: number,
  first: number,
  onRecord: (rec: TFRecord) => void,
): { next: number; index: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = start, index = first;
  while (end - pos >= 12) {
    const offset = base + (pos - start);
    if (maskedCrc32c(buf, pos, pos + 8) !== view.getUint32(pos + 8, true)) {
      throw new TFRecordError(
        path,
        index,
        offset,
        "length CRC mismatch (the length field or its CRC is damaged)",
      );
    }
    const length = Number(view.getBigUint64(pos, true));
    if (length > MAX_RECORD_BYTES) {
      throw new TFRecordError(
        path,
        index,
        offset,
        `record length ${length} exceeds ${MAX_RECORD_BYTES} bytes`,
      );
    }
    if (end - pos < length + 16) break;
    const payload = buf.subarray(pos + 12, pos + 12 + length);
    if (maskedCrc32c(payload) !== view.getUint32(pos + 12 + length, true)) {
      throw new TFRecordError(
        path,
        index,
        offset,
        "payload CRC mismatch (the payload or its CRC is damaged)",
      );
    }
    onRecord({ index, offset, payload });
    pos += length + 16;
    index++;
  }
  return { next: pos, index };
}

/**
 * Streams a TFRecord file in chunks, checking both CRCs of every record and calling `onRecord` for each, in
 * order; throws a {@link TFRecordError} naming the record and byte offset on any damage or truncation.
 * `onChunk` sees every byte read (for hashing). Returns the number of records and bytes read.
 */
export async function scanTFRecords(
  path: string,
  onRecord: (rec: TFRecord) => void,
  onChunk?: (chunk: Uint8Array) => void,
  chunkBytes = 4 << 20,
): Promise<{ records: number; bytes: number }> {
  using file = await Deno.open(path, { read: true });
  let buf = new Uint8Array(chunkBytes);
  let end = 0; // buf[0, end) holds unparsed bytes, starting at file offset `base`
  let base = 0, index = 0;
  for (;;) {
    if (end === buf.length) {
      const bigger = new Uint8Array(buf.length * 2); // a record larger than the buffer
      bigger.set(buf);
      buf = bigger;
    }
    const n = await file.read(buf.subarray(end));
    if (n === null) break;
    onChunk?.(buf.subarray(end, end + n));
    end += n;
    const parsed = parseRecords(path, buf, 0, end, base, index, onRecord);
    buf.copyWithin(0, parsed.next, end);
    base += parsed.next;
    end -= parsed.next;
    index = parsed.index;
  }
  if (end > 0) {
    const need = end >= 12 ? Number(new DataView(buf.buffer).getBigUint64(0, true)) + 16 : 12;
    throw new TFRecordError(
      path,
      index,
      base,
      `truncated: the record needs ${need} bytes, the file has ${end} left`,
    );
  }
  return { records: index, bytes: base };
}
