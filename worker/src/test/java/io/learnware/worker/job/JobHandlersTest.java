package io.learnware.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.worker.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One handler per job type docs/jobs.md documents, found through ServiceLoader as the worker finds
 * them (the API's JobTypesTest checks its job type beans against the same list).
 */
class JobHandlersTest {

  @Test
  void oneHandlerPerDocumentedType() throws IOException {
    // docs/jobs.md lists each type as "- `name`: ..." under "## Job types".
    String docs = Files.readString(Fixtures.path("../docs/jobs.md"));
    String section = docs.substring(docs.indexOf("## Job types"), docs.indexOf("## Running"));
    Matcher item = Pattern.compile("(?m)^- `([a-z]+)`:").matcher(section);
    List<String> documented = item.results().map(m -> m.group(1)).sorted().toList();

    List<String> handlers =
        ServiceLoader.load(JobHandler.class, JobHandler.class.getClassLoader()).stream()
            // The sandbox tests register a hostile handler of their own.
            .filter(provider -> !isTestClass(provider.type()))
            .map(provider -> provider.get().type())
            .sorted()
            .toList();
    assertThat(documented)
        .containsExactly("distill", "evaluate", "reuse", "robustness", "transfer", "validate");
    assertThat(handlers).isEqualTo(documented);
  }

  private static boolean isTestClass(Class<?> type) {
    return type.getProtectionDomain()
        .getCodeSource()
        .getLocation()
        .getPath()
        .contains("test-classes");
  }
}
