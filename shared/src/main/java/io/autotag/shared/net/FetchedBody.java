package io.autotag.shared.net;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What a URL answered: the body, the content type the server claimed (a hint only: callers sniff
 * the bytes), and the URL that finally answered after redirects.
 */
public record FetchedBody(byte[] body, Optional<String> contentType, URI finalUri) {

  public FetchedBody {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(finalUri, "finalUri");
  }
}
