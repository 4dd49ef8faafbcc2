package io.learnware.market.search;

import io.learnware.spec.FeatureMapSpec;
import io.learnware.spec.RkmeSpec;

/**
 * The space an RKME lives in. Only embeddings of the same space are compared: same dimension, same
 * kernel bandwidth and, for images, the same feature map of the same image shape.
 *
 * @param key e.g. {@code table/d=64/gamma=0.1} or {@code
 *     image-sign-projection-v1/1x28x28/gamma=0.1}
 */
public record RkmeSpace(String key) {

  public static RkmeSpace of(RkmeSpec spec) {
    FeatureMapSpec map = spec.featureMap();
    String prefix =
        map == null
            ? "table/d=" + spec.dimension()
            : "%s/%dx%dx%d".formatted(map.type(), map.channels(), map.height(), map.width());
    return new RkmeSpace(prefix + "/gamma=" + spec.gamma());
  }
}
