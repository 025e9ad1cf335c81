"""Sanctuary Map 2017: replay the year's fight over sanctuary policies, day by day."""

import html
import os
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit.runtime.app_session import AppSession
from streamlit_folium import st_folium

from sanctuarymap.data import basis, dataset, plural, status
from sanctuarymap.page import maps, payload
from sanctuarymap.reader import chart, compare, download, glossary, moments, story, table, tools, view
from sanctuarymap.server import budget

HERE = Path(__file__).parent
# Another records folder can be shown with the same shapes (the tests and the benchmark do), and
# the shapes can be checked from another copy (the tests break one).
RECORDS = Path(os.environ.get("SANCTUARYMAP_RECORDS", HERE / "records"))
GEODATA = Path(os.environ.get("SANCTUARYMAP_GEODATA", HERE / "geodata"))
# Where the changes payload is written: the static folder beside this script serves it at
# maps.GENERATED_URL (the tests run the app from a temporary copy of static/, or write elsewhere).
GENERATED = Path(os.environ.get("SANCTUARYMAP_GENERATED", HERE / maps.GENERATED_FOLDER))
# The loaded, joined dataset, kept on disk by content (dataset.load): a new process starts from it.
CACHE = Path(os.environ.get("SANCTUARYMAP_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sanctuarymap")
# One copy of the loaded, joined data for every session: never copied per viewer. Keyed by the
# files' sizes and times too, so an edit shows on the next rerun; the copy it replaces is let go.
# No reader's client may starve the others: a session's reruns beyond a few a second wait their turn.
budget.install(AppSession)
load_dataset = st.cache_resource(show_spinner="Loading records and boundaries…", max_entries=2)(dataset.load)

st.set_page_config(page_title="Sanctuary Map 2017", page_icon="🗺️", layout="wide")
st.html(HERE / "static" / "css" / "page.css")

data = load_dataset(str(RECORDS), str(GEODATA), freeze=True, version=dataset.files_version(RECORDS, GEODATA), cache=CACHE)
# Every status change, published once per content as a static file the map page fetches and caches.
changes_url = f"{maps.GENERATED_URL}/{payload.publish(data.changes_body, GENERATED)}"
names = data.names

view.settle(st.session_state, st.query_params, data.first_day, data.last_day, names, default_day=date(2017, 4, 21))
# The editors' key moments, loaded with the records (the state laws beneath local policy too: data.panel_html).
key_moments = data.moments
tools.settle(
    st.session_state,
    st.query_params,
    data.first_day,
    data.last_day,
    {s for s in data.records.jurisdictions["state"] if s},
    len(key_moments),
)
day, colour, selected = st.session_state.day, st.session_state.colour, st.session_state.selected

st.title("Sanctuary Map 2017")
st.caption(
    "How the federal government and “sanctuary” jurisdictions fought over immigration enforcement "
    "in 2017, day by day. Every event is sourced; play the year or click a place for its story."
)
if data.problems:
    problems = plural.counted(len(data.problems), "problem")
    with st.expander(f"⚠️ {problems} in the records and boundaries: what they name is left out", expanded=True):
        st.dataframe(story.problems_table(data.problems), hide_index=True, width="stretch")

# The map comes first: on a phone the columns stack, and the controls follow it. Everything but the map
# is drawn once the map page reports its first paint: the code Streamlit loads for the other elements
# would otherwise hold up that paint by about half a second on a first visit (docs/benchmarks.md).
# What depends on the day is drawn by the_day() below, into the slots kept for it here.
map_column, panel_column = st.columns([3, 2], gap="medium")
painted = view.map_painted(st.session_state)
map_slot = map_column.container()
if painted:
    map_column.markdown(story.key_line_html(colour, len(data.mapped_ids)), unsafe_allow_html=True)
    controls = panel_column.columns(2)
    controls[0].radio("Colour by", list(status.DIMENSIONS), key="colour", format_func=lambda key: status.DIMENSIONS[key].label)
    controls[1].selectbox(
        "Find a place",
        [None, *names],
        key="selected",
        format_func=lambda j: "—" if j is None else names[j],
        placeholder="Type a name",
        on_change=lambda: st.session_state.update(fly_to=st.session_state.selected),
    )
    # The readers' tools, under the map: the day as a table, the year's key moments, a second day to compare.
    switches = map_column.columns([1, 1, 1.3], vertical_alignment="bottom")
    switches[0].toggle("The day as a table", key="table")
    switches[1].toggle(
        "Key moments", key="story", disabled=not key_moments, on_change=lambda: tools.start_story(st.session_state, key_moments)
    )
    switches[2].toggle("Compare with another day", key="comparing", on_change=lambda: tools.start_compare(st.session_state))
    if st.session_state.comparing:
        # Shown once comparing: it starts at the day shown, so that its calendar opens there (Enter applies a typed date).
        map_column.date_input("The other day", min_value=data.first_day, max_value=data.last_day, key="compare", format="YYYY-MM-DD")
tools_slot = map_column.container()
# The key moment sits beside the map, at the top of the panel: the reader sees the map fly while reading it.
moment_slot = panel_column.container()
panel_slot = panel_column.container()
if painted and not selected:
    panel_column.info("Click a city, county or state on the map, or use **Find a place**, to read its story.")
recent_slot = panel_column.container()
if painted:
    st.html(
        f'<h2 class="sm-h2" id="chart-heading">{chart.title(colour)}</h2>'
        # The chart's description, which page.js ties to the chart (aria-describedby): the chart names itself.
        f'<p hidden id="chart-description">{html.escape(chart.description(colour))}</p>'
    )
chart_slot = st.container()
if painted:
    st.caption(
        f"{plural.counted(len(data.mapped_ids), 'place')} and {plural.counted(len(data.records.events), 'event')} on record. "
        "The line marks the day shown."
    )
    st.html('<h2 class="sm-h2">The data of the day shown</h2>')
downloads_slot = st.container()
if painted:
    st.caption(f"Every place with its three statuses, the event that set each and its source. {download.LICENCE}. {download.BOUNDARIES}.")


def drawn_with() -> tuple[object, ...]:
    """What the whole page is drawn with, outside the day's view: the colouring and selection its
    controls show, the days the server set, whether the map has painted, the files. The day's view
    reruns alone when the map page settles on a day; anything else that changes (the map's first paint,
    a click, a key moment, a records edit) reruns the page."""
    session = st.session_state
    return (session.colour, session.selected, session.day_set, view.map_painted(session), dataset.files_version(RECORDS, GEODATA))


whole_page = drawn_with()
# The day the map's arguments carry changes only in a whole run: a settled day's rerun then hands the
# map the same arguments as before, and its frame has nothing to redo.
st.session_state.map_day = day


# Everything that follows the day, drawn into the slots above. A rerun of this alone leaves the rest of
# the page as it is: the browser's cost of a settled day grows with every element redrawn, and a "Find a
# place" list of thousands of names costs more than all the rest.
@st.fragment
def the_day() -> None:
    settled = view.settle_day(st.session_state, data.first_day, data.last_day)
    day, colour, selected = st.session_state.day, st.session_state.colour, st.session_state.selected
    if not settled or drawn_with() != whole_page:
        st.rerun(scope="app")
    fly = data.views.loc[st.session_state.pop("fly_to")] if st.session_state.get("fly_to") in data.views.index else None
    with map_slot:
        st_folium(
            maps.base_map(changes_url),
            key="map",
            feature_group_to_add=maps.view_layer(
                maps.view(st.session_state.map_day, st.session_state.day_set, colour, selected) | tools.map_extras(st.session_state)
            ),
            returned_objects=["last_object_clicked_popup"],  # the page's reports: a settled day, a click
            center=None if fly is None else (fly.latitude, fly.longitude),
            zoom=None if fly is None else int(fly.zoom),
            height=560,
            use_container_width=True,
        )
    st.query_params.from_dict(view.to_query(view.View(day, colour, selected)) | tools.to_query(st.session_state))
    if not painted:
        return
    with moment_slot:
        key_moment()
    with tools_slot:
        readers_tools(day, colour, selected)
    if selected:
        with panel_slot:
            st.markdown(data.panel_html(selected, day, st.session_state.get("opened", 0)), unsafe_allow_html=True)
            st.download_button(
                "Download these events (CSV)",
                file_name=f"{selected}-events.csv",
                mime="text/csv",
                data=lambda: view.events_csv(story.events_of(data.records, selected), data.records.sources),
                on_click="ignore",
            )
    recent_slot.markdown(
        f'<h2 class="sm-h2">On {story.day_label(day)}</h2>'
        + data.recent_html(day)
        # What the page's live region reads out (static/js/page.js): the day settled on and its events.
        + f'<div hidden data-announce="{html.escape(story.announcement(data.records, day, names), quote=True)}"></div>',
        unsafe_allow_html=True,
    )
    chart_slot.vega_lite_chart(chart.category_counts(data.chart_areas[colour], colour, day, data.first_day, data.last_day), width="stretch")
    downloads = downloads_slot.columns(3)
    downloads[0].download_button(
        "The day as CSV",
        data=lambda: download.day_csv_of(data, day),
        file_name=download.file_name("day", day, "csv"),
        mime="text/csv",
        on_click="ignore",
    )
    downloads[1].download_button(
        "The day as GeoJSON",
        data=lambda: download.day_geojson_of(data, day),
        file_name=download.file_name("day", day, "geojson"),
        mime="application/geo+json",
        on_click="ignore",
    )
    downloads[2].download_button(
        "All the records (zip)",
        data=lambda: download.records_zip(RECORDS, day),
        file_name=download.file_name("records", day, "zip"),
        mime="application/zip",
        on_click="ignore",
    )


def key_moment() -> None:
    """The year's key moment the reader is at, with the steps to the others (the Key moments switch)."""
    if st.session_state.story and key_moments:
        index = st.session_state.moment
        moment = key_moments[index]
        # The steps first: they stay in one place from moment to moment, however long the text, so Next is
        # pressed again where it was, and the map beside them is in view (1366x768).
        steps = st.columns(2)
        steps[0].button(
            "‹ Previous moment",
            disabled=index == 0,
            on_click=lambda: tools.go_to_moment(st.session_state, key_moments, st.session_state.moment - 1),
            width="stretch",
        )
        steps[1].button(
            "Next moment ›",
            disabled=index == len(key_moments) - 1,
            on_click=lambda: tools.go_to_moment(st.session_state, key_moments, st.session_state.moment + 1),
            width="stretch",
        )
        st.markdown(moments.card_html(moment, index, len(key_moments), data.sources_by_event), unsafe_allow_html=True)


def readers_tools(day: date, colour: str, selected: str | None) -> None:
    """What the switches under the map open: a second day compared, the day as a table."""
    compared_with = st.session_state.get("compare") if st.session_state.get("comparing") else None
    if compared_with:
        early, late = compare.ordered(day, compared_with)
        st.html(
            f'<h2 class="sm-h2">What changed from {story.day_label(early)} to {story.day_label(late)}, '
            f"by {status.DIMENSIONS[colour].label.lower()}</h2>"
        )
        st.caption(
            "On the map, the places that changed keep their colour (the later day's) and the others are faded. "
            "Move the day, or type the other day above."
        )
        st.table(compare.counts(data.changes, data.mapped_ids, colour, day, compared_with).set_index("Category"))
        moved = compare.changed(data.changes, data.mapped_ids, colour, day, compared_with)
        st.markdown(compare.list_html(moved, colour, names, data.records.events, data.sources_by_event), unsafe_allow_html=True)
    if st.session_state.table:
        tools.fit_categories(st.session_state, colour)
        whole = table.of_day(data.records, data.changes, names, day)
        filters = st.columns([1.4, 1, 1, 1.4])
        filters[0].text_input("Search the table", key="table_find", placeholder="A name, a state, a status")
        filters[1].multiselect("State", table.states_of(whole), key="table_states", placeholder="Every state")
        filters[2].multiselect("Kind", tools.KINDS, key="table_kinds", format_func=table.KIND_NAMES.get, placeholder="Every kind")
        filters[3].multiselect(
            status.DIMENSIONS[colour].label,
            [c.key for c in status.DIMENSIONS[colour].categories],
            key="table_categories",
            format_func=status.DIMENSIONS[colour].label_of,
            placeholder="Every category",
        )
        chosen_filters = (
            st.session_state.table_find,
            st.session_state.table_states,
            st.session_state.table_kinds,
            st.session_state.table_categories,
        )
        shown = table.narrow(
            whole,
            states=chosen_filters[1],
            kinds=chosen_filters[2],
            dimension_key=colour,
            categories=chosen_filters[3],
            search=chosen_filters[0],
        )
        st.caption(
            f"{len(shown)} of {len(whole)} places on {story.day_label(day)}. Select a row to open the place "
            "(keyboard: arrows to a row, Shift+Space); sort by a column's header."
        )
        table_key = table.widget_key(selected, day, colour, *chosen_filters)
        st.dataframe(
            shown,
            key=table_key,
            hide_index=True,
            column_order=table.COLUMNS[1:],
            column_config={table.BASIS: st.column_config.TextColumn(help=table.BASIS_HELP)},
            on_select=lambda: tools.select_from_table(st.session_state, shown, table_key),
            selection_mode="single-row",
            selection_default={"selection": {"rows": table.position_of(shown, selected)}},
            alt=f"Every place on record and where it stood on {story.day_label(day)}",
            width="stretch",
        )


the_day()

if painted:
    # Every term the panel, On this day and the legend link to (glossary.anchor): always on the page.
    st.html(f'<h2 class="sm-h2" id="what-the-words-mean">What the words mean</h2>{glossary.html_list()}')
# Drawn only when asked for: with thousands of places its tables would hold up the map's first paint.
if painted and st.toggle("About this map: what is counted, by whom, the limits; how to add a record", key="about"):
    st.markdown(story.about_markdown(data), unsafe_allow_html=False)
    st.markdown(basis.about_markdown(data), unsafe_allow_html=False)
# The page's own script (static/js/page.js): the live region, the focus on an opened place, Enter in a date field.
st.html(f"<script>{(HERE / 'static' / 'js' / 'page.js').read_text(encoding='utf-8')}</script>", unsafe_allow_javascript=True)
