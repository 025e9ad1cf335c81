/* The floor app: the time of the next keydown. */
() => document.addEventListener('keydown', () => { window.__bench.floorKey = performance.now(); }, {capture: true, once: true})
