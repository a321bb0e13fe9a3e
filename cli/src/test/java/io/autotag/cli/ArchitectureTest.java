package io.autotag.cli;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Optional;
import java.util.Set;

/**
 * The layering, checked on the compiled main code of every module (the CLI's test class path is the
 * one that sees them all; test code and test-jars are left out):
 *
 * <ul>
 *   <li>the classifier interface ({@code shared.classify}) depends on nothing else of ours: the SPI
 *       never names its implementations;
 *   <li>the shared core (pipeline, tags, review messages, AWS clients, settings, secrets, URL
 *       fetcher) never reaches the providers, image decoding or ONNX Runtime;
 *   <li>{@code shared} knows no function, no CLI, no local runtime and no Lambda type;
 *   <li>function code never uses the local runtime, the emulators or the CLI (development code
 *       stays out of the zips), and no function depends on another;
 *   <li>the emulators depend on nothing of ours, so every module's tests can start them;
 *   <li>environment variables are read only in handlers' no-arg constructors (what Lambda calls)
 *       and in the CLI's {@code main}; everything else gets a map;
 *   <li>{@code Optional} is a return type only, in all of our code: never a parameter, a field or a
 *       record component (the AWS SDK's convention; an absent value there is {@code null}, said in
 *       the javadoc). {@link TestCodeArchitectureTest} checks the same on test code.
 * </ul>
 */
@AnalyzeClasses(
    packages = "io.autotag",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

  /** Top-level packages under {@code io.autotag} that are not a Lambda function. */
  private static final Set<String> NOT_FUNCTIONS =
      Set.of("shared", "cli", "local", "emulators", "benchmarks");

  private static final String[] CORE = {
    "io.autotag.shared.classify..",
    "io.autotag.shared.config..",
    "io.autotag.shared.aws..",
    "io.autotag.shared.secrets..",
    "io.autotag.shared.tagging..",
    "io.autotag.shared.review..",
    "io.autotag.shared.pipeline..",
    "io.autotag.shared.net.."
  };

  /** Leaves out the shared modules' test-jars, which the CLI's tests have on their class path. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar");
    }
  }

  @ArchTest
  static final ArchRule classifierInterfaceDependsOnNothingOfOurs =
      noClasses()
          .that()
          .resideInAPackage("io.autotag.shared.classify..")
          .should()
          .dependOnClassesThat(
              describe(
                  "are autotag classes outside shared.classify",
                  (JavaClass c) ->
                      c.getPackageName().startsWith("io.autotag.")
                          && !c.getPackageName().startsWith("io.autotag.shared.classify")));

  @ArchTest
  static final ArchRule coreNeverReachesProviders =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.autotag.shared.provider..", "io.autotag.shared.image..", "ai.onnxruntime..");

  @ArchTest
  static final ArchRule sharedKnowsNoFunctionCliOrLambda =
      noClasses()
          .that()
          .resideInAPackage("io.autotag.shared..")
          .should()
          .dependOnClassesThat(
              describe(
                  "are autotag classes outside shared, or Lambda runtime types",
                  (JavaClass c) ->
                      (c.getPackageName().startsWith("io.autotag.")
                              && !c.getPackageName().startsWith("io.autotag.shared"))
                          || c.getPackageName().startsWith("com.amazonaws.services.lambda")));

  @ArchTest
  static final ArchRule functionsNeverUseDevelopmentCode =
      noClasses()
          .that(describe("are function classes", ArchitectureTest::isFunctionClass))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.autotag.local..",
              "io.autotag.emulators..",
              "io.autotag.cli..",
              "io.autotag.benchmarks..");

  @ArchTest
  static final ArchRule emulatorsDependOnNothingOfOurs =
      noClasses()
          .that()
          .resideInAPackage("io.autotag.emulators..")
          .should()
          .dependOnClassesThat(
              describe(
                  "are autotag classes outside emulators",
                  (JavaClass c) ->
                      c.getPackageName().startsWith("io.autotag.")
                          && !c.getPackageName().startsWith("io.autotag.emulators")));

  @ArchTest
  static final ArchRule noFunctionDependsOnAnother =
      slices().assignedFrom(functions()).should().notDependOnEachOther();

  /** Where {@code Optional} is a return type only: all of our code. */
  private static final String OPTIONAL_RETURNS_ONLY = "io.autotag..";

  @ArchTest
  static final ArchRule optionalIsNeverAParameter =
      codeUnits()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage(OPTIONAL_RETURNS_ONLY)
          .should(
              new ArchCondition<JavaCodeUnit>("take no Optional parameter") {
                @Override
                public void check(JavaCodeUnit unit, ConditionEvents events) {
                  if (unit.getRawParameterTypes().stream()
                      .anyMatch(type -> type.isEquivalentTo(Optional.class))) {
                    events.add(
                        SimpleConditionEvent.violated(
                            unit, unit.getFullName() + " takes an Optional parameter"));
                  }
                }
              });

  @ArchTest
  static final ArchRule optionalIsNeverAFieldOrRecordComponent =
      fields()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage(OPTIONAL_RETURNS_ONLY)
          .should()
          .notHaveRawType(Optional.class);

  @ArchTest
  static final ArchRule environmentIsReadOnlyAtEntryPoints =
      noClasses()
          .should()
          .callMethodWhere(
              describe(
                  "System.getenv is called outside a handler's no-arg constructor and the"
                      + " CLI's main",
                  (JavaMethodCall call) ->
                      call.getTargetOwner().isEquivalentTo(System.class)
                          && call.getName().equals("getenv")
                          && !isEntryPoint(call.getOrigin())));

  private static boolean isEntryPoint(JavaCodeUnit unit) {
    boolean handlerConstructor =
        unit.isConstructor()
            && unit.getParameters().isEmpty()
            && (unit.getOwner().isAssignableTo(RequestStreamHandler.class)
                || unit.getOwner().isAssignableTo(RequestHandler.class));
    boolean cliMain =
        unit.getOwner().isEquivalentTo(AutotagCommand.class) && unit.getName().equals("main");
    return handlerConstructor || cliMain;
  }

  private static String topLevelPackage(JavaClass c) {
    String[] parts = c.getPackageName().split("\\.");
    return parts.length >= 3 && parts[0].equals("io") && parts[1].equals("autotag")
        ? parts[2]
        : null;
  }

  private static boolean isFunctionClass(JavaClass c) {
    String top = topLevelPackage(c);
    return top != null && !NOT_FUNCTIONS.contains(top);
  }

  /** One slice per function ({@code io.autotag.tagger}, {@code io.autotag.api}, ...). */
  private static SliceAssignment functions() {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        return isFunctionClass(c)
            ? SliceIdentifier.of(topLevelPackage(c))
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "function modules";
      }
    };
  }
}
