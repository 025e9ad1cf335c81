/* The floor app: ms from the keydown to its text showing the new day plus two frames, or false until then. */
(want) => {
  const b = window.__bench;
  if (b.floorDone != null) return b.floorDone - b.floorKey;
  const text = document.querySelector('[data-testid="stText"]');
  if (b.floorHit == null && text && text.textContent.includes(want)) {
    b.floorHit = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { b.floorDone = performance.now(); }));
  }
  return false;
}
