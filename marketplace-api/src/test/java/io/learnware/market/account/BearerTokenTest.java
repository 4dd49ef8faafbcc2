package io.learnware.market.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How an {@code Authorization} header reads, for the REST layer, the upload route and the rate
 * limits alike. An empty result makes the REST layer and the upload route answer 401 when the
 * header is there (anonymous when it is not), and the rate limits count the request as anonymous.
 */
class BearerTokenTest {

  @Test
  void aBearerHeaderCarriesItsToken() {
    assertThat(BearerToken.of("Bearer lw_abc-123_X")).contains("lw_abc-123_X");
    assertThat(BearerToken.of("Bearer lww_worker")).contains("lww_worker");
  }

  @Test
  void noHeaderHasNoToken() {
    assertThat(BearerToken.of(null)).isEmpty();
  }

  @Test
  void theSchemeIsMatchedIgnoringCase() {
    assertThat(BearerToken.of("bearer lw_abc")).contains("lw_abc");
    assertThat(BearerToken.of("BEARER lw_abc")).contains("lw_abc");
    assertThat(BearerToken.of("bEaReR lw_abc")).contains("lw_abc");
  }

  @Test
  void spacesAroundTheTokenAreDropped() {
    assertThat(BearerToken.of("Bearer    lw_abc")).contains("lw_abc");
    assertThat(BearerToken.of("Bearer lw_abc   ")).contains("lw_abc");
    assertThat(BearerToken.of("Bearer \t lw_abc \t")).contains("lw_abc");
  }

  @Test
  void spacesInsideTheTokenStay() {
    // Such a token matches no stored one: the header fails as an unknown token, not as malformed.
    assertThat(BearerToken.of("Bearer lw_abc def")).contains("lw_abc def");
  }

  @Test
  void aSchemeWithoutATokenHasNone() {
    assertThat(BearerToken.of("Bearer")).isEmpty();
    assertThat(BearerToken.of("Bearer ")).isEmpty();
    assertThat(BearerToken.of("Bearer     ")).isEmpty();
    assertThat(BearerToken.of("")).isEmpty();
  }

  @Test
  void otherSchemesHaveNone() {
    assertThat(BearerToken.of("Basic dXNlcjpwYXNz")).isEmpty();
    assertThat(BearerToken.of("Token lw_abc")).isEmpty();
    assertThat(BearerToken.of("lw_abc")).isEmpty();
  }

  @Test
  void theSchemeEndsWithOneSpace() {
    // Neither glued to the token nor followed by a tab: RFC 9110 puts spaces (SP) there.
    assertThat(BearerToken.of("Bearerlw_abc")).isEmpty();
    assertThat(BearerToken.of("Bearer\tlw_abc")).isEmpty();
    assertThat(BearerToken.of(" Bearer lw_abc")).isEmpty();
  }
}
