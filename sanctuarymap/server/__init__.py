"""Serving many readers: the rerun budget of each session and the processes behind nginx."""
