package io.autotag.deploy;

import static io.autotag.deploy.CfnTemplate.list;
import static io.autotag.deploy.CfnTemplate.map;
import static io.autotag.deploy.CfnTemplate.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The items of the template's security review (issue 15), each kept by a test that fails when it
 * comes back.
 */
class TemplateSecurityTest {

  private final CfnTemplate template = CfnTemplate.load();

  /** A policy statement of a function's role, and the condition it is under ({@code Fn::If}). */
  record Statement(String condition, Map<String, Object> body) {
    List<String> actions() {
      Object action = body.get("Action");
      return action instanceof List<?> l
          ? l.stream().map(String::valueOf).toList()
          : List.of(String.valueOf(action));
    }

    String resources() {
      return String.valueOf(body.get("Resource"));
    }
  }

  List<Statement> statements(String function) {
    List<Statement> statements = new ArrayList<>();
    for (Object policy : list(template.properties(function).get("Policies"))) {
      Map<String, Object> p = map(policy);
      if (!p.containsKey("Statement")) {
        continue; // a SAM policy template (SQSPollerPolicy) or a conditional one
      }
      for (Object statement : list(p.get("Statement"))) {
        Map<String, Object> s = map(statement);
        if (s.containsKey("Fn::If")) {
          List<Object> branches = list(s.get("Fn::If"));
          statements.add(new Statement((String) branches.get(0), map(branches.get(1))));
          assertThat(branches.get(2)).isEqualTo(ref("AWS::NoValue"));
        } else {
          statements.add(new Statement(null, s));
        }
      }
    }
    return statements;
  }

  private Pattern allowedPattern(String parameter) {
    return Pattern.compile(
        (String) map(template.parameters().get(parameter)).get("AllowedPattern"));
  }

  // ---- The bucket ----

  @Test
  void bucketRefusesRequestsWithoutTls() {
    // Every bucket of the stack (uploads, backfill jobs, review feedback) has one policy.
    List<String> policies = template.ofType("AWS::S3::BucketPolicy");
    assertThat(policies.stream().map(p -> template.properties(p).get("Bucket")).toList())
        .containsExactlyInAnyOrderElementsOf(
            template.ofType("AWS::S3::Bucket").stream().map(CfnTemplate::ref).toList());
    assertThat(policies.stream().map(p -> template.properties(p).get("Bucket")))
        .contains(ref("UploadBucket"));
    for (String policy : policies) {
      Map<String, Object> properties = template.properties(policy);
      Map<String, Object> deny =
          list(map(properties.get("PolicyDocument")).get("Statement")).stream()
              .map(CfnTemplate::map)
              .filter(s -> "Deny".equals(s.get("Effect")))
              .findFirst()
              .orElseThrow();
      assertThat(deny.get("Principal")).isEqualTo("*");
      assertThat(deny.get("Action")).isEqualTo("s3:*");
      assertThat(list(deny.get("Resource"))).hasSize(2); // the bucket and its objects
      assertThat(deny.get("Condition"))
          .isEqualTo(Map.of("Bool", Map.of("aws:SecureTransport", "false")));
    }
  }

  @Test
  void lifecycleAbortsIncompleteUploadsAndRemovesExpiredDeleteMarkers() {
    List<Map<String, Object>> rules =
        list(map(template.properties("UploadBucket").get("LifecycleConfiguration")).get("Rules"))
            .stream()
            .map(CfnTemplate::map)
            .filter(r -> "Enabled".equals(r.get("Status")))
            .toList();
    assertThat(rules).anyMatch(r -> Boolean.TRUE.equals(r.get("ExpiredObjectDeleteMarker")));
    assertThat(rules).anyMatch(r -> r.containsKey("NoncurrentVersionExpiration"));
    assertThat(rules)
        .anyMatch(
            r ->
                r.get("AbortIncompleteMultipartUpload") instanceof Map<?, ?> abort
                    && abort.get("DaysAfterInitiation") != null);
  }

