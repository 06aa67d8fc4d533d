import { riskFeatures } from './src/safety/risk-features.js';
import { normaliseWords } from './src/safety/text-normalise.js';
const q = 'my dad has collapsed and is not breathing, what do i do, hes gone blue';
const time = (name: string, f: () => unknown) => { for (let i = 0; i < 2000; i++) f(); const t0 = performance.now(); for (let i = 0; i < 20000; i++) f(); console.log(name, ((performance.now() - t0) / 20000 * 1000).toFixed(2), 'us'); };
time('normalise', () => normaliseWords(q));
time('features', () => riskFeatures(q));
