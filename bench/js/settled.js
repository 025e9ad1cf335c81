/* A settled day: ms from the page's report to the panel, URL and chart showing it, idle, plus two frames. */
([heading, day]) => {
  const b = window.__bench;
  if (b.settleDone != null) return b.settleDone - b.sentAt;
  const state = document.querySelector('[data-test-script-state]');
  const idle = state && state.getAttribute('data-test-script-state') === 'notRunning';
  const done = b.sentAt != null && location.search.includes('day=' + day) && idle
    && [...document.querySelectorAll('h2')].some(h => h.textContent.trim() === heading)
    && document.querySelector('[data-testid="stVegaLiteChart"]');
  if (done && b.settleHit == null) {
    b.settleHit = b.epoch();
    requestAnimationFrame(() => requestAnimationFrame(() => { b.settleDone = b.epoch(); }));
  }
  return false;
}
