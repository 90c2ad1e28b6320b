/** File helpers shared by every concept: atomic writes, crash-safe folder swaps and checksums. */
export { allExist, exists, writeFileAtomic, writeJsonAtomic } from "./atomic.ts";
export { oldDirOf, recoverDirAtomic, replaceDirAtomic } from "./atomic_dir.ts";
export { fileDigest, sha256Hex } from "./hash.ts";
export { concatBytes } from "./bytes.ts";
