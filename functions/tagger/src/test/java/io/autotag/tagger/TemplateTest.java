package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** template.yaml points at what this module builds, and passes cfn-lint where it is installed. */
class TemplateTest {

  static final Path TEMPLATE = Path.of("../../template.yaml");

  @Test
  void handlerNamedInTheTemplateExists() throws Exception {
    Matcher handler =
        Pattern.compile("Handler: (io\\.autotag\\.tagger\\.\\w+)::handleRequest")
            .matcher(Files.readString(TEMPLATE));
    assertThat(handler.find()).isTrue();
    assertThat(Class.forName(handler.group(1))).isEqualTo(TaggerHandler.class);
  }

  @Test
  void codeUriIsTheZipThisModuleBuilds() throws IOException {
    assertThat(Files.readString(TEMPLATE)).contains("CodeUri: functions/tagger/target/tagger.zip");
    assertThat(Files.readString(Path.of("pom.xml")))
        .contains("<lambda.zip.name>tagger</lambda.zip.name>");
  }

  @Test
  void passesCfnLint() throws Exception {
    assumeTrue(onPath("cfn-lint"), "cfn-lint is not installed");
    Process lint =
        new ProcessBuilder("cfn-lint", TEMPLATE.toString()).redirectErrorStream(true).start();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(lint.exitValue()).as(output).isZero();
  }

  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
