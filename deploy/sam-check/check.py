"""Runs SAM CLI's own commands against template.yaml, with Docker replaced by a local JVM.

    deploy/sam-check/run.sh /path/to/aws-sam-cli-source      (after ./mvnw -B package -DskipTests)

What runs is SAM CLI's code (its `samcli` package from a source checkout, never copied here):
`sam build`, `sam local invoke` and `sam local start-api`, with their template reading, parameter
and --env-vars resolution, CodeUri unzipping, route collection and local API Gateway service. Only
the Lambda container is replaced (sam.py): the handler runs in a JVM on this machine, from the
unzipped CodeUri, with the environment SAM computed. Each step prints what it ran and what came
back; the last line says how many steps passed and failed.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ZIPS = [
    "functions/tagger/target/tagger.zip",
    "functions/classify-api/target/classify-api.zip",
    "functions/review/target/review.zip",
]
KEY = "autotag-example-key"  # the example key whose hash events/env.json configures

results = []


def step(name, ok, detail=""):
    results.append(ok)
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail else ""), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sam(project, *args, timeout=600):
    """Runs `sam ARGS` (SAM CLI from source, through sam.py) in the project folder."""
    cmd = [sys.executable, os.path.join(HERE, "sam.py"), *args]
    print("$ sam " + " ".join(args), flush=True)
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=timeout)


def lambda_output(stdout):
    """The function's response: the last line of sam local invoke's stdout that is JSON."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return None


def project_copy():
    """The files a user has after ./mvnw package, in a scratch folder (sam build writes .aws-sam)."""
    project = tempfile.mkdtemp(prefix="autotag-sam-")
    shutil.copy(os.path.join(REPO, "template.yaml"), project)
    shutil.copytree(os.path.join(REPO, "events"), os.path.join(project, "events"))
    for z in ZIPS:
        os.makedirs(os.path.join(project, os.path.dirname(z)), exist_ok=True)
        shutil.copy(os.path.join(REPO, z), os.path.join(project, z))
    return project


def check_build(project):
    done = sam(project, "build")
    built = os.path.join(project, ".aws-sam", "build", "template.yaml")
    step("sam build", done.returncode == 0 and os.path.exists(built), done.stderr[-2000:] if done.returncode else "")
    if not os.path.exists(built):
        return
    from samcli.yamlhelper import yaml_parse

    template = yaml_parse(open(built).read())
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        uri = resource["Properties"].get("CodeUri")
        target = os.path.normpath(os.path.join(os.path.dirname(built), uri or ""))
        step("built template: %s CodeUri %s" % (name, uri), bool(uri) and os.path.isfile(target))


def check_invoke_api(project):
    done = sam(project, "local", "invoke", "ClassifyApiFunction",
               "-e", "events/api-classify-binary-v2.json", "--env-vars", "events/env.json")
    out = lambda_output(done.stdout)
    ok = bool(out) and out.get("statusCode") == 200 and "labels" in json.loads(out.get("body", "{}"))
    step("sam local invoke ClassifyApiFunction (payload 2.0, base64 PNG)", ok,
         json.dumps(out)[:300] if out else done.stderr[-1500:])


def check_invoke_tagger(project):
    try:
        import boto3  # noqa: F401
    except ImportError:
        print("SKIP sam local invoke TaggerFunction: boto3 is not installed")
        return
    if not shutil.which("moto_server"):
        print("SKIP sam local invoke TaggerFunction: moto_server is not on the PATH")
        return
    import boto3

    port = free_port()
    endpoint = "http://127.0.0.1:%d" % port
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
        for _ in range(100):
            try:
                s3.list_buckets()
                break
            except Exception:  # noqa: BLE001 - still starting
                time.sleep(0.2)
        s3.create_bucket(Bucket="autotag-uploads")
        with open(os.path.join(project, "events", "sample.jpg"), "rb") as image:
            s3.put_object(Bucket="autotag-uploads", Key="photos/cat.jpg", Body=image.read())
        queue = sqs.create_queue(QueueName="autotag-review")["QueueUrl"]
        env_vars = os.path.join(project, "env-moto.json")
        with open(env_vars, "w") as f:
            json.dump({"TaggerFunction": {"AUTOTAG_REVIEW_QUEUE_URL": queue, "AUTOTAG_PRIMING": "false"}}, f)
        # ReviewThreshold=0.95: the sample's cat (0.91) is above the default (0.88), and the
        # stricter threshold sends it to review, so the check reaches moto's SQS as well as its S3.
        done = sam(project, "local", "invoke", "TaggerFunction", "-e", "events/s3-put.json",
                   "--env-vars", env_vars, "--parameter-overrides",
                   "LocalEndpointUrl=" + endpoint + " ReviewThreshold=0.95")
        tags = {t["Key"]: t["Value"] for t in
                s3.get_object_tagging(Bucket="autotag-uploads", Key="photos/cat.jpg")["TagSet"]}
        out = lambda_output(done.stdout)
        # The cat (0.91) is below the overridden review threshold (0.95): the tagger tags it for
        # review and queues a review message, so both its S3 and its SQS client reached moto.
        queued = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        step("sam local invoke TaggerFunction --parameter-overrides LocalEndpointUrl=<moto> ReviewThreshold=0.95",
             tags.get("autotag:status") == "review" and tags.get("autotag:label") == "cat"
             and bool(out) and out.get("review") == 1 and len(queued) == 1,
             "tags %s, response %s, review messages in moto %d" % (tags, out, len(queued))
             if tags else done.stderr[-1500:])
    finally:
        moto.terminate()
        moto.wait(timeout=30)


