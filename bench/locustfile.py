"""Locust: simulated viewers of the app, speaking Streamlit's own websocket protocol.

    locust -f bench/locustfile.py --host http://127.0.0.1:8501     # bench/capacity.py runs it

Each viewer does what a browser does, without a browser: it opens ``/_stcore/stream`` (subprotocol
``streamlit``), asks for a first run with a query string (``?day=...``, as a shared link would), and
reads the ForwardMsgs that follow until ``script_finished``; on the map, it then reports the first
paint as the map page does, and the whole page follows (app.py). Then, once a second, it moves the day
by one and asks for a rerun with that widget's new value, timing each from the request to the
``script_finished`` of that run; one time in ``CLICK_EVERY`` (10), it clicks a place instead (the map
page's report of a click, after which the whole page reruns), timed the same way and counted apart.
Against another app's day widget (the load test's baseline, bench/empty_app.py), that "click" is a
rerun of the whole script with no fragment named.
The messages are the protobuf classes shipped inside the ``streamlit`` package
(``streamlit.proto.BackMsg_pb2`` and ``ForwardMsg_pb2``), so the protocol is the installed Streamlit's, whatever its version.

Which widget carries the day is looked up, not assumed: the viewer reads the elements of the first
run's deltas and takes the one that ``DAY_WIDGET`` names (environment variable
``SANCTUARYMAP_DAY_WIDGET``):

- ``component:<name>``, the default ``component:streamlit_folium.st_folium``: the map component,
  through whose value the page reports the day it settles on (``bridge.page_report``);
- a widget key, such as ``day``: the widget whose id ends in ``-day`` (a date slider or date input).

The new value is written in the form that kind of element takes: a date slider's microseconds since
1970 (UTC), or the map component's report built by ``component_value``. Like a browser, a viewer
sends back the query string the last run set and the hashes of the large messages it has already
received, so the server sends references instead; and it names the fragment the widget was drawn in
(the map is in the app's ``the_day``), so that, as for a browser, only that fragment reruns.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import timedelta

import gevent
from locust import User, constant_pacing, events, task
from streamlit_protocol import MAP, PLACES, StreamlitRun, find_widget, stream_url, widget_state

from sanctuarymap.data import year

DAY_WIDGET = os.environ.get("SANCTUARYMAP_DAY_WIDGET", MAP)
# If set, every rerun time (ms) since the last viewer arrived, and when that was, are written here as
# JSON when the run stops: bench/capacity.py takes exact percentiles from it (Locust's own are
# rounded above 100 ms) and the server's CPU over the same span.
TIMES_FILE = os.environ.get("SANCTUARYMAP_LOCUST_TIMES")
# One task in this many is a click on a place (the whole page reruns) instead of a settled day; 0: none.
CLICK_EVERY = int(os.environ.get("SANCTUARYMAP_LOCUST_CLICK_EVERY", "10"))
FIRST_DAY, LAST_DAY = year.FIRST_DAY, year.LAST_DAY


_rerun_times: list[float] = []
_click_times: list[float] = []
_measured = {"from": None, "to": None}  # wall-clock seconds (time.time)


@events.spawning_complete.add_listener
def _forget_times(**_kwargs) -> None:
    _rerun_times.clear()  # every viewer has arrived: measure from here, as --reset-stats does
    _click_times.clear()
    _measured["from"] = time.time()


@events.test_stop.add_listener
def _write_times(**_kwargs) -> None:
    _measured["to"] = time.time()
    if TIMES_FILE:
        with open(TIMES_FILE, "w", encoding="utf-8") as f:
            json.dump(
                {"measured_from": _measured["from"], "measured_to": _measured["to"], "rerun_ms": _rerun_times, "click_ms": _click_times}, f
            )


class Viewer(User):
    """A reader who opens the page on some day, then moves the day forward once a second."""

    wait_time = constant_pacing(1)

    def on_start(self) -> None:
        url = stream_url(self.host)
        self.day = FIRST_DAY + timedelta(days=random.randrange(300))  # noqa: S311 (spreads viewers over the year)
        started = time.perf_counter()
        try:
            self.run = StreamlitRun(url)
            elements, received = self.run.rerun(query_string=f"day={self.day.isoformat()}")
            self.widget = find_widget(elements, DAY_WIDGET)
            if self.widget is None:
                raise LookupError(f"no element named {DAY_WIDGET!r} in the first run ({len(elements)} elements)")
            more = 0
            if DAY_WIDGET == MAP:
                # As the map page does once it has painted: it reports the day it was sent, and the rest of the page follows.
                elements, more = self.run.rerun(states=[widget_state(self.widget, self.day)], fragment_id=self.run.fragment_of(self.widget))
                self.widget = find_widget(elements, DAY_WIDGET) or self.widget
        except Exception as error:
            self._record("first run", started, 0, error)
            raise
        self._record("first run", started, received + more, None)
        # Viewers who arrive together still act at their own moments of the second, as readers do:
        # without this, every viewer spawned in the same tick would rerun in the same instant.
        gevent.sleep(random.random())  # noqa: S311

    @task
    def next_day(self) -> None:
        self.tasks_done = getattr(self, "tasks_done", 0) + 1
        click = None
        if CLICK_EVERY and self.tasks_done % CLICK_EVERY == 0:
            click = PLACES[(self.tasks_done // CLICK_EVERY) % len(PLACES)]
        else:
            self.day = self.day + timedelta(days=1) if self.day < LAST_DAY else FIRST_DAY
        name = "click a place" if click else "rerun with a new day"
        started = time.perf_counter()
        try:
            if DAY_WIDGET == MAP:
                state = widget_state(self.widget, self.day, click)
                fragment = self.run.fragment_of(self.widget)
            else:  # a plain day widget has no place to click: its "click" reruns the whole script, as the app's click does
                state = widget_state(self.widget, self.day)
                fragment = "" if click else self.run.fragment_of(self.widget)
            elements, received = self.run.rerun(states=[state], fragment_id=fragment)
            self.widget = find_widget(elements, DAY_WIDGET) or self.widget
        except Exception as error:
            self._record(name, started, 0, error)
            return
        (_click_times if click else _rerun_times).append(self._record(name, started, received, None))

    def on_stop(self) -> None:
        if getattr(self, "run", None) is not None:
            self.run.close()

    def _record(self, name: str, started: float, received: int, error: Exception | None) -> float:
        milliseconds = (time.perf_counter() - started) * 1000
        events.request.fire(request_type="WS", name=name, response_time=milliseconds, response_length=received, exception=error, context={})
        return milliseconds
