package io.autotag.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void reportsEveryBadVariableAtOnceWithoutEchoingValues() {
    Settings settings =
        Settings.of(
            Map.of(
                "A_NUMBER", "twelve",
                "A_RATIO", "2.5",
                "A_FLAG", "maybe",
                "A_URL", "ftp://secret-host/x"));
    settings.integer("A_NUMBER", 1, 0, 10);
    settings.decimal("A_RATIO", 0.5, 0, 1);
    settings.bool("A_FLAG", false);
    settings.httpUri("A_URL");
    settings.required("A_REQUIRED");

    assertThatThrownBy(settings::check)
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> {
              assertThat(e.problems()).hasSize(5);
              assertThat(e.getMessage())
                  .contains("A_NUMBER", "A_RATIO", "A_FLAG", "A_URL", "A_REQUIRED")
                  .doesNotContain("twelve", "secret-host");
            });
  }

  @Test
  void blankCountsAsUnsetAndDefaultsApply() {
    Settings settings = Settings.of(Map.of("A", "  ", "B", " 7 "));
    assertThat(settings.integer("A", 3, 0, 10)).isEqualTo(3);
    assertThat(settings.integer("B", 3, 0, 10)).isEqualTo(7);
    assertThat(settings.bool("C", true)).isTrue();
    settings.check();
  }
}
