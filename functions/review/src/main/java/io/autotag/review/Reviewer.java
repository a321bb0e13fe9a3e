package io.autotag.review;

/**
 * Who is reviewing, as established by {@link Reviewers}: a verified token's claims or the name of a
 * matching reviewer key. Never taken from a request body.
 *
 * @param id the reviewer's id as it goes into tags and feedback (tag-safe characters)
 */
record Reviewer(String id) {}
