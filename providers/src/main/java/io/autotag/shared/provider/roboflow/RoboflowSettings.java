package io.autotag.shared.provider.roboflow;

import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.Downscaling;
import io.autotag.shared.provider.http.HttpSettings;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.Secrets;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Roboflow's configuration. The base URL picks the server: {@code https://classify.roboflow.com}
 * (hosted legacy), {@code https://serverless.roboflow.com} (hosted, the default) or a self-hosted
 * Inference server such as {@code http://localhost:9001}. The route follows from the host (the
 * legacy host only speaks the legacy route) unless {@code AUTOTAG_ROBOFLOW_ROUTE} says otherwise.
 *
 * @param model {@code dataset/version}, for example {@code flowers/3}
 * @param apiKey {@code null} for a self-hosted server that needs none
 * @param keyInHeader send the key as {@code Authorization: Bearer}; otherwise as the route's own
 *     {@code api_key} parameter (a query parameter on the legacy route, a JSON field otherwise)
 * @param confidence what the server is asked to keep: a threshold (0, the default, keeps every
 *     label) or Roboflow's {@code "best"}/{@code "default"}, its own per-model thresholds
 * @param maxBytes the largest image sent as bytes; larger ones are downscaled
 */
public record RoboflowSettings(
    URI baseUrl,
    Route route,
    String model,
    Secret apiKey,
    boolean keyInHeader,
    Confidence confidence,
    long maxBytes,
    Downscaling downscaling,
    HttpSettings http) {

  /**
   * Roboflow's {@code confidence}: a number, or {@code "best"} (thresholds from the model's
   * evaluation) or {@code "default"} (the model's own), as its request models take it.
   */
  public sealed interface Confidence {
    /** Keep labels at or above this (0 keeps every label). */
    record Threshold(double value) implements Confidence {}

    /** Let the server choose: {@code best} or {@code default}. */
    record ServerChoice(String name) implements Confidence {}
  }

  /** Which request shape to speak. */
  public enum Route {
    /** {@code POST /{dataset}/{version}}, base64 body or {@code ?image=URL}. */
    LEGACY,
    /** {@code POST /infer/classification}, JSON body. */
    INFER
  }

  static final String CONFIDENCE = "AUTOTAG_ROBOFLOW_CONFIDENCE";

  public static final URI DEFAULT_BASE_URL = URI.create("https://serverless.roboflow.com");
  public static final String LEGACY_HOST = "classify.roboflow.com";

  /**
   * 15 MiB of image is 20 MiB of base64, the upload limit the Roboflow servers state; larger images
   * are downscaled rather than sent to be refused.
   */
  public static final long DEFAULT_MAX_BYTES = 15L * 1024 * 1024;

  /** A Roboflow model id: {@code dataset/version}, or an alias (no slash) on the JSON route. */
  private static final Pattern MODEL =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)?");

  public static RoboflowSettings from(Settings settings, Secrets secrets) {
    URI base = settings.httpUri("AUTOTAG_ROBOFLOW_BASE_URL").orElse(DEFAULT_BASE_URL);
    boolean legacyHost = LEGACY_HOST.equalsIgnoreCase(base.getHost());
    Route route =
        switch (settings
            .string("AUTOTAG_ROBOFLOW_ROUTE", legacyHost ? "legacy" : "infer")
            .toLowerCase(Locale.ROOT)) {
          case "legacy" -> Route.LEGACY;
          case "infer" -> Route.INFER;
          default -> {
            settings.problem("AUTOTAG_ROBOFLOW_ROUTE must be legacy or infer");
            yield Route.INFER;
          }
        };
    String model = settings.required("AUTOTAG_ROBOFLOW_MODEL");
    if (!model.isEmpty()
        && (!MODEL.matcher(model).matches() || (route == Route.LEGACY && !model.contains("/")))) {
      settings.problem(
          "AUTOTAG_ROBOFLOW_MODEL must look like dataset-slug/version (or a model alias on the"
              + " infer route)");
    }
    boolean hosted = base.getHost() != null && base.getHost().endsWith("roboflow.com");
    Optional<Secret> key =
        hosted
            ? secrets.required("AUTOTAG_ROBOFLOW_API_KEY")
            : secrets.optional("AUTOTAG_ROBOFLOW_API_KEY");
    // The legacy host documents only ?api_key=; the Inference server takes a Bearer header.
    String placement =
        settings
            .string("AUTOTAG_ROBOFLOW_KEY_PLACEMENT", legacyHost ? "parameter" : "header")
            .toLowerCase(Locale.ROOT);
    if (!placement.equals("header") && !placement.equals("parameter")) {
      settings.problem("AUTOTAG_ROBOFLOW_KEY_PLACEMENT must be header or parameter");
    }
    String named = settings.optional(CONFIDENCE).orElse("").trim().toLowerCase(Locale.ROOT);
    Confidence confidence =
        named.equals("best") || named.equals("default")
            ? new Confidence.ServerChoice(named)
            : new Confidence.Threshold(settings.decimal(CONFIDENCE, 0.0, 0.0, 1.0));
    long maxBytes =
        settings.longValue("AUTOTAG_ROBOFLOW_MAX_BYTES", DEFAULT_MAX_BYTES, 1, 20L * 1024 * 1024);
    return new RoboflowSettings(
        base,
        route,
        model,
        key.orElse(null),
        !placement.equals("parameter"),
        confidence,
        maxBytes,
        Downscaling.from(settings),
        HttpSettings.from(settings));
  }

  public String dataset() {
    return model.substring(0, model.indexOf('/'));
  }

  public String version() {
    return model.substring(model.indexOf('/') + 1);
  }
}