  @Test
  void templateAndReadmeSayWhatIsLeftOffTheBucketAndWhy() throws Exception {
    String text = Files.readString(CfnTemplate.PATH);
    String readme = Files.readString(Path.of("../README.md"));
    for (String choice : List.of("server access logs", "KMS key", "DeletionPolicy: Retain")) {
      assertThat(text).as("template.yaml").containsIgnoringCase(choice);
      assertThat(readme).as("README.md").containsIgnoringCase(choice);
    }
  }

  @Test
  void notificationsFollowUploadPrefixAndSuffixAndDefaultToEverything() {
    for (String parameter : List.of("UploadPrefix", "UploadSuffix")) {
      assertThat(map(template.parameters().get(parameter))).containsEntry("Default", "");
    }
    List<Object> modes =
        list(
            map(template.properties("UploadBucket").get("NotificationConfiguration"))
                .get("Fn::If"));
    for (Object mode : modes.subList(1, 3)) {
      for (Object configurations : map(mode).values()) {
        for (Object configuration : list(configurations)) {
          List<Object> filter = list(map(map(configuration).get("Filter")).get("Fn::If"));
          assertThat(filter.get(0)).isEqualTo("HasUploadFilter");
          String rules = filter.get(1).toString();
          assertThat(rules).contains("prefix", "UploadPrefix", "suffix", "UploadSuffix");
          assertThat(filter.get(2)).isEqualTo(ref("AWS::NoValue"));
        }
      }
    }
  }

  // ---- Functions and the API ----

  @Test
  void everyFunctionHasReservedConcurrencyByDefault() {
    for (String function : template.ofType("AWS::Serverless::Function")) {
      List<Object> reserved =
          list(
              map(template.properties(function).get("ReservedConcurrentExecutions")).get("Fn::If"));
      String parameter = (String) map(reserved.get(1)).get("Ref");
      assertThat((Integer) map(template.parameters().get(parameter)).get("Default"))
          .as(parameter)
          .isPositive();
    }
  }

  @Test
  void theDeployedApiIsAlwaysAuthenticated() {
    Map<String, Object> apiAuth = map(template.parameters().get("ApiAuth"));
    assertThat(list(apiAuth.get("AllowedValues"))).containsExactlyInAnyOrder("api-key", "iam");
    assertThat(apiAuth.get("Default")).isEqualTo("api-key");
  }

  @Test
  void apiStageLogsEveryRequestWithTheRequestIdTheFunctionLogs() {
    Map<String, Object> settings = map(template.properties("HttpApi").get("AccessLogSettings"));
    Map<String, Object> destination = map(settings.get("DestinationArn"));
    String logGroup = (String) list(destination.get("Fn::GetAtt")).get(0);
    assertThat(template.type(logGroup)).isEqualTo("AWS::Logs::LogGroup");
    String format = (String) settings.get("Format");
    // The function logs API Gateway's request id (requestContext.requestId) as requestId.
    assertThat(format).contains("\"requestId\":\"$context.requestId\"", "$context.status");
    // Never the query string: the Roboflow routes may carry ?api_key=.
    assertThat(format).doesNotContainIgnoringCase("querystring").doesNotContain("rawQuery");
  }

  @Test
  void everyLogGroupExpiresAndEveryFunctionLogsToOne() {
    List<String> groups = template.ofType("AWS::Logs::LogGroup");
    assertThat(groups).isNotEmpty();
    for (String group : groups) {
      assertThat(template.properties(group).get("RetentionInDays"))
          .as(group)
          .isEqualTo(ref("LogRetentionDays"));
    }
    for (String function : template.ofType("AWS::Serverless::Function")) {
      Object logGroup = map(template.properties(function).get("LoggingConfig")).get("LogGroup");
      assertThat(groups).contains((String) map(logGroup).get("Ref"));
    }
  }

