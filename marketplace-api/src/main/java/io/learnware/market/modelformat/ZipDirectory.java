package io.learnware.market.modelformat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a zip archive (a TorchScript file) from its central directory and local headers alone:
 * nothing is inflated. Read by hand rather than with {@link java.util.zip.ZipFile}, which loads the
 * whole central directory into memory before anything can be checked, and which does not compare it
 * with the local headers. The end record's entry count is checked before the directory is read.
 *
 * <p>The directory must describe what an extractor would read: every entry's local header must be
 * where the directory says, with the same name (and the same sizes unless a data descriptor
 * follows), and no two entries' data may overlap (the "overlapping files" zip bomb). So the
 * compressed sizes add up to at most the file size.
 */
final class ZipDirectory {

  /** The limits an archive must keep. */
  record Limits(long maxUncompressed, int maxEntries, int maxRatio, long ratioAbove) {}

  private static final int EOCD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int CEN = 0x02014b50;
  private static final int LOC = 0x04034b50;
  private static final int EOCD_SIZE = 22;
  private static final int CEN_SIZE = 46;
  private static final int LOC_SIZE = 30;
  private static final int ZIP64_EXTRA = 0x0001;
  private static final long MAX32 = 0xFFFFFFFFL;
  private static final int MAX16 = 0xFFFF;
  private static final int FLAG_DATA_DESCRIPTOR = 1 << 3;
  private static final int STORED = 0;
  private static final int MAX_NAME = 1024;
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private ZipDirectory() {}

  /** Where the central directory is and how many entries it declares. */
  private record End(long entries, long directoryOffset, long directorySize, long recordOffset) {}

  /** One central-directory entry, with what its local header must agree with. */
  private record Entry(
      String name,
      byte[] rawName,
      int flags,
      int method,
      long compressed,
      long uncompressed,
      long localOffset) {}

