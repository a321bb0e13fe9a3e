package io.autotag.cli;

import io.autotag.api.ApiWiring;
import io.autotag.review.ReviewWiring;
import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.secrets.KeyHashes;
import io.autotag.tagger.TaggerWiring;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The variables {@code serve} gives each function it runs: the user's {@code AUTOTAG_*} settings,
 * pointed at the stack's S3 and SQS, with the local defaults (an API without keys on loopback, a
 * reviewer key made for the session), and the one check of all of them before anything starts.
 */
final class FunctionEnvironments {

  private FunctionEnvironments() {}

  /**
   * One error naming every bad variable of the three functions, the providers' and the keys'
   * included, before anything starts (the models take seconds to load). What {@code serve} sets
   * itself (endpoints, the queue URL, generated keys) is valid by construction; placeholders stand
   * in for what is not known yet.
   */
  static void check(
      Map<String, String> base,
      Map<String, String> userEnv,
      String region,
      ProviderRegistry providers) {
    URI placeholder = URI.create("http://127.0.0.1");
    Map<String, String> functionEnv = tagger(base, region, placeholder, placeholder);
    functionEnv.put(
        "AUTOTAG_REVIEW_QUEUE_URL", placeholder + "/000000000000/" + StackResources.REVIEW_QUEUE);
    Settings stack = Settings.of(functionEnv);
    stack.integer("AUTOTAG_MAX_RECEIVE_COUNT", 3, 1, 1000);
    Set<String> problems = new LinkedHashSet<>(stack.problems());
    problems.addAll(TaggerWiring.problems(functionEnv, providers));
    problems.addAll(ApiWiring.problems(api(functionEnv), providers));
    problems.addAll(ReviewWiring.problems(review(functionEnv, userEnv).env()));
    if (!problems.isEmpty()) {
      throw new ConfigurationException(List.copyOf(problems));
    }
  }

  /**
   * The tagger's variables (the base of the others'): the user's, pointed at the stack's S3 and
   * SQS.
   */
  static Map<String, String> tagger(Map<String, String> base, String region, URI s3, URI sqs) {
    Map<String, String> functionEnv = new HashMap<>(base);
    functionEnv.keySet().removeIf(k -> k.startsWith("AWS_ENDPOINT_URL"));
    functionEnv.put("AWS_REGION", region);
    functionEnv.put("AWS_ENDPOINT_URL_S3", s3.toString());
    functionEnv.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
    functionEnv.put("AUTOTAG_S3_PATH_STYLE", "true");
    // Priming only matters before a SnapStart snapshot, which never happens here.
    functionEnv.putIfAbsent("AUTOTAG_PRIMING", "false");
    return functionEnv;
  }

  /** The API's variables: it listens on loopback only; a key is still required if asked for. */
  static Map<String, String> api(Map<String, String> functionEnv) {
    Map<String, String> apiEnv = new HashMap<>(functionEnv);
    apiEnv.putIfAbsent("AUTOTAG_API_AUTH", "none");
    apiEnv.putIfAbsent("AUTOTAG_API_S3_BUCKETS", StackResources.BUCKET);
    return apiEnv;
  }

  /**
   * The review function's variables, and the reviewer key made for it: {@code null} when the user
   * gave reviewer keys.
   */
  record Review(Map<String, String> env, String reviewerKey) {}

  /**
   * The review function as the template deploys it, with a reviewer key: the user's {@code
   * AUTOTAG_REVIEWER_KEYS} if set, otherwise a fresh key for the reviewer {@value
   * ServeStack#LOCAL_REVIEWER}, shown once in the banner. The item-token key is made here too
   * (never before a snapshot: this is not Lambda).
   */
  static Review review(Map<String, String> functionEnv, Map<String, String> userEnv) {
    Map<String, String> reviewEnv = new HashMap<>(functionEnv);
    reviewEnv.putIfAbsent("AUTOTAG_REVIEW_AUTH", "reviewer-key");
    reviewEnv.putIfAbsent("AUTOTAG_FEEDBACK_BUCKET", StackResources.FEEDBACK_BUCKET);
    SecureRandom random = new SecureRandom();
    String reviewerKey = null;
    if (isBlank(userEnv.get("AUTOTAG_REVIEWER_KEYS"))) {
      byte[] key = new byte[18];
      random.nextBytes(key);
      String made = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
      reviewEnv.put(
          "AUTOTAG_REVIEWER_KEYS", ServeStack.LOCAL_REVIEWER + "=" + KeyHashes.sha256Hex(made));
      reviewerKey = made;
    }
    if (isBlank(userEnv.get("AUTOTAG_REVIEW_TOKEN_KEY"))) {
      byte[] tokenKey = new byte[32];
      random.nextBytes(tokenKey);
      reviewEnv.put("AUTOTAG_REVIEW_TOKEN_KEY", HexFormat.of().formatHex(tokenKey));
    }
    return new Review(reviewEnv, reviewerKey);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
