package io.autotag.shared.provider.einstein;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.http.ContractServer;
import io.autotag.shared.provider.http.HeaderParameters;
import io.autotag.shared.provider.http.MultipartForm;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays Einstein Vision as documented: {@code POST /v2/oauth2/token} verifies the RS256 JWT
 * assertion with the account's public key (signature, {@code sub}, {@code aud}, {@code exp}) and
 * issues tokens; {@code POST /v2/vision/predict} requires one of them as a Bearer token, parses the
 * multipart body strictly, checks {@code modelId}, exactly one sample field, {@code numResults},
 * and echoes {@code sampleId}.
 */
public final class EinsteinContractServer extends ContractServer {

  public static final String AUDIENCE = "https://api.einstein.ai/v2/oauth2/token";
  private static final long MAX_IMAGE_BYTES = 5L * 1024 * 1024;

  private final String modelId;
  private final String account;
  private final PublicKey publicKey;
  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private volatile int tokenFailureStatus;
  private volatile Duration tokenDelay = Duration.ZERO;
  private final AtomicInteger predictions = new AtomicInteger();
  private final List<MultipartForm> forms = new CopyOnWriteArrayList<>();
  private volatile long expiresIn = 3600;

  public EinsteinContractServer(String modelId, String account, PublicKey publicKey) {
    this.modelId = modelId;
    this.account = account;
    this.publicKey = publicKey;
  }

  /** Accepts a token configured out of band (the fixed-token mode). */
  public EinsteinContractServer acceptToken(String token) {
    validTokens.add(token);
    return this;
  }

  /** Invalidates every token issued so far, as an expiry or revocation would. */
  public void revokeTokens() {
    validTokens.clear();
  }

  public EinsteinContractServer expiresIn(long seconds) {
    this.expiresIn = seconds;
    return this;
  }

  /** Makes the token endpoint answer this status (a 5xx, say) until set back to 0. */
  public EinsteinContractServer failTokens(int status) {
    this.tokenFailureStatus = status;
    return this;
  }

  /** Makes the token endpoint wait this long before answering (past the client's timeout). */
  public EinsteinContractServer delayTokens(Duration delay) {
    this.tokenDelay = delay;
    return this;
  }

