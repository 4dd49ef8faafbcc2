package io.learnware.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.learnware.market.MarketConfig;
import io.learnware.market.abuse.LimitsConfig;
import io.learnware.worker.runtime.WorkerMain;
import io.smallrye.config.ConfigMapping;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Option;

/**
 * docker/kubernetes/: every manifest parses strictly with the fabric8 Kubernetes model (an unknown
 * or misspelt field anywhere fails), names only the images this module builds and only settings the
 * API or the worker reads; docker/compose.yaml names the same images.
 */
class KubernetesManifestsTest {

  private static final Path DIR = Path.of(System.getProperty("images.dir", "."));
  private static final String API_IMAGE = System.getProperty("images.api");
  private static final String WORKER_IMAGE = System.getProperty("images.worker");

  /** The kinds the manifests may hold, each with the fabric8 class that must accept it whole. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Namespace", Namespace.class,
          "ConfigMap", ConfigMap.class,
          "Secret", Secret.class,
          "Service", Service.class,
          "Deployment", Deployment.class,
          "PodDisruptionBudget", PodDisruptionBudget.class);

  /**
   * fabric8's model classes keep unknown fields in {@code additionalProperties} (a Jackson
   * any-setter) instead of failing. Without any-setters, FAIL_ON_UNKNOWN_PROPERTIES names each
   * unknown field.
   */
  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .setAnnotationIntrospector(
              new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                  return false;
                }

