package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks Roboflow request values the way Roboflow's server does (its FastAPI routes validate them
 * with pydantic 2 in lax mode) and collects what is wrong as FastAPI's 422 {@code {"detail":
 * [...]}} items: {@code type}, {@code loc}, {@code msg}, {@code input} and, where pydantic gives
 * one, {@code ctx}. So a Roboflow client gets the same acceptance and the same errors from autotag.
 * The conversions follow pydantic's lax rules: numbers from numeric strings (with underscores
 * between digits, {@code inf} and {@code nan}), booleans from {@code 0}/{@code 1} and words such as
 * {@code yes}/{@code off}, whole integers from floats.
 *
 * @see <a href="https://docs.pydantic.dev/latest/concepts/conversion_table/">pydantic conversion
 *     table</a>
 */
final class RoboflowValidation {

  /** A request value pydantic would refuse, with FastAPI's 422 body. */
  static final class Invalid extends RuntimeException {
    private final ArrayNode detail;

    Invalid(ArrayNode detail) {
      super(detail.path(0).path("msg").asText("invalid request"), null, false, false);
      this.detail = detail;
    }

    ArrayNode detail() {
      return detail;
    }
  }

  /** {@code Confidence = Union[float, Literal["best", "default"]]} in Roboflow's SDK entities. */
  sealed interface Confidence {
    record Threshold(double value) implements Confidence {}

    /** {@code "best"} (thresholds from model evaluation) or {@code "default"} (the model's own). */
    record Named(String name) implements Confidence {}
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> TRUE = Set.of("1", "on", "t", "true", "y", "yes");
  private static final Set<String> FALSE = Set.of("0", "off", "f", "false", "n", "no");
  private static final String DIGITS = "[0-9](?:_?[0-9])*";
  private static final Pattern FLOAT =
      Pattern.compile(
          "[+-]?(?:"
              + DIGITS
              + "(?:\\."
              + "(?:"
              + DIGITS
              + ")?)?|\\."
              + DIGITS
              + ")(?:[eE][+-]?"
              + DIGITS
              + ")?");
  private static final Pattern SPECIAL_FLOAT =
      Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);
  private static final Pattern INTEGER = Pattern.compile("[+-]?" + DIGITS + "(?:\\.0+)?");

  private final ArrayNode detail = NODES.arrayNode();

  /** Throws the collected errors, if any. */
  void check() {
    if (!detail.isEmpty()) {
      throw new Invalid(detail);
    }
  }

  boolean failed() {
    return !detail.isEmpty();
  }

  /** Adds what this check found to {@code other}'s errors (a union's failed branch). */
  void failuresInto(RoboflowValidation other) {
    other.detail.addAll(detail);
  }

  ArrayNode detail() {
    return detail;
  }

  /** One FastAPI error item; {@code input} null means JSON null. */
  void error(String type, List<Object> loc, String msg, JsonNode input, ObjectNode ctx) {
    ObjectNode item = detail.addObject();
    item.put("type", type);
    ArrayNode where = item.putArray("loc");
    for (Object part : loc) {
      if (part instanceof Integer index) {
        where.add(index);
      } else {
        where.add(part.toString());
      }
    }
    item.put("msg", msg);
    item.set("input", input == null ? NODES.nullNode() : input);
    if (ctx != null) {
      item.set("ctx", ctx);
    }
  }

  /** A required field that is absent; pydantic shows the whole object as the input. */
  void missing(List<Object> loc, JsonNode container) {
    error("missing", loc, "Field required", container, null);
  }

  // --- JSON values (FastAPI validates the parsed body in pydantic's python mode) ------------

  /** {@code str} (or {@code Optional[str]}); empty when absent, null (if optional) or wrong. */
  Optional<String> string(JsonNode value, List<Object> loc, boolean optional) {
    if (value == null || (optional && value.isNull())) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      error("string_type", loc, "Input should be a valid string", value, null);
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  Optional<Boolean> bool(JsonNode value, List<Object> loc, boolean optional) {
    if (value == null || (optional && value.isNull())) {
      return Optional.empty();
    }
    if (value.isBoolean()) {
      return Optional.of(value.asBoolean());
    }
    if (value.isIntegralNumber()) {
      BigInteger number = value.bigIntegerValue();
      if (number.signum() == 0 || number.equals(BigInteger.ONE)) {
        return Optional.of(number.signum() != 0);
      }
      return boolParsing(value, loc);
    }
    if (value.isFloatingPointNumber()) {
      double d = value.asDouble();
      if (d == 0.0 || d == 1.0) {
        return Optional.of(d == 1.0);
      }
      error("bool_type", loc, "Input should be a valid boolean", value, null);
      return Optional.empty();
    }
    if (value.isTextual()) {
      return boolFromText(value.asText(), value, loc);
    }
    error("bool_type", loc, "Input should be a valid boolean", value, null);
    return Optional.empty();
  }

  Optional<Double> decimal(JsonNode value, List<Object> loc, boolean optional) {
    if (value == null || (optional && value.isNull())) {
      return Optional.empty();
    }
    if (value.isNumber() || value.isBoolean()) {
      return Optional.of(value.isBoolean() ? (value.asBoolean() ? 1.0 : 0.0) : value.asDouble());
    }
    if (value.isTextual()) {
      return decimalFromText(value.asText(), value, loc);
    }
    error("float_type", loc, "Input should be a valid number", value, null);
    return Optional.empty();
  }

  Optional<Long> integer(JsonNode value, List<Object> loc, boolean optional) {
    if (value == null || (optional && value.isNull())) {
      return Optional.empty();
    }
    if (value.isBoolean()) {
      return Optional.of(value.asBoolean() ? 1L : 0L);
    }
    if (value.isIntegralNumber()) {
      return Optional.of(value.asLong());
    }
    if (value.isFloatingPointNumber()) {
      double d = value.asDouble();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        error(
            "int_from_float",
            loc,
            "Input should be a valid integer, got a number with a fractional part",
            value,
            null);
        return Optional.empty();
      }
      return Optional.of((long) d);
    }
    if (value.isTextual()) {
      return integerFromText(value.asText(), value, loc);
    }
    error("int_type", loc, "Input should be a valid integer", value, null);
    return Optional.empty();
  }

