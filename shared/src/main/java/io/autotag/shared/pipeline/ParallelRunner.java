package io.autotag.shared.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Runs one step over every object of a batch on a fixed pool of daemon threads built once, keeping
 * the order of the inputs in the results and the caller's log context (request id) on the workers.
 */
final class ParallelRunner implements AutoCloseable {

  private final ExecutorService workers;

  ParallelRunner(int threads) {
    this.workers =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().daemon().name("autotag-", 0).factory());
  }

  /**
   * Applies {@code work} to every input, at most {@code threads} at once; the results are in the
   * inputs' order. {@code work} must catch what it expects: anything it throws is a bug and fails
   * the whole batch.
   */
  <T, R> List<R> map(List<T> inputs, Function<T, R> work) {
    if (inputs.size() == 1) {
      return List.of(work.apply(inputs.getFirst()));
    }
    Map<String, String> logContext = MDC.getCopyOfContextMap();
    List<Future<R>> futures = new ArrayList<>(inputs.size());
    for (T input : inputs) {
      futures.add(
          workers.submit(
              () -> {
                if (logContext != null) {
                  MDC.setContextMap(logContext);
                }
                try {
                  return work.apply(input);
                } finally {
                  MDC.clear();
                }
              }));
    }
    List<R> results = new ArrayList<>(inputs.size());
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while processing objects", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("unexpected failure in the pipeline", e.getCause());
      }
    }
    return results;
  }

  /** Stops the workers, waiting for work in flight so it does not use clients closed next. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