  /** Whether the file ends with a zip end-of-central-directory record. */
  static boolean isZip(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return findEnd(channel) >= 0;
    }
  }

  /**
   * The first way the archive breaks {@code limits} or is inconsistent, in words for the uploader;
   * empty when it keeps them, or when the file is no zip at all (format sniffers say so).
   */
  static Optional<String> problem(Path file, Limits limits) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long endAt = findEnd(channel);
      if (endAt < 0) {
        return Optional.empty();
      }
      try {
        return check(channel, end(channel, endAt), limits);
      } catch (EOFException | IllegalArgumentException e) {
        return Optional.of(
            "the zip archive is malformed (" + e.getMessage() + "); save it with torch.jit.save");
      }
    }
  }

  private static Optional<String> check(FileChannel channel, End end, Limits limits)
      throws IOException {
    long size = channel.size();
    if (end.entries() > limits.maxEntries()) {
      return Optional.of(
          "the archive declares %d entries; at most %d are allowed"
              .formatted(end.entries(), limits.maxEntries()));
    }
    if (end.directoryOffset() < 0
        || end.directorySize() < 0
        || end.directoryOffset() + end.directorySize() > end.recordOffset()) {
      return Optional.of(
          "the central directory (offset %d, %d bytes) does not end before its end record at %d"
              .formatted(end.directoryOffset(), end.directorySize(), end.recordOffset()));
    }
    List<Entry> entries = readDirectory(channel, end);
    Set<String> names = new HashSet<>();
    long uncompressed = 0;
    long compressed = 0;
    for (Entry entry : entries) {
      Optional<String> badName = badName(entry.name());
      if (badName.isPresent()) {
        return badName;
      }
      if (!names.add(entry.name())) {
        return Optional.of("the entry name %s appears twice".formatted(quote(entry.name())));
      }
      uncompressed = saturatedAdd(uncompressed, entry.uncompressed());
      compressed = saturatedAdd(compressed, entry.compressed());
      if (uncompressed > limits.maxUncompressed()) {
        return Optional.of(
            "the entries declare more than %d bytes uncompressed (%s reaches %d); at most %d are allowed"
                .formatted(
                    limits.maxUncompressed(),
                    quote(entry.name()),
                    uncompressed,
                    limits.maxUncompressed()));
      }
      if (entry.uncompressed() > limits.ratioAbove()
          && entry.uncompressed() > entry.compressed() * limits.maxRatio()) {
        return Optional.of(
            "the entry %s inflates %d bytes to %d (ratio above %d:1, the limit for entries over %d bytes)"
                .formatted(
                    quote(entry.name()),
                    entry.compressed(),
                    entry.uncompressed(),
                    limits.maxRatio(),
                    limits.ratioAbove()));
      }
      if (entry.method() == STORED && entry.compressed() != entry.uncompressed()) {
        return Optional.of(
            "the stored (uncompressed) entry %s declares %d bytes stored but %d bytes of content"
                .formatted(quote(entry.name()), entry.compressed(), entry.uncompressed()));
      }
    }
    if (compressed > size) {
      return Optional.of(
          "the central directory declares %d compressed bytes, more than the file's %d"
              .formatted(compressed, size));
    }
    return checkLocalHeaders(channel, entries, end.directoryOffset());
  }

  /** Every entry's local header agrees with the directory, and no two entries' data overlap. */
  private static Optional<String> checkLocalHeaders(
      FileChannel channel, List<Entry> entries, long directoryOffset) throws IOException {
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::localOffset));
    long previousEnd = 0;
    String previous = null;
    for (Entry entry : byOffset) {
      if (entry.localOffset() < previousEnd) {
        return Optional.of(
            "the data of entries %s and %s overlap"
                .formatted(quote(previous), quote(entry.name())));
      }
      ByteBuffer header = read(channel, entry.localOffset(), LOC_SIZE);
      if (header.getInt(0) != LOC) {
        return Optional.of(
            "the entry %s has no local header at offset %d"
                .formatted(quote(entry.name()), entry.localOffset()));
      }
      int nameLength = header.getShort(26) & MAX16;
      int extraLength = header.getShort(28) & MAX16;
      byte[] localName = new byte[nameLength];
      read(channel, entry.localOffset() + LOC_SIZE, nameLength).get(localName);
      if (!Arrays.equals(localName, entry.rawName())) {
        return Optional.of(
            "the local header at offset %d names %s, the central directory %s"
                .formatted(
                    entry.localOffset(),
                    quote(new String(localName, StandardCharsets.UTF_8)),
                    quote(entry.name())));
      }
      long localCompressed = header.getInt(18) & MAX32;
      long localUncompressed = header.getInt(22) & MAX32;
      boolean sizesFollow = (header.getShort(6) & FLAG_DATA_DESCRIPTOR) != 0;
      if (!sizesFollow
          && localCompressed != MAX32
          && (localCompressed != (entry.compressed() & MAX32)
              || localUncompressed != (entry.uncompressed() & MAX32))) {
        return Optional.of(
            "the local header of %s declares %d/%d bytes (compressed/uncompressed), the central directory %d/%d"
                .formatted(
                    quote(entry.name()),
                    localCompressed,
                    localUncompressed,
                    entry.compressed(),
                    entry.uncompressed()));
      }
      long dataEnd =
          saturatedAdd(
              entry.localOffset() + LOC_SIZE + nameLength + extraLength, entry.compressed());
      if (dataEnd > directoryOffset) {
        return Optional.of(
            "the data of %s (%d bytes) runs past the start of the central directory"
                .formatted(quote(entry.name()), entry.compressed()));
      }
      previousEnd = dataEnd;
      previous = entry.name();
    }
    return Optional.empty();
  }

  private static List<Entry> readDirectory(FileChannel channel, End end) throws IOException {
    List<Entry> entries = new ArrayList<>((int) end.entries());
    channel.position(end.directoryOffset());
    InputStream limited =
        new BufferedInputStream(Channels.newInputStream(channel), 1 << 16) {
          private long left = end.directorySize();

          @Override
          public synchronized int read() throws IOException {
            if (left <= 0) {
              return -1;
            }
            left--;
            return super.read();
          }

          @Override
          public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
              return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
              left -= n;
            }
            return n;
          }
        };
    DataInputStream in = new DataInputStream(limited);
    byte[] fixed = new byte[CEN_SIZE];
    for (long i = 0; i < end.entries(); i++) {
      in.readFully(fixed);
      ByteBuffer header = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
      if (header.getInt(0) != CEN) {
        throw new IllegalArgumentException("central directory entry " + i + " has a bad signature");
      }
      int flags = header.getShort(8) & MAX16;
      int method = header.getShort(10) & MAX16;
      long compressed = header.getInt(20) & MAX32;
      long uncompressed = header.getInt(24) & MAX32;
      int nameLength = header.getShort(28) & MAX16;
      int extraLength = header.getShort(30) & MAX16;
      int commentLength = header.getShort(32) & MAX16;
      long localOffset = header.getInt(42) & MAX32;
      if (nameLength > MAX_NAME) {
        // Names are kept for the duplicate check: bound what the entry count lets them take.
        throw new IllegalArgumentException(
            "central directory entry %d has a name of %d bytes (at most %d)"
                .formatted(i, nameLength, MAX_NAME));
      }
      byte[] name = new byte[nameLength];
      in.readFully(name);
      byte[] extra = new byte[extraLength];
      in.readFully(extra);
      in.skipNBytes(commentLength);
      if (compressed == MAX32 || uncompressed == MAX32 || localOffset == MAX32) {
        // ZIP64: the real values are in the extra field, in this order, for those set to ~0.
        ByteBuffer extras = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
        boolean found = false;
        while (extras.remaining() >= 4 && !found) {
          int id = extras.getShort() & MAX16;
          int length = extras.getShort() & MAX16;
          if (length > extras.remaining()) {
            break;
          }
          ByteBuffer data = extras.slice(extras.position(), length).order(ByteOrder.LITTLE_ENDIAN);
          extras.position(extras.position() + length);
          if (id == ZIP64_EXTRA) {
            found = true;
            uncompressed = uncompressed == MAX32 ? data.getLong() : uncompressed;
            compressed = compressed == MAX32 ? data.getLong() : compressed;
            localOffset = localOffset == MAX32 ? data.getLong() : localOffset;
          }
        }
        if (!found || compressed < 0 || uncompressed < 0 || localOffset < 0) {
          throw new IllegalArgumentException(
              "central directory entry " + i + " has no valid ZIP64 sizes");
        }
      }
      entries.add(
          new Entry(
              new String(name, StandardCharsets.UTF_8),
              name,
              flags,
              method,
              compressed,
              uncompressed,
              localOffset));
    }
    return entries;
  }

  /** The offset of the end-of-central-directory record, or -1 when there is none. */
  private static long findEnd(FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < EOCD_SIZE) {
      return -1;
    }
    int tail = (int) Math.min(size, EOCD_SIZE + MAX16);
    ByteBuffer buffer = read(channel, size - tail, tail);
    for (int at = tail - EOCD_SIZE; at >= 0; at--) {
      if (buffer.getInt(at) == EOCD
          && at + EOCD_SIZE + (buffer.getShort(at + 20) & MAX16) == tail) {
        return size - tail + at;
      }
    }
    return -1;
  }

  private static End end(FileChannel channel, long at) throws IOException {
    ByteBuffer record = read(channel, at, EOCD_SIZE);
    int disk = record.getShort(4) & MAX16;
    int directoryDisk = record.getShort(6) & MAX16;
    long entries = record.getShort(10) & MAX16;
    long directorySize = record.getInt(12) & MAX32;
    long directoryOffset = record.getInt(16) & MAX32;
    if (entries == MAX16 || directorySize == MAX32 || directoryOffset == MAX32) {
      if (at < 20) {
        throw new IllegalArgumentException("no ZIP64 end record locator");
      }
      ByteBuffer locator = read(channel, at - 20, 20);
      if (locator.getInt(0) != ZIP64_LOCATOR) {
        throw new IllegalArgumentException("no ZIP64 end record locator");
      }
      long zip64At = locator.getLong(8);
      if (zip64At < 0 || zip64At + 56 > at - 20) {
        throw new IllegalArgumentException("the ZIP64 end record is out of place");
      }
      ByteBuffer zip64 = read(channel, zip64At, 56);
      if (zip64.getInt(0) != ZIP64_EOCD) {
        throw new IllegalArgumentException("no ZIP64 end record");
      }
      disk = zip64.getInt(16);
      directoryDisk = zip64.getInt(20);
      entries = zip64.getLong(32);
      directorySize = zip64.getLong(40);
      directoryOffset = zip64.getLong(48);
      at = zip64At;
    }
    if (disk != 0 || directoryDisk != 0) {
      throw new IllegalArgumentException("archives split over several disks are not accepted");
    }
    if (entries < 0) {
      throw new IllegalArgumentException("negative entry count");
    }
    return new End(entries, directoryOffset, directorySize, at);
  }

  /** Refuses names that extract outside a target folder, or mean different things elsewhere. */
  private static Optional<String> badName(String name) {
    String why = null;
    if (name.isEmpty()) {
      why = "is empty";
    } else if (name.startsWith("/") || DRIVE.matcher(name).matches()) {
      why = "is an absolute path";
    } else if (name.indexOf('\\') >= 0) {
      why = "contains a backslash";
    } else if (name.indexOf('\0') >= 0) {
      why = "contains a NUL character";
    } else if (Arrays.asList(name.split("/", -1)).contains("..")) {
      why = "contains a '..' segment";
    }
    return why == null
        ? Optional.empty()
        : Optional.of("the entry name %s %s".formatted(quote(name), why));
  }

  private static ByteBuffer read(FileChannel channel, long at, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, at + buffer.position()) < 0) {
        throw new EOFException("the file ends inside a header at offset " + at);
      }
    }
    return buffer.flip();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** An entry name as it can be shown: quoted, cut short, with unprintable characters escaped. */
  static String quote(String name) {
    StringBuilder out = new StringBuilder("'");
    name.codePoints()
        .limit(120)
        .forEach(
            c -> {
              if (c < 0x20
                  || c == 0x7f
                  || !Character.isDefined(c)
                  || Character.getType(c) == Character.FORMAT) {
                out.append("\\u%04x".formatted(c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append(name.codePointCount(0, name.length()) > 120 ? "…'" : "'").toString();
  }
}
