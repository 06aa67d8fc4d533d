import { readFileSync } from 'node:fs';
import { createEmergencyScreen } from './src/safety/emergency-screen.js';
import { loadRedFlags } from './src/safety/red-flags.js';
const flags = await loadRedFlags('./knowledge/red-flags.yaml');
const screen = createEmergencyScreen(() => flags);
for (const file of process.argv.slice(2)) for (const l of readFileSync(file,'utf8').split('\n').filter(Boolean)) { const c = JSON.parse(l); const r = screen.screen(c.q); if (!c.emergency && r.emergency) console.log(r.matches.map(m=>m.flag.id+':'+m.phrase).join(',') , '|', c.q.slice(0,700)); }
