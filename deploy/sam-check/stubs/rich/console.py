class Console:
    def __init__(self, *args, **kwargs):
        pass

    def print(self, *args, **kwargs):
        print(*args)
