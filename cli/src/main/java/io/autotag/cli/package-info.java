/**
 * The {@code autotag} command-line tool: {@code serve} runs the whole system on loopback (S3 and
 * SQS emulators, the tagger behind an SQS event source, the API behind a local HTTP front), {@code
 * classify} labels local files and URLs, {@code backfill} tags objects already in a bucket. Every
 * command runs the functions' own handlers and pipeline; the commands only parse options and print.
 */
package io.autotag.cli;
