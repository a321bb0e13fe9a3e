package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelDescriptorTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void parsesATorchvisionStyleDescriptor() throws Exception {
    ModelDescriptor d =
        parse(
            """
            {"id": "resnet", "input": {"name": "input", "width": 224, "height": 200,
             "layout": "nchw", "colorOrder": "bgr", "scale": 0.0039215686,
             "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
             "output": {"name": "logits", "kind": "softmax"}, "comment": "ignored"}""");

    assertThat(d.id()).isEqualTo("resnet");
    assertThat(d.input().layout()).isEqualTo(ModelDescriptor.Layout.NCHW);
    assertThat(d.input().colorOrder()).isEqualTo(ModelDescriptor.ColorOrder.BGR);
    assertThat(d.input().shape()).containsExactly(1, 3, 200, 224);
    assertThat(d.input().std()).containsExactly(0.229, 0.224, 0.225);
    assertThat(d.output().kind()).isEqualTo(ModelDescriptor.OutputKind.SOFTMAX);
    assertThat(d.output().activation()).isTrue();
    assertThat(d.output().kind().multiLabel()).isFalse();
  }

  @Test
  void defaultsAreIdentityNormalisationAndNoActivationForHeatmaps() throws Exception {
    ModelDescriptor d =
        parse(
            """
            {"id": "det", "input": {"name": "images", "width": 64, "height": 64, "layout": "NHWC"},
             "output": {"name": "heat", "kind": "heatmap"}}""");

    assertThat(d.input().scale()).isEqualTo(1.0);
    assertThat(d.input().mean()).containsExactly(0, 0, 0);
    assertThat(d.input().std()).containsExactly(1, 1, 1);
    assertThat(d.input().colorOrder()).isEqualTo(ModelDescriptor.ColorOrder.RGB);
    assertThat(d.input().shape()).containsExactly(1, 64, 64, 3);
    assertThat(d.output().activation()).isFalse();
    assertThat(d.output().layout()).isEqualTo(ModelDescriptor.Layout.NHWC);
    assertThat(d.output().kind().multiLabel()).isTrue();
  }

  @Test
  void theBundledDescriptorIsValid() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/io/autotag/models/coco80/model.json")) {
      ModelDescriptor d = ModelDescriptor.parse(in.readAllBytes(), json);

      assertThat(d.input().name()).isEqualTo("tower_0/images");
      assertThat(d.input().shape()).containsExactly(1, 512, 512, 3);
      assertThat(d.output().kind()).isEqualTo(ModelDescriptor.OutputKind.HEATMAP);
      assertThat(d.inference())
          .isEqualTo(new InferenceOptions(InferenceOptions.Resize.LETTERBOX, 0.5, false));
    }
  }

  @Test
  void inferenceDefaultsComeFromTheDescriptorOrArePlain() throws Exception {
    String base =
        """
        {"id": "x", "input": {"name": "i", "width": 8, "height": 8},
         "output": {"name": "o", "kind": "sigmoid"}%s}""";

    assertThat(parse(base.formatted("")).inference()).isEqualTo(ModelDescriptor.PLAIN);
    assertThat(
            parse(base.formatted(", \"inference\": {\"resize\": \"letterbox\", \"flip\": true}"))
                .inference())
        .isEqualTo(new InferenceOptions(InferenceOptions.Resize.LETTERBOX, 0.0, true));
    assertThatThrownBy(() -> parse(base.formatted(", \"inference\": {\"resize\": \"crop\"}")))
        .hasMessageContaining("not a valid model descriptor");
    assertThatThrownBy(() -> parse(base.formatted(", \"inference\": {\"zoomOut\": 0.1}")))
        .hasMessageContaining("not a valid model descriptor");
  }

  @Test
  void rejectsBadDescriptorsWithReasons() {
    assertThatThrownBy(() -> parse("{\"id\": \"x\"}"))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("not a valid model descriptor");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"id": "x", "input": {"name": "i", "width": 8, "height": 8, "layout": "CHW"},
                     "output": {"name": "o", "kind": "softmax"}}"""))
        .hasMessageContaining("not a valid model descriptor");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"id": "x", "input": {"name": "i", "width": 0, "height": 8,
                     "mean": [0, 0], "std": [1, 0, 1]},
                     "output": {"name": "o", "kind": "sigmoid"}}"""))
        .hasMessageContaining("width and height")
        .hasMessageContaining("mean and std must have 3 values");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"id": "x", "input": {"name": "i", "width": 8, "height": 8, "std": [1, 0, 1]},
                     "output": {"name": "o", "kind": "boxes"}}"""))
        .hasMessageContaining("not a valid model descriptor");
  }

  private ModelDescriptor parse(String text) throws Exception {
    return ModelDescriptor.parse(text.getBytes(StandardCharsets.UTF_8), json);
  }
}
