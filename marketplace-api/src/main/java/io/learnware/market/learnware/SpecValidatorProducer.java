package io.learnware.market.learnware;

import io.learnware.spec.SpecValidator;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One validator for the application: it compiles the schemas once and is thread-safe. */
public class SpecValidatorProducer {

  @Produces
  @Singleton
  SpecValidator specValidator() {
    return new SpecValidator();
  }
}
