package io.autotag.shared.net;

import java.net.URI;
import java.util.Objects;

/**
 * What a URL answered: the body, the content type the server claimed ({@code null} when it sent
 * none; a hint only: callers sniff the bytes), and the URL that finally answered after redirects.
 */
public record FetchedBody(byte[] body, String contentType, URI finalUri) {

  public FetchedBody {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(finalUri, "finalUri");
  }
}
