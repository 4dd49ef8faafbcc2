package io.learnware.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.Sha256;
import io.learnware.spec.Task;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.EnsembleManifest.Member;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Published ensembles of the digits halves (64 inputs, 10 classes), as tests upload them (to the
 * market REST Assured's {@code given()} points at).
 */
public final class Ensembles {

  private Ensembles() {}

  /**
   * A pin of {@code ref} ({@code owner/name@N}) whose model is the fixture {@code modelFixture}.
   */
  public static Member pin(String ref, String modelFixture) {
    int at = ref.indexOf('@');
    return new Member(
        ref.substring(0, at),
        Integer.parseInt(ref.substring(at + 1)),
        Sha256.of(Fixtures.bytes(modelFixture)));
  }

  /**
   * The pins of {@code owner}'s digits-low@1 and digits-high@1 (as {@link
   * Market#uploadDigitsHalves}).
   */
  public static List<Member> halves(String owner) {
    return List.of(
        pin(owner + "/digits-low@1", "digits-low/model.pt"),
        pin(owner + "/digits-high@1", "digits-high/model.pt"));
  }

  /** An {@code ensemble.json} of digit classifiers. */
  public static byte[] manifest(Method method, List<Member> members) {
    return new EnsembleManifest(method, Task.CLASSIFICATION, 64, 10, members, null)
        .toJson()
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The digits-low spec made an ensemble's: same input and output, model format ensemble. */
  public static String spec(String title) {
    ObjectNode spec = Fixtures.json(Fixtures.text("digits-low/spec.json"));
    spec.put("name", title);
    spec.put(
        "description",
        "The mean of the probabilities of two digit classifiers trained on halves of the digits.");
    spec.putObject("model").put("format", "ensemble");
    return spec.toString();
  }

  /** Uploads {@code owner/name} as an ensemble with the given {@code ensemble.json}. */
  public static Response upload(String token, String owner, String name, byte[] manifest) {
    return upload(token, owner, name, spec("Digits ensemble"), manifest);
  }

  public static Response upload(
      String token, String owner, String name, String spec, byte[] manifest) {
    return given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.getBytes(StandardCharsets.UTF_8), "application/json")
        .multiPart("model", EnsembleManifest.FILE_NAME, manifest, "application/json")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
  }
}
