import { strictEqual as assertEquals } from "node:assert/strict";
import { crc32c, maskCrc, maskedCrc32c } from "../../lib/core/shards/mod.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

Deno.test("crc32c matches the standard check value and RFC 3720 vectors", () => {
  assertEquals(crc32c(ascii("123456789")), 0xe3069283);
  assertEquals(crc32c(new Uint8Array(0)), 0);
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assertEquals(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assertEquals(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

Deno.test("crc32c of a range equals crc32c of the copied bytes, for every alignment", () => {
  const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 11) & 0xff);
  for (let start = 0; start < 20; start++) {
    for (const end of [start, start + 1, start + 7, start + 8, start + 9, 100]) {
      assertEquals(crc32c(data, start, end), crc32c(data.slice(start, end)));
    }
  }
});

Deno.test("TFRecord masking rotates right by 15 and adds 0xa282ead8", () => {
  assertEquals(maskCrc(0), 0xa282ead8);
  // 0xe3069283 rotated right by 15 is 0x2507c60d; plus the delta mod 2^32
  assertEquals(maskCrc(0xe3069283), (0x2507c60d + 0xa282ead8) >>> 0);
  assertEquals(maskedCrc32c(ascii("123456789")), maskCrc(0xe3069283));
});
