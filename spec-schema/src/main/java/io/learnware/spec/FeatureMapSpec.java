package io.learnware.spec;

/**
 * The fixed feature map an image RKME was computed under (see {@code
 * io.learnware.spec.rkme.ImageFeatureMap}), with the image shape it maps from.
 *
 * @param type always {@link #IMAGE_SIGN_PROJECTION_V1}
 */
public record FeatureMapSpec(String type, int channels, int height, int width) {

  /** The only feature map of specification version 1. */
  public static final String IMAGE_SIGN_PROJECTION_V1 = "image-sign-projection-v1";

  /** The version-1 map for images of the given shape. */
  public static FeatureMapSpec imageSignProjection(int channels, int height, int width) {
    return new FeatureMapSpec(IMAGE_SIGN_PROJECTION_V1, channels, height, width);
  }
}
