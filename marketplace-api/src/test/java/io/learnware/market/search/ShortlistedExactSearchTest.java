package io.learnware.market.search;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/**
 * {@link ExactSearchTest} through the sketch's shortlist: no space is searched with certified
 * bounds.
 */
@QuarkusTest
@TestProfile(ShortlistedExactSearchTest.Shortlisted.class)
class ShortlistedExactSearchTest extends ExactSearchTest {

  public static class Shortlisted implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("learnware.search.certified-up-to", "0");
    }
  }
}
