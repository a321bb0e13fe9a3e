package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.config.Settings;
import io.autotag.shared.pipeline.PipelineSettings;
import io.autotag.shared.pipeline.S3Objects;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.pipeline.WorkItem;
import io.autotag.shared.review.SqsReviewQueue;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The default configuration end to end, offline: the bundled model read from S3-style storage
 * (LocalS3) through the tagging pipeline, plus a user model loaded from an {@code s3://} URI. Bad
 * images end up tagged with the decoder's permanent reasons.
 */
class OnnxPipelineIT {

  private static final String BUCKET = "photos";
  private static LocalAws aws;
  private static OnnxClassifier classifier;
  private static TaggingPipeline pipeline;
  private static byte[] photo;

  @BeforeAll
  static void start() throws Exception {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
    String queue = aws.createQueue("review");
    Settings settings = Settings.of(Map.of());
    classifier = (OnnxClassifier) OnnxClassifierFactory.create().create(settings, aws.clients());
    TagSchema schema = TagSchema.from(settings);
    PipelineSettings pipelineSettings = PipelineSettings.from(settings);
    settings.check();
    pipeline =
        new TaggingPipeline(
            new S3Objects(aws.clients().s3(), aws.clients().s3Presigner()),
            classifier,
            schema,
            new SqsReviewQueue(aws.clients().sqs(), queue, new ObjectMapper()),
            pipelineSettings,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    try (InputStream in =
        OnnxPipelineIT.class.getResourceAsStream("/io/autotag/models/coco80/reference-photo.png")) {
      photo = in.readAllBytes();
    }
  }

  @AfterAll
  static void stop() {
    pipeline.close();
    classifier.close();
    aws.close();
  }

  @Test
  void tagsARealPhotoWithTheBundledModel() throws Exception {
    put("real/photo.png", photo);
    Classification direct = classifier.classify(ImageInput.Bytes.of(photo));

    pipeline.process(List.of(WorkItem.of(ObjectRef.of(BUCKET, "real/photo.png"))));

    Map<String, String> tags = tags("real/photo.png");
    assertThat(tags).containsEntry("autotag:model", "onnx/coco80-centernet-mbv3");
    assertThat(tags.get("autotag:status")).isIn("classified", "review");
    assertThat(tags).containsEntry("autotag:label", direct.top().orElseThrow().name());
  }

  @Test
  void badImagesAreTaggedWithTheirReason() {
    put("bad/notes.jpg", "shopping list: milk".getBytes(StandardCharsets.UTF_8));
    put("bad/cut.png", Arrays.copyOf(photo, photo.length / 3));
    put("bad/bomb.png", bomb());

    pipeline.process(
        List.of(
            WorkItem.of(ObjectRef.of(BUCKET, "bad/notes.jpg")),
            WorkItem.of(ObjectRef.of(BUCKET, "bad/cut.png")),
            WorkItem.of(ObjectRef.of(BUCKET, "bad/bomb.png"))));

    assertThat(tags("bad/notes.jpg")).containsEntry("autotag:reason", "unsupported-type");
    assertThat(tags("bad/cut.png")).containsEntry("autotag:reason", "corrupt-image");
    assertThat(tags("bad/bomb.png")).containsEntry("autotag:reason", "too-many-pixels");
  }

  @Test
  void loadsAUserModelFromS3() throws Exception {
    aws.clients().s3().createBucket(b -> b.bucket("models"));
    for (String name : List.of("model.onnx", "labels.txt", "model.json")) {
      try (InputStream in = getClass().getResourceAsStream("/io/autotag/models/rgb3/" + name)) {
        aws.clients()
            .s3()
            .putObject(
                b -> b.bucket("models").key("pets/v1/" + name),
                RequestBody.fromBytes(in.readAllBytes()));
      }
    }
    Settings settings = Settings.of(Map.of(OnnxSettings.MODEL, "s3://models/pets/v1/model.onnx"));
    OnnxClassifier fromS3 =
        (OnnxClassifier) OnnxClassifierFactory.create().create(settings, aws.clients());
    settings.check();
    try {
      assertThat(fromS3.descriptor().id()).isEqualTo("rgb3-test");
      assertThat(fromS3.labels()).containsExactly("red", "green", "blue");
    } finally {
      fromS3.close();
    }

    Settings missing = Settings.of(Map.of(OnnxSettings.MODEL, "s3://models/none/model.onnx"));
    assertThat(OnnxClassifierFactory.create().create(missing, aws.clients())).isNull();
    assertThat(Assertions.catchThrowable(missing::check).getMessage())
        .contains("s3://models/none/model.onnx");
  }

  private static byte[] bomb() {
    // The PNG signature and an IHDR declaring 60000x60000 pixels; nothing else is needed for the
    // header check to refuse it.
    byte[] png = new byte[33];
    byte[] head = {
      (byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'
    };
    System.arraycopy(head, 0, png, 0, head.length);
    int size = 60_000;
    for (int i = 0; i < 2; i++) {
      int at = 16 + i * 4;
      png[at] = (byte) (size >>> 24);
      png[at + 1] = (byte) (size >>> 16);
      png[at + 2] = (byte) (size >>> 8);
      png[at + 3] = (byte) size;
    }
    png[24] = 8;
    png[25] = 2;
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    long v = crc.getValue();
    png[29] = (byte) (v >>> 24);
    png[30] = (byte) (v >>> 16);
    png[31] = (byte) (v >>> 8);
    png[32] = (byte) v;
    return png;
  }

  private static void put(String key, byte[] data) {
    aws.clients().s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
  }

  private static Map<String, String> tags(String key) {
    return ObjectTags.read(aws.clients().s3(), BUCKET, key);
  }
}
