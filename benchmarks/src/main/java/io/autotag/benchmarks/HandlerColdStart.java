package io.autotag.benchmarks;

import io.autotag.local.LocalFunction;
import io.autotag.tagger.TaggerHandler;
import java.nio.charset.StandardCharsets;

/**
 * The cold-start subject: what a Lambda cold start of the tagger does, in a fresh JVM: construct
 * the handler exactly as the Lambda runtime does (public no-arg constructor, wiring from the
 * environment, the default {@code onnx} provider and its session) and handle one S3 notification
 * (read the object, classify it, tag it) against the stub S3 server {@code coldstart.sh} starts.
 */
public final class HandlerColdStart {

  private HandlerColdStart() {}

  public static void main(String[] args) throws Exception {
    String event =
        """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
        "eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"photos"},
        "object":{"key":"cold/photo.jpg","size":%d,"eTag":"0"}}}]}"""
            .formatted(Integer.parseInt(args[0]));
    long start = System.nanoTime();
    TaggerHandler handler = new TaggerHandler();
    long constructed = System.nanoTime();
    byte[] response =
        LocalFunction.TAGGER.invoke(handler, "cold-1", event.getBytes(StandardCharsets.UTF_8));
    long handled = System.nanoTime();
    System.out.println(new String(response, StandardCharsets.UTF_8));
    // Where the time goes, for coldstart.sh's log (stderr): init vs the first invocation.
    System.err.printf(
        "timing: constructor %d ms, first invocation %d ms%n",
        (constructed - start) / 1_000_000, (handled - constructed) / 1_000_000);
  }
}
