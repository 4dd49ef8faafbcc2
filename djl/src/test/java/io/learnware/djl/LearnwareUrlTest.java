package io.learnware.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ai.djl.repository.Repository;
import io.learnware.client.LearnwareRef;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LearnwareUrlTest {

  @Test
  void urlsNameAMarketAndAVersion() {
    LearnwareUrl plain = LearnwareUrl.parse(URI.create("learnware://localhost:8080/demo/digits@3"));
    LearnwareUrl latest = LearnwareUrl.parse(URI.create("learnware://market.example/demo/digits"));
    LearnwareUrl secure =
        LearnwareUrl.parse(URI.create("learnwares://example.org/market/demo/digits@prod"));

    assertThat(plain.server()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(plain.ref()).isEqualTo(new LearnwareRef("demo", "digits", "3"));
    assertThat(latest.ref().version()).isEqualTo("latest");
    assertThat(secure.server()).isEqualTo(URI.create("https://example.org/market"));
    assertThat(secure.ref()).isEqualTo(new LearnwareRef("demo", "digits", "prod"));
    assertThat(secure.toString()).isEqualTo("learnwares://example.org/market/demo/digits@prod");
  }

  @Test
  void malformedUrlsAreRefusedWithAReason() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LearnwareUrl.parse(URI.create("learnware://localhost:8080/digits")))
        .withMessageContaining("names no learnware");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LearnwareUrl.parse(URI.create("learnware://localhost/Demo/x")))
        .withMessageContaining("invalid owner 'Demo'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LearnwareUrl.parse(URI.create("https://localhost/demo/digits")))
        .withMessageContaining("not a learnware://");
  }

  @Test
  void djlFindsTheFactoryThroughServiceLoader() {
    Repository repository =
        Repository.newInstance("digits", "learnware://localhost:1/demo/digits@1");

    assertThat(repository).isInstanceOf(LearnwareRepository.class);
    assertThat(repository.isRemote()).isTrue();
  }
}
