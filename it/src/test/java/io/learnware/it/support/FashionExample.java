package io.learnware.it.support;

import static io.restassured.RestAssured.given;

import io.learnware.spec.rkme.RealData;
import java.util.stream.IntStream;

/**
 * The transfer example (docs/transfer.md): the committed Fashion-MNIST CNN, trained on classes 0–4
 * ({@code fixtures/fashion-cnn}, with its feature extractor: {@code Market.uploadFixture}), and a
 * labelled data set of classes 5–9 it never saw.
 */
public final class FashionExample {

  private FashionExample() {}

  /**
   * Uploads the first {@code perClass} test images of each of classes 5–9, with their labels, as
   * the IDX data set {@code owner/name}.
   */
  public static void uploadDataset(String token, String owner, String name, int perClass) {
    RealData.Labelled test = RealData.fashionTest();
    int[] seen = new int[10];
    RealData.Labelled data =
        test.rows(
            IntStream.range(0, test.labels().length)
                .filter(i -> test.labels()[i] >= 5 && seen[test.labels()[i]]++ < perClass)
                .toArray());
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "images.idx", RealData.idxImages(data.x()), "application/octet-stream")
        .multiPart(
            "labels", "labels.idx", RealData.idxLabels(data.labels()), "application/octet-stream")
        .post("/api/v1/datasets/{owner}/{name}", owner, name)
        .then()
        .statusCode(201);
  }
}
