/**
 * TFRecord shards of `tf.train.Example`s: CRC32C, framing, the protobuf payload, writing and verified reading;
 * and the shard folder training reads, made on first use.
 * Row 2 of lib/'s layout (README, Layout): imports data, io.
 */
export { crc32c, maskCrc, maskedCrc32c } from "./crc32c.ts";
export { decodeExample, encodeExample, type ImageExample } from "./example.ts";
export {
  encodeTFRecords,
  FRAMING_BYTES,
  MAX_RECORD_BYTES,
  scanTFRecords,
  type TFRecord,
  TFRecordError,
  writeRecord,
} from "./tfrecord.ts";
export { type Manifest, readManifest, SHARD_FORMAT, type ShardEntry, shardName } from "./manifest.ts";
export { encodeShard, writeShards, type WriteShardsOptions } from "./write.ts";
export { readShards, readShardSplit } from "./read.ts";
export { describeRecord, hexDump, type RecordField } from "./inspect.ts";
export { shardReadThroughput, type ShardSpeed } from "./throughput.ts";
export { DEFAULT_SHARD_DIR, ensureShards, loadTestData, loadTrainingData } from "./training.ts";
