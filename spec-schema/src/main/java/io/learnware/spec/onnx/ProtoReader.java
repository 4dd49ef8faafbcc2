package io.learnware.spec.onnx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf fields from a slice of a buffer, just enough to walk an ONNX {@code ModelProto}
 * without the protobuf runtime. Malformed input throws {@link IllegalArgumentException} (or {@link
 * java.nio.BufferUnderflowException}), never reads past the slice.
 */
public final class ProtoReader {

  public static final int WIRE_VARINT = 0;
  public static final int WIRE_FIXED64 = 1;
  public static final int WIRE_LENGTH_DELIMITED = 2;
  public static final int WIRE_FIXED32 = 5;

  private final ByteBuffer buffer;

  public ProtoReader(ByteBuffer buffer) {
    this.buffer = buffer.slice();
  }

  public boolean hasMore() {
    return buffer.hasRemaining();
  }

  /** The next field's tag: field number {@code tag >>> 3}, wire type {@code tag & 7}. */
  public int tag() {
    long tag = varint();
    if (tag <= 0 || tag > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad tag " + tag);
    }
    return (int) tag;
  }

  public long varint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buffer.get();
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes");
  }

  /** The next length-delimited field's bytes, as a reader. */
  public ProtoReader message() {
    int length = length();
    ByteBuffer slice = buffer.slice(buffer.position(), length);
    buffer.position(buffer.position() + length);
    return new ProtoReader(slice);
  }

  /** The next length-delimited field as UTF-8 text. */
  public String string() {
    int length = length();
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Skips the value of a field of this wire type. */
  public void skip(int wireType) {
    switch (wireType) {
      case WIRE_VARINT -> varint();
      case WIRE_FIXED64 -> advance(8);
      case WIRE_LENGTH_DELIMITED -> advance(length());
      case WIRE_FIXED32 -> advance(4);
      default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
    }
  }

  private void advance(int bytes) {
    if (bytes > buffer.remaining()) {
      throw new IllegalArgumentException("field of " + bytes + " bytes past the end");
    }
    buffer.position(buffer.position() + bytes);
  }

  private int length() {
    long length = varint();
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException("length " + length + " past the end");
    }
    return (int) length;
  }
}
