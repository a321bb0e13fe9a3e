EVENT_TYPE_MODIFIED = "modified"
EVENT_TYPE_OPENED = "opened"
EVENT_TYPE_DELETED = "deleted"
EVENT_TYPE_CREATED = "created"


class FileSystemEvent:
    pass


class FileOpenedEvent(FileSystemEvent):
    pass


class FileSystemEventHandler:
    def __init__(self, *args, **kwargs):
        pass


class PatternMatchingEventHandler(FileSystemEventHandler):
    pass


class RegexMatchingEventHandler(FileSystemEventHandler):
    pass
