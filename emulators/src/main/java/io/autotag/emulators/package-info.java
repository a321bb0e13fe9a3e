/**
 * In-process S3 and SQS emulators listening on 127.0.0.1 only ({@link
 * io.autotag.emulators.LoopbackS3}, {@link io.autotag.emulators.LoopbackSqs}): the one way {@code
 * autotag serve}, the integration tests and the benchmarks start them. Development code only: no
 * function zip carries it.
 */
package io.autotag.emulators;
