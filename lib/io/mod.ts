/** File helpers shared by every concept: atomic writes and checksums. */
export { allExist, exists, replaceDirAtomic, writeFileAtomic, writeJsonAtomic } from "./atomic.ts";
export { fileDigest, sha256Hex } from "./hash.ts";
export { concatBytes } from "./bytes.ts";
