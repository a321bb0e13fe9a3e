package io.autotag.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * template.yaml as plain maps and lists, with CloudFormation's short forms turned into their long
 * forms ({@code !Ref X} becomes {@code {Ref: X}}, {@code !If [...]} becomes {@code {Fn::If:
 * [...]}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A, B]}}), as CloudFormation reads them.
 */
final class CfnTemplate {

  static final Path PATH = Path.of("../template.yaml");

  private static final List<String> FUNCTIONS =
      List.of(
          "Base64",
          "Cidr",
          "FindInMap",
          "GetAZs",
          "If",
          "ImportValue",
          "Join",
          "Select",
          "Split",
          "Sub",
          "Transform",
          "And",
          "Equals",
          "Not",
          "Or",
          "ToJsonString",
          "Length");

  private final Map<String, Object> root;

  private CfnTemplate(Map<String, Object> root) {
    this.root = root;
  }

  static CfnTemplate load() {
    try {
      return parse(Files.readString(PATH));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + PATH.toAbsolutePath(), e);
    }
  }

  static CfnTemplate parse(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(10 * 1024 * 1024);
    return new CfnTemplate(new Yaml(new CfnConstructor(options)).load(yaml));
  }

  Map<String, Object> root() {
    return root;
  }

  Map<String, Object> resources() {
    return map(root.get("Resources"));
  }

  Map<String, Object> parameters() {
    return map(root.get("Parameters"));
  }

  Map<String, Object> conditions() {
    return map(root.getOrDefault("Conditions", Map.of()));
  }

  Map<String, Object> resource(String logicalId) {
    Object resource = resources().get(logicalId);
    if (resource == null) {
      throw new AssertionError("template.yaml has no resource " + logicalId);
    }
    return map(resource);
  }

  Map<String, Object> properties(String logicalId) {
    return map(resource(logicalId).getOrDefault("Properties", Map.of()));
  }

  String type(String logicalId) {
    return (String) resource(logicalId).get("Type");
  }

  /** Logical ids of every resource of {@code type}, in template order. */
  List<String> ofType(String type) {
    return resources().entrySet().stream()
        .filter(e -> type.equals(map(e.getValue()).get("Type")))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The value at a dotted path of map keys, e.g. {@code Globals.Function.Environment}. */
  Optional<Object> at(String dottedPath) {
    Object node = root;
    for (String key : dottedPath.split("\\.")) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
        return Optional.empty();
      }
      node = m.get(key);
    }
    return Optional.ofNullable(node);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    if (!(node instanceof Map<?, ?>)) {
      throw new AssertionError("expected a mapping, got " + node);
    }
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node) {
    if (!(node instanceof List<?>)) {
      throw new AssertionError("expected a list, got " + node);
    }
    return (List<Object>) node;
  }

  /** {@code {Ref: name}}. */
  static Map<String, Object> ref(String name) {
    return Map.of("Ref", name);
  }

  /** SnakeYAML's safe constructor plus CloudFormation's short-form tags. */
  private static final class CfnConstructor extends SafeConstructor {
    CfnConstructor(LoaderOptions options) {
      super(options);
      yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
      for (String function : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
      }
    }

    private Object plain(Node node) {
      return switch (node) {
        case ScalarNode scalar -> scalar.getValue();
        case SequenceNode sequence -> constructSequence(sequence);
        case MappingNode mapping -> constructMapping(mapping);
        default -> throw new IllegalArgumentException("unexpected node " + node);
      };
    }

    private final class LongForm extends AbstractConstruct {
      private final String key;

      LongForm(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        Map<String, Object> longForm = new LinkedHashMap<>();
        longForm.put(key, plain(node));
        return longForm;
      }
    }

    private final class GetAtt extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        Object value = plain(node);
        if (value instanceof String s) {
          int dot = s.indexOf('.');
          value = List.of(s.substring(0, dot), s.substring(dot + 1));
        }
        return Map.of("Fn::GetAtt", value);
      }
    }
  }
}
