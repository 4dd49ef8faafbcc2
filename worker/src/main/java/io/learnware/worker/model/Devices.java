package io.learnware.worker.model;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The devices a worker runs jobs on. A worker's {@code --device} ({@code auto|cpu|gpu|gpu:N}) and
 * {@code --gpus} ({@code all} or indices) become its <em>slots</em>: {@code cpu}, or one {@code
 * gpu:N} per GPU it uses, each running one job at a time. A job's device is its slot's.
 */
public final class Devices {

  /** The CUDA driver's control file: without it no GPU exists, so libtorch need not be asked. */
  private static final Path NVIDIA_CONTROL = Path.of("/dev/nvidiactl");

  private Devices() {}

  /**
   * The slots for a worker's settings, given how many GPUs the PyTorch engine sees.
   *
   * @param device {@code auto} (every GPU in {@code gpus}, or the CPU without one), {@code cpu},
   *     {@code gpu} (every GPU in {@code gpus}; an error without one) or {@code gpu:N}
   * @param gpus {@code all}, or comma-separated indices such as {@code 0,1}; {@code null} is all
   * @throws IllegalArgumentException for unknown settings, GPUs the engine does not see, or GPU
   *     indices with {@code cpu}
   */
  public static List<String> slots(String device, String gpus, int gpuCount) {
    String choice = normalise(device);
    boolean allGpus = gpus == null || gpus.isBlank() || gpus.strip().equalsIgnoreCase("all");
    if (choice.equals("cpu")) {
      if (!allGpus) {
        throw new IllegalArgumentException("--gpus cannot be used with --device cpu");
      }
      return List.of("cpu");
    }
    if (choice.startsWith("gpu:")) {
      if (!allGpus) {
        throw new IllegalArgumentException(
            "--device %s names one GPU already; leave out --gpus".formatted(choice));
      }
      return List.of("gpu:" + gpuIndex(choice.substring(4), gpuCount, device));
    }
    if (!choice.equals("auto") && !choice.equals("gpu")) {
      throw new IllegalArgumentException(
          "unknown device '%s': expected auto, cpu, gpu or gpu:N".formatted(device));
    }
    if (gpuCount == 0) {
      if (choice.equals("gpu") || !allGpus) {
        throw new IllegalArgumentException(noGpu(choice.equals("gpu") ? "gpu" : "--gpus " + gpus));
      }
      return List.of("cpu");
    }
    List<String> slots = new ArrayList<>();
    if (allGpus) {
      for (int i = 0; i < gpuCount; i++) {
        slots.add("gpu:" + i);
      }
    } else {
      TreeSet<Integer> indices = new TreeSet<>();
      for (String index : gpus.split(",")) {
        indices.add(gpuIndex(index.strip(), gpuCount, "--gpus " + gpus));
      }
      indices.forEach(i -> slots.add("gpu:" + i));
    }
    return List.copyOf(slots);
  }

  /**
   * The slots for a worker's settings on this machine: {@link #slots(String, String, int)} with the
   * GPUs the PyTorch engine sees (none, without loading libtorch, where no NVIDIA driver is).
   */
  public static List<String> slots(String device, String gpus) {
    return slots(device, gpus, normalise(device).equals("cpu") ? 0 : gpuCount());
  }

  /**
   * The DJL device of a slot or setting: {@code cpu}, {@code gpu:N}, or {@code gpu} and {@code
   * auto} as the first GPU (the CPU for {@code auto} without one).
   *
   * @throws IllegalArgumentException for an unknown setting, or a GPU the engine does not see
   */
  public static Device select(String setting) {
    String choice = normalise(setting);
    return select(setting, choice.equals("cpu") ? 0 : PyTorch.engine().getGpuCount());
  }

  /** {@link #select(String)} given how many GPUs the engine sees. */
  static Device select(String setting, int gpus) {
    String choice = normalise(setting);
    return switch (choice) {
      case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpus == 0) {
          throw new IllegalArgumentException(noGpu("gpu"));
        }
        yield Device.gpu();
      }
      default -> {
        if (!choice.startsWith("gpu:")) {
          throw new IllegalArgumentException(
              "unknown device '%s': expected auto, cpu, gpu or gpu:N".formatted(setting));
        }
        yield Device.gpu(gpuIndex(choice.substring(4), gpus, setting));
      }
    };
  }

  /** How many GPUs the PyTorch engine sees; 0 without loading it where no NVIDIA driver is. */
  public static int gpuCount() {
    return Files.exists(NVIDIA_CONTROL) ? PyTorch.engine().getGpuCount() : 0;
  }

  private static int gpuIndex(String index, int gpuCount, String setting) {
    int i;
    try {
      i = Integer.parseInt(index);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'%s': a GPU is named by its index, e.g. gpu:0".formatted(setting));
    }
    if (gpuCount == 0) {
      throw new IllegalArgumentException(noGpu(setting));
    }
    if (i < 0 || i >= gpuCount) {
      throw new IllegalArgumentException(
          "'%s': the PyTorch engine sees GPUs 0 to %d only".formatted(setting, gpuCount - 1));
    }
    return i;
  }

  private static String noGpu(String setting) {
    return ("device '%s' was requested but the PyTorch engine sees no GPU on this machine (no CUDA"
            + " device, or this worker was built without DJL's CUDA natives: build it with"
            + " bin/worker --gpu); use 'cpu' or 'auto'")
        .formatted(setting);
  }

  private static String normalise(String setting) {
    return setting == null ? "" : setting.strip().toLowerCase(Locale.ROOT);
  }
}