  /** Token requests received, answered or not. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  public int tokensIssued() {
    return tokensIssued.get();
  }

  public int predictions() {
    return predictions.get();
  }

  public List<MultipartForm> forms() {
    return List.copyOf(forms);
  }

  @Override
  protected Response check(Received request) throws Violation {
    if (!request.method().equals("POST")) {
      throw new Violation("only POST is served");
    }
    return switch (request.uri().getPath()) {
      case "/v2/oauth2/token" -> token(request);
      case "/v2/vision/predict" -> predict(request);
      default -> throw new Violation("no such route");
    };
  }

  private Response token(Received request) throws Violation {
    tokenRequests.incrementAndGet();
    requireLength(request);
    if (!tokenDelay.isZero()) {
      try {
        Thread.sleep(tokenDelay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (tokenFailureStatus != 0) {
      return Response.json(tokenFailureStatus, "{\"message\":\"token service unavailable\"}");
    }
    String type = request.header("Content-Type");
    if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
      throw new Violation("the token request must be form-encoded");
    }
    Map<String, String> form = new HashMap<>();
    for (String pair : request.bodyText().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
      throw new Violation("wrong grant_type");
    }
    Optional<String> problem = verify(form.getOrDefault("assertion", ""));
    if (problem.isPresent()) {
      return Response.json(400, "{\"message\":\"Invalid JWT assertion: " + problem.get() + "\"}");
    }
    String token = "einstein-token-" + tokensIssued.incrementAndGet();
    validTokens.add(token);
    return Response.json(
        200,
        json.createObjectNode()
            .put("access_token", token)
            .put("token_type", "Bearer")
            .put("expires_in", expiresIn)
            .toString());
  }

  /** Verifies an RS256 JWT; returns what is wrong, if anything. */
  private Optional<String> verify(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return Optional.of("not three parts");
    }
    try {
      Base64.Decoder url = Base64.getUrlDecoder();
      JsonNode header = json.readTree(url.decode(parts[0]));
      if (!"RS256".equals(header.path("alg").asText())) {
        return Optional.of("alg is not RS256");
      }
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(publicKey);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(url.decode(parts[2]))) {
        return Optional.of("bad signature");
      }
      JsonNode claims = json.readTree(url.decode(parts[1]));
      if (!account.equals(claims.path("sub").asText())) {
        return Optional.of("wrong sub");
      }
      if (!AUDIENCE.equals(claims.path("aud").asText())) {
        return Optional.of("wrong aud");
      }
      long exp = claims.path("exp").asLong(0);
      long now = Instant.now().getEpochSecond();
      if (exp <= now - 60 || exp > now + 24 * 3600) {
        return Optional.of("exp out of range");
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of("unreadable");
    }
  }

  private Response predict(Received request) throws Violation {
    predictions.incrementAndGet();
    requireLength(request);
    String authorization = request.header("Authorization");
    if (authorization == null
        || !authorization.startsWith("Bearer ")
        || !validTokens.contains(authorization.substring(7))) {
      return Response.json(401, "{\"message\":\"Invalid access token\"}");
    }
    MultipartForm form = multipart(request);
    forms.add(form);
    Set<String> names = new HashSet<>();
    for (MultipartForm.Part part : form.parts()) {
      if (!names.add(part.name())) {
        throw new Violation("field " + part.name() + " sent twice");
      }
    }
    if (field(form, "modelId").isEmpty()) {
      throw new Violation("modelId is required");
    }
    long samples =
        List.of("sampleLocation", "sampleContent", "sampleBase64Content").stream()
            .filter(name -> form.part(name).isPresent())
            .count();
    if (samples != 1) {
      throw new Violation("exactly one of sampleLocation, sampleContent, sampleBase64Content");
    }
    field(form, "sampleLocation").ifPresent(this::checkUrl);
    if (form.part("sampleContent").isPresent()) {
      MultipartForm.Part file = form.part("sampleContent").get();
      if (file.filename() == null || file.contentType() == null) {
        throw new Violation("sampleContent must be a file part with a content type");
      }
      checkImage(file.content());
      if (!ImageFormat.sniff(file.content()).get().mediaType().equals(file.contentType())) {
        throw new Violation("sampleContent's content type does not match its bytes");
      }
    }
    if (form.part("sampleBase64Content").isPresent()) {
      try {
        checkImage(Base64.getDecoder().decode(field(form, "sampleBase64Content").get()));
      } catch (IllegalArgumentException e) {
        throw new Violation("sampleBase64Content is not base64");
      }
    }
    if (field(form, "numResults").isPresent()) {
      try {
        if (Integer.parseInt(field(form, "numResults").get()) < 1) {
          throw new Violation("numResults must be positive");
        }
      } catch (NumberFormatException e) {
        throw new Violation("numResults is not a number");
      }
    }
    if (!modelId.equals(field(form, "modelId").get())) {
      return Response.json(400, "{\"message\":\"Bad Request: The model ID can't be found.\"}");
    }
    return null;
  }

  /**
   * Parses the body strictly: {@code multipart/form-data} with a boundary, no preamble before the
   * first delimiter (clients never send one), and the framing {@link MultipartForm} requires.
   */
  private static MultipartForm multipart(Received request) throws Violation {
    String contentType = request.header("Content-Type");
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data;")) {
      throw new Violation("bad multipart: not multipart/form-data with a boundary");
    }
    String boundary =
        HeaderParameters.find(contentType, "boundary")
            .orElseThrow(() -> new Violation("bad multipart: no boundary"));
    byte[] body = request.body();
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    if (body.length < delimiter.length
        || !Arrays.equals(body, 0, delimiter.length, delimiter, 0, delimiter.length)) {
      throw new Violation("bad multipart: the body does not start with the boundary");
    }
    try {
      return MultipartForm.parse(body, boundary);
    } catch (MultipartForm.MalformedMultipartException e) {
      throw new Violation("bad multipart: " + e.getMessage());
    }
  }

  /** A field's text exactly as sent (not trimmed, present when empty), so a sloppy value fails. */
  public static Optional<String> field(MultipartForm form, String name) {
    return form.part(name).map(MultipartForm.Part::text);
  }

  /** Both endpoints take a body of declared length; a chunked upload is not what clients send. */
  private static void requireLength(Received request) throws Violation {
    if (request.header("Content-Length") == null) {
      throw new Violation("no Content-Length (a chunked body)");
    }
    String encoding = request.header("Transfer-Encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      throw new Violation("the body is sent chunked");
    }
  }

  private void checkUrl(String value) {
    URI.create(value);
  }

  private static void checkImage(byte[] data) throws Violation {
    Optional<ImageFormat> format = ImageFormat.sniff(data);
    if (format.isEmpty()
        || !(format.get() == ImageFormat.PNG || format.get() == ImageFormat.JPEG)) {
      throw new Violation("the sample is not a PNG or JPEG");
    }
    if (data.length > MAX_IMAGE_BYTES) {
      throw new Violation("the sample is above 5 MB");
    }
  }

  @Override
  protected Response success(Received request) {
    MultipartForm form = forms.getLast();
    int numResults = field(form, "numResults").map(Integer::parseInt).orElse(5);
    ObjectNode root = json.createObjectNode();
    ArrayNode probabilities = root.putArray("probabilities");
    labels().stream()
        .sorted(Comparator.comparingDouble(Label::confidence).reversed())
        .limit(numResults)
        .forEach(
            l ->
                probabilities
                    .addObject()
                    .put("label", l.name())
                    .put("probability", l.confidence()));
    root.put("object", "predictresponse");
    field(form, "sampleId").ifPresent(id -> root.put("sampleId", id));
    return Response.json(200, root.toString());
  }

  @Override
  protected Response failure(Failure failure, Received request) {
    return switch (failure) {
      case MODEL_NOT_FOUND ->
          Response.json(400, "{\"message\":\"Bad Request: The model ID can't be found.\"}");
      case UNAUTHORIZED -> Response.json(401, "{\"message\":\"Invalid access token\"}");
      case THROTTLED -> Response.json(429, "{\"message\":\"Too many requests\"}");
      case UNAVAILABLE -> Response.json(503, "{\"message\":\"Service unavailable\"}");
    };
  }
}
