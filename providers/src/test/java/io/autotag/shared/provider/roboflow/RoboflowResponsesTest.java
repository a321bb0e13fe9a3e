package io.autotag.shared.provider.roboflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ImageSize;
import io.autotag.shared.classify.Label;
import org.junit.jupiter.api.Test;

class RoboflowResponsesTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void readsTheDocumentedSingleLabelExample() throws Exception {
    var parsed =
        RoboflowResponses.parse(
            json.readTree(
                """
                {"time":0.19064618100037478,"image":{"width":210,"height":113},
                 "predictions":[{"class":"real-image","confidence":0.7149},
                                {"class":"illustration","confidence":0.2851}],
                 "top":"real-image","confidence":0.7149,"image_path":"/cropped-images-1.jpg",
                 "prediction_type":"ClassificationModel"}"""));
    assertThat(parsed.multiLabel()).isFalse();
    assertThat(parsed.labels())
        .containsExactly(new Label("real-image", 0.7149), new Label("illustration", 0.2851));
    assertThat(parsed.imageSize()).isEqualTo(new ImageSize(210, 113));
  }

  @Test
  void readsTheDocumentedMultiLabelExample() throws Exception {
    var parsed =
        RoboflowResponses.parse(
            json.readTree(
                """
                {"predictions":{"bird":{"confidence":0.5282308459281921},
                                "cat":{"confidence":0.5069406032562256},
                                "dog":{"confidence":0.49514248967170715}},
                 "predicted_classes":["bird","cat"]}"""));
    assertThat(parsed.multiLabel()).isTrue();
    assertThat(parsed.labels()).extracting(Label::name).containsExactly("bird", "cat", "dog");
    assertThat(parsed.imageSize()).isNull();
  }

  @Test
  void rejectsShapesThatAreNotClassifications() {
    assertThatThrownBy(() -> RoboflowResponses.parse(json.readTree("[]")))
        .hasMessageContaining("a list of 0 answers");
    assertThatThrownBy(() -> RoboflowResponses.parse(json.readTree("3")))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> RoboflowResponses.parse(json.readTree("{\"predictions\":3}")))
        .hasMessageContaining("no predictions");
    assertThatThrownBy(
            () -> RoboflowResponses.parse(json.readTree("{\"predictions\":[{\"class\":\"a\"}]}")))
        .hasMessageContaining("no numeric confidence");
  }

  @Test
  void findsTheErrorMessageInTheUsualPlaces() throws Exception {
    assertThat(RoboflowResponses.errorMessage(json.readTree("{\"message\":\"a\"}"))).isEqualTo("a");
    assertThat(RoboflowResponses.errorMessage(json.readTree("{\"error\":{\"message\":\"b\"}}")))
        .isEqualTo("b");
    assertThat(RoboflowResponses.errorMessage(json.readTree("{\"detail\":\"c\"}"))).isEqualTo("c");
    assertThat(RoboflowResponses.errorMessage(json.readTree("{}"))).isEmpty();
  }
}
