/* The naive app: the map container has a day and a filled shape. */
() => { const b = window.__bench.box(); return b && b.getAttribute('data-day') && b.querySelector('path[fill]'); }