                @Override
                public Boolean hasAnyGetter(Annotated a) {
                  return false;
                }
              })
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private static List<HasMetadata> resources;

  @BeforeAll
  static void parseEveryManifest() throws IOException {
    resources = new ArrayList<>();
    for (Path file : manifests()) {
      resources.addAll(parse(file));
    }
  }

  @Test
  void everyManifestParsesStrictly() throws IOException {
    assertThat(manifests())
        .extracting(p -> DIR.resolve("kubernetes").relativize(p).toString())
        .containsExactlyInAnyOrder(
            "namespace.yaml",
            "config.yaml",
            "secrets.yaml",
            "api.yaml",
            "worker.yaml",
            "gpu/worker-gpu.yaml");
    assertThat(resources)
        .extracting(r -> r.getKind() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "Namespace/learnware",
            "ConfigMap/learnware-market",
            "Secret/learnware-market",
            "Secret/learnware-worker-token",
            "Deployment/learnware-api",
            "Service/learnware-api",
            "PodDisruptionBudget/learnware-api",
            "Deployment/learnware-worker",
            "PodDisruptionBudget/learnware-worker",
            "Deployment/learnware-worker-gpu",
            "PodDisruptionBudget/learnware-worker-gpu");
    assertThat(resources)
        .filteredOn(r -> !(r instanceof Namespace))
        .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("learnware"));
  }

  @Test
  void aMisspeltFieldFails() {
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          template:
            spec:
              containers:
                - name: x
                  image: x
                  readinessProbe: {httpGet: {path: /q/health/ready, prot: 9000}}
        """;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> STRICT.treeToValue(new YAMLMapper().readTree(yaml), Deployment.class))
        .hasMessageContaining("Unrecognized field \"prot\"");
  }

  @Test
  void deploymentsRunTheImagesThisModuleBuilds() throws IOException {
    assertThat(image("learnware-api")).isEqualTo(API_IMAGE);
    assertThat(image("learnware-worker")).isEqualTo(WORKER_IMAGE);
    // The CUDA worker image of issue 20: the CPU image's name with a -cuda tag suffix.
    assertThat(image("learnware-worker-gpu")).isEqualTo(WORKER_IMAGE + "-cuda");

    JsonNode compose = new YAMLMapper().readTree(DIR.resolve("compose.yaml").toFile());
    assertThat(compose.at("/services/api/image").asText()).isEqualTo(API_IMAGE);
    assertThat(compose.at("/services/worker/image").asText()).isEqualTo(WORKER_IMAGE);
    assertThat(compose.at("/services/api/build").isMissingNode()).isTrue();
    assertThat(compose.at("/services/worker/build").isMissingNode()).isTrue();
  }

  @Test
  void everySettingIsOneTheApiOrTheWorkerReads() {
    Set<String> api = apiSettings();
    Set<String> worker = workerSettings();
    assertThat(api).contains("LEARNWARE_DATA_DIR", "LEARNWARE_DB_URL", "LEARNWARE_JOBS_LEASE");
    assertThat(worker).containsExactlyInAnyOrder("LEARNWARE_SERVER", "LEARNWARE_WORKER_TOKEN");

    assertThat(settingsOf(pod("learnware-api"))).isSubsetOf(api).contains("LEARNWARE_DB_URL");
    assertThat(settingsOf(pod("learnware-worker"))).isSubsetOf(worker);
    assertThat(settingsOf(pod("learnware-worker-gpu"))).isSubsetOf(worker);
    // Every key of the ConfigMap and Secrets is a setting too, whoever reads it.
    for (HasMetadata r : resources) {
      Set<String> keys = new TreeSet<>();
      if (r instanceof ConfigMap c) {
        keys.addAll(c.getData().keySet());
      } else if (r instanceof Secret s) {
        keys.addAll(s.getStringData().keySet());
      }
      assertThat(keys).as(r.getMetadata().getName()).isSubsetOf(union(api, worker));
    }
  }

  @Test
  void workersHoldOnlyTheirToken() {
    for (String name : List.of("learnware-worker", "learnware-worker-gpu")) {
      Container worker = pod(name).getContainers().getFirst();
      assertThat(worker.getEnvFrom()).as(name).isEmpty();
      assertThat(worker.getEnv())
          .filteredOn(e -> e.getValueFrom() != null)
          .extracting(e -> e.getValueFrom().getSecretKeyRef().getName())
          .containsOnly("learnware-worker-token");
    }
  }

  @Test
  void probesReachTheManagementInterface() {
    Container api = pod("learnware-api").getContainers().getFirst();
    assertThat(api.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("management");
              assertThat(p.getContainerPort()).isEqualTo(9000);
            });
    // Loopback by default (application.properties): the kubelet's probes would never get through.
    assertThat(api.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("QUARKUS_MANAGEMENT_HOST");
              assertThat(e.getValue()).isEqualTo("0.0.0.0");
            });
    Map<String, HTTPGetAction> probes =
        Map.of(
            "/q/health/started", api.getStartupProbe().getHttpGet(),
            "/q/health/ready", api.getReadinessProbe().getHttpGet(),
            "/q/health/live", api.getLivenessProbe().getHttpGet());
    probes.forEach(
        (path, get) -> {
          assertThat(get.getPath()).isEqualTo(path);
          assertThat(get.getPort().getStrVal()).isEqualTo("management");
        });
    Service service = one(Service.class, "learnware-api");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getTargetPort().getStrVal())
        .containsExactly("http");
  }

  @Test
  void workersHaveTimeToHandBackTheirJob() {
    // A stopping worker waits 30 s for its job, releases it, then waits up to 30 s for its loop.
    for (String name : List.of("learnware-worker", "learnware-worker-gpu")) {
      assertThat(pod(name).getTerminationGracePeriodSeconds()).as(name).isGreaterThan(60);
      assertThat(one(PodDisruptionBudget.class, name).getSpec().getMaxUnavailable().getIntVal())
          .isEqualTo(1);
    }
    Container gpu = pod("learnware-worker-gpu").getContainers().getFirst();
    assertThat(gpu.getResources().getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
    assertThat(gpu.getArgs()).containsSequence("--device", "gpu");
    assertThat(pod("learnware-worker-gpu").getNodeSelector()).containsKey("nvidia.com/gpu.present");
  }

  @Test
  void referencedConfigMapsAndSecretsExist() {
    Map<String, Set<String>> keys = new HashMap<>();
    for (HasMetadata r : resources) {
      if (r instanceof ConfigMap c) {
        keys.put("ConfigMap/" + c.getMetadata().getName(), c.getData().keySet());
      } else if (r instanceof Secret s) {
        keys.put("Secret/" + s.getMetadata().getName(), s.getStringData().keySet());
      }
    }
    for (PodSpec pod : pods()) {
      for (Container c : pod.getContainers()) {
        for (EnvFromSource from : c.getEnvFrom()) {
          String ref =
              from.getConfigMapRef() != null
                  ? "ConfigMap/" + from.getConfigMapRef().getName()
                  : "Secret/" + from.getSecretRef().getName();
          assertThat(keys).containsKey(ref);
        }
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() != null) {
            var ref = e.getValueFrom().getSecretKeyRef();
            assertThat(keys.get("Secret/" + ref.getName())).contains(ref.getKey());
          }
        }
      }
    }
  }

  // --- the manifests

  private static List<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.walk(DIR.resolve("kubernetes"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static List<HasMetadata> parse(Path file) throws IOException {
    List<HasMetadata> parsed = new ArrayList<>();
    YAMLMapper yaml = new YAMLMapper();
    try (var documents = yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        String kind = document.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        assertThat(type).as("%s: kind '%s'", file, kind).isNotNull();
        HasMetadata resource = STRICT.treeToValue(document, type);
        assertThat(document.path("apiVersion").asText())
            .as("%s: %s", file, kind)
            .isEqualTo(HasMetadata.getApiVersion(type));
        parsed.add(resource);
      }
    }
    return parsed;
  }

  private static <T extends HasMetadata> T one(Class<T> type, String name) {
    return resources.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static PodSpec pod(String deployment) {
    return one(Deployment.class, deployment).getSpec().getTemplate().getSpec();
  }

  private static List<PodSpec> pods() {
    return resources.stream()
        .filter(Deployment.class::isInstance)
        .map(r -> ((Deployment) r).getSpec().getTemplate().getSpec())
        .toList();
  }

  private static String image(String deployment) {
    List<Container> containers = pod(deployment).getContainers();
    assertThat(containers).hasSize(1);
    return containers.getFirst().getImage();
  }

  /** The LEARNWARE_* names a pod's container is given: its env and the keys of its envFrom. */
  private static Set<String> settingsOf(PodSpec pod) {
    Set<String> names = new TreeSet<>();
    for (Container c : pod.getContainers()) {
      c.getEnv().forEach(e -> names.add(e.getName()));
      for (EnvFromSource from : c.getEnvFrom()) {
        if (from.getConfigMapRef() != null) {
          names.addAll(one(ConfigMap.class, from.getConfigMapRef().getName()).getData().keySet());
        } else {
          names.addAll(one(Secret.class, from.getSecretRef().getName()).getStringData().keySet());
        }
      }
    }
    names.removeIf(n -> !n.startsWith("LEARNWARE_"));
    return names;
  }

  // --- the settings that exist

  /**
   * The API's: every leaf of its {@code @ConfigMapping}s as an environment variable, and the names
   * it looks up itself before Quarkus starts (database and data directory, as string literals).
   */
  private static Set<String> apiSettings() {
    Set<String> names = new TreeSet<>();
    for (Class<?> mapping : List.of(MarketConfig.class, LimitsConfig.class)) {
      leaves(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), names);
    }
    Pattern literal = Pattern.compile("\"(LEARNWARE_[A-Z0-9_]*[A-Z0-9])\"");
    try (Stream<Path> sources = Files.walk(DIR.resolve("../marketplace-api/src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = literal.matcher(Files.readString(source));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  private static void leaves(Class<?> group, String prefix, Set<String> names) {
    for (Method m : group.getMethods()) {
      if (m.getParameterCount() > 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String key = prefix + "." + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2");
      Class<?> type = m.getReturnType();
      if (type == Optional.class
          && m.getGenericReturnType() instanceof ParameterizedType p
          && p.getActualTypeArguments()[0] instanceof Class<?> c) {
        type = c;
      }
      if (type.isInterface() && type.getName().startsWith("io.learnware.")) {
        leaves(type, key, names);
      } else {
        names.add(key.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT));
      }
    }
  }

  /** The worker's: the environment variables its options default to. */
  private static Set<String> workerSettings() {
    Set<String> names = new TreeSet<>();
    Pattern env = Pattern.compile("\\$\\{env:(LEARNWARE_[A-Z0-9_]+)");
    for (var field : WorkerMain.class.getDeclaredFields()) {
      Option option = field.getAnnotation(Option.class);
      if (option != null) {
        Matcher m = env.matcher(option.defaultValue());
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
