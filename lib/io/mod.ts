/** File helpers shared by every concept: atomic writes and checksums. */
export { exists, replaceDirAtomic, writeFileAtomic, writeJsonAtomic } from "./atomic.ts";
export { fileDigest, sha256Hex } from "./hash.ts";
