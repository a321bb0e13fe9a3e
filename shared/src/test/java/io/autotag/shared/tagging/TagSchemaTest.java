package io.autotag.shared.tagging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagSchemaTest {

  private final TagSchema schema = new TagSchema("autotag:", 0.3, 3);

  private static Classification classification(Label... labels) {
    return new Classification("onnx", "coco80", List.of(labels), true, null, Duration.ZERO);
  }

  @Test
  void classificationTagsComeInPriorityOrder() {
    List<ObjectTag> tags =
        schema.forClassification(
            TagStatus.CLASSIFIED,
            classification(new Label("dog", 0.41), new Label("cat", 0.934), new Label("sofa", 0.1)),
            "abc123");

    assertThat(tags)
        .containsExactly(
            new ObjectTag("autotag:status", "classified"),
            new ObjectTag("autotag:label", "cat"),
            new ObjectTag("autotag:confidence", "0.93"),
            new ObjectTag("autotag:etag", "abc123"),
            new ObjectTag("autotag:labels", "cat/dog"),
            new ObjectTag("autotag:model", "onnx/coco80"));
  }

  @Test
  void labelsListHonoursMaxLabelsAndSanitisesNames() {
    List<ObjectTag> tags =
        schema.forClassification(
            TagStatus.CLASSIFIED,
            classification(
                new Label("a/b", 0.9),
                new Label("hot dog, bun", 0.8),
                new Label("c", 0.7),
                new Label("d", 0.6)),
            null);

    assertThat(schema.find(tags, TagSchema.LABELS)).contains("a-b/hot dog_ bun/c");
  }

  @Test
  void everyValueFitsTheS3Limits() {
    String longName = "x".repeat(300);
    List<ObjectTag> tags =
        schema.forClassification(TagStatus.REVIEW, classification(new Label(longName, 0.5)), "e");

    assertThat(tags)
        .allSatisfy(
            tag -> {
              assertThat(TagText.isValid(tag.key(), TagText.MAX_KEY_LENGTH)).isTrue();
              assertThat(TagText.isValid(tag.value(), TagText.MAX_VALUE_LENGTH)).isTrue();
            });
  }

  @Test
  void problemTagsCarryTheReason() {
    assertThat(schema.forProblem(TagStatus.SKIPPED, FailureReason.UNSUPPORTED_TYPE, "e1", null))
        .containsExactly(
            new ObjectTag("autotag:status", "skipped"),
            new ObjectTag("autotag:reason", "unsupported-type"),
            new ObjectTag("autotag:etag", "e1"));
  }

  @Test
  void readsStatusAndETagBack() {
    List<ObjectTag> tags =
        List.of(
            new ObjectTag("team", "x"),
            new ObjectTag("autotag:status", "review"),
            new ObjectTag("autotag:etag", "e"));
    assertThat(schema.status(tags)).contains(TagStatus.REVIEW);
    assertThat(schema.eTag(tags)).contains("e");
    assertThat(schema.status(List.of(new ObjectTag("autotag:status", "bogus")))).isEmpty();
  }

  @Test
  void prefixIsConfigurableAndValidated() {
    Settings good = Settings.of(Map.of("AUTOTAG_TAG_PREFIX", "ml/"));
    assertThat(TagSchema.from(good).key("label")).isEqualTo("ml/label");

    Settings bad =
        Settings.of(
            Map.of(
                "AUTOTAG_TAG_PREFIX", "aws:tags",
                "AUTOTAG_LABEL_THRESHOLD", "1.5",
                "AUTOTAG_MAX_LABELS", "many"));
    TagSchema.from(bad);
    assertThatThrownBy(bad::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_TAG_PREFIX")
        .hasMessageContaining("AUTOTAG_LABEL_THRESHOLD")
        .hasMessageContaining("AUTOTAG_MAX_LABELS");
  }

  @Test
  void rejectsPrefixesWithDisallowedCharacters() {
    assertThat(TagSchema.validPrefix("auto,tag:")).isFalse();
    assertThat(TagSchema.validPrefix("AWS:x")).isFalse();
    assertThat(TagSchema.validPrefix("")).isFalse();
    assertThat(TagSchema.validPrefix("autotag:")).isTrue();
  }

  @Test
  void verdictTagsComeInPriorityOrderWithEveryLabel() {
    List<ObjectTag> tags =
        schema.forVerdict(
            List.of("dog", "a/b", "frisbee", "ball"),
            "abc123",
            "alice@example.com",
            Instant.parse("2026-11-22T10:00:00.123Z"));

    assertThat(tags)
        .containsExactly(
            new ObjectTag("autotag:status", "reviewed"),
            new ObjectTag("autotag:label", "dog"),
            new ObjectTag("autotag:etag", "abc123"),
            // Every label the person chose: the classifier's max-labels limit does not apply.
            new ObjectTag("autotag:labels", "dog/a-b/frisbee/ball"),
            new ObjectTag("autotag:reviewer", "alice@example.com"),
            new ObjectTag("autotag:reviewed", "2026-11-22T10:00:00Z"));
  }

  @Test
  void noneOfTheseVerdictHasNoLabelTags() {
    List<ObjectTag> tags = schema.forVerdict(List.of(), null, "bob, the reviewer", Instant.EPOCH);

    assertThat(tags)
        .containsExactly(
            new ObjectTag("autotag:status", "reviewed"),
            new ObjectTag("autotag:reviewer", "bob_ the reviewer"),
            new ObjectTag("autotag:reviewed", "1970-01-01T00:00:00Z"));
  }
}
