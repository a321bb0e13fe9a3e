DEFAULT_OBSERVER_TIMEOUT = 1


class BaseObserver:
    pass


class ObservedWatch:
    pass
