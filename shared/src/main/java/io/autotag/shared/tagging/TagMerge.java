package io.autotag.shared.tagging;

import java.util.ArrayList;
import java.util.List;

/**
 * The tag set to write: the user's tags unchanged, then as many of autotag's tags as fit in the
 * slots left (S3 allows {@value TagText#MAX_TAGS}), in the schema's priority order. {@code
 * PutObjectTagging} replaces the whole set, so this is computed from what the object carries now
 * and written in one call.
 *
 * @param tags the whole tag set to write
 * @param kept autotag's tags that fitted
 * @param dropped autotag's tags that did not fit, lowest priority last
 */
public record TagMerge(List<ObjectTag> tags, List<ObjectTag> kept, List<ObjectTag> dropped) {

  public TagMerge {
    tags = List.copyOf(tags);
    kept = List.copyOf(kept);
    dropped = List.copyOf(dropped);
  }

  /**
   * Merges {@code ours} (priority order) into {@code existing}. Existing tags under the schema's
   * prefix are replaced; all others are kept as they are, in their order.
   */
  public static TagMerge of(List<ObjectTag> existing, List<ObjectTag> ours, TagSchema schema) {
    List<ObjectTag> merged = new ArrayList<>();
    for (ObjectTag tag : existing) {
      if (!schema.isOurs(tag.key())) {
        merged.add(tag);
      }
    }
    int free = Math.max(0, TagText.MAX_TAGS - merged.size());
    List<ObjectTag> kept = ours.subList(0, Math.min(free, ours.size()));
    merged.addAll(kept);
    return new TagMerge(merged, kept, ours.subList(kept.size(), ours.size()));
  }

  /** True when not even the status tag fitted: the object carries no autotag verdict. */
  public boolean noRoom() {
    return kept.isEmpty() && !dropped.isEmpty();
  }
}
