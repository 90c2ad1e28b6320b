/**
 * File helpers shared by every concept: atomic writes, crash-safe folder swaps and checksums.
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */
export { allExist, exists, writeFileAtomic, writeJsonAtomic } from "./atomic.ts";
export { oldDirOf, recoverDirAtomic, replaceDirAtomic } from "./atomic_dir.ts";
export { fileDigest, sha256Hex } from "./hash.ts";
export { concatBytes } from "./bytes.ts";
