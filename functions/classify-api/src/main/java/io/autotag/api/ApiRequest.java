package io.autotag.api;

import io.autotag.shared.provider.http.HeaderParameters;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request, whichever API Gateway format it arrived in: method, path (stage prefix
 * removed), headers with lower-case names, decoded query parameters, the body as bytes (already
 * base64-decoded when the event said so), and ids for logs and error bodies.
 *
 * @param iamCaller the caller's ARN when API Gateway authenticated the request with IAM, else
 *     {@code null}
 */
record ApiRequest(
    String method,
    String path,
    Map<String, String> headers,
    Map<String, List<String>> query,
    byte[] body,
    String requestId,
    PayloadVersion version,
    String iamCaller) {

  ApiRequest {
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The first value of a query parameter. */
  Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  /** The media type of the body, lower case, without parameters ({@code image/jpeg}). */
  Optional<String> mediaType() {
    return header("content-type")
        .map(value -> value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
        .filter(value -> !value.isEmpty());
  }

  /** A parameter of the Content-Type header, for example the multipart boundary. */
  Optional<String> contentTypeParameter(String name) {
    return header("content-type").flatMap(value -> HeaderParameters.find(value, name));
  }
}
