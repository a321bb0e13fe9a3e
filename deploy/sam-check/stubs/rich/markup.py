def escape(text):
    return text
