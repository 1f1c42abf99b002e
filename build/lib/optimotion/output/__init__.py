"""Output: frames to bytes (`encoders`), the web page (`page`, `markup`, `web/`), and
bytes to files, atomically (`files`)."""
