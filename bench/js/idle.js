/* True once the script is not running and no run has started for `quiet` ms since `since`. */
([quiet, since]) => {
  const el = document.querySelector('[data-test-script-state]');
  if (!el || el.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const log = window.__bench.log;
  const last = Math.max(since || 0, log.length ? log[log.length - 1][0] : 0);
  return performance.now() - last >= quiet;
}
