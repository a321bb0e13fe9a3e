package io.autotag.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.config.Settings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

  @Test
  void blankAutotagEndpointMeansAwsAsTheTemplateSendsItInAws() {
    // template.yaml always declares AUTOTAG_ENDPOINT_URL; in AWS it is the empty string.
    AwsSettings settings =
        AwsSettings.from(
            Settings.of(Map.of("AWS_REGION", "eu-west-1", "AUTOTAG_ENDPOINT_URL", "")));

    assertThat(settings.s3Endpoint()).isNull();
    assertThat(settings.sqsEndpoint()).isNull();
    assertThat(settings.s3PathStyle()).isFalse();
  }

  @Test
  void autotagEndpointSendsEveryClientToTheEmulatorWithPathStyle() {
    Settings env =
        Settings.of(
            Map.of(
                "AWS_REGION", "us-east-1",
                "AUTOTAG_ENDPOINT_URL", "http://host.docker.internal:4566",
                "AWS_ENDPOINT_URL", "http://ignored:1"));

    AwsSettings settings = AwsSettings.from(env);

    URI emulator = URI.create("http://host.docker.internal:4566");
    assertThat(settings.s3Endpoint()).isEqualTo(emulator);
    assertThat(settings.sqsEndpoint()).isEqualTo(emulator);
    assertThat(settings.s3PathStyle()).isTrue();
    assertThat(AwsSettings.commonEndpoint(env)).contains(emulator);
  }

  @Test
  void serviceSpecificEndpointWinsAndTheSdkVariableStillWorks() {
    AwsSettings settings =
        AwsSettings.from(
            Settings.of(
                Map.of(
                    "AWS_REGION", "us-east-1",
                    "AWS_ENDPOINT_URL", "http://127.0.0.1:5000",
                    "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9090")));

    assertThat(settings.s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:9090"));
    assertThat(settings.sqsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:5000"));
  }
}
