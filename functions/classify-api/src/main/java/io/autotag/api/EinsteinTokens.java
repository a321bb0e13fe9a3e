package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.http.MultipartForm;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;
import io.autotag.shared.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Einstein Vision's token exchange, so Einstein clients work unchanged: {@code POST
 * /v2/oauth2/token} with {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer} and an
 * {@code assertion}, a JWT the client signs with its account's RSA key (RS256; {@code sub} the
 * account id, {@code aud} the token URL, {@code exp} a few minutes ahead). The assertion is checked
 * against the account's public key (accounts are registered by id in {@code
 * AUTOTAG_API_EINSTEIN_ACCOUNTS}), its audience, expiry and clock skew; the answer is Einstein's
 * {@code {"access_token", "token_type": "Bearer", "expires_in"}}.
 *
 * <p>The access token is itself a short-lived JWT (HS256) signed with {@code
 * AUTOTAG_API_EINSTEIN_TOKEN_KEY}, so every Lambda instance that reads the same key verifies every
 * other's tokens with no shared state; removing an account stops its tokens at once, rotating the
 * key stops them all (clients ask again on a 401). Both settings may be {@code ssm:} or {@code
 * secretsmanager:} references, read on first use, never while a SnapStart snapshot is taken.
 * Parsing and signature checks are Nimbus JOSE+JWT's, which refuses other algorithms, unknown
 * critical headers and short MAC keys.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7523">RFC 7523, JWT bearer grant</a>
 */
final class EinsteinTokens {

  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String ACCOUNTS = "AUTOTAG_API_EINSTEIN_ACCOUNTS";
  static final String TOKEN_KEY = "AUTOTAG_API_EINSTEIN_TOKEN_KEY";
  static final String AUDIENCE = "AUTOTAG_API_EINSTEIN_AUDIENCE";
  static final String TOKEN_SECONDS = "AUTOTAG_API_EINSTEIN_TOKEN_SECONDS";
  static final String CLOCK_SKEW_SECONDS = "AUTOTAG_API_EINSTEIN_CLOCK_SKEW_SECONDS";
  static final String DEFAULT_AUDIENCE = "https://api.einstein.ai/v2/oauth2/token";

  /** An assertion may not claim to be valid for longer than this (RFC 7523 lets us refuse). */
  static final Duration MAX_ASSERTION_LIFETIME = Duration.ofHours(1);

  private static final String ISSUER = "autotag";
  private static final String TOKEN_AUDIENCE = "autotag/einstein-vision";
  private static final int MIN_RSA_BITS = 2048;
  // One message for an unknown account and a bad signature: neither tells a caller which it was.
  private static final String NOT_VERIFIED =
      "the assertion's signature cannot be verified with a registered account's key";

  private final Secret accounts;
  private final Secret signingKey;
  private final Set<String> audiences;
  private final Duration lifetime;
  private final Duration skew;
  private final Clock clock;
  private final ObjectMapper json;
  private volatile Accounts parsed;

  /** The registered accounts, parsed from one raw value of the setting. */
  private record Accounts(String raw, Map<String, RSAPublicKey> keys) {}

  private EinsteinTokens(
      Secret accounts,
      Secret signingKey,
      Set<String> audiences,
      Duration lifetime,
      Duration skew,
      Clock clock,
      ObjectMapper json) {
    this.accounts = accounts;
    this.signingKey = signingKey;
    this.audiences = Set.copyOf(audiences);
    this.lifetime = lifetime;
    this.skew = skew;
    this.clock = clock;
    this.json = json;
  }

