import { fileURLToPath } from 'node:url';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import { createEmergencyScreen, type EmergencyScreen } from '../../src/safety/emergency-screen.js';

let trained: Promise<EmergencyScreen> | undefined;

/**
 * The screen as Carepoint runs it: the red flags of knowledge/ and the classifier trained from its corpus.
 * Training takes about a second, so it is done once a test file, however many suites ask.
 */
export function trainedScreen(): Promise<EmergencyScreen> {
  trained ??= readKnowledgeFiles(fileURLToPath(new URL('../../knowledge', import.meta.url)))
    .then(({ redFlags }) => createEmergencyScreen(() => redFlags!));
  return trained;
}
