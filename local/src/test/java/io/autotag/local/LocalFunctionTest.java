package io.autotag.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalFunctionTest {

  @Test
  void theHandlerGetsTheEventAndAContextNamingTheFunctionWithItsDeadline() {
    RequestStreamHandler echo =
        (input, output, context) -> {
          String seen =
              context.getFunctionName()
                  + " "
                  + context.getAwsRequestId()
                  + " "
                  + (context.getRemainingTimeInMillis() > 50_000)
                  + " "
                  + new String(input.readAllBytes(), StandardCharsets.UTF_8);
          output.write(seen.getBytes(StandardCharsets.UTF_8));
        };

    byte[] response = LocalFunction.TAGGER.invoke(echo, "req-7", "{}".getBytes());

    assertThat(new String(response, StandardCharsets.UTF_8))
        .isEqualTo("autotag-tagger req-7 true {}");
  }

  @Test
  void jsonGoesInAndComesOutAsJson() {
    RequestStreamHandler statusOf =
        (input, output, context) -> {
          JsonNode event = new ObjectMapper().readTree(input);
          output.write(
              ("{\"statusCode\":" + event.path("wanted").asInt() + "}")
                  .getBytes(StandardCharsets.UTF_8));
        };
    JsonNode event = new ObjectMapper().createObjectNode().put("wanted", 418);

    JsonNode response = LocalFunction.CLASSIFY_API.invoke(statusOf, "r", event);

    assertThat(response.path("statusCode").asInt()).isEqualTo(418);
  }

  @Test
  void aHandlersIoExceptionComesOutUncheckedAndRuntimeExceptionsAsThrown() {
    RequestStreamHandler broken =
        (input, output, context) -> {
          throw new IOException("stream closed");
        };
    RequestStreamHandler bug =
        (input, output, context) -> {
          throw new IllegalStateException("bug");
        };

    assertThatThrownBy(() -> LocalFunction.REVIEW.invoke(broken, "r", new byte[0]))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("stream closed");
    assertThatThrownBy(() -> LocalFunction.REVIEW.invoke(bug, "r", new byte[0]))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDeadlineIsTheTimeoutFromNow() {
    LocalFunction quick = new LocalFunction("quick", Duration.ofSeconds(2));

    int remaining = quick.context("r").getRemainingTimeInMillis();

    assertThat(remaining).isBetween(1, 2_000);
  }
}
