package io.autotag.cli;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * {@link ArchitectureTest}'s {@code Optional} rules on test code too: a return type only, never a
 * parameter, a field or a record component. What is checked is the test code on the CLI's class
 * path: its own tests and {@code shared}'s test-jar ({@code LocalAws}, the fake classifier, test
 * images); the functions' tests are not on it.
 */
@AnalyzeClasses(
    packages = "io.autotag",
    importOptions = {TestCodeArchitectureTest.OnlyTestCode.class})
class TestCodeArchitectureTest {

  @ArchTest
  static final ArchRule optionalIsNeverAParameter = ArchitectureTest.optionalIsNeverAParameter;

  @ArchTest
  static final ArchRule optionalIsNeverAFieldOrRecordComponent =
      ArchitectureTest.optionalIsNeverAFieldOrRecordComponent;

  /** Test classes only: a module's {@code target/test-classes} and the test-jars. */
  static final class OnlyTestCode implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return location.contains("/test-classes/") || location.contains("-tests.jar");
    }
  }
}
