package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's two commands must work from a fresh clone on a machine whose default {@code java} is
 * older than 21 (Debian 12's is 17). {@code ./mvnw}, {@code ./autotag} and {@code .ci/run} all pick
 * a JDK >= 21 through {@code .mvn/jdk.sh}; these cases run that script with fake JDKs (a {@code
 * bin/java} that prints a chosen specification version) first on the {@code PATH}.
 */
class JdkDiscoveryTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path tmp;
  private Path old;
  private Path current;

  @BeforeEach
  void fakeJdks() throws IOException {
    old = fakeJdk("jdk-17", 17);
    current = fakeJdk("jdk-25", 25);
  }

  @Test
  void anOldDefaultJavaOnThePathIsPassedOverForANewerJdk() throws Exception {
    // JAVA_HOME unset, java 17 first on PATH: the machine's own JDK >= 21 is found instead.
    String home = discover(Map.of("PATH", old.resolve("bin") + ":/usr/bin:/bin"));
    assertThat(home).isNotEqualTo(old.toString()).isNotEmpty();
    assertThat(majorOf(Path.of(home))).isGreaterThanOrEqualTo(21);
  }

  @Test
  void aJavaHomeThatIsTooOldIsReplacedAndOneThatIsNewEnoughIsKept() throws Exception {
    String replaced =
        discover(
            Map.of("JAVA_HOME", old.toString(), "PATH", old.resolve("bin") + ":/usr/bin:/bin"));
    assertThat(replaced).isNotEqualTo(old.toString());
    assertThat(majorOf(Path.of(replaced))).isGreaterThanOrEqualTo(21);

    String kept =
        discover(Map.of("JAVA_HOME", current.toString(), "PATH", old.resolve("bin") + ":/usr/bin"));
    assertThat(kept).isEqualTo(current.toString());
  }

  @Test
  void aJdkOnThePathThatIsNewEnoughIsUsedWhenJavaHomeIsUnset() throws Exception {
    String home = discover(Map.of("PATH", current.resolve("bin") + ":/usr/bin:/bin"));
    assertThat(home).isEqualTo(current.toString());
  }

  @Test
  void theWrapperAndTheLauncherBothUseTheScript() throws IOException {
    // Not a string check for its own sake: without these lines `./mvnw -B verify` runs on the
    // default java and fails with "release version 21 not supported".
    assertThat(Files.readString(ROOT.resolve("mvnw")))
        .contains(". \"$(dirname \"$0\")/.mvn/jdk.sh\"");
    assertThat(Files.readString(ROOT.resolve("autotag"))).contains(".mvn/jdk.sh");
    assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("./mvnw -B verify");
  }

  /** Runs the script as ./mvnw does (POSIX sh, set -euf) and returns the JAVA_HOME it leaves. */
  private String discover(Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                "/bin/sh",
                "-c",
                "set -euf; . \"$1\"; printf '%s' \"${JAVA_HOME:-}\"",
                "sh",
                ROOT.resolve(".mvn/jdk.sh").toString()));
    builder.environment().clear();
    builder.environment().put("HOME", tmp.toString());
    builder.environment().putAll(env);
    builder.redirectErrorStream(false);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    return out.strip();
  }

  private static int majorOf(Path home) throws Exception {
    Process process =
        new ProcessBuilder(
                home.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    return out.lines()
        .filter(l -> l.strip().startsWith("java.specification.version"))
        .map(l -> l.substring(l.indexOf('=') + 1).strip())
        .mapToInt(Integer::parseInt)
        .findFirst()
        .orElse(-1);
  }

  /** A directory that looks like a JDK of the given major version to the script. */
  private Path fakeJdk(String name, int major) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve(name).resolve("bin"));
    String java = "#!/bin/sh\necho '    java.specification.version = " + major + "' >&2\n";
    for (String tool : List.of("java", "javac")) {
      Path file = bin.resolve(tool);
      Files.writeString(file, java);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return tmp.resolve(name);
  }
}
