package io.autotag.review;

import io.autotag.shared.review.ReviewMessage;
import java.time.Instant;

/**
 * What an item token carries, signed: the SQS receipt handle of this delivery, which reviewer
 * claimed it and when, and the review message itself, so a verdict never trusts what the page sends
 * about the object.
 */
record ItemToken(
    String receiptHandle,
    String messageId,
    String reviewer,
    Instant claimedAt,
    ReviewMessage message) {}
