/* A scrub step: ms from the keydown to the new day painted plus two frames, or false until then. */
() => { const b = window.__bench; return b.done != null ? b.done - b.key : false; }
