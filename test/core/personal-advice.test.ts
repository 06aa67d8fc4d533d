import { describe, expect, it } from 'vitest';
import { asksForPersonalAdvice } from '../../src/conversation/intents.js';

// Carepoint never diagnoses and never decides about someone's own treatment: these are met with who can.
describe('asksForPersonalAdvice', () => {
  it.each([
    'should I stop taking my warfarin before my dental appointment',
    'Dad has a cough, he is tired all the time and lost weight. What do you think it is?',
    "what's wrong with my husband, he keeps dropping things",
    'Which should my wife pick for her MS, the injections or the infusion? What would you choose?',
    'the surgeon left it to us whether she has the operation. What would you do?',
    'Mum is shaking more in the evening. You think I should give her one more tablet at night?',
    'he hates weeing all day so I want to just give him half his water tablet, is that ok',
    'His eGFR is 29 now. Should he be starting dialysis or can he hold off?',
  ])('hears a request for a personal decision or a diagnosis in %j', (text) => {
    expect(asksForPersonalAdvice(text)).toBe(true);
  });

  it.each([
    'how do I use my inhaler properly',
    'what would you do if someone has a seizure at school',
    'what could cause swollen ankles with heart failure',
    'which inhaler is the brown one for',
    'how can we stop her falling',
    "I complained to the surgery two months ago and heard nothing back. Where can I take it now?",
    'what do I do if I miss a dose of my epilepsy medicine',
  ])('leaves a general question alone: %j', (text) => {
    expect(asksForPersonalAdvice(text)).toBe(false);
  });
});
