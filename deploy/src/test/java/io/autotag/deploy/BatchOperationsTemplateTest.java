package io.autotag.deploy;

import static io.autotag.deploy.CfnTemplate.list;
import static io.autotag.deploy.CfnTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The pieces S3 Batch Operations backfill jobs need, least privilege: a role only the Batch
 * Operations service may assume, allowed to invoke the tagger's alias, read the manifests autotag
 * uploads and write the reports (in a bucket of their own, never the watched one), and the outputs
 * {@code autotag backfill --engine batch-operations} is given.
 */
class BatchOperationsTemplateTest {

  private final CfnTemplate template = CfnTemplate.load();

  /** The role's permission statements, with the optional inventory statement's "then" branch. */
  private List<Map<String, Object>> statements() {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : list(template.properties("BatchOperationsRole").get("Policies"))) {
      for (Object statement : list(map(map(policy).get("PolicyDocument")).get("Statement"))) {
        Map<String, Object> s = map(statement);
        if (s.containsKey("Fn::If")) {
          List<Object> branches = list(s.get("Fn::If"));
          assertThat(branches.get(0)).isEqualTo("HasInventoryBucket");
          assertThat(branches.get(2)).isEqualTo(CfnTemplate.ref("AWS::NoValue"));
          s = map(branches.get(1));
        }
        statements.add(s);
      }
    }
    return statements;
  }

  private static List<Object> values(Object actionOrResource) {
    return actionOrResource instanceof List<?> l ? List.copyOf(l) : List.of(actionOrResource);
  }

  @Test
  void onlyTheBatchOperationsServiceMayAssumeTheRole() {
    Map<String, Object> trust =
        map(template.properties("BatchOperationsRole").get("AssumeRolePolicyDocument"));
    List<Object> statements = list(trust.get("Statement"));
    assertThat(statements).hasSize(1);
    Map<String, Object> statement = map(statements.getFirst());
    assertThat(statement)
        .containsEntry("Effect", "Allow")
        .containsEntry("Action", "sts:AssumeRole");
    assertThat(map(statement.get("Principal")))
        .isEqualTo(Map.of("Service", "batchoperations.s3.amazonaws.com"));
  }

  @Test
  void theRoleMayInvokeTheTaggerAliasReadManifestsAndWriteReportsAndNothingElse() {
    Set<String> actions = new TreeSet<>();
    for (Map<String, Object> statement : statements()) {
      assertThat(statement).containsEntry("Effect", "Allow");
      values(statement.get("Action")).forEach(a -> actions.add((String) a));
      assertThat(values(statement.get("Action"))).noneMatch(a -> ((String) a).contains("*"));
      assertThat(values(statement.get("Resource"))).doesNotContain("*");
      String sid = (String) statement.get("Sid");
      switch (sid) {
        case "InvokeTheTaggerAlias" ->
            assertThat(statement.get("Resource"))
                .isEqualTo(CfnTemplate.ref("TaggerFunction.Alias"));
        case "ReadManifests" ->
            assertThat(statement.get("Resource"))
                .isEqualTo(
                    Map.of("Fn::Sub", "${BackfillJobBucket.Arn}/autotag-backfill/manifests/*"));
        case "WriteReports" -> {
          assertThat(statement.get("Action")).isEqualTo("s3:PutObject");
          assertThat(statement.get("Resource"))
              .isEqualTo(Map.of("Fn::Sub", "${BackfillJobBucket.Arn}/autotag-backfill/reports/*"));
        }
        case "LocateTheJobBucket" ->
            assertThat(statement.get("Resource"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("BackfillJobBucket", "Arn")));
        case "ReadInventoryReports" ->
            assertThat(statement.get("Resource").toString())
                .contains("${BackfillInventoryBucketName}/*");
        default -> throw new AssertionError("unexpected statement " + sid);
      }
    }
    assertThat(actions)
        .containsExactly(
            "lambda:InvokeFunction",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:PutObject");
  }

  @Test
  void manifestsAndReportsHaveAPrivateExpiringBucketOfTheirOwn() {
    Map<String, Object> bucket = template.properties("BackfillJobBucket");
    assertThat(map(bucket.get("PublicAccessBlockConfiguration")).values()).containsOnly(true);
    Map<String, Object> rule =
        map(list(map(bucket.get("LifecycleConfiguration")).get("Rules")).getFirst());
    assertThat(rule.get("ExpirationInDays")).isEqualTo(CfnTemplate.ref("BackfillJobRetentionDays"));
    Map<String, Object> deny =
        map(
            list(map(template.properties("BackfillJobBucketPolicy").get("PolicyDocument"))
                    .get("Statement"))
                .getFirst());
    assertThat(deny).containsEntry("Effect", "Deny");
    assertThat(deny.get("Condition").toString()).contains("aws:SecureTransport");
    // The job bucket is not the watched bucket: uploading a manifest must not invoke the tagger.
    assertThat(bucket).doesNotContainKey("NotificationConfiguration");
  }

  @Test
  void aJobsPaceIsCappedByTheTaggersReservedConcurrencyParameter() {
    // Jobs invoke the alias of this function: its reserved concurrency bounds how many run at once.
    assertThat(template.properties("TaggerFunction").get("ReservedConcurrentExecutions"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of(
                    "ReservesTaggerConcurrency",
                    CfnTemplate.ref("TaggerReservedConcurrency"),
                    CfnTemplate.ref("AWS::NoValue"))));
  }

  @Test
  void theStackOutputsWhatTheBackfillCommandIsGiven() {
    Map<String, Object> outputs = map(template.root().get("Outputs"));
    assertThat(map(outputs.get("TaggerFunctionArn")).get("Value"))
        .isEqualTo(CfnTemplate.ref("TaggerFunction.Alias"));
    assertThat(map(outputs.get("BatchOperationsRoleArn")).get("Value"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("BatchOperationsRole", "Arn")));
    assertThat(map(outputs.get("BackfillJobBucketName")).get("Value"))
        .isEqualTo(CfnTemplate.ref("BackfillJobBucket"));
  }
}
