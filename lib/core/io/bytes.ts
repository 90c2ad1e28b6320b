/** The concatenation of `parts` into one new array. */
export function concatBytes(parts: ArrayLike<number>[] | Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
