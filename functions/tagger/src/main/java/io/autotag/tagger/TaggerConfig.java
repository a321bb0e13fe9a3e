package io.autotag.tagger;

import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.pipeline.PipelineSettings;
import io.autotag.shared.tagging.TagSchema;

/**
 * Everything the tagger reads from its environment, parsed and checked at start-up. The provider's
 * own variables are read by its factory from the same {@link Settings}.
 *
 * @param reviewQueueUrl where low-confidence objects are queued ({@code AUTOTAG_REVIEW_QUEUE_URL})
 * @param maxReceiveCount the buffer queue's {@code maxReceiveCount}; on that delivery a retryable
 *     failure is tagged {@code failed} before the message moves to the dead-letter queue
 * @param priming whether to prime the classifier and SDK before a SnapStart snapshot
 */
record TaggerConfig(
    AwsSettings aws,
    TagSchema schema,
    PipelineSettings pipeline,
    String reviewQueueUrl,
    int maxReceiveCount,
    boolean priming) {

  static TaggerConfig from(Settings settings) {
    return new TaggerConfig(
        AwsSettings.from(settings),
        TagSchema.from(settings),
        PipelineSettings.from(settings),
        settings.required("AUTOTAG_REVIEW_QUEUE_URL"),
        settings.integer("AUTOTAG_MAX_RECEIVE_COUNT", 3, 1, 1000),
        settings.bool("AUTOTAG_PRIMING", true));
  }
}
