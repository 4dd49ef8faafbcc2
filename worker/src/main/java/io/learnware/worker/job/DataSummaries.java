package io.learnware.worker.job;

import io.learnware.spec.DataType;
import io.learnware.spec.FeatureMapSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.rkme.ImageFeatureMap;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.RkmeBuilder;

/** The statistical specification (RKME) of data a job trained a new learnware on. */
public final class DataSummaries {

  private DataSummaries() {}

  /**
   * The RKME of {@code data}, in the source's input space: with the source's kernel width, and for
   * images behind the fixed image feature map, like the one {@code spec rkme --idx} makes.
   *
   * @param data one row per sample, as the source takes it
   */
  public static RkmeSpec of(Matrix data, LearnwareSpec source, long seed) {
    boolean image = source.dataType() == DataType.IMAGE;
    Matrix points = data;
    FeatureMapSpec featureMap = null;
    if (image) {
      int channels = source.input().channels();
      int height = source.input().height();
      int width = source.input().width();
      points = new ImageFeatureMap(channels, height, width).apply(data);
      featureMap = FeatureMapSpec.imageSignProjection(channels, height, width);
    }
    Rkme rkme =
        Rkme.builder()
            .setData(points)
            .optGamma(
                source.statistical() != null
                    ? source.statistical().gamma()
                    : RkmeBuilder.DEFAULT_GAMMA)
            .optSeed(seed)
            .build();
    return rkme.toSpec().withFeatureMap(featureMap);
  }
}
