package io.autotag.shared.provider.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.config.Settings;
import io.autotag.shared.image.ImageDecoder;
import io.autotag.shared.provider.ClassifierFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code onnx} provider from {@link OnnxSettings}: reads the model, its labels and its
 * descriptor once (class path, file or S3) and creates the ONNX Runtime session. Every problem (a
 * missing file, a descriptor that does not match the model, labels that do not match its classes)
 * is recorded in {@link Settings} and {@code null} returned, so start-up fails with one message.
 */
public final class OnnxClassifierFactory implements ClassifierFactory {

  private final ObjectMapper json;

  private OnnxClassifierFactory(ObjectMapper json) {
    this.json = json;
  }

  public static OnnxClassifierFactory create() {
    return new OnnxClassifierFactory(new ObjectMapper());
  }

  @Override
  public String name() {
    return OnnxClassifier.NAME;
  }

  /** The variables only; the model, labels and descriptor are read when it is built. */
  @Override
  public void readSettings(Settings settings) {
    OnnxSettings.from(settings);
  }

  @Override
  public Classifier create(Settings settings, AwsClients aws) {
    OnnxSettings config = OnnxSettings.from(settings);
    return create(config, settings, aws);
  }

  /** Builds the classifier from parsed settings; records problems in {@code settings}. */
  public OnnxClassifier create(OnnxSettings config, Settings settings, AwsClients aws) {
    byte[] model = read(config.model(), OnnxSettings.MODEL, settings, aws);
    if (model == null) {
      read(config.labels(), OnnxSettings.LABELS, settings, aws);
      read(config.descriptor(), OnnxSettings.DESCRIPTOR, settings, aws);
      return null;
    }
    ImageDecoder decoder = ImageDecoder.create(config.maxPixels());
    byte[] labelBytes = read(config.labels(), OnnxSettings.LABELS, settings, aws);
    byte[] descriptorBytes = read(config.descriptor(), OnnxSettings.DESCRIPTOR, settings, aws);
    ModelDescriptor descriptor = null;
    if (descriptorBytes != null) {
      try {
        descriptor = ModelDescriptor.parse(descriptorBytes, json);
      } catch (ModelDescriptor.InvalidDescriptorException e) {
        settings.problem(
            OnnxSettings.DESCRIPTOR + " (" + config.descriptor() + ") " + e.getMessage());
      }
    }
    List<String> labels = null;
    if (labelBytes != null) {
      try {
        labels = parseLabels(labelBytes);
      } catch (IllegalArgumentException e) {
        settings.problem(OnnxSettings.LABELS + " (" + config.labels() + ") " + e.getMessage());
      }
    }
    if (descriptor == null || labels == null) {
      return null;
    }
    try {
      // One thread: loading ONNX Runtime on its own thread beside the rest measured no faster
      // (the JVM's class loading dominates; see docs/onnx.md, cold start).
      return OnnxClassifier.create(
          OnnxClassifier.openSession(model, config.threads()),
          descriptor,
          labels,
          decoder,
          config.options(descriptor.inference()));
    } catch (OnnxClassifier.ModelSetupException e) {
      settings.problem(OnnxSettings.MODEL + " (" + config.model() + "): " + e.getMessage());
      return null;
    }
  }

  /** One label per line, in the model's output order; a trailing empty line is allowed. */
  static List<String> parseLabels(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> lines = new ArrayList<>(text.lines().map(String::strip).toList());
    while (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines.removeLast();
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("has no labels");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        throw new IllegalArgumentException("has an empty label on line " + (i + 1));
      }
    }
    return List.copyOf(lines);
  }

  private static byte[] read(
      ResourceLocation location, String variable, Settings settings, AwsClients aws) {
    try {
      return location.read(aws);
    } catch (NoSuchFileException e) {
      settings.problem(variable + ": " + location + " does not exist");
    } catch (IOException e) {
      settings.problem(variable + ": cannot read " + location + " (" + e.getMessage() + ")");
    }
    return null;
  }
}
