/* Runs in the top page before Streamlit: script-run states, websocket sends, and the page's own clock as epoch ms. */
(() => {
  if (window !== window.top) return;
  const b = window.__bench = {log: [], sentAt: null, sends: 0};
  new MutationObserver(ms => { for (const m of ms) b.log.push([performance.now(), m.target.getAttribute('data-test-script-state')]); })
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function () { b.sends += 1; return send.apply(this, arguments); };
  b.epoch = () => performance.timeOrigin + performance.now();
  b.box = () => {
    // The app's frame carries the map's title; the naive baseline's, Streamlit's name of the component.
    const f = document.querySelector('__MAP_IFRAME__') || document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const d = f && f.contentDocument;
    return d && d.querySelector('.leaflet-container');
  };
  b.runs = () => b.log.filter(([, s]) => s === 'running').length;
})();
