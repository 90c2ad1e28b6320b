/**
 * The `tf.train.Example` protobuf, just the part davidnet writes: features `image` (bytes_list with one raw
 * 32x32x3 HWC uint8 image) and `label` (int64_list). Encoded by hand so TensorFlow's parsers read it, and
 * decoded strictly: anything else is an error.
 */

/** One image record: raw HWC pixels and its label. */
export interface ImageExample {
  image: Uint8Array;
  label: number;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

class Writer {
  bytes: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  varint(n: number): void {
    while (n >= 0x80) {
      this.bytes[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.bytes[this.pos++] = n;
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  /** A length-delimited field header. */
  header(field: number, length: number): void {
    this.tag(field, 2);
    this.varint(length);
  }
  raw(data: Uint8Array): void {
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }
}

const UTF8 = new TextDecoder();
const IMAGE_KEY = new TextEncoder().encode("image");
const LABEL_KEY = new TextEncoder().encode("label");
const delimited = (len: number) => 1 + varintLength(len) + len;

/** Serialises `ex` as a `tf.train.Example`. */
export function encodeExample(ex: ImageExample): Uint8Array {
  if (!Number.isInteger(ex.label) || ex.label < 0) {
    throw new Error(`label must be a non-negative integer, got ${ex.label}`);
  }
  // Feature{bytes_list=1: BytesList{value=1}} and Feature{int64_list=3: Int64List{value=1 packed}}
  const bytesList = delimited(ex.image.length);
  const imageFeature = delimited(bytesList);
  const imageEntry = delimited(IMAGE_KEY.length) + delimited(imageFeature);
  const packed = varintLength(ex.label);
  const int64List = delimited(packed);
  const labelFeature = delimited(int64List);
  const labelEntry = delimited(LABEL_KEY.length) + delimited(labelFeature);
  const features = delimited(imageEntry) + delimited(labelEntry);
  const w = new Writer(delimited(features));
  w.header(1, features); // Example.features
  w.header(1, imageEntry); // Features.feature map entry
  w.header(1, IMAGE_KEY.length);
  w.raw(IMAGE_KEY);
  w.header(2, imageFeature);
  w.header(1, bytesList); // Feature.bytes_list
  w.header(1, ex.image.length);
  w.raw(ex.image);
  w.header(1, labelEntry);
  w.header(1, LABEL_KEY.length);
  w.raw(LABEL_KEY);
  w.header(2, labelFeature);
  w.header(3, int64List); // Feature.int64_list
  w.header(1, packed);
  w.varint(ex.label);
  return w.bytes;
}

class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }
  varint(): number {
    let result = 0, mult = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error("protobuf varint runs past the end of its message");
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * mult;
      if (b < 0x80) return result;
      mult *= 128;
    }
    throw new Error("protobuf varint longer than 10 bytes");
  }
  /** Reads a field; returns its number, wire type and, for length-delimited ones, the body range. */
  field(): { field: number; wire: number; start: number; end: number; value: number } {
    const key = this.varint();
    const field = Math.floor(key / 8), wire = key & 7;
    if (wire === 2) {
      const len = this.varint();
      const start = this.pos;
      if (start + len > this.end) {
        throw new Error(`protobuf field ${field} of ${len} bytes runs past its message`);
      }
      this.pos += len;
      return { field, wire, start, end: start + len, value: 0 };
    }
    if (wire === 0) return { field, wire, start: 0, end: 0, value: this.varint() };
    if (wire === 1 || wire === 5) {
      this.pos += wire === 1 ? 8 : 4;
      if (this.pos > this.end) throw new Error(`protobuf fixed field ${field} runs past its message`);
      return { field, wire, start: 0, end: 0, value: 0 };
    }
    throw new Error(`protobuf wire type ${wire} is not supported`);
  }
  *fields() {
    while (this.pos < this.end) yield this.field();
  }
}

function subReader(r: Reader, f: { start: number; end: number }): Reader {
  return new Reader(r.bytes, f.start, f.end);
}

function parseFeature(r: Reader): { bytes?: Uint8Array; int64?: number[] } {
  const out: { bytes?: Uint8Array; int64?: number[] } = {};
  for (const f of r.fields()) {
    if (f.field === 1 && f.wire === 2) {
      for (const v of subReader(r, f).fields()) {
        if (v.field === 1 && v.wire === 2) {
          if (out.bytes) throw new Error("bytes_list holds more than one value");
          out.bytes = r.bytes.subarray(v.start, v.end);
        }
      }
    } else if (f.field === 3 && f.wire === 2) {
      out.int64 = [];
      for (const v of subReader(r, f).fields()) {
        if (v.field !== 1) continue;
        if (v.wire === 0) out.int64.push(v.value);
        else if (v.wire === 2) {
          const packed = subReader(r, v);
          while (packed.pos < packed.end) out.int64.push(packed.varint());
        }
      }
    } else if (f.wire === 2) {
      throw new Error(`feature of kind ${f.field} (float_list?) where bytes_list or int64_list was expected`);
    }
  }
  return out;
}

/**
 * Parses a `tf.train.Example` holding `image` (one bytes value) and `label` (one int64 value); throws a
 * descriptive error for anything else.
 */
export function decodeExample(payload: Uint8Array): ImageExample {
  const top = new Reader(payload, 0, payload.length);
  let image: Uint8Array | undefined, label: number | undefined;
  for (const f of top.fields()) {
    if (f.field !== 1 || f.wire !== 2) continue;
    const features = subReader(top, f);
    for (const entry of features.fields()) {
      if (entry.field !== 1 || entry.wire !== 2) continue;
      let key = "", feature: { bytes?: Uint8Array; int64?: number[] } = {};
      const er = subReader(features, entry);
      for (const kv of er.fields()) {
        if (kv.field === 1 && kv.wire === 2) key = UTF8.decode(payload.subarray(kv.start, kv.end));
        else if (kv.field === 2 && kv.wire === 2) feature = parseFeature(subReader(er, kv));
      }
      if (key === "image") image = feature.bytes;
      else if (key === "label") {
        if (feature.int64?.length !== 1) {
          throw new Error(`feature 'label' holds ${feature.int64?.length ?? 0} int64 values, expected 1`);
        }
        label = feature.int64[0];
      }
    }
  }
  if (!image) throw new Error("Example has no bytes feature 'image'");
  if (label === undefined) throw new Error("Example has no int64 feature 'label'");
  return { image, label };
}
