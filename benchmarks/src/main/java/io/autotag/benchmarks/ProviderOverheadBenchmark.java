package io.autotag.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.einstein.EinsteinClassifier;
import io.autotag.shared.provider.einstein.EinsteinSettings;
import io.autotag.shared.provider.roboflow.RoboflowClassifier;
import io.autotag.shared.provider.roboflow.RoboflowSettings;
import io.autotag.shared.secrets.Secrets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a hosted provider adapter costs on top of the network: {@link #roboflowClassify} and {@link
 * #einsteinClassify} (serialisation, multipart, HTTP, JSON parsing, result building) against a
 * local server that answers a fixed, documented-shape reply, versus {@link #bareRoundTrip}, a plain
 * JDK {@code HttpClient} POST of the same request bytes to the same server that reads the same
 * reply and does nothing with it. Same JVM, same run; the ratio of the two is the overhead.
 * Commands and figures: {@code docs/providers.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProviderOverheadBenchmark {

  /** Image width; the synthetic JPEG is width x 3/4 width of noise (worst case for size). */
  @Param("640")
  public int width;

  private static final String ROBOFLOW_REPLY =
      """
      {"time":0.01,"image":{"width":640,"height":480},"predictions":[
      {"class":"cat","class_id":0,"confidence":0.91},{"class":"dog","class_id":1,"confidence":0.06},
      {"class":"bird","class_id":2,"confidence":0.03}],"top":"cat","confidence":0.91,
      "prediction_type":"ClassificationModel"}""";
  private static final String EINSTEIN_REPLY =
      """
      {"probabilities":[{"label":"cat","probability":0.91},{"label":"dog","probability":0.06},
      {"label":"bird","probability":0.03}],"object":"predictresponse"}""";

  private HttpServer server;
  private RoboflowClassifier roboflow;
  private EinsteinClassifier einstein;
  private HttpClient bare;
  private ImageInput.Bytes image;
  private HttpRequest bareRequest;

  @Setup
  public void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().getPath();
          byte[] reply =
              (path.startsWith("/v2/") ? EINSTEIN_REPLY : ROBOFLOW_REPLY)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, reply.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply);
          }
        });
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());

    Map<String, String> env = new HashMap<>();
    env.put("AUTOTAG_ROBOFLOW_BASE_URL", base.toString());
    env.put("AUTOTAG_ROBOFLOW_MODEL", "bench/1");
    env.put("AUTOTAG_ROBOFLOW_API_KEY", "bench-key-0000");
    env.put("AUTOTAG_EINSTEIN_BASE_URL", base.toString());
    env.put("AUTOTAG_EINSTEIN_MODEL_ID", "BenchModel");
    env.put("AUTOTAG_EINSTEIN_TOKEN", "bench-token-0000");
    Settings settings = Settings.of(env);
    Secrets secrets = Secrets.create(settings, null);
    roboflow = RoboflowClassifier.create(RoboflowSettings.from(settings, secrets));
    einstein = EinsteinClassifier.create(EinsteinSettings.from(settings, secrets));
    settings.check();

    image = ImageInput.Bytes.of(noiseJpeg(width, width * 3 / 4));
    // The same bytes the Roboflow adapter sends: its JSON body with the base64 image.
    String body =
        "{\"model_id\":\"bench/1\",\"image\":{\"type\":\"base64\",\"value\":\""
            + Base64.getEncoder().encodeToString(image.data())
            + "\"}}";
    bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    bareRequest =
        HttpRequest.newBuilder(base.resolve("/infer/classification"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer bench-key-0000")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
  }

  @TearDown
  public void tearDown() {
    server.stop(0);
  }

  @Benchmark
  public Classification roboflowClassify() throws ClassificationException {
    return roboflow.classify(image);
  }

  @Benchmark
  public Classification einsteinClassify() throws ClassificationException {
    return einstein.classify(image);
  }

  @Benchmark
  public byte[] bareRoundTrip() throws IOException, InterruptedException {
    return bare.send(bareRequest, HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  private static byte[] noiseJpeg(int width, int height) throws IOException {
    BufferedImage noise = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(11);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        noise.setRGB(x, y, random.nextInt(0xFFFFFF));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(noise, "jpeg", out);
    return out.toByteArray();
  }
}
