"""The load test's baseline: the least a Streamlit app can answer a viewer's action with.

A date slider in a fragment (key ``day``) and one line of text: a settled day here is a fragment
rerun that draws one element, as the app's settled day is a rerun of its fragment ``the_day``. What a
viewer costs the server here is Streamlit's own work per action (the websocket, the script run, the
delta), below which no app built on Streamlit can go. ``bench/capacity.py --baseline`` runs it behind
the same nginx and with the same Locust viewers (``SANCTUARYMAP_DAY_WIDGET=day``) as the app.

Like the app (sanctuarymap.dataset), it freezes what is loaded before its first run out of the
garbage collector's reach: Streamlit runs a full collection after every script run
(``runner.postScriptGC``), which walks every object of the process, about 45 ms a rerun on this
machine with nothing but Streamlit's own imports, against about 5 ms for the rest of the rerun.
"""

import gc
from datetime import date

import streamlit as st

from sanctuarymap.data import year


@st.cache_resource
def frozen() -> bool:
    gc.freeze()
    return True


frozen()


@st.fragment
def the_day() -> None:
    day = st.slider("Day", year.FIRST_DAY, year.LAST_DAY, value=date(2017, 3, 1), key="day", format="D MMM YYYY")
    st.text(f"day {day.isoformat()}")


the_day()
