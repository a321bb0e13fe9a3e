package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autotag classify} with the real embedded model on real photos: {@code events/sample.jpg}
 * (a cat) and the model's reference photo; folders, JSON output, URLs through the SSRF-safe
 * fetcher, and the exit codes.
 */
class ClassifyCommandIT {

  static final Path SAMPLE = Path.of("../events/sample.jpg");
  static final Path REFERENCE =
      Path.of("../providers/src/test/resources/io/autotag/models/coco80/reference-photo.png");
  static final ObjectMapper json = new ObjectMapper();
  static final Map<String, String> ENV = Map.of();

  @BeforeAll
  static void photosExist() {
    assertThat(SAMPLE).exists();
    assertThat(REFERENCE).exists();
  }

  @Test
  void aTableForPeople() {
    Cli cli = Cli.run(ENV, ProviderRegistry.builtIn(), "classify", SAMPLE.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    String[] lines = cli.out().split("\n");
    assertThat(lines[0]).startsWith("SOURCE").contains("TOP", "CONF", "LABELS");
    assertThat(lines[1]).contains("sample.jpg").contains(" cat ");
  }

  @Test
  void jsonForAFolderSkipsFilesThatAreNotImages(@TempDir Path dir) throws Exception {
    Files.copy(SAMPLE, dir.resolve("a.jpg"));
    Files.createDirectories(dir.resolve("nested"));
    Files.copy(REFERENCE, dir.resolve("nested/b.dat")); // recognised by its bytes, not its name
    Files.writeString(dir.resolve("notes.jpg"), "not an image");

    Cli cli =
        Cli.run(
            ENV,
            ProviderRegistry.builtIn(),
            "classify",
            "--json",
            "--top",
            "3",
            // Below the sample cat's 0.91, so `labels` is not empty whatever the default.
            "--threshold",
            "0.4",
            dir.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).contains("ignored 1 files that are not images");
    JsonNode results = json.readTree(cli.out());
    assertThat(results).hasSize(2);
    JsonNode cat = results.get(0);
    assertThat(cat.path("source").asText()).endsWith("a.jpg");
    assertThat(cat.path("provider").asText()).isEqualTo("onnx");
    assertThat(cat.path("top").path("label").asText()).isEqualTo("cat");
    assertThat(cat.path("format").asText()).isEqualTo("image/jpeg");
    assertThat(cat.path("labels").size()).isBetween(1, 3);
    JsonNode reference = results.get(1);
    assertThat(reference.path("source").asText()).endsWith("b.dat");
    assertThat(reference.path("format").asText()).isEqualTo("image/png");
    assertThat(reference.has("top")).isTrue();
  }

  @Test
  void aNamedFileThatIsNotAnImageFailsWithExitCodeOne(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.jpg");
    Files.writeString(text, "not an image");
    Cli cli =
        Cli.run(ENV, ProviderRegistry.builtIn(), "classify", SAMPLE.toString(), text.toString());
    assertThat(cli.exitCode()).isEqualTo(AutotagCommand.SOME_FAILED);
    assertThat(cli.out()).contains("ERROR").contains("unsupported-type");
    assertThat(cli.out()).contains("sample.jpg");
  }

  /**
   * Inputs that cannot be classified each say why, in words a user can act on: a missing file is
   * {@code not-found} (not {@code NoSuchFileException}), a URL of another scheme is shown as typed
   * and is {@code unsupported-scheme}, an empty file is {@code empty} as in the tagger and the API.
   */
  @Test
  void inputsThatCannotBeClassifiedSayWhy(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.jpg"));
    Path missing = dir.resolve("missing.jpg");
    Cli cli =
        Cli.run(
            Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME),
            ProviderRegistry.builtIn().with(new FakeClassifier()),
            "classify",
            "--json",
            missing.toString(),
            "ftp://example.com/photos/cat.jpg",
            empty.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(AutotagCommand.SOME_FAILED);
    JsonNode results = json.readTree(cli.out());
    assertThat(results).hasSize(3);
    assertThat(results.get(0).path("error").path("code").asText()).isEqualTo("not-found");
    assertThat(results.get(0).path("error").path("message").asText()).isEqualTo("no such file");
    assertThat(results.get(1).path("source").asText())
        .isEqualTo("ftp://example.com/photos/cat.jpg");
    assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("unsupported-scheme");
    assertThat(results.get(1).path("error").path("message").asText())
        .contains("unsupported scheme ftp");
    assertThat(results.get(2).path("error").path("code").asText())
        .isEqualTo(FailureReason.EMPTY.code())
        .isEqualTo("empty");
    assertThat(cli.out()).doesNotContain("Exception");

    Cli table =
        Cli.run(
            Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME),
            ProviderRegistry.builtIn().with(new FakeClassifier()),
            "classify",
            "ftp://example.com/photos/cat.jpg");
    assertThat(table.out()).contains("ftp://example.com/photos/cat.jpg").doesNotContain("ftp:/e");
  }

