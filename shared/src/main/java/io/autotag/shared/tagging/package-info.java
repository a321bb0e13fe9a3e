/**
 * The tag schema autotag writes on objects and the rules for merging it with a user's own tags
 * within S3's limits.
 */
package io.autotag.shared.tagging;
