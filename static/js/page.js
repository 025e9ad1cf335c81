// The Streamlit page's own behaviour (app.py runs it once per page; the map page's is sanctuarymap.js).
//
// - A polite live region, made once and kept, says the day the page settled on and its events: Streamlit
//   redraws its elements, and a live region drawn anew with its text is often not read at all. The text
//   comes from the element [data-announce] that app.py draws with the day's events.
// - A place opened by a click on the map (.sm-panel[data-opened] counts them) whose heading is out of sight
//   (on a phone the panel sits under the map) is scrolled to, and its heading takes the focus.
// - A glossary link (a.sm-term, or a message {type: "sanctuarymap:glossary", key} from the map's frame)
//   scrolls to its entry and moves the focus there, without touching the page's address.
// - Enter in a date field applies the typed date, as leaving the field does.
// - A key moment shown with the map or the card out of sight scrolls the page back to the map's top.
// - The chart is described by the hidden paragraph app.py draws for it (#chart-description).
(() => {
  if (window.sanctuaryMapPage) return; // Streamlit may draw this script again: one set of listeners
  window.sanctuaryMapPage = true;
  const doc = document; // st.html runs this in the page itself, not in a frame

  const live = doc.createElement("div");
  live.id = "sm-live";
  live.className = "sm-visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  // Where the focus steps for a moment to apply a typed date (Enter, below): focusable by script only.
  const sink = doc.createElement("span");
  sink.tabIndex = -1;
  sink.className = "sm-visually-hidden";
  let announced = null;
  let opened = "0";

  function placeLive() {
    const main = doc.querySelector("[data-testid='stMain']") || doc.body;
    if (live.parentNode !== main) main.appendChild(live);
    if (sink.parentNode !== main) main.appendChild(sink);
  }

  function announce() {
    const source = doc.querySelector("[data-announce]");
    if (!source) return;
    const text = source.getAttribute("data-announce");
    if (text === announced) return;
    // The page's first day is not news: only the days it moves to are read out.
    if (announced !== null) live.textContent = text;
    announced = text;
  }

  function inView(element) {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (window.innerHeight || doc.documentElement.clientHeight);
  }

  function focusOpened() {
    const panel = doc.querySelector(".sm-panel[data-opened]");
    if (!panel) return;
    const count = panel.getAttribute("data-opened");
    if (count === opened) return;
    opened = count;
    if (count === "0") return; // a place from the address or Find a place, not the map: the reader is where they are
    const heading = panel.querySelector(".sm-panel-title");
    if (!heading || inView(heading)) return;
    heading.scrollIntoView({ block: "start", behavior: "auto" });
    heading.focus({ preventScroll: true });
  }

  let moment = null;

  function keepStoryInView() {
    // A key moment is told beside the map (1366x768 and wider): when one is shown and either is out of
    // sight (the reader scrolled down to the switch), the page scrolls back to the map's top, which
    // brings both into view. Stacked on a phone, the reader stays where they pressed.
    const card = doc.querySelector(".sm-moment[data-moment]");
    const value = card ? card.getAttribute("data-moment") : null;
    if (value === moment) return;
    moment = value;
    const frame = doc.querySelector("iframe"); // the map: the page's one frame
    if (!card || !frame) return;
    const cardBox = card.getBoundingClientRect(), mapBox = frame.getBoundingClientRect();
    if (cardBox.left < mapBox.right) return; // stacked
    if (inView(frame) && inView(card)) return;
    frame.scrollIntoView({ block: "start", behavior: "auto" });
  }

  function goTo(key) {
    const entry = doc.getElementById("glossary-" + key);
    if (!entry) return false;
    entry.scrollIntoView({ block: "start", behavior: "auto" });
    entry.focus({ preventScroll: true });
    return true;
  }

  doc.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.sm-term");
    if (!link) return;
    const key = (link.getAttribute("href") || "").replace(/^#glossary-/, "");
    if (goTo(key)) event.preventDefault();
  });

  window.addEventListener("message", (event) => {
    if (event.origin !== window.location.origin) return;
    const data = event.data;
    if (data && data.type === "sanctuarymap:glossary" && typeof data.key === "string") goTo(data.key);
  });

  doc.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      const field = event.target.closest && event.target.closest("[data-testid='stDateInputField']");
      if (!field || event.target.closest("[data-testid='stDateInputCalendar']")) return;
      // Streamlit applies a typed date when the focus moves out of the field (to somewhere: a plain blur
      // does not count). Enter does the same by passing the focus out and straight back.
      const segment = event.target;
      event.preventDefault();
      sink.focus({ preventScroll: true });
      segment.focus({ preventScroll: true });
    },
    true,
  );

  function describeChart() {
    // Vega names the chart (aria-label, from its spec's description); its description is drawn beside it.
    const chart = doc.querySelector("[data-testid='stVegaLiteChart']");
    if (chart && doc.getElementById("chart-description") && chart.getAttribute("aria-describedby") !== "chart-description") {
      chart.setAttribute("aria-describedby", "chart-description");
    }
  }

  const observer = new MutationObserver(() => {
    placeLive();
    describeChart();
    announce();
    focusOpened();
    keepStoryInView();
  });
  observer.observe(doc.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["data-announce", "data-opened", "data-moment"] });
  placeLive();
  announce();
  focusOpened();
})();
