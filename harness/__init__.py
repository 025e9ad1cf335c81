"""What the tests, the benchmark and the docs' pictures share: the app server, Chromium and the map page.
Not part of the app (``sanctuarymap``), which never imports it."""
