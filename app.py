"""Sanctuary Map 2017: replay the year's fight over sanctuary policies, day by day.

The page, top to bottom: ``layout`` keeps a named slot for every section; once the map page has painted,
``render_frame`` draws what stays the same from day to day (the controls, the headings, the glossary);
the fragment ``render_day`` draws the map and everything that follows the day, from one ``day.Day``.
"""

import functools
import html
import os
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.app_session import AppSession
from streamlit_folium import st_folium

from sanctuarymap.data import basis, dataset, licence, plural, status, year
from sanctuarymap.page import bridge, maps, payload
from sanctuarymap.reader import about, card, chart, compare, day, download, edition, glossary, legend, table, tools, view
from sanctuarymap.server import budget

HERE = Path(__file__).parent
# Another records folder can be shown with the same shapes (the tests and the benchmark do), and
# the shapes can be checked from another copy (the tests break one).
RECORDS = Path(os.environ.get("SANCTUARYMAP_RECORDS", HERE / "records"))
GEODATA = Path(os.environ.get("SANCTUARYMAP_GEODATA", HERE / "geodata"))
# Where the changes payload is written: the static folder beside this script serves it at
# maps.GENERATED_URL (the tests run the app from a temporary copy of static/, or write elsewhere).
GENERATED = Path(os.environ.get("SANCTUARYMAP_GENERATED", HERE / maps.GENERATED_FOLDER))
# The loaded, joined dataset and what the page is handed, kept on disk by content (edition.load): a new process starts from it.
CACHE = Path(os.environ.get("SANCTUARYMAP_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sanctuarymap")
# No reader's client may starve the others: a session's reruns beyond a few a second wait their turn.
budget.install(AppSession)
# One copy of the loaded, joined data for every session: never copied per viewer. Keyed by the
# files' sizes and times too, so an edit shows on the next rerun; the copy it replaces is let go.
load_edition = st.cache_resource(show_spinner="Loading records and boundaries…", max_entries=2)(edition.load)


class Slots(NamedTuple):
    """The page's sections in the order they show, each kept empty until its render function draws it. On a
    phone the two columns stack: the map first, then the controls and the panel. (A named tuple: this script runs
    again on every whole rerun, and making a dataclass costs about 2 ms each time.)"""

    map: DeltaGenerator
    key_line: DeltaGenerator
    switches: DeltaGenerator
    tools: DeltaGenerator  # what the switches open: the compared days, the day as a table
    controls: DeltaGenerator
    moment: DeltaGenerator  # beside the map, at the top of the panel: the reader sees the map fly while reading it
    panel: DeltaGenerator
    prompt: DeltaGenerator
    recent: DeltaGenerator
    chart_heading: DeltaGenerator
    chart: DeltaGenerator
    chart_caption: DeltaGenerator
    downloads_heading: DeltaGenerator
    downloads: tuple[DeltaGenerator, ...]  # one column per download.DOWNLOADS
    downloads_caption: DeltaGenerator
    words: DeltaGenerator
    about: DeltaGenerator


def layout() -> Slots:
    """The map and the panel side by side, then the chart, the downloads, the glossary and About."""
    map_column, panel_column = st.columns([3, 2], gap="medium")
    return Slots(
        map=map_column.container(),
        key_line=map_column.container(),
        switches=map_column.container(),
        tools=map_column.container(),
        controls=panel_column.container(),
        moment=panel_column.container(),
        panel=panel_column.container(),
        prompt=panel_column.container(),
        recent=panel_column.container(),
        chart_heading=st.container(),
        chart=st.container(),
        chart_caption=st.container(),
        downloads_heading=st.container(),
        downloads=tuple(st.columns(len(download.DOWNLOADS))),
        downloads_caption=st.container(),
        words=st.container(),
        about=st.container(),
    )


def render_header(data: dataset.Dataset) -> None:
    """The title, what the map is, and the problems found in the files, if any."""
    st.title("Sanctuary Map 2017")
    st.caption(
        "How the federal government and “sanctuary” jurisdictions fought over immigration enforcement "
        "in 2017, day by day. Every event is sourced; play the year or click a place for its story."
    )
    if data.problems:
        problems = plural.counted(len(data.problems), "problem")
        with st.expander(f"⚠️ {problems} in the records and boundaries: what they name is left out", expanded=True):
            st.dataframe(about.problems_table(data.problems), hide_index=True, width="stretch")


def render_frame(slots: Slots, data: dataset.Dataset, colour: str, selected: str | None) -> None:
    """What stays the same from one settled day to the next, drawn once the map page has painted: the code
    Streamlit loads for these elements would otherwise hold up that paint by about half a second on a
    first visit (docs/benchmarks.md)."""
    slots.key_line.markdown(legend.key_line_html(colour, len(data.mapped_ids)), unsafe_allow_html=True)
    render_controls(slots.controls, data.names)
    render_switches(slots.switches, data)
    if not selected:
        slots.prompt.info("Click a city, county or state on the map, or use **Find a place**, to read its story.")
    slots.chart_heading.html(
        f'<h2 class="sm-h2" id="chart-heading">{chart.title(colour)}</h2>'
        # The chart's description, which page.js ties to the chart (aria-describedby): the chart names itself.
        f'<p hidden id="chart-description">{html.escape(chart.description(colour))}</p>'
    )
    slots.chart_caption.caption(
        f"{plural.counted(len(data.mapped_ids), 'place')} and {plural.counted(len(data.records.events), 'event')} on record. "
        "The line marks the day shown."
    )
    slots.downloads_heading.html('<h2 class="sm-h2">The data of the day shown</h2>')
    slots.downloads_caption.caption(
        f"Every place with its three statuses, the event that set each and its source. {licence.RECORDS}. {licence.BOUNDARIES}."
    )
    # Every term the panel, On this day and the legend link to (glossary.anchor): always on the page.
    slots.words.html(f'<h2 class="sm-h2" id="what-the-words-mean">What the words mean</h2>{glossary.html_list()}')
    render_about(slots.about, data)


def render_controls(slot: DeltaGenerator, names: dict[str, str]) -> None:
    """What the colours show, and a place to find by name."""
    controls = slot.columns(2)
    controls[0].radio("Colour by", list(status.DIMENSIONS), key="colour", format_func=lambda key: status.DIMENSIONS[key].label)
    controls[1].selectbox(
        "Find a place",
        [None, *names],
        key="selected",
        format_func=lambda j: "—" if j is None else names[j],
        placeholder="Type a name",
        on_change=tools.fly_to_selected,
        args=(st.session_state,),
    )


def render_switches(slot: DeltaGenerator, data: dataset.Dataset) -> None:
    """The readers' tools, under the map: the day as a table, the year's key moments, a second day to compare."""
    switches = slot.columns([1, 1, 1.3], vertical_alignment="bottom")
    switches[0].toggle("The day as a table", key="table")
    story_args = (st.session_state, data.moments)
    switches[1].toggle("Key moments", key="story", disabled=not data.moments, on_change=tools.start_story, args=story_args)
    switches[2].toggle("Compare with another day", key="comparing", on_change=tools.start_compare, args=(st.session_state,))
    if st.session_state.comparing:
        # Shown once comparing: it starts at the day shown, so that its calendar opens there (Enter applies a typed date).
        slot.date_input("The other day", min_value=data.first_day, max_value=data.last_day, key="compare", format="YYYY-MM-DD")


def render_about(slot: DeltaGenerator, data: dataset.Dataset) -> None:
    """About this map, drawn only when asked for: with thousands of places its tables would hold up the map's first paint."""
    if slot.toggle("About this map: what is counted, by whom, the limits; how to add a record", key="about"):
        slot.markdown(about.about_markdown(data), unsafe_allow_html=False)
        slot.markdown(basis.about_markdown(data), unsafe_allow_html=False)


# Everything that follows the day, drawn into the slots. A rerun of this alone leaves the rest of the page as
# it is: the browser's cost of a settled day grows with every element redrawn, and a "Find a place" list of
# thousands of names costs more than all the rest.
@st.fragment
def render_day(shown: edition.Edition, slots: Slots, drawn: view.Drawn, map_day: date, changes_url: str) -> None:
    """The map, and once it has painted, every section that shows the day. ``drawn`` and ``map_day`` are the
    whole run's: a settled day's rerun hands the map the same arguments as before, and its frame has nothing to
    redo; anything else that changes (a click, a key moment, a records edit) reruns the whole page."""
    session, data = st.session_state, shown.data
    if not view.settle_day(session, data.first_day, data.last_day) or view.drawn(session, files_version()) != drawn:
        st.rerun(scope="app")
    render_map(slots.map, data, map_day, changes_url)
    st.query_params.from_dict(view.to_query(view.View(session.day, session.colour, session.selected)) | tools.to_query(session))
    if not drawn.painted:
        return
    the_day = day.of(data, session.day, session.colour, session.selected, tools.compared_with(session), session.get("opened", 0))
    render_moment(slots.moment, data)
    render_compare(slots.tools, the_day, data)
    render_table(slots.tools, the_day)
    render_panel(slots.panel, the_day, data)
    slots.recent.markdown(the_day.facts.on_this_day_html, unsafe_allow_html=True)
    render_chart(slots.chart, the_day, shown)
    render_downloads(slots.downloads, the_day)


def render_map(slot: DeltaGenerator, data: dataset.Dataset, map_day: date, changes_url: str) -> None:
    """The map (static/js/sanctuarymap.js in streamlit-folium's frame), flown to a place just chosen, if any."""
    session = st.session_state
    fly = data.views.loc[session.pop("fly_to")] if session.get("fly_to") in data.views.index else None
    view_now = bridge.view(map_day, session.day_set, session.colour, session.selected) | tools.map_extras(session)
    with slot, bridge.compiled_templates():
        st_folium(
            **bridge.map_arguments(maps.base_map(changes_url), view_now),
            center=None if fly is None else (fly.latitude, fly.longitude),
            zoom=None if fly is None else int(fly.zoom),
            height=560,
            use_container_width=True,
        )


def render_chart(slot: DeltaGenerator, the_day: day.Day, shown: edition.Edition) -> None:
    """How many places stood where, day by day, with a line at the day shown (only its marker moves)."""
    data = shown.data
    spec = chart.category_counts(shown.chart_areas[the_day.colour], the_day.colour, the_day.day, data.first_day, data.last_day)
    slot.vega_lite_chart(spec, width="stretch")


def render_moment(slot: DeltaGenerator, data: dataset.Dataset) -> None:
    """The year's key moment the reader is at, with the steps to the others (the Key moments switch)."""
    key_moments, index = data.moments, st.session_state.get("moment", 0)
    if not (st.session_state.story and key_moments):
        return
    # The steps first: they stay in one place from moment to moment, however long the text, so Next is
    # pressed again where it was, and the map beside them is in view (1366x768).
    steps = slot.columns(2)
    for column, label, step, last in ((steps[0], "‹ Previous moment", -1, 0), (steps[1], "Next moment ›", 1, len(key_moments) - 1)):
        step_args = (st.session_state, key_moments, step)
        column.button(label, disabled=index == last, on_click=tools.step_moment, args=step_args, width="stretch")
    slot.markdown(card.moment_html(key_moments[index], index, len(key_moments), data.sources_by_event), unsafe_allow_html=True)


def render_compare(slot: DeltaGenerator, the_day: day.Day, data: dataset.Dataset) -> None:
    """A second day compared: the counts on both days and the places that changed, with their causes."""
    compared = the_day.compared
    if compared is None:
        return
    early, late = compared
    slot.html(
        f'<h2 class="sm-h2">What changed from {early.label} to {late.label}, by {status.DIMENSIONS[the_day.colour].label.lower()}</h2>'
    )
    slot.caption(
        "On the map, the places that changed keep their colour (the later day's) and the others are faded. "
        "Move the day, or type the other day above."
    )
    slot.table(the_day.compare_counts().set_index("Category"))
    moved = the_day.compare_changed()
    slot.markdown(compare.list_html(moved, the_day.colour, data.names, data.records.events, data.sources_by_event), unsafe_allow_html=True)


def render_table(slot: DeltaGenerator, the_day: day.Day) -> None:
    """The day as a table, narrowed by the reader's filters: a row selected opens its place."""
    if not st.session_state.table:
        return
    tools.fit_categories(st.session_state, the_day.colour)
    whole = the_day.facts.table
    with slot:
        chosen = render_table_filters(whole, the_day.colour)
    shown = table.narrow(whole, states=chosen[1], kinds=chosen[2], dimension_key=the_day.colour, categories=chosen[3], search=chosen[0])
    slot.caption(
        f"{len(shown)} of {len(whole)} places on {the_day.label}. Select a row to open the place "
        "(keyboard: arrows to a row, Shift+Space); sort by a column's header."
    )
    table_key = table.widget_key(the_day.selected, the_day.day, the_day.colour, *chosen)
    slot.dataframe(
        shown,
        key=table_key,
        hide_index=True,
        column_order=table.COLUMNS[1:],
        column_config={table.BASIS: st.column_config.TextColumn(help=table.BASIS_HELP)},
        on_select=functools.partial(tools.select_from_table, st.session_state, shown, table_key),
        selection_mode="single-row",
        selection_default={"selection": {"rows": table.position_of(shown, the_day.selected)}},
        alt=f"Every place on record and where it stood on {the_day.label}",
        width="stretch",
    )


def render_table_filters(whole: pd.DataFrame, colour: str) -> tuple[str, list[str], list[str], list[str]]:
    """The table's search and filters; what the reader chose in each: search text, states, kinds, categories."""
    dimension = status.DIMENSIONS[colour]
    filters = st.columns([1.4, 1, 1, 1.4])
    filters[0].text_input("Search the table", key="table_find", placeholder="A name, a state, a status")
    filters[1].multiselect("State", table.states_of(whole), key="table_states", placeholder="Every state")
    filters[2].multiselect("Kind", tools.KINDS, key="table_kinds", format_func=table.KIND_NAMES.get, placeholder="Every kind")
    filters[3].multiselect(
        dimension.label,
        [c.key for c in dimension.categories],
        key="table_categories",
        format_func=dimension.label_of,
        placeholder="Every category",
    )
    session = st.session_state
    return (session.table_find, session.table_states, session.table_kinds, session.table_categories)


def render_panel(slot: DeltaGenerator, the_day: day.Day, data: dataset.Dataset) -> None:
    """The place chosen: its statuses on the day, the state law above it, its events; and its events to download."""
    selected, panel = the_day.selected, the_day.panel_html
    if selected is None or panel is None:
        return
    slot.markdown(panel, unsafe_allow_html=True)
    slot.download_button(
        "Download these events (CSV)",
        file_name=f"{selected}-events.csv",
        mime="text/csv",
        data=functools.partial(download.place_events_csv, data.records, selected),
        on_click="ignore",
    )


def render_downloads(columns: tuple[DeltaGenerator, ...], the_day: day.Day) -> None:
    """The day's files (download.DOWNLOADS), each built only when asked for."""
    for column, spec in zip(columns, download.DOWNLOADS):
        column.download_button(
            spec.label,
            data=functools.partial(spec.build, the_day.facts, RECORDS),
            file_name=spec.file_name(the_day.day),
            mime=spec.mime,
            on_click="ignore",
        )


def files_version() -> str:
    return dataset.files_version(RECORDS, GEODATA)


st.set_page_config(page_title="Sanctuary Map 2017", page_icon="🗺️", layout="wide")
st.html(HERE / "static" / "css" / "page.css")
shown = load_edition(str(RECORDS), str(GEODATA), freeze=True, version=files_version(), cache=CACHE)
data = shown.data
# Every status change, published once per content as a static file the map page fetches and caches.
changes_url = f"{maps.GENERATED_URL}/{payload.publish(shown.changes_body, GENERATED)}"
view.settle(st.session_state, st.query_params, data.first_day, data.last_day, data.names, default_day=year.DEFAULT_DAY)
tools.settle(st.session_state, st.query_params, data.first_day, data.last_day, data.state_codes, len(data.moments))
render_header(data)
slots = layout()
drawn = view.drawn(st.session_state, files_version())
if drawn.painted:
    render_frame(slots, data, drawn.colour, drawn.selected)
render_day(shown, slots, drawn, st.session_state.day, changes_url)
# The page's own script (static/js/page.js): the live region, the focus on an opened place, Enter in a date field.
st.html(f"<script>{(HERE / 'static' / 'js' / 'page.js').read_text(encoding='utf-8')}</script>", unsafe_allow_javascript=True)
