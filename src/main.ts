import { config as loadDotenv } from 'dotenv';
import { buildCarepoint } from './compose.js';
import { parseConfig } from './config.js';

// A .env file fills in what the environment does not set; the environment wins.
loadDotenv({ quiet: true });
const parsed = parseConfig(process.env);
if (!parsed.ok) {
  for (const error of parsed.errors) console.error(`Configuration error: ${error}`);
  process.exit(1);
}

const carepoint = await buildCarepoint(parsed.config);
await carepoint.listen();
const devSignInLink = await carepoint.devSignInLink();
// A one-time secret for this machine's developer: printed once to the terminal, never written to the log.
if (devSignInLink) process.stdout.write(`Console sign-in (once, within 10 minutes): ${devSignInLink}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    carepoint.logger.info({ signal }, 'stopping');
    carepoint.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        carepoint.logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  });
}