def request(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=300) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def multipart(field, filename, content, content_type, extra=None):
    boundary = "autotagsamcheck"
    parts = []
    for name, value in (extra or {}).items():
        parts.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                      % (boundary, name, value)).encode())
    parts.append(('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                  'Content-Type: %s\r\n\r\n' % (boundary, field, filename, content_type)).encode()
                 + content + b"\r\n")
    parts.append(("--%s--\r\n" % boundary).encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary


def check_start_api(project):
    import base64

    port = free_port()
    base = "http://127.0.0.1:%d" % port
    cmd = [sys.executable, os.path.join(HERE, "sam.py"), "local", "start-api", "--port", str(port),
           "--env-vars", "events/env.json"]
    print("$ sam local start-api --port %d --env-vars events/env.json" % port, flush=True)
    log = open(os.path.join(project, "start-api.log"), "w")
    server = subprocess.Popen(cmd, cwd=project, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        with open(os.path.join(project, "start-api.log")) as f:
            mounted = [line.strip() for line in f if line.startswith("Mounting")]
        print("\n".join(mounted))
        step("start-api mounts the API's routes", len(mounted) >= 5, "%d routes" % len(mounted))
        jpeg = open(os.path.join(project, "events", "sample.jpg"), "rb").read()
        key = {"x-api-key": KEY}

        def top_label(body):
            doc = json.loads(body)
            if "top" in doc:
                return doc["top"]["label"]
            if "probabilities" in doc:
                return doc["probabilities"][0]["label"]
            predictions = doc.get("predictions")
            if isinstance(predictions, dict):
                return max(predictions.items(), key=lambda kv: kv[1]["confidence"])[0]
            return None

        status, body = request(base + "/health")
        step("GET /health", status == 200, "%d %s" % (status, body[:100]))
        status, body = request(base + "/classify", jpeg, dict(key, **{"Content-Type": "image/jpeg"}))
        step("POST /classify, raw image/jpeg body", status == 200 and top_label(body) == "cat",
             "%d %s" % (status, body[:160]))
        status, body = request(base + "/classify", jpeg, {"Content-Type": "image/jpeg"})
        step("POST /classify without a key is refused by the function", status == 401,
             "%d %s" % (status, body[:160]))
        form, content_type = multipart("file", "cat.jpg", jpeg, "image/jpeg")
        status, body = request(base + "/classify", form, dict(key, **{"Content-Type": content_type}))
        step("POST /classify, multipart file", status == 200 and top_label(body) == "cat",
             "%d %s" % (status, body[:160]))
        status, body = request(base + "/my-dataset/3?api_key=" + KEY, base64.b64encode(jpeg),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        step("POST /{dataset}/{version} (Roboflow legacy)", status == 200 and top_label(body) == "cat",
             "%d %s" % (status, body[:160]))
        infer = json.dumps({"model_id": "my-dataset/3", "api_key": KEY,
                            "image": {"type": "base64", "value": base64.b64encode(jpeg).decode()}})
        status, body = request(base + "/infer/classification", infer.encode(),
                               {"Content-Type": "application/json"})
        step("POST /infer/classification (Roboflow Inference)", status == 200 and top_label(body) == "cat",
             "%d %s" % (status, body[:160]))
        form, content_type = multipart("sampleContent", "cat.jpg", jpeg, "image/jpeg",
                                       {"modelId": "GeneralImageClassifier"})
        status, body = request(base + "/v2/vision/predict", form, dict(key, **{"Content-Type": content_type}))
        step("POST /v2/vision/predict (Einstein), multipart", status == 200 and top_label(body) == "cat",
             "%d %s" % (status, body[:160]))
        status, body = request(base + "/not/a/route/here", b"{}", {"Content-Type": "application/json"},
                               method="POST")
        step("a path that is no route never reaches the function", status in (403, 404),
             "%d %s" % (status, body[:100]))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main():
    missing = [z for z in ZIPS if not os.path.isfile(os.path.join(REPO, z))]
    if missing:
        sys.exit("build the zips first (./mvnw -B package -DskipTests): missing " + ", ".join(missing))
    project = project_copy()
    print("project copy: " + project, flush=True)
    try:
        check_build(project)
        # After sam build, the local commands read .aws-sam/build/template.yaml, as they do for a user.
        check_invoke_api(project)
        check_invoke_tagger(project)
        check_start_api(project)
    finally:
        shutil.rmtree(project, ignore_errors=True)
    passed = sum(1 for ok in results if ok)
    print("sam-check: %d passed, %d failed" % (passed, len(results) - passed))
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
