// The chat page's script (served as-is, an ES module). Web Chat's UMD bundle has already run (deferred
// classic script before this module), so window.WebChat is ready.
import { initAll } from '/assets/nhsuk-frontend.min.js';

// What the NHS page template's inline script does; inline scripts are not allowed by the page's policy.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();

const NHS_BLUE = '#005eb8';
const NHS_TEXT = '#212b32';
const NHS_SECONDARY_TEXT = '#4c6272';
const NHS_BORDER = '#d8dde0';

/** Web Chat in the NHS look: NHS blue accents, Arial, readable sizes, contrast of 4.5:1 or more. */
const styleOptions = {
  accent: NHS_BLUE,
  backgroundColor: '#ffffff',
  subtle: NHS_SECONDARY_TEXT,
  primaryFont: 'Arial, sans-serif',
  fontSizeSmall: '87.5%',
  rootHeight: '100%',
  rootWidth: '100%',
  paddingRegular: 12,

  bubbleBackground: '#ffffff',
  bubbleBorderColor: NHS_BORDER,
  bubbleBorderRadius: 4,
  bubbleBorderWidth: 1,
  bubbleTextColor: NHS_TEXT,
  bubbleFromUserBackground: NHS_BLUE,
  bubbleFromUserBorderColor: NHS_BLUE,
  bubbleFromUserBorderRadius: 4,
  bubbleFromUserTextColor: '#ffffff',
  bubbleMaxWidth: 640,
  bubbleMinWidth: 0,
  messageActivityWordBreak: 'break-word',
  timestampColor: NHS_SECONDARY_TEXT,

  hideUploadButton: true,
  sendBoxTextWrap: true,
  sendBoxMaxHeight: 160,
  sendBoxBackground: '#ffffff',
  sendBoxTextColor: NHS_TEXT,
  sendBoxPlaceholderColor: NHS_SECONDARY_TEXT,
  sendBoxButtonColor: NHS_BLUE,
  sendBoxBorderTop: `solid 2px ${NHS_SECONDARY_TEXT}`,

  suggestedActionLayout: 'flow',
  suggestedActionsStackedLayoutButtonTextWrap: true,
  suggestedActionBackgroundColor: '#ffffff',
  suggestedActionBorderColor: NHS_BLUE,
  suggestedActionBorderWidth: 2,
  suggestedActionBorderRadius: 4,
  suggestedActionTextColor: NHS_BLUE,
  suggestedActionHeight: 44,

  transcriptVisualKeyboardIndicatorColor: '#ffeb3b',
  transcriptActivityVisualKeyboardIndicatorColor: NHS_TEXT,
  suggestedActionKeyboardFocusIndicatorBorderColor: NHS_TEXT,
};

const strings = {
  ACTIVITY_BOT_SAID_ALT: 'Carepoint said:',
  TEXT_INPUT_ALT: 'Your message to Carepoint',
  TEXT_INPUT_PLACEHOLDER: 'Type your message',
  TEXT_INPUT_SEND_BUTTON_ALT: 'Send message',
  SUGGESTED_ACTIONS_LABEL_ALT: 'Answers you can choose',
};

/**
 * Carepoint's replies put one item per line (lists, the read-back of a concern); markdown would run those
 * lines together, so a single line break becomes a markdown hard break. Blank lines still make paragraphs.
 */
function renderMarkdown(markdown, newLineOptions, linkOptions) {
  return window.WebChat.renderMarkdown(withPhoneLinks(markdown).replace(/([^\n])\n(?!\n)/g, '$1  \n'), newLineOptions, linkOptions);
}

/**
 * The numbers Carepoint tells people to call become links a phone dials with one tap (999, NHS 111,
 * Samaritans). Done here, not in the bot's text: on SMS the same words must stay plain.
 */
function withPhoneLinks(markdown) {
  return markdown
    .replace(/^Call 999 now/, '[Call 999](tel:999) now')
    .replace(/\b(call|or) 999\b(?!\])/gi, '$1 [999](tel:999)')
    .replace(/\bNHS 111\b(?! online)(?!\])/g, '[NHS 111](tel:111)')
    .replace(/\b116 123\b/g, '[116 123](tel:116123)');
}

const host = document.getElementById('webchat');

