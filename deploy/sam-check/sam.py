"""`sam` from SAM CLI's source, with Docker replaced by a local JVM (used by check.py).

sam build runs unchanged. For sam local invoke and sam local start-api, SAM CLI does everything it
does for a user (template reading, parameters, --env-vars, unzipping the CodeUri, routes, the local
API Gateway service) except starting a container: JvmRuntime takes the place of its LambdaRuntime
and runs the function's handler once per invocation in a JVM on this machine, from the unzipped
code, with exactly the environment SAM computed.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JAVA = os.environ.get("AUTOTAG_CHECK_JAVA", "java")


class JvmRuntime:
    """Stands in for samcli.local.lambdafn.runtime.LambdaRuntime."""

    def __init__(self):
        from samcli.local.lambdafn.runtime import LambdaRuntime

        # SAM CLI's own unzipping of a .zip CodeUri (what it mounts into the container).
        self._get_code_dir = LambdaRuntime._get_code_dir.__get__(self)
        self.SUPPORTED_ARCHIVE_EXTENSIONS = LambdaRuntime.SUPPORTED_ARCHIVE_EXTENSIONS
        self._mount_symlinks = False
        self._temp_uncompressed_paths_to_be_cleaned = []

    def invoke(self, function_config, event, tenant_id=None, stdout=None, stderr=None, **_):
        code = self._get_code_dir(function_config.code_abs_path)
        env = dict(function_config.env_vars.resolve())
        env["PATH"] = os.environ.get("PATH", "")
        classpath = code + os.pathsep + os.path.join(code, "lib", "*")
        done = subprocess.run(
            [JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
             os.path.join(HERE, "InvokeOnce.java"), function_config.handler],
            input=event.encode("utf-8"), capture_output=True, env=env,
            timeout=function_config.timeout + 300)
        log = done.stderr.decode("utf-8", "replace")
        if stderr is not None:
            stderr.write_str(log)
        else:
            sys.stderr.write(log)
        if done.returncode != 0:
            # What the Lambda runtime returns for an unhandled exception.
            out = '{"errorType":"Unhandled","errorMessage":"the handler threw (exit %d)"}' % done.returncode
        else:
            out = done.stdout.decode("utf-8")
        if stdout is not None:
            stdout.write_str(out)
        return None

    def clean_running_containers_and_related_resources(self):
        pass


def without_docker():
    from samcli.commands.local.cli_common.invoke_context import InvokeContext

    runtime = JvmRuntime()
    InvokeContext._get_container_manager = staticmethod(lambda *args, **kwargs: object())
    InvokeContext.lambda_runtime = property(lambda self: runtime)


if __name__ == "__main__":
    without_docker()
    from samcli.cli.main import cli

    sys.argv[0] = "sam"
    cli()
