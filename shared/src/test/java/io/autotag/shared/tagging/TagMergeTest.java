package io.autotag.shared.tagging;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.Label;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TagMergeTest {

  private final TagSchema schema = new TagSchema("autotag:", 0.3, 5);
  private final List<ObjectTag> ours =
      schema.forClassification(
          TagStatus.CLASSIFIED,
          new Classification(
              "onnx",
              "coco80",
              List.of(new Label("cat", 0.9), new Label("dog", 0.5)),
              true,
              null,
              Duration.ZERO),
          "etag1");

  private static List<ObjectTag> userTags(int n) {
    List<ObjectTag> tags = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tags.add(new ObjectTag("user" + i, "value " + i));
    }
    return tags;
  }

  @Test
  void keepsUserTagsAndAddsAllOursWhenThereIsRoom() {
    TagMerge merge = TagMerge.of(userTags(2), ours, schema);

    assertThat(merge.tags()).hasSize(2 + ours.size());
    assertThat(merge.tags().subList(0, 2)).isEqualTo(userTags(2));
    assertThat(merge.dropped()).isEmpty();
    assertThat(merge.noRoom()).isFalse();
  }

  @Test
  void degradesInPriorityOrderWhenSlotsAreScarce() {
    TagMerge merge = TagMerge.of(userTags(8), ours, schema);

    assertThat(merge.tags()).hasSize(10);
    assertThat(merge.kept())
        .extracting(ObjectTag::key)
        .containsExactly("autotag:status", "autotag:label");
    assertThat(merge.dropped()).extracting(ObjectTag::key).startsWith("autotag:confidence");
  }

  @Test
  void noRoomWhenTheUserHasTenTags() {
    TagMerge merge = TagMerge.of(userTags(10), ours, schema);

    assertThat(merge.tags()).isEqualTo(userTags(10));
    assertThat(merge.noRoom()).isTrue();
  }

  @Test
  void replacesOurPreviousTagsButNeverTheUsers() {
    List<ObjectTag> existing = new ArrayList<>(userTags(3));
    existing.add(new ObjectTag("autotag:status", "failed"));
    existing.add(new ObjectTag("autotag:reason", "provider-unavailable"));
    existing.add(new ObjectTag("Autotag:status", "user's own, different case"));

    TagMerge merge = TagMerge.of(existing, ours, schema);

    assertThat(merge.tags())
        .contains(new ObjectTag("Autotag:status", "user's own, different case"));
    assertThat(merge.tags())
        .doesNotContain(new ObjectTag("autotag:reason", "provider-unavailable"));
    assertThat(merge.tags()).filteredOn(t -> t.key().equals("autotag:status")).hasSize(1);
  }

  /** Random user tag sets: the merge must never break S3's rules or touch a user tag. */
  @RepeatedTest(200)
  void randomTagSetsStayWithinTheLimits() {
    Random random = new Random();
    int userCount = random.nextInt(11);
    List<ObjectTag> existing = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    while (existing.size() < userCount) {
      String key = randomText(random, 1 + random.nextInt(128));
      if (keys.add(key) && !schema.isOurs(key)) {
        existing.add(new ObjectTag(key, randomText(random, random.nextInt(257))));
      }
    }
    // Stale autotag tags from an earlier run, which the merge must replace.
    if (random.nextBoolean() && existing.size() < 10) {
      existing.add(new ObjectTag("autotag:label", "stale"));
    }
    List<ObjectTag> userOnly = existing.stream().filter(t -> !schema.isOurs(t.key())).toList();

    TagMerge merge = TagMerge.of(existing, ours, schema);

    assertThat(merge.tags()).hasSizeLessThanOrEqualTo(TagText.MAX_TAGS);
    assertThat(merge.tags().subList(0, userOnly.size()))
        .as("user tags first, unchanged, in order")
        .isEqualTo(userOnly);
    assertThat(merge.tags().stream().map(ObjectTag::key).distinct().count())
        .isEqualTo(merge.tags().size());
    assertThat(merge.kept()).isEqualTo(ours.subList(0, merge.kept().size()));
    assertThat(merge.kept().size()).isEqualTo(Math.min(ours.size(), 10 - userOnly.size()));
    assertThat(merge.tags()).doesNotContain(new ObjectTag("autotag:label", "stale"));
    for (ObjectTag tag : merge.kept()) {
      assertThat(TagText.isValid(tag.key(), TagText.MAX_KEY_LENGTH)).isTrue();
      assertThat(TagText.isValid(tag.value(), TagText.MAX_VALUE_LENGTH)).isTrue();
    }
  }

  private static String randomText(Random random, int length) {
    String alphabet = "abcXYZ019 +-=._:/@éü猫";
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
