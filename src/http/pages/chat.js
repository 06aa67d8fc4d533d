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
  return window.WebChat.renderMarkdown(markdown.replace(/([^\n])\n(?!\n)/g, '$1  \n'), newLineOptions, linkOptions);
}

const host = document.getElementById('webchat');

async function startChat() {
  const response = await fetch('/api/webchat/token', { method: 'POST', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`token request answered ${response.status}`);
  const session = await response.json();
  const directLine = window.WebChat.createDirectLine({
    token: session.token,
    // Relative for Carepoint's own transport, absolute for Azure.
    domain: new URL(session.domain, window.location.href).href,
    webSocket: false,
  });
  window.WebChat.renderWebChat(
    {
      directLine,
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
}

function showError() {
  const error = document.getElementById('chat-error');
  host.hidden = true;
  error.hidden = false;
  error.focus();
}

host.setAttribute('aria-busy', 'true');
startChat().catch(showError);
