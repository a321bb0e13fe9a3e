package io.autotag.shared.testing;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the AWS calls a function makes, by service and operation ({@code S3.GetObject}), through
 * an SDK execution interceptor on the clients it is given: what benchmarks report per object.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

  /** Calls so far by {@code Service.Operation}; clear it to start a new count. */
  public final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String name =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + "."
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    calls.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  public long count(String name) {
    LongAdder adder = calls.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /** Every call to one service ({@code S3}, {@code SQS}). */
  public long total(String service) {
    return calls.entrySet().stream()
        .filter(e -> e.getKey().startsWith(service + "."))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  /** Clients for these settings (any key works on the emulators) whose calls this counts. */
  public AwsClients clients(AwsSettings settings) {
    return AwsClients.create(
        settings,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
        List.of(this));
  }
}
