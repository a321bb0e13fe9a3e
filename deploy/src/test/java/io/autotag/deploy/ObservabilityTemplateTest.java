package io.autotag.deploy;

import static io.autotag.deploy.CfnTemplate.list;
import static io.autotag.deploy.CfnTemplate.map;
import static io.autotag.deploy.CfnTemplate.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * The template's side of the functions' metrics and logs (issue 11): the provider error-rate alarm
 * and the dashboard read metric names and dimensions the code really emits (checked against EMF
 * lines written by {@link Metrics}), in the namespace the functions are given; every function logs
 * JSON with Lambda's level filter never above INFO; the saved Logs Insights queries exist.
 */
class ObservabilityTemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Object> NAMESPACE =
      Map.of("Fn::Sub", "autotag/${AWS::StackName}");
  private static final List<String> FUNCTIONS =
      List.of("TaggerFunction", "ClassifyApiFunction", "ReviewFunction");

  private final CfnTemplate template = CfnTemplate.load();

  /** Every metric the functions can emit, with the dimension sets it is emitted under. */
  private static Map<String, Set<String>> emitted() {
    List<String> lines = new ArrayList<>();
    ISink sink =
        new ISink() {
          @Override
          public void accept(MetricsContext context) {
            try {
              lines.addAll(context.serialize());
            } catch (JsonProcessingException e) {
              throw new AssertionError(e);
            }
          }

          @Override
          public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
          }
        };
    Metrics metrics = Metrics.emf("autotag/test", sink);
    metrics.object("classified", null);
    metrics.object("skipped", "corrupt-image");
    metrics.classify("onnx", 5, false);
    metrics.fallback("roboflow");
    metrics.reviewMessages(1);
    metrics.request("/classify", 200, 5);
    metrics.verdict("labelled");
    metrics.flush();
    Map<String, Set<String>> byMetric = new java.util.HashMap<>();
    for (String line : lines) {
      JsonNode directive = read(line).path("_aws").path("CloudWatchMetrics").path(0);
      for (JsonNode metric : directive.path("Metrics")) {
        Set<String> sets =
            byMetric.computeIfAbsent(metric.path("Name").asText(), m -> new TreeSet<>());
        directive.path("Dimensions").forEach(set -> sets.add(set.toString()));
      }
    }
    return byMetric;
  }

  @Test
  void theProviderErrorRateIsProviderErrorsOverCallsInTheStacksNamespace() {
    Map<String, Object> alarm = template.properties("ProviderErrorRateAlarm");
    String metrics = alarm.get("Metrics").toString();
    assertThat(metrics).contains("100 * errors / calls");
    assertThat(alarm.get("Threshold")).isEqualTo(ref("ProviderErrorRatePercent"));
    Map<String, Set<String>> emitted = emitted();
    for (Object query : list(alarm.get("Metrics"))) {
      Object stat = map(query).get("MetricStat");
      if (stat == null) {
        continue;
      }
      Map<String, Object> metric = map(map(stat).get("Metric"));
      assertThat(metric.get("Namespace")).isEqualTo(NAMESPACE);
      String name = (String) metric.get("MetricName");
      assertThat(emitted).containsKey(name);
      // No Dimensions in the alarm: the code must emit the metric under the empty dimension set.
      assertThat(metric).doesNotContainKey("Dimensions");
      assertThat(emitted.get(name)).as(name).contains("[]");
    }
    assertThat(metrics).contains("ClassifyErrors", "ClassifyCalls");
  }

  @Test
  void theFunctionsAreGivenTheNamespaceTheAlarmsAndDashboardRead() {
    Map<String, Object> variables =
        map(template.at("Globals.Function.Environment.Variables").orElseThrow());
    assertThat(variables.get(Metrics.NAMESPACE_VARIABLE)).isEqualTo(NAMESPACE);
    Object dashboard = template.properties("Dashboard").get("DashboardBody");
    assertThat(map(list(map(dashboard).get("Fn::Sub")).get(1)).get("Namespace"))
        .isEqualTo(NAMESPACE);
  }

  @Test
  void theDashboardIsValidJsonAndReadsMetricsTheCodeEmits() {
    String body =
        (String)
            list(map(template.properties("Dashboard").get("DashboardBody")).get("Fn::Sub")).get(0);
    JsonNode dashboard = read(body.replaceAll("\\$\\{[^}]+}", "x"));
    assertThat(dashboard.path("widgets").size()).isGreaterThanOrEqualTo(12);

    Map<String, Set<String>> emitted = emitted();
    List<String> named = new ArrayList<>();
    Matcher search =
        Pattern.compile("\\{\\$\\{Namespace},([A-Za-z,]+)} MetricName=\\\\\"(\\w+)\\\\\"")
            .matcher(body);
    while (search.find()) {
      String metric = search.group(2);
      named.add(metric);
      assertThat(emitted).containsKey(metric);
      String dimensions = "[\"" + search.group(1).replace(",", "\",\"") + "\"]";
      assertThat(emitted.get(metric)).as("%s by %s", metric, dimensions).contains(dimensions);
    }
    Matcher plain = Pattern.compile("\\[\"\\$\\{Namespace}\", \"(\\w+)\"").matcher(body);
    while (plain.find()) {
      named.add(plain.group(1));
      assertThat(emitted).containsKey(plain.group(1));
    }
    assertThat(named)
        .contains(
            "Objects",
            "ClassifyLatency",
            "ClassifyCalls",
            "ClassifyErrors",
            "Fallbacks",
            "Requests",
            "ReviewMessages",
            "Verdicts");
  }

  @Test
  void everyFunctionLogsJsonAndLambdaNeverDropsInfoLines() {
    for (String function : FUNCTIONS) {
      Map<String, Object> logging = map(template.properties(function).get("LoggingConfig"));
      assertThat(logging.get("LogFormat")).as(function).isEqualTo("JSON");
      assertThat(logging.get("SystemLogLevel")).as(function).isIn("INFO", "DEBUG");
      // !If [LogsDebug, DEBUG, INFO]: never WARN or ERROR, which would drop the EMF lines.
      List<Object> level = list(map(logging.get("ApplicationLogLevel")).get("Fn::If"));
      assertThat(level).containsExactly("LogsDebug", "DEBUG", "INFO");
      assertThat(logging.get("LogGroup")).as(function).isInstanceOf(Map.class);
    }
    assertThat(template.at("Globals.Function.Environment.Variables.AUTOTAG_LOG_LEVEL"))
        .contains(ref("LogLevel"));
    assertThat(list(map(template.parameters().get("LogLevel")).get("AllowedValues")))
        .containsExactly("DEBUG", "INFO", "WARN", "ERROR");
  }

  @Test
  void theFourInsightsQueriesAreSavedOnTheFunctionsLogGroups() {
    List<String> queries = template.ofType("AWS::Logs::QueryDefinition");
    assertThat(queries)
        .contains(
            "FailuresByReasonQuery",
            "SlowestClassificationsQuery",
            "ObjectHistoryQuery",
            "ApiErrorsQuery");
    for (String query : queries) {
      Map<String, Object> properties = template.properties(query);
      for (Object group : list(properties.get("LogGroupNames"))) {
        String logicalId = (String) map(group).get("Ref");
        assertThat(template.type(logicalId)).isEqualTo("AWS::Logs::LogGroup");
      }
      assertThat((String) properties.get("QueryString")).contains("filter ");
    }
    assertThat((String) template.properties("FailuresByReasonQuery").get("QueryString"))
        .contains("outcome", "reason", "stats count(*)");
    assertThat((String) template.properties("SlowestClassificationsQuery").get("QueryString"))
        .contains("\"classification\"", "sort ms desc");
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
