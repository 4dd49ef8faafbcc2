package io.learnware.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicesTest {

  @Test
  void autoIsTheCpuOnThisMachineWhichHasNoGpu() {
    assertThat(Devices.select("auto")).isEqualTo(Device.cpu());
    assertThat(Devices.select("cpu")).isEqualTo(Device.cpu());
  }

  @Test
  void gpuWithoutOneIsAClearError() {
    assertThatThrownBy(() -> Devices.select("gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("device 'gpu' was requested but the PyTorch engine sees no GPU")
        .hasMessageEndingWith("use 'cpu' or 'auto'");
  }

  @Test
  void autoAndGpuPickTheFirstGpuWhenTheEngineSeesOne() {
    assertThat(Devices.select("auto", 2)).isEqualTo(Device.gpu(0));
    assertThat(Devices.select(" GPU ", 1)).isEqualTo(Device.gpu(0));
    assertThat(Devices.select("cpu", 1)).isEqualTo(Device.cpu());
  }

  @Test
  void unknownSettingsAreRejected() {
    assertThatThrownBy(() -> Devices.select("tpu", 0))
        .hasMessage("unknown device 'tpu': expected auto, cpu or gpu");
  }
}
