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
        .hasMessage("unknown device 'tpu': expected auto, cpu, gpu or gpu:N");
    assertThatThrownBy(() -> Devices.slots("tpu", "all", 2))
        .hasMessage("unknown device 'tpu': expected auto, cpu, gpu or gpu:N");
    assertThatThrownBy(() -> Devices.select("gpu:x", 2))
        .hasMessage("'gpu:x': a GPU is named by its index, e.g. gpu:0");
  }

  @Test
  void aNamedGpuIsThatGpuWhenTheEngineSeesIt() {
    assertThat(Devices.select("gpu:1", 2)).isEqualTo(Device.gpu(1));
    assertThatThrownBy(() -> Devices.select("gpu:2", 2))
        .hasMessage("'gpu:2': the PyTorch engine sees GPUs 0 to 1 only");
    assertThatThrownBy(() -> Devices.select("gpu:0", 0))
        .hasMessageStartingWith("device 'gpu:0' was requested but the PyTorch engine sees no GPU");
  }

  @Test
  void aWorkerRunsOneJobOnEachGpuItUsesOrOneOnTheCpu() {
    assertThat(Devices.slots("auto", "all", 0)).containsExactly("cpu");
    assertThat(Devices.slots("cpu", "all", 4)).containsExactly("cpu");
    assertThat(Devices.slots("auto", "all", 2)).containsExactly("gpu:0", "gpu:1");
    assertThat(Devices.slots("gpu", null, 3)).containsExactly("gpu:0", "gpu:1", "gpu:2");
    assertThat(Devices.slots("gpu", "2, 0,2", 3)).containsExactly("gpu:0", "gpu:2");
    assertThat(Devices.slots("gpu:1", "all", 2)).containsExactly("gpu:1");
  }

  @Test
  void devicesAndGpusThatCannotBeHadAreErrorsAtStart() {
    assertThatThrownBy(() -> Devices.slots("gpu", "all", 0))
        .hasMessageStartingWith("device 'gpu' was requested but the PyTorch engine sees no GPU")
        .hasMessageContaining("bin/worker --gpu");
    assertThatThrownBy(() -> Devices.slots("auto", "0", 0))
        .hasMessageStartingWith(
            "device '--gpus 0' was requested but the PyTorch engine sees no GPU");
    assertThatThrownBy(() -> Devices.slots("gpu", "0,5", 2))
        .hasMessage("'--gpus 0,5': the PyTorch engine sees GPUs 0 to 1 only");
    assertThatThrownBy(() -> Devices.slots("cpu", "0", 2))
        .hasMessage("--gpus cannot be used with --device cpu");
    assertThatThrownBy(() -> Devices.slots("gpu:0", "1", 2))
        .hasMessage("--device gpu:0 names one GPU already; leave out --gpus");
  }

  @Test
  void thisMachineHasNoGpuSoTheEngineNeedNotBeLoadedToKnowIt() {
    assertThat(Devices.gpuCount()).isZero();
    assertThat(Devices.slots("auto", "all")).containsExactly("cpu");
  }
}
