package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.local.HeadlessChromium;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The reviewer page in a real browser (Debian's headless Chromium) against {@code serve}'s stack
 * with the embedded model: uploads go through the local stack to the review queue, the item appears
 * in the page, a verdict given with the keyboard alone becomes the object's tags, the message goes
 * and the feedback object is written; two browser sessions never see the same item.
 */
class ReviewPageIT {

  static final Duration WAIT = Duration.ofSeconds(45);
  static final String CAT_KEY = "tour/cat.jpg";
  static final String OTHER_KEY = "tour/pink.jpg";
  static ServeStack stack;
  static AwsClients clients;

  final List<WebDriver> browsers = new ArrayList<>();

  @BeforeAll
  static void start() {
    Browser.require();
    stack =
        ServeStack.start(
            ServeStack.Options.defaults().withPorts(ServeStack.Ports.ephemeral()),
            // The embedded model, unsure of everything at this threshold.
            Map.of("AUTOTAG_REVIEW_THRESHOLD", "0.99", "AUTOTAG_REVIEW_UNDO_SECONDS", "1"),
            ProviderRegistry.builtIn());
    clients = LocalAws.clients(stack.s3Endpoint(), stack.sqsEndpoint());
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(WebDriver::quit);
  }

  @Test
  void keyboardOnlyVerdictsBecomeTheObjectsTags(@TempDir Path profile) throws Exception {
    upload(CAT_KEY, Files.readAllBytes(Path.of("../events/sample.jpg")));
    upload(OTHER_KEY, TestImages.jpeg(Color.PINK));
    awaitQueued(CAT_KEY, OTHER_KEY);
    WebDriver page = open(profile);

    String first = shownKey(page);
    judge(page, first);
    String second = awaitNextKey(page, first);
    judge(page, second);

    Map<String, String> cat = awaitReviewed(CAT_KEY);
    assertThat(cat)
        .containsEntry("autotag:label", catSuggestion)
        .containsEntry("autotag:reviewer", ServeStack.LOCAL_REVIEWER)
        .containsEntry("autotag:etag", cat.get("autotag:etag"));
    assertThat(awaitReviewed(OTHER_KEY)).containsEntry("autotag:label", "couch");
    await(() -> queued() == 0, "the review messages are deleted");
    await(() -> feedbackObjects() >= 2, "a feedback object per verdict");
    await(() -> text(page, "stat-mine").equals("2"), "the page counts the reviewer's verdicts");
  }

  String catSuggestion;

  /**
   * The cat: 1 picks the model's first suggestion, Enter saves. The other photo: typing finds a
   * label of the model's vocabulary, Enter adds it, Enter saves.
   */
  void judge(WebDriver page, String key) throws Exception {
    if (key.equals(CAT_KEY)) {
      catSuggestion = page.findElement(By.cssSelector(".suggestion .name")).getText().trim();
      keys(page, "1");
      await(() -> text(page, "chosen").contains(catSuggestion), "the suggestion is chosen");
      screenshot(page, "review-page.png");
      keys(page, Keys.ENTER);
    } else {
      keys(page, "cou");
      await(() -> text(page, "finder-options").contains("couch"), "typing offers couch");
      keys(page, Keys.ENTER);
      await(() -> text(page, "chosen").contains("couch"), "the typed label is chosen");
      keys(page, Keys.ENTER);
    }
  }

  @Test
  void twoBrowserSessionsNeverSeeTheSameItem(@TempDir Path one, @TempDir Path two)
      throws Exception {
    List<String> keys = List.of("pair/a.jpg", "pair/b.jpg", "pair/c.jpg", "pair/d.jpg");
    Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
    for (int i = 0; i < keys.size(); i++) {
      upload(keys.get(i), TestImages.jpeg(colors[i]));
    }
    awaitQueued(keys.toArray(String[]::new));

    WebDriver a = open(one);
    String aFirst = shownKey(a);
    WebDriver b = open(two);
    String bFirst = shownKey(b);
    assertThat(bFirst).isNotEqualTo(aFirst);

    // "None of these" (0) in both: each shows the photo it had preloaded.
    keys(a, "0");
    keys(b, "0");
    String aSecond = awaitNextKey(a, aFirst);
    String bSecond = awaitNextKey(b, bFirst);

    assertThat(List.of(aFirst, aSecond, bFirst, bSecond)).doesNotHaveDuplicates();
    assertThat(List.of(aFirst, aSecond, bFirst, bSecond)).containsExactlyInAnyOrderElementsOf(keys);

    keys(a, "0");
    keys(b, "0");
    for (String key : keys) {
      assertThat(awaitReviewed(key)).doesNotContainKey("autotag:label");
    }
    await(() -> queued() == 0, "every message is deleted");
    await(() -> a.findElement(By.id("empty")).isDisplayed(), "the page says the queue is empty");
  }

  // ---- the page --------------------------------------------------------------------------------

  WebDriver open(Path profile) {
    ChromeDriver driver = HeadlessChromium.start(profile);
    browsers.add(driver);
    driver.get(stack.reviewUri().toString());
    // Keyboard only: the page puts the focus in the key field.
    await(() -> driver.findElement(By.id("key")).isDisplayed(), "the sign-in form");
    driver.switchTo().activeElement().sendKeys(stack.reviewerKey().orElseThrow(), Keys.ENTER);
    return driver;
  }

  static String shownKey(WebDriver page) {
    await(
        () ->
            page.findElement(By.id("workspace")).isDisplayed() && !text(page, "caption").isEmpty(),
        "a photo on the page");
    await(
        () ->
            Boolean.TRUE.equals(
                ((ChromeDriver) page)
                    .executeScript(
                        "const i = document.getElementById('photo');"
                            + " return i.complete && i.naturalWidth > 0;")),
        "the photo loaded");
    return text(page, "caption");
  }

  static String awaitNextKey(WebDriver page, String previous) {
    await(() -> !text(page, "caption").equals(previous), "the next photo");
    return shownKey(page);
  }

  static void keys(WebDriver page, CharSequence... keys) {
    new Actions(page).sendKeys(keys).perform();
  }

  static String text(WebDriver page, String id) {
    return page.findElement(By.id(id)).getText().trim();
  }

  static void screenshot(WebDriver page, String name) throws Exception {
    Path target = Path.of("target", name);
    Files.write(target, ((ChromeDriver) page).getScreenshotAs(OutputType.BYTES));
  }

  // ---- the stack -------------------------------------------------------------------------------

  static void upload(String key, byte[] body) {
    clients.s3().putObject(b -> b.bucket(stack.bucket()).key(key), RequestBody.fromBytes(body));
  }

  static void awaitQueued(String... keys) {
    for (String key : keys) {
      await(() -> "review".equals(tags(key).get("autotag:status")), key + " is queued for review");
    }
  }

  static Map<String, String> awaitReviewed(String key) {
    await(() -> "reviewed".equals(tags(key).get("autotag:status")), key + " carries the verdict");
    return tags(key);
  }

  static Map<String, String> tags(String key) {
    return ObjectTags.read(clients.s3(), stack.bucket(), key);
  }

  static long queued() {
    Map<QueueAttributeName, String> attributes =
        clients
            .sqs()
            .getQueueAttributes(
                b ->
                    b.queueUrl(stack.reviewQueueUrl())
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  static int feedbackObjects() {
    return clients
        .s3()
        .listObjectsV2(b -> b.bucket(stack.feedbackBucket()).prefix("feedback/date="))
        .contents()
        .size();
  }

  static void await(Supplier<Boolean> condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
      } catch (RuntimeException e) {
        last = e; // an element not there yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
    throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what, last);
  }
}
