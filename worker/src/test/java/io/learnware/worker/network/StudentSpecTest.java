package io.learnware.worker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import java.util.List;
import org.junit.jupiter.api.Test;

class StudentSpecTest {

  private static JsonNode json(String text) throws Exception {
    return SpecDocuments.mapper().readTree(text);
  }

  @Test
  void readsStudentsAndWritesTheirArchitecture() throws Exception {
    assertThat(StudentSpec.parse(null)).isEqualTo(new StudentSpec.Mlp(List.of(64)));
    assertThat(StudentSpec.parse(json("{\"type\": \"mlp\", \"hidden\": [128, 32]}")))
        .isEqualTo(new StudentSpec.Mlp(List.of(128, 32)));
    assertThat(StudentSpec.parse(json("{\"type\": \"mlp\", \"hidden\": []}")).describe())
        .isEqualTo("mlp []");
    StudentSpec gbdt = StudentSpec.parse(json("{\"type\": \"gbdt\", \"trees\": 50}"));
    assertThat(gbdt).isEqualTo(new StudentSpec.Gbdt(50, 6, false));
    assertThat(gbdt.architecture().toString())
        .isEqualTo("{\"type\":\"gbdt\",\"trees\":50,\"maxDepth\":6,\"dart\":false}");
    // The architecture reads back as the same student.
    assertThat(StudentSpec.parse(gbdt.architecture())).isEqualTo(gbdt);
    StudentSpec mlp = new StudentSpec.Mlp(List.of(32));
    assertThat(StudentSpec.parse(mlp.architecture())).isEqualTo(mlp);
    StudentSpec cnn = StudentSpec.parse(json("{\"type\": \"cnn\", \"channels\": [8, 16]}"));
    assertThat(cnn).isEqualTo(new StudentSpec.Cnn(List.of(8, 16)));
    assertThat(cnn.architecture().toString()).isEqualTo("{\"type\":\"cnn\",\"channels\":[8,16]}");
    assertThat(StudentSpec.parse(cnn.architecture())).isEqualTo(cnn);
    assertThat(StudentSpec.parse(json("{\"type\": \"cnn\"}")))
        .isEqualTo(new StudentSpec.Cnn(StudentSpec.Cnn.DEFAULT_CHANNELS));
  }

  @Test
  void rejectsWhatItCannotTrain() {
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"cnn\", \"hidden\": [3]}")))
        .hasMessage("student has an unknown member \"hidden\"; cnn students take channels, type");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"cnn\", \"channels\": []}")))
        .hasMessage("student.channels needs 1..16 layers, got 0");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"cnn\", \"channels\": [0]}")))
        .hasMessage("student.channels counts must be 1..4096, got 0");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"forest\"}")))
        .hasMessage("unknown student type \"forest\"; expected mlp, cnn or gbdt");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"hidden\": [3]}")))
        .hasMessage("student.type is required: one of mlp, cnn, gbdt");
    assertThatThrownBy(() -> StudentSpec.parse(json("\"mlp\"")))
        .hasMessageStartingWith("student must be an object");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"mlp\", \"hiden\": [3]}")))
        .hasMessage("student has an unknown member \"hiden\"; mlp students take hidden, type");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"mlp\", \"hidden\": [0]}")))
        .hasMessage("student.hidden sizes must be 1..65536, got 0");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"mlp\", \"hidden\": 64}")))
        .hasMessage("student.hidden must be an array of layer sizes, e.g. [64]");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"mlp\", \"hidden\": [2.5]}")))
        .hasMessage("student.hidden must be an integer, got 2.5");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"gbdt\", \"maxDepth\": 65}")))
        .hasMessage("student.maxDepth must be 1..64, got 65");
    assertThatThrownBy(() -> StudentSpec.parse(json("{\"type\": \"gbdt\", \"dart\": \"yes\"}")))
        .hasMessage("student.dart must be true or false, got \"yes\"");
  }
}