/**
 * The chat survives a reload, or Back to this page, in the same tab: its conversation id, Direct Line token
 * and domain are kept in sessionStorage, which belongs to this tab and goes when the tab is closed. Never
 * localStorage: on a shared computer, the next person's new tab or window must not open the last person's chat.
 */
const SESSION_KEY = 'carepoint.chat';
/** Set by "Start a new chat" for the page it reloads into: put the patient in the message box. */
const FOCUS_KEY = 'carepoint.chat.focus';

/** directlinejs's ConnectionStatus values. */
const ONLINE = 2;
const FAILED_TO_CONNECT = 4;
const ENDED = 5;

function storedSession() {
  try {
    const value = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (typeof value?.conversationId === 'string' && typeof value.token === 'string' && typeof value.domain === 'string') {
      return value;
    }
  } catch {
    // Unreadable, or storage refused (some private modes): the chat simply starts afresh.
  }
  return undefined;
}

function keepSession(session) {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Without storage a reload starts a new chat, as it always did.
  }
}

function forgetSession() {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // nothing was kept
  }
}

/** A new conversation's token from Carepoint. */
async function newSession() {
  const response = await fetch('/api/webchat/token', { method: 'POST', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`token request answered ${response.status}`);
  const session = await response.json();
  // Relative for Carepoint's own transport, absolute for Azure.
  return { token: session.token, domain: new URL(session.domain, window.location.href).href };
}

/**
 * The stored conversation with a fresh token (Direct Line's POST /tokens/refresh), or undefined when the
 * service refuses the old token (expired beyond refresh, or not valid here): then a new chat starts.
 * A network failure or a server error throws instead, and the stored chat is kept for the next try.
 */
async function resumedSession(stored) {
  const response = await fetch(`${stored.domain}/tokens/refresh`, {
    method: 'POST',
    headers: { accept: 'application/json', authorization: `Bearer ${stored.token}` },
  });
  if (response.status >= 400 && response.status < 500) return undefined;
  if (!response.ok) throw new Error(`token refresh answered ${response.status}`);
  const body = await response.json();
  if (body.conversationId !== stored.conversationId || typeof body.token !== 'string') return undefined;
  return { token: body.token, domain: stored.domain, conversationId: stored.conversationId };
}

async function startChat() {
  const stored = storedSession();
  const resumed = stored ? await resumedSession(stored) : undefined;
  if (stored && !resumed) forgetSession();
  const session = resumed ?? (await newSession());
  const directLine = window.WebChat.createDirectLine({
    token: session.token,
    domain: session.domain,
    webSocket: false,
    // With a conversation id the client reconnects (GET /conversations/:id) instead of starting one. No
    // watermark on purpose: Web Chat keeps no transcript of its own, so polling from the start is what
    // shows the patient the conversation so far; with the last watermark they would see only what is new.
    ...(session.conversationId ? { conversationId: session.conversationId } : {}),
  });

  directLine.connectionStatus$.subscribe((status) => {
    if (status === ONLINE) {
      keepSession({ conversationId: directLine.conversationId, token: directLine.token, domain: session.domain });
    } else if (status === FAILED_TO_CONNECT && session.conversationId) {
      // The stored conversation is gone (for example the service was reset): start a new one.
      forgetSession();
      window.location.reload();
    } else if (status === ENDED) {
      forgetSession();
    }
  });
  // directlinejs swaps in a refreshed token every 15 minutes (its `token` field): keep the newest for the
  // next load of this page. Only while this chat is still the stored one, so "Start a new chat" sticks.
  window.addEventListener('pagehide', () => {
    const current = storedSession();
    if (current && current.conversationId === directLine.conversationId && directLine.token) {
      keepSession({ ...current, token: directLine.token });
    }
  });

  window.WebChat.renderWebChat(
    {
      directLine,
      store,
      locale: 'en-GB',
      nonce: host.dataset.styleNonce,
      styleOptions,
      renderMarkdown,
      overrideLocalizedStrings: strings,
      role: 'region',
    },
    host,
  );
  host.setAttribute('aria-busy', 'false');
  markEmergencyReplies();
  document.getElementById('new-chat').hidden = false;
  if (takeFocusRequest()) focusMessageBoxWhenDrawn();
}

/** Which care card a reply is, from how the bot's instruction begins: 999 (emergency, red) or 111 (urgent). */
const CARE_CARDS = [
  { startsWith: 'Call 999 now', className: 'carepoint-care-card--emergency' },
  { startsWith: 'Call NHS 111 now', className: 'carepoint-care-card--urgent' },
];

/**
 * An emergency instruction looks like the NHS emergency care card, not like any other answer, and the
 * transcript scrolls to its start: on a phone, "Call 999" must be what the patient sees first, not the
 * end of the advice. Web Chat gives no hook for this without React, so its drawn bubbles are marked.
 */
function markEmergencyReplies() {
  const mark = () => {
    for (const bubble of host.querySelectorAll('.webchat__bubble:not(.webchat__bubble--from-user):not([data-care-checked])')) {
      const content = bubble.querySelector('.webchat__bubble__content');
      // Web Chat puts zero-width spaces around links.
      const text = content?.textContent?.replace(/\u200b/g, '').trim();
      if (!text) continue;
      bubble.setAttribute('data-care-checked', '');
      const card = CARE_CARDS.find((c) => text.startsWith(c.startsWith));
      if (!card) continue;
      bubble.classList.add('carepoint-care-card', card.className);
      if (sentFromThisPage) keepStartInView(bubble);
    }
  };
  new MutationObserver(mark).observe(host, { childList: true, subtree: true, characterData: true });
  mark();
}

/** How long the start of a new emergency reply is held in view against Web Chat's follow-the-bottom scrolling. */
const HOLD_IN_VIEW_MS = 3_000;

/**
 * Web Chat follows the newest message (the notes sent just after the 999 reply would push "Call 999" out of
 * sight): for a few seconds each of its scrolls is answered by scrolling back to the start of the reply,
 * until it stops following. The patient scrolling, tapping or typing ends the hold at once.
 */
function keepStartInView(bubble) {
  const scroller = host.querySelector('.webchat__basic-transcript__scrollable');
  const until = Date.now() + HOLD_IN_VIEW_MS;
  let frame = 0;
  const hold = () => {
    if (Date.now() > until) return release();
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => bubble.scrollIntoView({ block: 'start' }));
  };
  const release = () => {
    cancelAnimationFrame(frame);
    scroller?.removeEventListener('scroll', hold);
    for (const type of PATIENT_INPUT) host.removeEventListener(type, release);
  };
  scroller?.addEventListener('scroll', hold, { passive: true });
  for (const type of PATIENT_INPUT) host.addEventListener(type, release, { passive: true });
  setTimeout(release, HOLD_IN_VIEW_MS);
  hold();
}
const PATIENT_INPUT = ['wheel', 'touchstart', 'keydown', 'pointerdown'];

