/**
 * CIFAR-10: resolving, decoding, verifying and caching the data set, and its training statistics.
 * Row 1 of lib/'s layout (README, Layout): imports io.
 */
export * from "./types.ts";
export { type DecodedPng, decodePng } from "./png.ts";
export { isNpmPackageDir, NPM_PACKAGE, readNpmPackage } from "./npm_package.ts";
export {
  decodeOfficialRecords,
  encodeOfficialRecords,
  isOfficialBinaryDir,
  OFFICIAL_TARBALL,
  readOfficialBinary,
} from "./official_binary.ts";
export { channelStats } from "./stats.ts";
export { classCounts, EXPECTED, verifyCifar10 } from "./verify.ts";
export { loadCache, saveCache } from "./cache.ts";
export { DEFAULT_DATA_ROOT, loadCifar10, type LoadOptions, SOURCES_DIR } from "./resolve.ts";
