#!/usr/bin/python3
"""An independent TFRecord + tf.train.Example reader (Google's protobuf runtime and crcmod, no davidnet code).

Usage: independent_tfrecord_reader.py SHARD... > out.bin
Writes, for every record of every shard in order, the label byte followed by the 3072 image bytes, and exits
non-zero on any CRC or parse problem. The Example schema is TensorFlow's example.proto/feature.proto, built here
from descriptors so that no generated code or TensorFlow install is needed.
"""
import struct
import sys

import crcmod.predefined
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

crc32c = crcmod.predefined.mkCrcFun("crc-32c")


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def example_class():
    f = descriptor_pb2.FileDescriptorProto(name="example.proto", package="tensorflow", syntax="proto3")
    F = descriptor_pb2.FieldDescriptorProto
    def msg(name, fields, nested=()):
        m = f.message_type.add(name=name) if not nested else nested
        for fname, num, ftype, label, type_name, packed in fields:
            fd = m.field.add(name=fname, number=num, type=ftype, label=label)
            if type_name:
                fd.type_name = type_name
            if packed:
                fd.options.packed = True
        return m
    R, O = F.LABEL_REPEATED, F.LABEL_OPTIONAL
    msg("BytesList", [("value", 1, F.TYPE_BYTES, R, None, False)])
    msg("FloatList", [("value", 1, F.TYPE_FLOAT, R, None, True)])
    msg("Int64List", [("value", 1, F.TYPE_INT64, R, None, True)])
    feat = msg("Feature", [
        ("bytes_list", 1, F.TYPE_MESSAGE, O, ".tensorflow.BytesList", False),
        ("float_list", 2, F.TYPE_MESSAGE, O, ".tensorflow.FloatList", False),
        ("int64_list", 3, F.TYPE_MESSAGE, O, ".tensorflow.Int64List", False),
    ])
    feat.oneof_decl.add(name="kind")
    for fd in feat.field:
        fd.oneof_index = 0
    feats = f.message_type.add(name="Features")
    entry = feats.nested_type.add(name="FeatureEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=O)
    entry.field.add(name="value", number=2, type=F.TYPE_MESSAGE, label=O, type_name=".tensorflow.Feature")
    feats.field.add(name="feature", number=1, type=F.TYPE_MESSAGE, label=R, type_name=".tensorflow.Features.FeatureEntry")
    msg("Example", [("features", 1, F.TYPE_MESSAGE, O, ".tensorflow.Features", False)])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    desc = pool.FindMessageTypeByName("tensorflow.Example")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def main():
    Example = example_class()
    out = sys.stdout.buffer
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        pos = 0
        index = 0
        while pos < len(data):
            header = data[pos:pos + 12]
            (length,) = struct.unpack("<Q", header[:8])
            (lcrc,) = struct.unpack("<I", header[8:12])
            if masked(header[:8]) != lcrc:
                sys.exit(f"{path}: record {index}: bad length crc")
            payload = data[pos + 12:pos + 12 + length]
            (dcrc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
            if masked(payload) != dcrc:
                sys.exit(f"{path}: record {index}: bad data crc")
            ex = Example.FromString(payload)
            image = ex.features.feature["image"].bytes_list.value
            label = ex.features.feature["label"].int64_list.value
            if len(image) != 1 or len(image[0]) != 3072 or len(label) != 1:
                sys.exit(f"{path}: record {index}: unexpected features")
            out.write(bytes([label[0]]))
            out.write(image[0])
            pos += 16 + length
            index += 1


if __name__ == "__main__":
    main()
