package io.autotag.deploy;

import static io.autotag.deploy.CfnTemplate.list;
import static io.autotag.deploy.CfnTemplate.map;
import static io.autotag.deploy.CfnTemplate.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alarms, the dashboard and the tracing switch of issue 11, kept in template.yaml. */
class AlarmsTemplateTest {

  private final CfnTemplate template = CfnTemplate.load();

  private List<Map<String, Object>> alarms() {
    return template.ofType("AWS::CloudWatch::Alarm").stream().map(template::properties).toList();
  }

  private static boolean watches(Map<String, Object> alarm, String namespace, String metric) {
    return namespace.equals(alarm.get("Namespace")) && metric.equals(alarm.get("MetricName"));
  }

  private static Object dimension(Map<String, Object> alarm, String name) {
    return list(alarm.get("Dimensions")).stream()
        .map(CfnTemplate::map)
        .filter(d -> name.equals(d.get("Name")))
        .map(d -> d.get("Value"))
        .findFirst()
        .orElse(null);
  }

  @Test
  void anyMessageInAnyDeadLetterQueueRaisesAnAlarm() {
    for (String dlq :
        List.of("TaggerDeadLetterQueue", "BufferDeadLetterQueue", "ReviewDeadLetterQueue")) {
      assertThat(alarms())
          .as(dlq)
          .anyMatch(
              a ->
                  watches(a, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
                      && Map.of("Fn::GetAtt", List.of(dlq, "QueueName"))
                          .equals(dimension(a, "QueueName"))
                      && Integer.valueOf(1).equals(a.get("Threshold"))
                      && "GreaterThanOrEqualToThreshold".equals(a.get("ComparisonOperator")));
    }
  }

  @Test
  void taggerErrorsAndAnOldReviewQueueRaiseAlarms() {
    assertThat(alarms())
        .anyMatch(
            a ->
                watches(a, "AWS/Lambda", "Errors")
                    && ref("TaggerFunction").equals(dimension(a, "FunctionName")));
    assertThat(alarms())
        .anyMatch(
            a ->
                watches(a, "AWS/SQS", "ApproximateAgeOfOldestMessage")
                    && Map.of("Fn::GetAtt", List.of("ReviewQueue", "QueueName"))
                        .equals(dimension(a, "QueueName"))
                    && ref("ReviewQueueMaxAgeSeconds").equals(a.get("Threshold")));
  }

  @Test
  void theApi5xxRateIsAPercentageOfTheApisRequests() {
    Map<String, Object> alarm =
        alarms().stream()
            .filter(a -> a.containsKey("Metrics") && a.toString().contains("AWS/ApiGateway"))
            .findFirst()
            .orElseThrow();
    String metrics = alarm.get("Metrics").toString();
    assertThat(metrics)
        .contains("AWS/ApiGateway", "MetricName=5xx", "MetricName=Count", "{Ref=HttpApi}");
    assertThat(metrics).contains("100 * errors / requests");
    assertThat(alarm.get("Threshold")).isEqualTo(ref("ApiErrorRatePercent"));
  }

  @Test
  void everyAlarmNotifiesTheOptionalTopics() {
    assertThat(template.ofType("AWS::CloudWatch::Alarm")).hasSizeGreaterThanOrEqualTo(6);
    for (Map<String, Object> alarm : alarms()) {
      String actions = alarm.get("AlarmActions").toString();
      assertThat(actions).contains("HasAlarmEmail", "AlarmTopic", "HasAlarmTopicArn");
    }
    assertThat(template.resource("AlarmTopic").get("Condition")).isEqualTo("HasAlarmEmail");
    assertThat(template.properties("AlarmTopic")).containsKey("KmsMasterKeyId");
  }

  @Test
  void theDashboardShowsTheFunctionsQueuesAndApi() {
    String body = template.properties("Dashboard").get("DashboardBody").toString();
    assertThat(body)
        .contains("${TaggerFunction}", "${ClassifyApiFunction}", "${HttpApi}")
        .contains("${Review}", "${Buffer}", "${TaggerDlq}", "${BufferDlq}", "${ReviewDlq}");
  }

  @Test
  void tracingIsAParameterSamResolves() {
    assertThat(template.at("Globals.Function.Tracing")).contains(ref("Tracing"));
    assertThat(list(map(template.parameters().get("Tracing")).get("AllowedValues")))
        .containsExactlyInAnyOrder("Active", "PassThrough");
  }
}
