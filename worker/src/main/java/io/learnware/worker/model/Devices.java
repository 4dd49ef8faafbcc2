package io.learnware.worker.model;

import ai.djl.Device;
import java.util.Locale;

/** Chooses the device models run on from the worker's {@code auto|cpu|gpu} setting. */
public final class Devices {

  private Devices() {}

  /**
   * The device for a setting: {@code auto} is the first GPU when the PyTorch engine sees one and
   * the CPU otherwise; {@code cpu} is the CPU; {@code gpu} is the first GPU and an error without
   * one.
   *
   * @throws IllegalArgumentException for an unknown setting, or {@code gpu} on a machine without a
   *     GPU the engine can use
   */
  public static Device select(String setting) {
    return select(setting, PyTorch.engine().getGpuCount());
  }

  /** {@link #select(String)} given how many GPUs the engine sees. */
  static Device select(String setting, int gpus) {
    String choice = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
    return switch (choice) {
      case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpus == 0) {
          throw new IllegalArgumentException(
              "device 'gpu' was requested but the PyTorch engine sees no GPU on this machine"
                  + " (no CUDA device, or DJL's CUDA native library is not installed);"
                  + " use 'cpu' or 'auto'");
        }
        yield Device.gpu();
      }
      default ->
          throw new IllegalArgumentException(
              "unknown device '%s': expected auto, cpu or gpu".formatted(setting));
    };
  }
}