/**
 * Whether the patient has sent a message from this page: only replies to it are scrolled to, so a chat
 * resumed after a reload does not jump back to an old 999 reply. Seen in Web Chat's store (no React needed).
 */
let sentFromThisPage = false;
const store = window.WebChat.createStore({}, () => (next) => (action) => {
  if (action.type === 'DIRECT_LINE/POST_ACTIVITY') sentFromThisPage = true;
  return next(action);
});

function takeFocusRequest() {
  try {
    const wanted = sessionStorage.getItem(FOCUS_KEY) === '1';
    sessionStorage.removeItem(FOCUS_KEY);
    return wanted;
  } catch {
    return false;
  }
}

/** Web Chat draws its message box a moment after rendering starts. */
function focusMessageBoxWhenDrawn() {
  const find = () => host.querySelector('textarea, input[type="text"]');
  const box = find();
  if (box) {
    box.focus();
    return;
  }
  const observer = new MutationObserver(() => {
    const drawn = find();
    if (!drawn) return;
    observer.disconnect();
    drawn.focus();
  });
  observer.observe(host, { childList: true, subtree: true });
  setTimeout(() => observer.disconnect(), 10_000);
}

/** "Start a new chat": forget this tab's conversation and open the page afresh. */
document.getElementById('new-chat-button').addEventListener('click', () => {
  forgetSession();
  try {
    sessionStorage.setItem(FOCUS_KEY, '1');
  } catch {
    // focus stays where the browser puts it
  }
  window.location.reload();
});

function showError() {
  const error = document.getElementById('chat-error');
  host.hidden = true;
  error.hidden = false;
  error.focus();
}

host.setAttribute('aria-busy', 'true');
startChat().catch(showError);
