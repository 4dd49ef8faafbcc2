package io.learnware.market.modelformat;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An ONNX model is a protobuf {@code ModelProto}. The sniffer walks its top-level fields (skipping
 * their bodies) and requires {@code ir_version} (field 1, varint) and {@code graph} (field 7,
 * length-delimited), with every tag and length consistent with the file size. Random bytes almost
 * never pass that walk.
 */
@ApplicationScoped
public class OnnxSniffer implements ModelFormatSniffer {

  private static final int IR_VERSION = 1;
  private static final int GRAPH = 7;
  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LENGTH = 2;
  private static final int WIRE_FIXED32 = 5;

  @Override
  public String format() {
    return "onnx";
  }

  @Override
  public Optional<String> mismatch(Path file) throws IOException {
    long size = Files.size(file);
    boolean irVersion = false;
    boolean graph = false;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      long position = 0;
      while (position < size) {
        long[] tag = readVarint(in);
        if (tag == null) {
          return notOnnx();
        }
        position += tag[1];
        int field = (int) (tag[0] >>> 3);
        int wire = (int) (tag[0] & 7);
        if (field == 0) {
          return notOnnx();
        }
        long skip;
        switch (wire) {
          case WIRE_VARINT -> {
            long[] value = readVarint(in);
            if (value == null) {
              return notOnnx();
            }
            position += value[1];
            irVersion |= field == IR_VERSION;
            skip = 0;
          }
          case WIRE_FIXED64 -> skip = 8;
          case WIRE_FIXED32 -> skip = 4;
          case WIRE_LENGTH -> {
            long[] length = readVarint(in);
            if (length == null || length[0] < 0) {
              return notOnnx();
            }
            position += length[1];
            skip = length[0];
            graph |= field == GRAPH;
          }
          default -> {
            return notOnnx();
          }
        }
        if (position + skip > size) {
          return notOnnx();
        }
        in.skipNBytes(skip);
        position += skip;
      }
    } catch (IOException e) {
      return notOnnx();
    }
    return irVersion && graph ? Optional.empty() : notOnnx();
  }

  private static Optional<String> notOnnx() {
    return Optional.of(
        "the file is not an ONNX model (no protobuf ModelProto with ir_version and graph)");
  }

  /** Reads a protobuf varint: {value, bytes read}, or null at end of input or on overflow. */
  private static long[] readVarint(InputStream in) throws IOException {
    long value = 0;
    for (int i = 0; i < 10; i++) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return new long[] {value, i + 1};
      }
    }
    return null;
  }
}
