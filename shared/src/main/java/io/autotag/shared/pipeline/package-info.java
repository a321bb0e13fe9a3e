/**
 * The per-object tagging pipeline every entry point shares (the tagger function, the local stack's
 * upload bridge, the backfill command): read tags, skip what is done, fetch, classify, queue review
 * items, write tags.
 */
package io.autotag.shared.pipeline;