  /**
   * Reads the {@code AUTOTAG_API_EINSTEIN_*} settings; problems go to {@code settings}. Without
   * accounts the exchange is off and only API keys open the Einstein route.
   */
  static EinsteinTokens from(Settings settings, Secrets secrets, Clock clock, ObjectMapper json) {
    Secret accounts = secrets.optional(ACCOUNTS).orElse(null);
    Secret key =
        accounts == null
            ? secrets.optional(TOKEN_KEY).orElse(null)
            : secrets.required(TOKEN_KEY).orElse(null);
    Set<String> audiences =
        Arrays.stream(settings.string(AUDIENCE, DEFAULT_AUDIENCE).split(","))
            .map(String::trim)
            .filter(a -> !a.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    if (audiences.isEmpty()) {
      settings.problem(AUDIENCE + " must name at least one token URL");
    }
    Duration lifetime = Duration.ofSeconds(settings.longValue(TOKEN_SECONDS, 900, 60, 86_400));
    Duration skew = Duration.ofSeconds(settings.longValue(CLOCK_SKEW_SECONDS, 60, 0, 600));
    EinsteinTokens tokens =
        new EinsteinTokens(accounts, key, audiences, lifetime, skew, clock, json);
    // Literal values can be checked now; references are read on first use.
    if (accounts != null && !accounts.isReference()) {
      try {
        tokens.accounts();
      } catch (SecretException e) {
        settings.problem(e.getMessage());
      }
    }
    if (key != null && !key.isReference()) {
      try {
        tokens.signingKey();
      } catch (SecretException e) {
        settings.problem(e.getMessage());
      }
    }
    return tokens;
  }

  boolean enabled() {
    return accounts != null && signingKey != null;
  }

  /** {@code POST /v2/oauth2/token}: the assertion is the credential, no API key is asked. */
  ApiResponse exchange(ApiRequest request) throws SecretException {
    if (!enabled()) {
      // The route exists (API Gateway sends it here) but no account may use it.
      throw ApiException.badRequest(
          "token-exchange-off",
          "the token exchange is off on this API: send an API key as the bearer token");
    }
    Map<String, List<String>> form = form(request);
    String grant = first(form, "grant_type");
    if (!GRANT_TYPE.equals(grant)) {
      throw ApiException.badRequest("invalid-grant-type", "grant_type must be " + GRANT_TYPE);
    }
    String assertion = first(form, "assertion");
    if (assertion == null || assertion.isBlank()) {
      throw ApiException.badRequest("invalid-request", "assertion is required");
    }
    String account = verifyAssertion(assertion.trim());
    String token = issue(account);
    var body =
        json.createObjectNode()
            .put("access_token", token)
            .put("token_type", "Bearer")
            .put("expires_in", lifetime.toSeconds());
    return ApiResponse.json(200, Forms.jsonBytes(body)).withHeader("cache-control", "no-store");
  }

  /**
   * The account of a valid access token this API issued (signature, issuer, audience, expiry, the
   * account still registered); empty for anything else, an API key included.
   */
  Optional<String> account(String bearer) throws SecretException {
    if (!enabled() || bearer.chars().filter(c -> c == '.').count() != 2) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(bearer);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
          || !jwt.verify(new MACVerifier(signingKey()))) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Instant now = clock.instant();
      boolean valid =
          ISSUER.equals(claims.getIssuer())
              && claims.getAudience().contains(TOKEN_AUDIENCE)
              && claims.getExpirationTime() != null
              && now.isBefore(claims.getExpirationTime().toInstant().plus(skew))
              && claims.getSubject() != null
              && accounts().keys().containsKey(claims.getSubject());
      return valid ? Optional.of(claims.getSubject()) : Optional.empty();
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }

