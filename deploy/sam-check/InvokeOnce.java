import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;

/** Runs one invocation of a stream handler the way the Lambda Java runtime would: event on stdin, response on stdout. */
public class InvokeOnce {
  public static void main(String[] args) throws Exception {
    // The function's logs go to stderr, the response alone to stdout (the runtime keeps them apart too).
    java.io.PrintStream response = System.out;
    System.setOut(System.err);
    String[] handler = args[0].split("::");
    RequestStreamHandler target =
        (RequestStreamHandler) Class.forName(handler[0]).getDeclaredConstructor().newInstance();
    String requestId = System.getenv().getOrDefault("AUTOTAG_CHECK_REQUEST_ID", "sam-local-check");
    Context context =
        (Context)
            Proxy.newProxyInstance(
                InvokeOnce.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, a) ->
                    switch (method.getName()) {
                      case "getAwsRequestId" -> requestId;
                      case "getFunctionName" -> System.getenv("AWS_LAMBDA_FUNCTION_NAME");
                      case "getRemainingTimeInMillis" -> 60_000;
                      case "getMemoryLimitInMB" -> 2048;
                      case "getLogger" -> null;
                      default -> null;
                    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    target.handleRequest(System.in, out, context);
    response.write(out.toByteArray());
    response.flush();
  }
}
