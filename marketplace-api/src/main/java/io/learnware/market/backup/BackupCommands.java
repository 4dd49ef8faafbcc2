package io.learnware.market.backup;

import io.learnware.market.database.StartupSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * {@code backup DIR} and {@code restore DIR}: run by {@code MarketMain} instead of the market, with
 * the market's settings ({@code LEARNWARE_DATA_DIR}, {@code LEARNWARE_DB_*}).
 */
public final class BackupCommands {

  private static final String USAGE =
      "usage: backup DIR   (a consistent copy of the market, also while it runs)\n"
          + "       restore DIR  (a backup into an empty data directory and database)";

  private BackupCommands() {}

  public static boolean handles(String command) {
    return command.equals("backup") || command.equals("restore");
  }

  /**
   * @return the exit status: 0 done, 1 failed (nothing complete-looking left behind), 2 usage
   */
  public static int run(StartupSettings settings, String... args) {
    if (args.length != 2 || args[1].isBlank() || args[1].startsWith("-")) {
      System.err.println(USAGE);
      return 2;
    }
    String command = args[0];
    Path directory = Path.of(args[1]).toAbsolutePath().normalize();
    Progress progress = new Progress(System.err);
    try {
      if (command.equals("backup")) {
        new Backup(settings, progress).writeTo(directory);
      } else {
        new Restore(settings, progress).from(directory);
      }
      return 0;
    } catch (BackupException e) {
      System.err.println(command + " failed: " + e.getMessage());
    } catch (IOException | SQLException e) {
      System.err.println(command + " failed: " + describe(e));
    } catch (RuntimeException e) {
      System.err.println(command + " failed: " + describe(e));
      e.printStackTrace();
    }
    return 1;
  }

  /** The message and its causes' messages, which say more than a stack trace to an operator. */
  private static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder(failure.toString());
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      text.append("\n  caused by: ").append(cause);
    }
    return text.toString();
  }
}
