/* Installed in the map's frame: keydown and paint times on its own clock; reports timed on the epoch clock. */
() => {
  if (window.__bench) return true;
  const b = window.__bench = {key: null, hit: null, done: null, days: [], recording: false};
  document.addEventListener('keydown', () => { b.key = performance.now(); b.hit = null; b.done = null; }, true);
  const box = document.querySelector('.leaflet-container');
  new MutationObserver(() => {
    const now = performance.now();
    if (b.recording) b.days.push([now, box.getAttribute('data-day')]);
    if (b.key != null && b.hit == null) {
      b.hit = now;
      requestAnimationFrame(() => requestAnimationFrame(() => { b.done = performance.now(); }));
    }
  }).observe(box, {attributes: true, attributeFilter: ['data-day']});
  const set = window.Streamlit.setComponentValue;
  window.Streamlit.setComponentValue = function () {
    window.top.__bench.sentAt = performance.timeOrigin + performance.now();
    return set.apply(this, arguments);
  };
  return true;
}
