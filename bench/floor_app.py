"""The floor of the benchmark: an empty Streamlit app with only a slider and a line of text.

A step here is Streamlit's own round trip (the slider's value to the server, a rerun, the text back);
no app built on reruns can answer a step faster. ``bench/run.py`` measures every figure as a ratio to it.
"""

from datetime import date

import streamlit as st

from sanctuarymap.data import year

day = st.slider("Day", year.FIRST_DAY, year.LAST_DAY, value=date(2017, 3, 1), format="D MMM YYYY")
st.text(f"day {day.isoformat()}")
