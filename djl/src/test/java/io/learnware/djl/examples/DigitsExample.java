package io.learnware.djl.examples;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A plain DJL program that loads a stored learnware by its URL: the {@code learnware-djl} jar on
 * the class path is all it takes (DJL finds its RepositoryFactory). The model is downloaded once,
 * its SHA-256 checked, and kept in the cache ({@code ~/.cache/learnware}).
 *
 * <pre>
 * java -cp … io.learnware.djl.examples.DigitsExample \
 *     learnware://localhost:8080/demo/digits@latest fixtures/data/digits-test.csv.gz
 * </pre>
 */
public final class DigitsExample {

  private DigitsExample() {}

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "learnware://localhost:8080/demo/digits@latest";
    Path csv = Path.of(args.length > 1 ? args[1] : "fixtures/data/digits-test.csv.gz");
    System.out.printf(Locale.ROOT, "%s: accuracy %.4f on %s%n", url, accuracy(url, csv), csv);
  }

  /** The share of rows of a labelled CSV (pixels and a {@code label} column) predicted right. */
  public static double accuracy(String url, Path csv) throws Exception {
    CsvTables.Table table = CsvTables.read(csv, "label", ProgressListener.none());
    Criteria<NDList, NDList> criteria =
        Criteria.builder().setTypes(NDList.class, NDList.class).optModelUrls(url).build();
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager manager = model.getNDManager().newSubManager()) {
      double[] values = table.features().data();
      float[] pixels = new float[values.length];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) values[i];
      }
      NDList input =
          new NDList(
              manager.create(
                  pixels, new Shape(table.features().rows(), table.features().columns())));
      long[] predicted = predictor.predict(input).singletonOrThrow().argMax(1).toLongArray();
      int correct = 0;
      for (int r = 0; r < predicted.length; r++) {
        correct += predicted[r] == Long.parseLong(table.labels().get(r)) ? 1 : 0;
      }
      return correct / (double) predicted.length;
    }
  }
}