  /** The provider's variables are named with the command's, before any model loads. */
  @Test
  void everyBadVariableIsNamedInOneError() {
    Cli cli =
        Cli.run(
            Map.of("AUTOTAG_LABEL_THRESHOLD", "high", "AUTOTAG_PROVIDER", "roboflow"),
            ProviderRegistry.builtIn(),
            "classify",
            SAMPLE.toString());
    assertThat(cli.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(cli.err())
        .contains("AUTOTAG_LABEL_THRESHOLD")
        .contains("AUTOTAG_ROBOFLOW_MODEL")
        .doesNotContain("\tat ");
  }

  @Test
  void aBadOptionIsNamed() {
    Cli threshold =
        Cli.run(ENV, ProviderRegistry.builtIn(), "classify", "--threshold", "2", SAMPLE.toString());
    assertThat(threshold.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(threshold.err())
        .contains("--threshold")
        .contains("between 0 and 1")
        .contains("2")
        .doesNotContain("--top");
    Cli top = Cli.run(ENV, ProviderRegistry.builtIn(), "classify", "--top", "0", SAMPLE.toString());
    assertThat(top.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(top.err()).contains("--top").doesNotContain("--threshold");
  }

  @Test
  void urlsAreFetchedOnlyWhereThePolicyAllows() throws Exception {
    byte[] sample = Files.readAllBytes(SAMPLE);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/cat.jpg",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
          exchange.sendResponseHeaders(200, sample.length);
          exchange.getResponseBody().write(sample);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cat.jpg";
      // Loopback is an internal address: refused by default, as in the API.
      Cli refused = Cli.run(ENV, ProviderRegistry.builtIn(), "classify", "--json", url);
      assertThat(refused.exitCode()).isEqualTo(AutotagCommand.SOME_FAILED);
      assertThat(json.readTree(refused.out()).get(0).path("error").path("code").asText())
          .isEqualTo("url-forbidden-address");
      // The message names the setting, with this endpoint in it.
      assertThat(json.readTree(refused.out()).get(0).path("error").path("message").asText())
          .contains("AUTOTAG_FETCH_ALLOWED_ENDPOINTS=127.0.0.1:" + server.getAddress().getPort());

      Map<String, String> allowed =
          Map.of("AUTOTAG_FETCH_ALLOWED_ENDPOINTS", "127.0.0.1:" + server.getAddress().getPort());
      Cli fetched = Cli.run(allowed, ProviderRegistry.builtIn(), "classify", "--json", url);
      assertThat(fetched.exitCode()).as(fetched.err()).isZero();
      assertThat(json.readTree(fetched.out()).get(0).path("top").path("label").asText())
          .isEqualTo("cat");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void usageAndConfigurationErrorsExitWithTwo() {
    assertThat(Cli.run(ENV, ProviderRegistry.builtIn(), "classify").exitCode())
        .isEqualTo(AutotagCommand.USAGE);
    assertThat(Cli.run(ENV, ProviderRegistry.builtIn(), "frobnicate").exitCode())
        .isEqualTo(AutotagCommand.USAGE);
    Cli badProvider =
        Cli.run(
            Map.of("AUTOTAG_PROVIDER", "nope"),
            ProviderRegistry.builtIn(),
            "classify",
            SAMPLE.toString());
    assertThat(badProvider.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(badProvider.err()).contains("AUTOTAG_PROVIDER");
    assertThat(
            new String(badProvider.out().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEmpty();
  }
}
