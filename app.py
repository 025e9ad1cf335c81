"""Sanctuary Map 2017: replay the year's fight over sanctuary policies, day by day."""

import os
import time
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from sanctuarymap import chart, dataset, maps, status, story, view

HERE = Path(__file__).parent
# Another records folder can be shown with the same shapes (the tests and the benchmark do), and
# the shapes can be checked from another copy (the tests break one).
RECORDS = Path(os.environ.get("SANCTUARYMAP_RECORDS", HERE / "records"))
GEODATA = Path(os.environ.get("SANCTUARYMAP_GEODATA", HERE / "geodata"))
# One copy of the loaded, joined data for every session: never copied per viewer. Keyed by the
# files' sizes and times too, so an edit shows on the next rerun; the copy it replaces is let go.
load_dataset = st.cache_resource(show_spinner="Loading records and boundaries…", max_entries=2)(dataset.load)

st.set_page_config(page_title="Sanctuary Map 2017", page_icon="🗺️", layout="wide")
st.markdown(story.STYLE, unsafe_allow_html=True)

data = load_dataset(str(RECORDS), str(GEODATA), freeze=True, version=dataset.files_version(RECORDS, GEODATA))
names = data.names

view.settle(st.session_state, st.query_params, data.first_day, data.last_day, names, default_day=date(2017, 4, 21))

st.title("Sanctuary Map 2017")
st.caption(
    "How the federal government and “sanctuary” jurisdictions fought over immigration enforcement "
    "in 2017, day by day. Every event is sourced; click a place for its story."
)
if data.problems:
    with st.expander(f"⚠️ {len(data.problems)} problem(s) in the records and boundaries: what they name is left out", expanded=True):
        st.dataframe(story.problems_table(data.problems), hide_index=True, width="stretch")

map_tab, about_tab = st.tabs(["Map", "About"])
with map_tab:
    controls = st.columns([2.2, 2.2, 1, 1, 1, 1.3])
    controls[0].radio(
        "Colour by", list(status.DIMENSIONS), key="colour", horizontal=True, format_func=lambda key: status.DIMENSIONS[key].label
    )
    controls[1].selectbox(
        "Find a place",
        [None, *names],
        key="selected",
        format_func=lambda j: "—" if j is None else names[j],
        placeholder="Type a name",
        on_change=lambda: st.session_state.update(fly_to=st.session_state.selected),
    )
    controls[2].button(
        "◀ Previous event",
        on_click=view.jump,
        args=(st.session_state, data.event_days, -1),
        help="Go to the previous day on which something happened",
        width="stretch",
    )
    controls[3].button(
        "Next event ▶",
        on_click=view.jump,
        args=(st.session_state, data.event_days, 1),
        help="Go to the next day on which something happened",
        width="stretch",
    )
    controls[4].toggle("Play", key="playing", help="Replay the year day by day")
    controls[5].selectbox("Speed", list(view.SPEEDS), key="speed", label_visibility="collapsed")
    day = st.slider(
        "Day",
        data.first_day,
        data.last_day,
        key="day",
        format="D MMM YYYY",
        help="Drag, or focus the handle and use the arrow keys to move a day at a time",
    )
    colour, selected = st.session_state.colour, st.session_state.selected
    current = status.as_of(data.changes, data.mapped_ids, day)

    map_column, panel_column = st.columns([3, 2], gap="medium")
    with map_column:
        fly = data.views.loc[st.session_state.pop("fly_to")] if st.session_state.get("fly_to") in data.views.index else None
        st_folium(
            maps.base_map(data.drawn),
            key="map",
            feature_group_to_add=maps.status_layer(maps.restyle_payload(current, data.drawn, colour, selected, day)),
            returned_objects=["last_object_clicked_popup"],  # a click reruns; panning does not
            center=None if fly is None else (fly.latitude, fly.longitude),
            zoom=None if fly is None else int(fly.zoom),
            height=560,
            use_container_width=True,
        )
        st.markdown(story.legend_html(maps.legend(colour), status.DIMENSIONS[colour].label), unsafe_allow_html=True)
    with panel_column:
        if selected:
            st.markdown(story.panel_html(data.records, data.sources_by_event, current, selected, day, names), unsafe_allow_html=True)
            st.download_button(
                "Download these events (CSV)",
                file_name=f"{selected}-events.csv",
                mime="text/csv",
                data=lambda: view.events_csv(story.events_of(data.records, selected), data.records.sources),
                on_click="ignore",
            )
        else:
            st.info("Click a city, county or state on the map, or use **Find a place**, to read its story.")
        st.markdown(f"#### On {story.day_label(day)}")
        st.markdown(story.recent_html(story.recent_events(data.records, day), data.sources_by_event, day, names), unsafe_allow_html=True)

    st.markdown(f"##### How many places stood where, by {status.DIMENSIONS[colour].label.lower()}")
    st.vega_lite_chart(chart.category_counts(data.chart_areas[colour], colour, day), width="stretch")
    st.caption(f"{len(data.mapped_ids)} jurisdictions and {len(data.records.events)} events on record.")

with about_tab:
    st.markdown(story.about_markdown(data), unsafe_allow_html=False)

st.query_params.from_dict(view.to_query(view.View(day, colour, selected)))


if st.session_state.playing:
    # Replay: once this day has had its share of a second on screen, rerun with the next one. The
    # sleep happens here on the server, so no browser round trip stands between two days; a click on
    # Pause arrives as a rerun request and takes over at the end of the sleep.
    time.sleep(view.replay_pause(st.session_state.get("last_step"), time.monotonic(), st.session_state.speed))
    st.session_state.last_step = time.monotonic()
    st.session_state.advance_to = view.next_day(day, data.last_day)
    st.rerun()
