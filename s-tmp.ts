import { readKnowledgeFiles } from './src/knowledge/load-knowledge.js';
import { createEmergencyScreen } from './src/safety/emergency-screen.js';
const files = await readKnowledgeFiles('./knowledge');
const screen = createEmergencyScreen(() => files.redFlags!);
for (const q of process.argv.slice(2)) { const r = screen.screen(q); console.log(r.emergency, r.uncertain, r.classifier?.score.toFixed(1), r.matches.map((m) => m.flag.id), q); }
