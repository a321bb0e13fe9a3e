class LambdaBuilder:
    def __init__(self, *a, **k):
        raise RuntimeError("sam build tried to build a function with aws-lambda-builders: %r %r" % (a, k))
