package io.autotag.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * template.yaml points every function at the zip its module builds and at a real handler, and
 * passes cfn-lint where it is installed.
 */
class TemplateTest {

  private static final Pattern CODE_URI =
      Pattern.compile("functions/([a-z-]+)/target/([a-z-]+)\\.zip");

  private final CfnTemplate template = CfnTemplate.load();

  @Test
  void everyFunctionHasItsOwnCodeUriOnTheZipItsModuleBuilds() throws Exception {
    // sam build rewrites the relative CodeUri of resources but not of Globals: a CodeUri in Globals
    // points nowhere after a build, and sam local invoke mounts an empty folder.
    assertThat(template.at("Globals.Function.CodeUri")).isEmpty();
    assertThat(template.ofType("AWS::Serverless::Function")).isNotEmpty();
    for (String function : template.ofType("AWS::Serverless::Function")) {
      Object codeUri = template.properties(function).get("CodeUri");
      assertThat(codeUri).as(function + " CodeUri").isInstanceOf(String.class);
      Matcher zip = CODE_URI.matcher((String) codeUri);
      assertThat(zip.matches()).as(function + " CodeUri " + codeUri).isTrue();
      Path module = Path.of("..", "functions", zip.group(1));
      assertThat(Files.readString(module.resolve("pom.xml")))
          .as("the module behind " + function)
          .contains("<lambda.zip.name>" + zip.group(2) + "</lambda.zip.name>");
      // The functions' modules are built before this one (package phase): the zip is there.
      assertThat(Path.of("..").resolve((String) codeUri)).as(function + " zip").isRegularFile();
    }
  }

  @Test
  void everyHandlerNamedInTheTemplateIsAStreamHandlerOnTheClasspath() throws Exception {
    for (String function : template.ofType("AWS::Serverless::Function")) {
      String handler = (String) template.properties(function).get("Handler");
      assertThat(handler).as(function + " Handler").matches("[\\w.]+::handleRequest");
      Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
      assertThat(RequestStreamHandler.class).isAssignableFrom(type);
      assertThat(type.getConstructor()).as("Lambda's no-arg constructor").isNotNull();
    }
  }

  @Test
  void passesCfnLint() throws Exception {
    assumeTrue(onPath("cfn-lint"), "cfn-lint is not installed");
    Process lint =
        new ProcessBuilder("cfn-lint", CfnTemplate.PATH.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(lint.exitValue()).as(output).isZero();
  }

  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
