// briefgen serve: keep this page current. The server sends the digests of the page's parts
// (server-sent events). What the page is made of changed (an error, or back to the brief):
// the page reloads. The brief changed: its frame reloads, at the same scroll position. The
// findings or the document links changed: they are swapped in place. Refused a stream (too
// many pages open), it tries again later.
"use strict";
(() => {
  const body = document.body;
  const panels = ["findings", "documents"];
  const RETRY_MS = 10000; // the server's Retry-After when it refuses a stream

  function reloadBrief() {
    const frame = document.getElementById("brief");
    if (!frame || !frame.contentWindow) {
      location.reload();
      return;
    }
    const x = frame.contentWindow.scrollX;
    const y = frame.contentWindow.scrollY;
    frame.addEventListener("load", () => frame.contentWindow.scrollTo(x, y), { once: true });
    frame.contentWindow.location.reload();
  }

  async function swap(stale) {
    const response = await fetch(location.href, { cache: "no-store" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    if (fresh.body.dataset.page !== body.dataset.page) {
      location.reload();
      return;
    }
    for (const part of stale) {
      const now = fresh.getElementById(part);
      const shown = document.getElementById(part);
      if (now && shown) shown.replaceWith(document.adoptNode(now));
      body.dataset[part] = fresh.body.dataset[part];
    }
  }

  function update(event) {
    const versions = JSON.parse(event.data);
    if (versions.page !== body.dataset.page) {
      event.target.close();
      location.reload();
      return;
    }
    if (versions.brief !== body.dataset.brief) {
      body.dataset.brief = versions.brief;
      reloadBrief();
    }
    const stale = panels.filter((part) => versions[part] !== body.dataset[part]);
    if (stale.length) swap(stale);
  }

  // The browser reconnects by itself when the connection drops. It gives up when the server
  // answers with an error (a 503: too many open preview pages): try again a little later,
  // and the first event then brings the page up to date.
  function listen() {
    const events = new EventSource(body.dataset.events);
    events.addEventListener("state", update);
    events.addEventListener("error", () => {
      if (events.readyState === EventSource.CLOSED) {
        setTimeout(listen, RETRY_MS * (0.5 + Math.random()));
      }
    });
  }

  listen();
})();