  /** {@code Confidence}: a number, or exactly {@code "best"} or {@code "default"}. */
  Optional<Confidence> confidence(JsonNode value, List<Object> loc) {
    if (value == null) {
      return Optional.empty();
    }
    RoboflowValidation attempt = new RoboflowValidation();
    Optional<Double> number = attempt.decimal(value, append(loc, "float"), false);
    if (number.isPresent()) {
      return Optional.of(new Confidence.Threshold(number.get()));
    }
    if (value.isTextual() && (value.asText().equals("best") || value.asText().equals("default"))) {
      return Optional.of(new Confidence.Named(value.asText()));
    }
    detail.addAll(attempt.detail);
    literalError(value, loc);
    return Optional.empty();
  }

  // --- query parameters (always strings): the request's parameter {@code name} -----------------

  Optional<Boolean> boolQuery(ApiRequest request, String name) {
    return request
        .queryParameter(name)
        .flatMap(t -> boolFromText(t, NODES.textNode(t), List.of("query", name)));
  }

  Optional<Double> decimalQuery(ApiRequest request, String name) {
    return request
        .queryParameter(name)
        .flatMap(t -> decimalFromText(t, NODES.textNode(t), List.of("query", name)));
  }

  Optional<Long> integerQuery(ApiRequest request, String name) {
    return request
        .queryParameter(name)
        .flatMap(t -> integerFromText(t, NODES.textNode(t), List.of("query", name)));
  }

  Optional<Confidence> confidenceQuery(ApiRequest request, String name) {
    return request
        .queryParameter(name)
        .flatMap(t -> confidence(NODES.textNode(t), List.of("query", name)));
  }

  /** A {@code Literal[...]} query parameter. */
  Optional<String> literalQuery(ApiRequest request, String name, List<String> allowed) {
    Optional<String> text = request.queryParameter(name);
    if (text.isEmpty() || allowed.contains(text.get())) {
      return text;
    }
    // pydantic's wording: 'a', 'b' or 'c'
    List<String> quoted = allowed.stream().map(a -> "'" + a + "'").toList();
    String expected =
        quoted.size() == 1
            ? quoted.getFirst()
            : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.getLast();
    ObjectNode ctx = NODES.objectNode().put("expected", expected);
    error(
        "literal_error",
        List.of("query", name),
        "Input should be " + expected,
        NODES.textNode(text.get()),
        ctx);
    return Optional.empty();
  }

  // --- conversions shared by both ------------------------------------------------------------

  private Optional<Boolean> boolFromText(String text, JsonNode input, List<Object> loc) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (TRUE.contains(lower)) {
      return Optional.of(true);
    }
    if (FALSE.contains(lower)) {
      return Optional.of(false);
    }
    return boolParsing(input, loc);
  }

  private Optional<Boolean> boolParsing(JsonNode input, List<Object> loc) {
    error(
        "bool_parsing",
        loc,
        "Input should be a valid boolean, unable to interpret input",
        input,
        null);
    return Optional.empty();
  }

  private Optional<Double> decimalFromText(String text, JsonNode input, List<Object> loc) {
    // pydantic-core strips surrounding whitespace, except from a number written with underscores.
    String t = text.indexOf('_') >= 0 ? text : text.strip();
    if (SPECIAL_FLOAT.matcher(t).matches()) {
      String lower = t.toLowerCase(Locale.ROOT);
      double value = lower.contains("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
      return Optional.of(lower.startsWith("-") ? -value : value);
    }
    if (FLOAT.matcher(t).matches()) {
      return Optional.of(Double.parseDouble(t.replace("_", "")));
    }
    error(
        "float_parsing",
        loc,
        "Input should be a valid number, unable to parse string as a number",
        input,
        null);
    return Optional.empty();
  }

  private Optional<Long> integerFromText(String text, JsonNode input, List<Object> loc) {
    String t = text.strip();
    if (INTEGER.matcher(t).matches()) {
      String whole = t.replace("_", "");
      int dot = whole.indexOf('.');
      try {
        return Optional.of(Long.parseLong(dot < 0 ? whole : whole.substring(0, dot)));
      } catch (NumberFormatException tooLarge) {
        // Python's int has no limit; a count this large means nothing here either way.
        return Optional.of(whole.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE);
      }
    }
    error(
        "int_parsing",
        loc,
        "Input should be a valid integer, unable to parse string as an integer",
        input,
        null);
    return Optional.empty();
  }

  private void literalError(JsonNode value, List<Object> loc) {
    error(
        "literal_error",
        append(loc, "literal['best','default']"),
        "Input should be 'best' or 'default'",
        value,
        NODES.objectNode().put("expected", "'best' or 'default'"));
  }

  static List<Object> append(List<Object> loc, Object part) {
    List<Object> longer = new ArrayList<>(loc);
    longer.add(part);
    return List.copyOf(longer);
  }

  /** The 422 body FastAPI answers. */
  static byte[] body(ObjectMapper json, ArrayNode detail) {
    ObjectNode root = json.createObjectNode();
    root.set("detail", detail);
    return Forms.jsonBytes(root);
  }
}
