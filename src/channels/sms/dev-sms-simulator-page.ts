/** The SMS simulator page (development only). Self-contained: no external scripts, styles or fonts. */
export function simulatorPage(nonce: string, configured: boolean): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Carepoint SMS simulator</title>
<style nonce="${nonce}">
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 44rem; padding: 1rem; color: #212b32; }
  h1 { font-size: 1.4rem; }
  .note { background: #fff9c4; padding: .5rem .75rem; border-left: 4px solid #ffb81c; }
  form { display: grid; gap: .5rem; margin: 1rem 0; }
  label { font-weight: 600; }
  input, textarea, button { font: inherit; padding: .4rem; }
  button { background: #005eb8; color: #fff; border: 0; cursor: pointer; }
  #thread { display: flex; flex-direction: column; gap: .5rem; }
  .msg { white-space: pre-wrap; padding: .5rem .75rem; border-radius: .75rem; max-width: 85%; }
  .in { align-self: flex-end; background: #005eb8; color: #fff; }
  .out { align-self: flex-start; background: #e8edee; }
  .meta { font-size: .8rem; color: #4c6272; }
  table { border-collapse: collapse; width: 100%; font-size: .85rem; }
  td, th { border-bottom: 1px solid #d8dde0; padding: .25rem; text-align: left; vertical-align: top; }
</style>
</head>
<body>
<h1>Carepoint SMS simulator</h1>
<p class="note">Development only. Messages are signed on the server exactly as Twilio signs them and sent to
<code>POST /api/sms</code>. Replies are the TwiML response; other messages appear in the outbox below.</p>
${configured ? '' : '<p class="note"><strong>TWILIO_AUTH_TOKEN is not set</strong>: the SMS webhook refuses every request. Set it (any value for local use) and restart.</p>'}
<form id="send">
  <label for="from">Your number</label>
  <input id="from" name="from" value="+447911123456" autocomplete="off">
  <label for="body">Message <span class="meta">(Enter sends; Shift+Enter starts a new line)</span></label>
  <textarea id="body" name="body" rows="3"></textarea>
  <button type="submit">Send text</button>
</form>
<div id="thread" aria-live="polite"></div>
<h2>Outbox for this number</h2>
<table><thead><tr><th>id</th><th>status</th><th>delivery</th><th>purpose</th><th>body</th></tr></thead><tbody id="outbox"></tbody></table>
<script nonce="${nonce}">
  const thread = document.getElementById('thread');
  const from = document.getElementById('from');
  const body = document.getElementById('body');
  function bubble(cls, text, meta) {
    const div = document.createElement('div');
    div.className = 'msg ' + cls;
    div.textContent = text;
    if (meta) { const m = document.createElement('div'); m.className = 'meta'; m.textContent = meta; div.appendChild(m); }
    thread.appendChild(div);
    // The newest message in view, as a phone shows it (from its start, when it is taller than the window).
    div.scrollIntoView({ block: div.offsetHeight > window.innerHeight ? 'start' : 'nearest' });
  }
  async function refreshOutbox() {
    const res = await fetch('/dev/sms/outbox?phone=' + encodeURIComponent(from.value));
    if (!res.ok) return;
    const { items } = await res.json();
    const rows = document.getElementById('outbox');
    rows.replaceChildren(...items.map((i) => {
      const tr = document.createElement('tr');
      for (const v of [i.id, i.status, i.deliveryStatus || '', i.purpose, i.body]) {
        const td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
      }
      return tr;
    }));
  }
  // Enter sends, as in a phone's messaging app; Shift+Enter (or composing with an input method) does not.
  body.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      document.getElementById('send').requestSubmit();
    }
  });
  document.getElementById('send').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = body.value;
    bubble('in', text || '(empty)');
    body.value = '';
    const res = await fetch('/dev/sms/send', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: from.value, body: text }),
    });
    const answer = await res.json();
    if (!res.ok) { bubble('out', answer.error || 'Failed'); return; }
    if (answer.messages.length === 0) bubble('out', '(no reply)', 'HTTP ' + answer.status + ', ' + answer.ms + ' ms');
    for (const m of answer.messages) bubble('out', m, m.length + ' characters, HTTP ' + answer.status + ', ' + answer.ms + ' ms');
    refreshOutbox();
  });
  refreshOutbox();
  setInterval(refreshOutbox, 5000);
</script>
</body>
</html>`;
}
