/* True once the recorded painted days span `s` seconds. */
s => window.__bench.days.length && performance.now() - window.__bench.days[0][0] >= s * 1000
