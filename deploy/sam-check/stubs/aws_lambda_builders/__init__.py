"""Stand-in for aws-lambda-builders: every CodeUri is a built zip, so sam build must build nothing.
Should it try, LambdaBuilder raises and the check fails."""
RPC_PROTOCOL_VERSION = "0.3"
