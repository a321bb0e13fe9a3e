class LambdaBuilderError(Exception): pass
