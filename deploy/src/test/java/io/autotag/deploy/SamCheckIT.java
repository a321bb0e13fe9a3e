package io.autotag.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs deploy/sam-check (SAM CLI's own sam build, sam local invoke and sam local start-api code,
 * Docker replaced by a JVM) where {@code AUTOTAG_SAMCLI_SRC} names a source checkout of
 * aws-sam-cli; skips elsewhere. About two minutes on two cores.
 */
class SamCheckIT {

  @Test
  void samCliBuildsInvokesAndServesTheTemplate() throws Exception {
    String source = System.getenv("AUTOTAG_SAMCLI_SRC");
    assumeTrue(
        source != null && Files.isRegularFile(Path.of(source, "samcli", "__init__.py")),
        "AUTOTAG_SAMCLI_SRC does not name an aws-sam-cli source checkout");
    Process check =
        new ProcessBuilder("bash", "sam-check/run.sh", source).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(check.exitValue()).as(output).isZero();
    assertThat(output).contains(" passed, 0 failed");
  }
}
