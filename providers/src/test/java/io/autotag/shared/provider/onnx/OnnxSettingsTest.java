package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.image.ImageDecoder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxSettingsTest {

  @Test
  void defaultsToTheBundledModelWithOneThread() {
    Settings settings = Settings.of(Map.of());
    OnnxSettings config = OnnxSettings.from(settings);
    settings.check();

    assertThat(config.model().toString()).isEqualTo(OnnxSettings.BUNDLED_MODEL);
    assertThat(config.labels().toString())
        .isEqualTo("classpath:io/autotag/models/coco80/labels.txt");
    assertThat(config.descriptor().toString())
        .isEqualTo("classpath:io/autotag/models/coco80/model.json");
    assertThat(config.threads()).isEqualTo(1);
    assertThat(config.maxPixels()).isEqualTo(ImageDecoder.DEFAULT_MAX_PIXELS);
    // Unset inference variables leave the model's own defaults alone.
    InferenceOptions modelDefaults =
        new InferenceOptions(InferenceOptions.Resize.LETTERBOX, 0.5, true);
    assertThat(config.options(modelDefaults)).isEqualTo(modelDefaults);
  }

  @Test
  void readsEveryVariable() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOTAG_ONNX_MODEL", "s3://models/pets/v2/model.onnx",
                "AUTOTAG_ONNX_LABELS", "/opt/labels.txt",
                "AUTOTAG_ONNX_THREADS", "2",
                "AUTOTAG_MAX_PIXELS", "1000000",
                "AUTOTAG_ONNX_RESIZE", "Letterbox",
                "AUTOTAG_ONNX_ZOOM_OUT", "0.6",
                "AUTOTAG_ONNX_FLIP", "yes"));
    OnnxSettings config = OnnxSettings.from(settings);
    settings.check();

    assertThat(config.model())
        .isEqualTo(new ResourceLocation(ResourceLocation.Kind.S3, "models", "pets/v2/model.onnx"));
    assertThat(config.descriptor().toString()).isEqualTo("s3://models/pets/v2/model.json");
    assertThat(config.labels())
        .isEqualTo(new ResourceLocation(ResourceLocation.Kind.FILE, null, "/opt/labels.txt"));
    assertThat(config.threads()).isEqualTo(2);
    assertThat(config.maxPixels()).isEqualTo(1_000_000);
    assertThat(config.options(ModelDescriptor.PLAIN))
        .isEqualTo(new InferenceOptions(InferenceOptions.Resize.LETTERBOX, 0.6, true));
    assertThat(config.options(ModelDescriptor.PLAIN).passes()).hasSize(3);
    Settings off = Settings.of(Map.of("AUTOTAG_ONNX_ZOOM_OUT", "0", "AUTOTAG_ONNX_FLIP", "no"));
    assertThat(
            OnnxSettings.from(off)
                .options(new InferenceOptions(InferenceOptions.Resize.STRETCH, 0.4, true)))
        .isEqualTo(ModelDescriptor.PLAIN);
  }

  @Test
  void reportsEveryBadVariableAtOnce() {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOTAG_ONNX_MODEL", "s3://bucket-only",
                "AUTOTAG_ONNX_THREADS", "0",
                "AUTOTAG_MAX_PIXELS", "lots",
                "AUTOTAG_ONNX_RESIZE", "crop",
                "AUTOTAG_ONNX_ZOOM_OUT", "0.1",
                "AUTOTAG_ONNX_FLIP", "maybe"));
    OnnxSettings.from(settings);

    assertThatThrownBy(settings::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_ONNX_MODEL must be s3://bucket/key")
        .hasMessageContaining("AUTOTAG_ONNX_THREADS")
        .hasMessageContaining("AUTOTAG_MAX_PIXELS")
        .hasMessageContaining("AUTOTAG_ONNX_RESIZE must be stretch or letterbox")
        .hasMessageContaining("AUTOTAG_ONNX_ZOOM_OUT")
        .hasMessageContaining("AUTOTAG_ONNX_FLIP");
  }

  @Test
  void locationsParseAndFindSiblings() {
    assertThat(ResourceLocation.parse("classpath:/a/b/model.onnx").sibling("labels.txt"))
        .hasToString("classpath:a/b/labels.txt");
    assertThat(ResourceLocation.parse("file:/opt/m.onnx").sibling("model.json"))
        .hasToString("/opt/model.json");
    assertThat(ResourceLocation.parse("model.onnx").sibling("labels.txt"))
        .hasToString("labels.txt");
    assertThat(ResourceLocation.parse("S3://b/k.onnx").sibling("labels.txt"))
        .hasToString("s3://b/labels.txt");
    assertThatThrownBy(() -> ResourceLocation.parse("classpath:"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ResourceLocation.parse("s3://b/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelsAreOnePerLine() {
    assertThat(OnnxClassifierFactory.parseLabels("\uFEFFcat\r\ndog \n\n".getBytes()))
        .containsExactly("cat", "dog");
    assertThatThrownBy(() -> OnnxClassifierFactory.parseLabels("cat\n\ndog\n".getBytes()))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> OnnxClassifierFactory.parseLabels("\n".getBytes()))
        .hasMessageContaining("no labels");
  }
}
