package io.learnware.worker.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of a bubblewrap sandbox: new PID, network (empty: only {@code lo}, down), IPC,
 * UTS and cgroup namespaces; a root of its own with only the system's {@code /usr}, the bound paths
 * and a private {@code /tmp} of limited size; no environment but what is set here.
 *
 * <p>As root, bubblewrap sets the sandbox up and {@code setpriv} then drops to an unprivileged user
 * with no capabilities and {@code no_new_privs}; as any other user, bubblewrap runs in a user
 * namespace of that user. {@code prlimit} sets the resource limits last, for the job process alone.
 */
final class Bubblewrap {

  static final Path BWRAP = Path.of("/usr/bin/bwrap");
  static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

  private final List<String> mounts = new ArrayList<>();
  private final Set<Path> directories = new LinkedHashSet<>();
  private final List<String> environment = new ArrayList<>();
  private String chdir = "/";
  private long tmpBytes = 64L << 20;
  private boolean addressSpaceLimit = true;

  /** Binds a host file or folder read-only at {@code inside}. */
  Bubblewrap readOnly(Path host, Path inside) {
    parents(inside);
    mounts.addAll(List.of("--ro-bind", host.toString(), inside.toString()));
    return this;
  }

  /** Binds a host folder writable at {@code inside}. */
  Bubblewrap writable(Path host, Path inside) {
    parents(inside);
    mounts.addAll(List.of("--bind", host.toString(), inside.toString()));
    return this;
  }

  /** Gives the sandbox one of the host's device files (a GPU's), at the same path. */
  Bubblewrap device(Path device) {
    mounts.addAll(List.of("--dev-bind", device.toString(), device.toString()));
    return this;
  }

  Bubblewrap env(String name, String value) {
    environment.addAll(List.of("--setenv", name, value));
    return this;
  }

  /**
   * Leaves the address space unlimited: CUDA reserves far more virtual memory than it uses, so a
   * GPU job's memory is watched by its resident size instead ({@link SandboxExecutor}).
   */
  Bubblewrap withoutAddressSpaceLimit() {
    this.addressSpaceLimit = false;
    return this;
  }

  Bubblewrap chdir(Path inside) {
    this.chdir = inside.toString();
    return this;
  }

  Bubblewrap tmpSize(long bytes) {
    this.tmpBytes = bytes;
    return this;
  }

  /**
   * The full command.
   *
   * @param uid the unprivileged user the job runs as when this worker is root; ignored otherwise
   */
  List<String> command(boolean root, int uid, SandboxLimits limits, List<String> program) {
    List<String> command = new ArrayList<>();
    command.add(BWRAP.toString());
    if (root) {
      command.addAll(List.of("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"));
      command.add("--unshare-cgroup-try");
    } else {
      command.addAll(List.of("--unshare-all", "--cap-drop", "ALL"));
    }
    command.addAll(List.of("--die-with-parent", "--new-session", "--clearenv"));
    command.addAll(List.of("--ro-bind", "/usr", "/usr"));
    for (String link : List.of("bin", "lib", "lib64", "sbin")) {
      command.addAll(List.of("--symlink", "usr/" + link, "/" + link));
    }
    command.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    command.addAll(
        List.of("--perms", "01777", "--size", Long.toString(tmpBytes), "--tmpfs", "/tmp"));
    for (Path directory : directories) {
      command.addAll(List.of("--perms", "0755", "--dir", directory.toString()));
    }
    command.addAll(mounts);
    command.addAll(environment);
    command.addAll(List.of("--chdir", chdir, "--remount-ro", "/"));
    if (root) {
      command.addAll(
          List.of(
              SETPRIV.toString(),
              "--reuid=" + uid,
              "--regid=" + uid,
              "--clear-groups",
              "--inh-caps=-all",
              "--bounding-set=-all",
              "--no-new-privs",
              "--"));
    }
    long cpu = limits.cpuTime().toSeconds();
    command.add(PRLIMIT.toString());
    if (addressSpaceLimit) {
      command.add("--as=" + limits.memoryBytes());
    }
    command.addAll(
        List.of(
            // SIGXCPU at the soft limit names the limit; SIGKILL a few seconds later ends it.
            "--cpu=" + cpu + ":" + (cpu + 5),
            "--nproc=" + limits.processes(),
            "--fsize=" + limits.outputBytes(),
            "--core=0",
            "--"));
    command.addAll(program);
    return command;
  }

  /**
   * Folders bubblewrap would otherwise create as root-only, so that the job user can enter them.
   */
  private void parents(Path inside) {
    List<Path> chain = new ArrayList<>();
    for (Path p = inside.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
      chain.addFirst(p);
    }
    for (Path p : chain) {
      if (!p.startsWith("/usr") && !p.equals(Path.of("/tmp"))) {
        directories.add(p);
      }
    }
  }
}
