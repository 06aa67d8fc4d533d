// Live updates for the console's queue and concern pages. The pages work fully without this script: it only
// listens to /console/events and, when something changed, fetches the page's own fragment again and puts it
// in place, telling screen-reader users what changed (politely, and never for a heartbeat).
const region = document.getElementById('live-region');
const status = document.getElementById('live-status');
const note = document.getElementById('live-note');

if (region && status && 'EventSource' in window) {
  const url = region.dataset.liveUrl;
  const concernId = region.dataset.liveConcern;
  const pollSeconds = Number(region.dataset.livePoll || 0);
  let timer;
  let running = false;
  let again = false;
  let stopped = false;

  const say = (text) => { if (note) { note.textContent = text; note.hidden = false; } };
  const stop = (text) => { stopped = true; say(text); };

  /** What the rows (queue) or the concern (its page) looked like, to tell what a refresh changed. */
  const snapshot = () => {
    const rows = new Map();
    for (const row of region.querySelectorAll('[data-id]')) rows.set(row.dataset.id, row.dataset.version);
    return { rows, version: region.dataset.version, messages: Number(region.dataset.messages || 0) };
  };

  const describe = (before, after) => {
    if (concernId) {
      if (before.version === after.version) return '';
      const added = after.messages - before.messages;
      return added > 0 ? `This concern was updated: ${added} new message${added === 1 ? '' : 's'}.` : 'This concern was updated.';
    }
    let added = 0, changed = 0, gone = 0;
    for (const [id, version] of after.rows) {
      if (!before.rows.has(id)) added++;
      else if (before.rows.get(id) !== version) changed++;
    }
    for (const id of before.rows.keys()) if (!after.rows.has(id)) gone++;
    const parts = [];
    if (added) parts.push(`${added} new`);
    if (changed) parts.push(`${changed} changed`);
    if (gone) parts.push(`${gone} no longer shown`);
    return parts.length ? `Queue updated: ${parts.join(', ')}.` : '';
  };

  const refresh = async () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = true;
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.status === 401 || response.status === 403) return stop('Live updates have stopped: you may have been signed out. Reload the page.');
      if (!response.ok) return;
      const html = await response.text();
      const template = document.createElement('template');
      template.innerHTML = html;
      const fresh = template.content.firstElementChild;
      if (!fresh) return;
      const before = snapshot();
      // Keep the keyboard where it was: the same link or control in the new content gets the focus back.
      const active = document.activeElement;
      const focusKey = active && region.contains(active) ? active.getAttribute('href') || active.id : '';
      region.replaceChildren(...fresh.childNodes);
      for (const name of ['version', 'messages']) if (fresh.dataset[name] !== undefined) region.dataset[name] = fresh.dataset[name];
      if (focusKey) {
        const target = [...region.querySelectorAll('[href], [id]')].find((el) => el.getAttribute('href') === focusKey || el.id === focusKey);
        target?.focus({ preventScroll: true });
      }
      const text = describe(before, snapshot());
      if (text) status.textContent = text;
    } catch {
      // A failed fetch is tried again at the next change or poll.
    } finally {
      running = false;
      if (again) { again = false; schedule(); }
    }
  };

  // Changes come in bursts (one commit can touch a concern and its events): one fetch for a burst.
  const schedule = () => { clearTimeout(timer); timer = setTimeout(refresh, 300); };

  const events = new EventSource('/console/events');
  let connected = false;
  events.addEventListener('open', () => {
    // After a reconnection something may have changed unheard: look again. The queue also looks once on first
    // connecting (a change between the page being made and now); a concern page does not, as each look at a
    // concern is an audited view.
    if (connected || !concernId) schedule();
    connected = true;
    say('This page updates itself when concerns change.');
  });
  events.addEventListener('concern', (event) => { if (!concernId || event.data === concernId) schedule(); });
  events.addEventListener('error', () => {
    if (events.readyState === EventSource.CLOSED) {
      say(pollSeconds ? `Live updates are off: this page refreshes every ${pollSeconds} seconds.` : 'Live updates are off. Reload the page to see changes.');
    }
  });
  // Waiting times move on by themselves, and a notification can be missed: look again now and then.
  if (pollSeconds) setInterval(() => { if (!document.hidden) schedule(); }, pollSeconds * 1000);
}