  private String verifyAssertion(String assertion) throws SecretException {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("the assertion is not a signed JWT");
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw invalid("the assertion must be signed with RS256");
    }
    String account = claims.getSubject();
    RSAPublicKey key = account == null ? null : accounts().keys().get(account);
    if (key == null) {
      throw invalid(NOT_VERIFIED);
    }
    try {
      if (!jwt.verify(new RSASSAVerifier(key))) {
        throw invalid(NOT_VERIFIED);
      }
    } catch (JOSEException e) {
      throw invalid(NOT_VERIFIED);
    }
    if (claims.getAudience().stream().noneMatch(audiences::contains)) {
      throw invalid("the assertion's aud is not this token endpoint");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw invalid("the assertion has no exp");
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      throw invalid("the assertion has expired");
    }
    if (exp.toInstant().isAfter(now.plus(MAX_ASSERTION_LIFETIME).plus(skew))) {
      throw invalid("the assertion's exp is more than an hour ahead");
    }
    Date nbf = claims.getNotBeforeTime();
    Date iat = claims.getIssueTime();
    if ((nbf != null && nbf.toInstant().isAfter(now.plus(skew)))
        || (iat != null && iat.toInstant().isAfter(now.plus(skew)))) {
      throw invalid("the assertion is not valid yet");
    }
    return account;
  }

  private String issue(String account) throws SecretException {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(TOKEN_AUDIENCE)
            .subject(account)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(signingKey()));
    } catch (JOSEException e) {
      throw new SecretException(TOKEN_KEY + " cannot sign tokens", false, e);
    }
    return jwt.serialize();
  }

  private byte[] signingKey() throws SecretException {
    byte[] key = signingKey.value().getBytes(StandardCharsets.UTF_8);
    if (key.length < 32) {
      // HS256 needs a key of at least 256 bits; a shorter one is a configuration mistake.
      throw new SecretException(TOKEN_KEY + " must be at least 32 bytes", false, null);
    }
    return key;
  }

  private Accounts accounts() throws SecretException {
    String raw = accounts.value();
    Accounts current = parsed;
    if (current == null || !current.raw().equals(raw)) {
      current = new Accounts(raw, parseAccounts(raw));
      parsed = current;
    }
    return current;
  }

  /** {@code {"<account id>": "<RSA public key, PEM>", ...}}. */
  private Map<String, RSAPublicKey> parseAccounts(String raw) throws SecretException {
    JsonNode root;
    try {
      root = Params.strict(json).readTree(raw);
    } catch (Exception e) {
      root = null;
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new SecretException(
          ACCOUNTS + " must be a JSON object from account id to RSA public key (PEM)", false, null);
    }
    Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
    for (var entry : root.properties()) {
      if (entry.getKey().isBlank() || !entry.getValue().isTextual()) {
        throw new SecretException(ACCOUNTS + " maps an account id to a PEM string", false, null);
      }
      try {
        keys.put(entry.getKey(), publicKey(entry.getValue().asText()));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // The account id is not secret; the key is not shown.
        throw new SecretException(
            ACCOUNTS
                + ": the key of "
                + entry.getKey()
                + " is not an RSA public key of at least "
                + MIN_RSA_BITS
                + " bits (PEM, BEGIN PUBLIC KEY)",
            false,
            null);
      }
    }
    return Map.copyOf(keys);
  }

  static RSAPublicKey publicKey(String pem) throws GeneralSecurityException {
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(body);
    RSAPublicKey key =
        (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    if (key.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new GeneralSecurityException("key too short");
    }
    return key;
  }

  private static Map<String, List<String>> form(ApiRequest request) {
    String mediaType = request.mediaType().orElse("");
    if (mediaType.equals("application/x-www-form-urlencoded")) {
      return Forms.urlEncoded(request);
    }
    if (mediaType.equals("multipart/form-data")) {
      MultipartForm form = Forms.multipart(request);
      Map<String, List<String>> fields = new LinkedHashMap<>();
      for (String name : List.of("grant_type", "assertion")) {
        form.text(name).ifPresent(value -> fields.put(name, List.of(value)));
      }
      return fields;
    }
    throw ApiException.unsupportedMediaType(
        "send the token request as application/x-www-form-urlencoded");
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  private static ApiException invalid(String reason) {
    return ApiException.badRequest("invalid-assertion", "Invalid JWT assertion: " + reason);
  }
}
