class Observer:
    def __init__(self, *args, **kwargs):
        pass
