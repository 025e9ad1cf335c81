"""The load test's second baseline: the required map stack alone, answering a settled day.

The app's map and nothing else: the same base map (``maps.base_map``, rendered once per content), handed
to ``st_folium`` with the day's view (``bridge.view_layer``) in a fragment, as ``app.py``'s ``render_day``
hands it. A viewer's settled day is a rerun of that fragment that draws the map component again, and
nothing else: no panel, no chart, no downloads, no query string. What a viewer costs the server here is
Streamlit's own work per action plus st_folium's, below which no page that keeps folium and
streamlit-folium (the product's required map stack) and answers a settled day with a rerun can go.
``bench/capacity.py --apps map`` runs it behind the same nginx and with the same Locust viewers as the app.

It loads the records as the app does (``edition.load``, from the disk cache) to publish the same changes
payload, and freezes what is loaded out of the garbage collector's reach as the app does.
"""

import os
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from sanctuarymap.data import dataset
from sanctuarymap.page import bridge, maps, payload
from sanctuarymap.reader import edition, view

# Set by harness.browser.site_for, as for the app's own site.
RECORDS, GEODATA = Path(os.environ["SANCTUARYMAP_RECORDS"]), Path(os.environ["SANCTUARYMAP_GEODATA"])
GENERATED = Path(os.environ["SANCTUARYMAP_GENERATED"])
CACHE = Path(os.environ.get("SANCTUARYMAP_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sanctuarymap")

version = dataset.files_version(RECORDS, GEODATA)
shown = st.cache_resource(max_entries=1)(edition.load)(str(RECORDS), str(GEODATA), freeze=True, version=version, cache=CACHE)
changes_url = f"{maps.GENERATED_URL}/{payload.publish(shown.changes_body, GENERATED)}"
session = st.session_state
session.setdefault("day", shown.data.first_day)


@st.fragment
def the_map() -> None:
    view.settle_day(session, shown.data.first_day, shown.data.last_day)
    current = bridge.view(session["day"], 0, "sanctuary", None)
    st_folium(**bridge.map_arguments(maps.base_map(changes_url), current), height=560, use_container_width=True)


the_map()
