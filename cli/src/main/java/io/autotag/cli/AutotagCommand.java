package io.autotag.cli;

import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.provider.ProviderRegistry;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code autotag} command. Exit codes: 0 everything worked, 1 some items failed (or an
 * unexpected error), 2 a usage or configuration error. Configuration comes from the environment map
 * given here (the process environment in {@link #main}), the same {@code AUTOTAG_*} variables the
 * functions read.
 */
@Command(
    name = "autotag",
    mixinStandardHelpOptions = true,
    versionProvider = AutotagCommand.Version.class,
    description = "Classify images, tag S3 objects, run the whole system locally.",
    subcommands = {
      ServeCommand.class,
      ClassifyCommand.class,
      BackfillCommand.class,
      ExportFeedbackCommand.class
    })
public final class AutotagCommand implements Runnable {

  static final int OK = 0;
  static final int SOME_FAILED = 1;
  static final int USAGE = 2;

  private final Map<String, String> env;
  private final ProviderRegistry providers;
  private final boolean stderrIsTerminal;

  @Spec CommandSpec spec;

  AutotagCommand(Map<String, String> env, ProviderRegistry providers, boolean stderrIsTerminal) {
    this.env = Map.copyOf(env);
    this.providers = providers;
    this.stderrIsTerminal = stderrIsTerminal;
  }

  Map<String, String> env() {
    return env;
  }

  ProviderRegistry providers() {
    return providers;
  }

  boolean stderrIsTerminal() {
    return stderrIsTerminal;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: serve, classify, backfill or export-feedback");
  }

  /**
   * The command line over {@code env} and {@code providers}; tests add fake providers here, the
   * real tool only ever gets {@link ProviderRegistry#builtIn()}.
   */
  static CommandLine commandLine(
      Map<String, String> env,
      ProviderRegistry providers,
      boolean stderrIsTerminal,
      PrintWriter out,
      PrintWriter err) {
    CommandLine cli = new CommandLine(new AutotagCommand(env, providers, stderrIsTerminal));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigurationException || e instanceof PortInUseException) {
            commandLine.getErr().println("autotag: " + e.getMessage());
            return USAGE;
          }
          if (e instanceof EndpointException) {
            commandLine.getErr().println("autotag: " + e.getMessage());
            return SOME_FAILED;
          }
          if (e instanceof IllegalArgumentException) {
            commandLine.getErr().println("autotag: " + e.getMessage());
            return USAGE;
          }
          commandLine.getErr().println("autotag: " + e);
          e.printStackTrace(commandLine.getErr());
          return SOME_FAILED;
        });
    return cli;
  }

  public static void main(String[] args) {
    // Before the first logger: `serve` shows what the tagger does, the others stay quiet.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "autotag-cli-logback.xml");
    }
    String level = System.getenv("AUTOTAG_LOG_LEVEL");
    boolean serve = args.length > 0 && args[0].equals("serve");
    System.setProperty("autotag.cli.log.level", level != null ? level : serve ? "INFO" : "WARN");
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code =
        commandLine(
                System.getenv(), ProviderRegistry.builtIn(), Terminal.stderrIsTerminal(), out, err)
            .execute(args);
    // A command-line tool reports through its exit code; this is the one place that sets it.
    System.exit(code);
  }

  /** The version from the jar's manifest (absent when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AutotagCommand.class.getPackage().getImplementationVersion();
      return new String[] {"autotag " + (version == null ? "(development build)" : version)};
    }
  }
}