  @Test
  void apiMayReadS3OnlyWhenS3InputIsOn() {
    List<Statement> s3 =
        statements("ClassifyApiFunction").stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("s3:")))
            .toList();
    assertThat(s3).isNotEmpty().allMatch(s -> "ApiReadsS3".equals(s.condition()));
    assertThat(template.conditions().get("ApiReadsS3"))
        .isEqualTo(
            Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("ApiS3Buckets"), "")))));
  }

  // ---- Secrets and keys ----

  @Test
  void providerSecretTakesOnlyReferences() {
    Map<String, Object> parameter = map(template.parameters().get("ProviderSecret"));
    assertThat(parameter.get("NoEcho")).isEqualTo(true);
    Pattern allowed = allowedPattern("ProviderSecret");
    for (String ok :
        List.of(
            "",
            "ssm:/autotag/providers/roboflow-key",
            "secretsmanager:autotag/providers/einstein-key")) {
      assertThat(allowed.matcher(ok).matches()).as(ok).isTrue();
    }
    for (String literal :
        List.of("rf_0123456789abcdef", "-----BEGIN PRIVATE KEY-----", "ssm:", "ssm:/a b")) {
      assertThat(allowed.matcher(literal).matches()).as(literal).isFalse();
    }
  }

  @Test
  void aCustomerManagedKmsKeyIsUsableThroughSsmAndSecretsManagerOnly() {
    for (String function : template.ofType("AWS::Serverless::Function")) {
      List<Statement> kms =
          statements(function).stream().filter(s -> s.actions().contains("kms:Decrypt")).toList();
      assertThat(kms).as(function).hasSize(1);
      assertThat(kms.get(0).condition()).isEqualTo("HasSecretsKmsKey");
      assertThat(kms.get(0).body().get("Resource")).isEqualTo(ref("SecretsKmsKeyArn"));
      String viaService = kms.get(0).body().get("Condition").toString();
      assertThat(viaService)
          .contains("kms:ViaService", "ssm.${AWS::Region}", "secretsmanager.${AWS::Region}");
    }
  }

  @Test
  void theTaggerReadsProviderSecretsOnlyAndTheApiAlsoItsKeys() {
    List<Statement> tagger = secretReads("TaggerFunction");
    assertThat(tagger).isNotEmpty();
    assertThat(tagger).allMatch(s -> s.resources().contains("}/providers/*"));
    assertThat(tagger).noneMatch(s -> s.resources().contains("/api/"));
    String api = secretReads("ClassifyApiFunction").toString();
    assertThat(api).contains("parameter/${SecretsPrefix}/api/*", "secret:${SecretsPrefix}/api/*");
    assertThat(api).doesNotContain("${SecretsPrefix}/*");
    // The key hashes' default reference is where only the API may read.
    assertThat((String) map(template.parameters().get("ApiKeyHashes")).get("Default"))
        .startsWith("ssm:/autotag/api/");
  }

  private List<Statement> secretReads(String function) {
    return statements(function).stream()
        .filter(
            s ->
                s.actions().stream()
                    .anyMatch(a -> a.startsWith("ssm:") || a.startsWith("secretsmanager:")))
        .toList();
  }

  @Test
  void plainHttpProviderUrlsNeedTheDocumentedPrivateNetworkOptIn() {
    Pattern base = allowedPattern("ProviderBaseUrl");
    assertThat(base.matcher("https://serverless.roboflow.com").matches()).isTrue();
    assertThat(base.matcher("").matches()).isTrue();
    assertThat(base.matcher("http://10.0.0.5:9001").matches()).isFalse();
    Pattern optIn = allowedPattern("ProviderPrivateNetworkUrl");
    assertThat(optIn.matcher("http://10.0.0.5:9001").matches()).isTrue();
    assertThat(
            (String) map(template.parameters().get("ProviderPrivateNetworkUrl")).get("Description"))
        .contains("private network", "unencrypted");
    // Not both at once: a rule refuses the deployment.
    assertThat(template.root().get("Rules").toString())
        .contains("ProviderBaseUrl", "ProviderPrivateNetworkUrl", "Fn::Or");
  }

  // ---- Queues ----

  @Test
  void deadLetterQueuesKeepMessagesLongerThanTheirSources() {
    for (String queue : template.ofType("AWS::SQS::Queue")) {
      Object redrive = template.properties(queue).get("RedrivePolicy");
      if (redrive == null) {
        continue;
      }
      String dlq =
          (String) list(map(map(redrive).get("deadLetterTargetArn")).get("Fn::GetAtt")).get(0);
      int source = (Integer) template.properties(queue).get("MessageRetentionPeriod");
      int dead = (Integer) template.properties(dlq).get("MessageRetentionPeriod");
      assertThat(source).as(queue + " vs " + dlq).isLessThan(dead);
    }
  }

  @Test
  void everyDeadLetterQueueAcceptsRedrivesFromItsOwnSourceOnly() {
    List<String> targets = new ArrayList<>();
    for (String queue : template.ofType("AWS::SQS::Queue")) {
      Object redrive = template.properties(queue).get("RedrivePolicy");
      if (redrive == null) {
        continue;
      }
      String dlq =
          (String) list(map(map(redrive).get("deadLetterTargetArn")).get("Fn::GetAtt")).get(0);
      targets.add(dlq);
      Map<String, Object> allow = map(template.properties(dlq).get("RedriveAllowPolicy"));
      assertThat(allow.get("redrivePermission")).as(dlq).isEqualTo("byQueue");
      List<Object> sources = list(allow.get("sourceQueueArns"));
      assertThat(sources).as(dlq).hasSize(1);
      // The source's name (unique per stack), as its ARN spells it.
      String name =
          (String) list(map(template.properties(queue).get("QueueName")).get("Fn::Sub")).get(0);
      String arn = (String) list(map(sources.get(0)).get("Fn::Sub")).get(0);
      assertThat(arn).as(dlq).endsWith(":" + name);
    }
    assertThat(targets).isNotEmpty();
    // The direct-mode dead-letter queue is a Lambda destination: nothing may redrive into it.
    assertThat(map(template.properties("TaggerDeadLetterQueue").get("RedriveAllowPolicy")))
        .containsEntry("redrivePermission", "denyAll");
  }

  @Test
  void everyQueueDeclaresEncryptionThatS3CanDeliverTo() {
    for (String queue : template.ofType("AWS::SQS::Queue")) {
      Map<String, Object> properties = template.properties(queue);
      // SSE-SQS: S3 cannot deliver to a queue on the AWS-managed aws/sqs KMS key.
      assertThat(properties).as(queue).containsEntry("SqsManagedSseEnabled", true);
      assertThat(properties).as(queue).doesNotContainKey("KmsMasterKeyId");
    }
  }

  // ---- Human review ----

  @Test
  void theReviewQueueIsFifoSoTwoCopiesOfAnObjectNeverReachTwoReviewers() {
    for (String queue : List.of("ReviewQueue", "ReviewDeadLetterQueue")) {
      assertThat(template.properties(queue)).as(queue).containsEntry("FifoQueue", true);
      String name =
          (String) list(map(template.properties(queue).get("QueueName")).get("Fn::Sub")).get(0);
      assertThat(name).as(queue).endsWith(".fifo");
    }
  }

  @Test
  void theReviewFunctionTouchesOnlyTheReviewQueueTheTagsAndItsFeedbackPrefix() {
    List<Statement> statements = statements("ReviewFunction");
    for (Statement statement : statements) {
      for (String action : statement.actions()) {
        if (action.startsWith("sqs:")) {
          assertThat(action)
              .isIn(
                  "sqs:ReceiveMessage",
                  "sqs:ChangeMessageVisibility",
                  "sqs:DeleteMessage",
                  "sqs:GetQueueAttributes");
          assertThat(statement.body().get("Resource"))
              .isEqualTo(Map.of("Fn::GetAtt", List.of("ReviewQueue", "Arn")));
        }
        if (action.equals("s3:PutObject")) {
          // Feedback only: never an upload, which would invoke the tagger.
          assertThat(statement.resources()).contains("${FeedbackBucket.Arn}/${FeedbackPrefix}*");
        }
        if (action.startsWith("ssm:") || action.startsWith("secretsmanager:")) {
          assertThat(statement.resources()).doesNotContain("/providers/", "/api/");
        }
      }
    }
    assertThat(statements)
        .flatExtracting(Statement::actions)
        .contains("s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:PutObject")
        .doesNotContain("s3:DeleteObject", "sqs:SendMessage", "s3:*", "sqs:*");
    // The reviewer keys' default reference is where only the review function may read.
    assertThat((String) map(template.parameters().get("ReviewerKeyHashes")).get("Default"))
        .startsWith("ssm:/autotag/review/");
  }
}
