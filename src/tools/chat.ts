import { createInterface } from 'node:readline/promises';
import { config as loadDotenv } from 'dotenv';
import { BotClient, type BotReply } from './bot-client.js';
import { carepointUrl } from './server-url.js';

/**
 * `npm run chat`: talk to a running Carepoint from the terminal, as a patient would in a chat window.
 * It finds the server where `npm start` listens (PORT and HOST, from the environment or `.env`);
 * `npm run chat -- http://127.0.0.1:3978` (or CAREPOINT_URL) picks another.
 */
loadDotenv({ quiet: true });
const url = carepointUrl(process.argv[2], process.env);
const client = new BotClient(url, { channelId: 'emulator' });

function show(replies: BotReply[]): void {
  for (const reply of replies) {
    if (reply.text) console.log(`\nCarepoint: ${reply.text.replace(/\n/g, '\n           ')}`);
    const actions = reply.suggestedActions?.actions ?? [];
    if (actions.length > 0) console.log(`           [${actions.map((a) => a.title ?? String(a.value)).join(' | ')}]`);
  }
  console.log();
}

try {
  show(await client.join());
} catch (error) {
  console.error(`Cannot reach Carepoint at ${url} (${(error as Error).message}). Start it first with: npm start`);
  process.exit(1);
}
console.log('(Type your message and press Enter. Ctrl+D or "/quit" to leave.)\n');
// Reading lines as a stream keeps every line, also when the messages are piped in.
const terminal = createInterface({ input: process.stdin, output: process.stdout, prompt: 'You: ' });
terminal.prompt();
for await (const line of terminal) {
  const text = line.trim();
  if (text === '/quit') break;
  if (text !== '') {
    if (!process.stdin.isTTY) console.log(text);
    try {
      show(await client.send(text));
    } catch (error) {
      console.error(`(Could not send: ${(error as Error).message})`);
    }
  }
  terminal.prompt();
}
terminal.close();
