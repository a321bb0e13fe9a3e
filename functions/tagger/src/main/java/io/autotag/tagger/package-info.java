/**
 * The tagger Lambda function: adapters from S3 and SQS events to the shared {@link
 * io.autotag.shared.pipeline.TaggingPipeline}, and the wiring that builds it once per process.
 */
package io.autotag.tagger;
