package io.learnware.market.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Malicious artifacts made on the spot: zip bombs, path-traversing archives, ONNX external data.
 */
public final class HostileFiles {

  private HostileFiles() {}

  /** The entries every TorchScript archive has, under the top folder {@code archive/}. */
  public static final List<String> TORCHSCRIPT_ENTRIES =
      List.of("archive/data.pkl", "archive/constants.pkl", "archive/code/__torch__.py");

  /**
   * A TorchScript-looking archive whose {@code archive/data/0} inflates to {@code zeros} bytes of
   * zeros (deflated quickly: a few MB per GiB).
   */
  public static Path zipBomb(Path dir, long zeros) {
    return zip(
        dir.resolve("bomb.pt"),
        out -> {
          out.setLevel(Deflater.BEST_SPEED);
          out.putNextEntry(new ZipEntry("archive/data/0"));
          byte[] block = new byte[1 << 20];
          for (long left = zeros; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
          }
          out.closeEntry();
        });
  }

  /** A TorchScript-looking archive with one extra (tiny) entry of this name. */
  public static Path withEntry(Path dir, String name) {
    return zip(
        dir.resolve("named.pt"),
        out -> {
          out.putNextEntry(new ZipEntry(name));
          out.write(1);
          out.closeEntry();
        });
  }

  /** A TorchScript-looking archive with {@code extra} more empty entries. */
  public static Path manyEntries(Path dir, int extra) {
    return zip(
        dir.resolve("many.pt"),
        out -> {
          for (int i = 0; i < extra; i++) {
            out.putNextEntry(new ZipEntry("archive/data/" + i));
            out.closeEntry();
          }
        });
  }

  /**
   * An ONNX model with one more initializer whose bytes are "external", at {@code location}: a
   * second {@code graph} field, which protobuf merges into the first.
   */
  public static byte[] onnxWithExternalData(byte[] model, String location) {
    return concat(model, field(7, field(5, externalTensor(location))));
  }

  /**
   * An ONNX model with one more node, a {@code Constant} whose {@code value} tensor is "external",
   * at {@code location}.
   */
  public static byte[] onnxWithExternalConstant(byte[] model, String location) {
    byte[] attribute =
        concat(
            field(1, "value".getBytes(StandardCharsets.UTF_8)), field(5, externalTensor(location)));
    byte[] node =
        concat(
            field(2, "stolen".getBytes(StandardCharsets.UTF_8)), // output
            field(4, "Constant".getBytes(StandardCharsets.UTF_8)), // op_type
            field(5, attribute));
    return concat(model, field(7, field(1, node)));
  }

  private static byte[] externalTensor(String location) {
    byte[] entry =
        concat(
            field(1, "location".getBytes(StandardCharsets.UTF_8)),
            field(2, location.getBytes(StandardCharsets.UTF_8)));
    byte[] tensor =
        concat(
            varintField(1, 4), // dims
            varintField(2, 1), // data_type FLOAT
            field(8, "stolen".getBytes(StandardCharsets.UTF_8)),
            field(13, entry),
            varintField(14, 1)); // data_location EXTERNAL
    return tensor;
  }

  private interface Entries {
    void write(ZipOutputStream out) throws IOException;
  }

  private static Path zip(Path file, Entries extra) {
    try (OutputStream raw = Files.newOutputStream(file);
        ZipOutputStream out = new ZipOutputStream(raw)) {
      for (String name : TORCHSCRIPT_ENTRIES) {
        out.putNextEntry(new ZipEntry(name));
        out.write("x".getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
      extra.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static byte[] field(int number, byte[] body) {
    return concat(varint(number << 3 | 2), varint(body.length), body);
  }

  private static byte[] varintField(int number, long value) {
    return concat(varint(number << 3), varint(value));
  }

  private static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7fL) != 0) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
