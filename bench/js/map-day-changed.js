/* The naive app: the map container shows another day than `d`. */
d => { const b = window.__bench.box(); return b && b.getAttribute('data-day') && b.getAttribute('data-day') !== d; }
