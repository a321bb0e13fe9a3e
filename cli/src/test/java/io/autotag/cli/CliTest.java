package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.pipeline.S3EventKeys;
import org.junit.jupiter.api.Test;

/** The small pure pieces: locations, event keys, the progress line. */
class CliTest {

  @Test
  void s3LocationsSplitBucketAndPrefix() {
    assertThat(BackfillCommand.S3Location.parse("s3://b"))
        .isEqualTo(new BackfillCommand.S3Location("b", ""));
    assertThat(BackfillCommand.S3Location.parse("s3://b/photos/2024/"))
        .isEqualTo(new BackfillCommand.S3Location("b", "photos/2024/"));
    assertThatThrownBy(() -> BackfillCommand.S3Location.parse("b/photos"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackfillCommand.S3Location.parse("s3://"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bridgedKeysAreEncodedAsS3EncodesThemAndDecodeBack() {
    String key = "photos/My Holiday+Beach ü.jpg";
    String encoded = S3EventKeys.encode(key);
    assertThat(encoded).isEqualTo("photos/My+Holiday%2BBeach+%C3%BC.jpg");
    assertThat(S3EventKeys.decode(encoded)).isEqualTo(key);
  }

  @Test
  void theProgressLineShowsCountRateAndBar() {
    String line = Progress.line(25, 100, 5.0, "objects");
    assertThat(line)
        .contains("25/100 objects")
        .contains("25%")
        .contains("5.0/s")
        .contains("eta 15s");
    assertThat(line).contains("[" + "#".repeat(8));
    assertThat(Progress.line(0, 0, 0, "images")).contains("0/0 images");
  }
}
