package io.autotag.cli;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How the tool builds AWS clients. The environment map is the only source of configuration (tests
 * pass maps, never mutate the process environment), so keys in it win; without them the SDK's
 * default chain applies (profiles, SSO, instance roles).
 */
final class CliAws {

  static final String DEFAULT_REGION = "us-east-1";

  /** What the emulators accept; they check no signature. */
  static final StaticCredentialsProvider LOCAL_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private CliAws() {}

  static Function<AwsSettings, AwsClients> factory(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      return AwsClients::create;
    }
    String token = env.get("AWS_SESSION_TOKEN");
    AwsCredentials credentials =
        token == null || token.isBlank()
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token);
    StaticCredentialsProvider provider = StaticCredentialsProvider.create(credentials);
    return settings -> AwsClients.create(settings, provider);
  }

  /** {@code env} with {@code AWS_REGION} set to {@value #DEFAULT_REGION} if no region is given. */
  static Map<String, String> withDefaultRegion(Map<String, String> env) {
    Map<String, String> copy = new HashMap<>(env);
    if (isBlank(copy.get("AWS_REGION")) && isBlank(copy.get("AWS_DEFAULT_REGION"))) {
      copy.put("AWS_REGION", DEFAULT_REGION);
    }
    return copy;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
