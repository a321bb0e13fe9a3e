package io.autotag.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads and validates request values (JSON bodies, numbers and flags from JSON, query strings or
 * form fields), answering 400 with a message naming the parameter when one is malformed.
 */
final class Params {

  private Params() {}

  /**
   * Reads a request body as one JSON object, strictly: a duplicated key (which a lenient parser
   * resolves silently, to whichever copy it likes) or anything after the object is refused.
   */
  static JsonNode jsonObject(ObjectMapper json, byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("malformed-json", "the request body is empty");
    }
    JsonNode node;
    try {
      node = strict(json).readTree(body);
    } catch (IOException e) {
      throw ApiException.badRequest(
          "malformed-json",
          "the request body is not valid JSON (one object, each key once, nothing after it)");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("malformed-json", "the request body must be a JSON object");
    }
    return node;
  }

  /** A reader that refuses duplicated keys and trailing content. */
  static ObjectReader strict(ObjectMapper json) {
    return json.reader()
        .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  static Optional<Double> fraction(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw invalid(name, "a number between 0 and 1");
    }
    return Optional.of(checkFraction(name, value.asDouble()));
  }

  static Optional<Double> fraction(String text, String name) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(checkFraction(name, Double.parseDouble(text.trim())));
    } catch (NumberFormatException e) {
      throw invalid(name, "a number between 0 and 1");
    }
  }

  /**
   * A confidence threshold as Roboflow clients send it: 0..1, or a percentage 1..100 as in the
   * hosted API's {@code confidence=40}.
   */
  static Optional<Double> confidence(String text, String name) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      double value = Double.parseDouble(text.trim());
      return Optional.of(checkFraction(name, value > 1 && value <= 100 ? value / 100 : value));
    } catch (NumberFormatException e) {
      throw invalid(name, "a number between 0 and 1");
    }
  }

  static Optional<Double> confidence(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw invalid(name, "a number between 0 and 1");
    }
    return confidence(value.asText(), name);
  }

  static Optional<Integer> count(JsonNode node, String name, int max) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw invalid(name, "a whole number between 1 and " + max);
    }
    return Optional.of(checkCount(name, value.asInt(), max));
  }

  static Optional<Integer> count(String text, String name, int max) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(checkCount(name, Integer.parseInt(text.trim()), max));
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number between 1 and " + max);
    }
  }

  static Optional<Boolean> flag(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw invalid(name, "true or false");
    }
    return Optional.of(value.asBoolean());
  }

  static Optional<Boolean> flag(String text, String name) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> Optional.of(true);
      case "false", "0", "no" -> Optional.of(false);
      default -> throw invalid(name, "true or false");
    };
  }

  private static double checkFraction(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw invalid(name, "a number between 0 and 1");
    }
    return value;
  }

  private static int checkCount(String name, int value, int max) {
    if (value < 1 || value > max) {
      throw invalid(name, "a whole number between 1 and " + max);
    }
    return value;
  }

  private static ApiException invalid(String name, String expected) {
    return ApiException.badRequest("invalid-parameter", name + " must be " + expected);
  }
}
