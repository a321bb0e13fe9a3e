package io.autotag.cli;

import io.autotag.shared.provider.ProviderRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line in this JVM with an explicit environment and captures what it prints. */
record Cli(int exitCode, String out, String err) {

  static Cli run(Map<String, String> env, ProviderRegistry providers, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        AutotagCommand.commandLine(
                env, providers, false, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Cli(code, out.toString(), err.toString());
  }
}
