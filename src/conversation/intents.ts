import { findReference } from '../concerns/reference.js';

export type Intent =
  | { kind: 'greeting' }
  | { kind: 'help' }
  | { kind: 'concern' }
  | { kind: 'status'; reference?: string }
  | { kind: 'more' }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'thanks' }
  | { kind: 'goodbye' }
  | { kind: 'question'; text: string };

export type Interruption = 'cancel' | 'restart' | 'help' | 'not-emergency' | 'status';

const clean = (text: string) => text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z0-9' -]+/g, ' ').replace(/\s+/g, ' ').trim();

/** Words that interrupt any dialog. Only whole short messages count, so "I cancelled my appointment" does not. */
export function interruptionOf(text: string): Interruption | undefined {
  const t = clean(text);
  if (/^(cancel|cancel (that|this|it|concern)|stop (that|this)|quit|never ?mind|forget it|exit)( please)?$/.test(t)) return 'cancel';
  if (/^(start (again|over)|restart|begin again|start from the (start|beginning)|go back to the start)( please)?$/.test(t)) return 'restart';
  if (/^(help|help me|what can you do|menu|options)$/.test(t)) return 'help';
  // After an emergency reply: the person says it was not one and wants their message kept as their answer.
  if (/^((it'?s |it is |this is |that'?s |that is |that was )?(not an emergency|no emergency|a false alarm|false alarm|fine|ok|okay)[ ,.!-]*)?(please )?(carry on|continue|go on|keep going)( please)?$|^(it'?s |it was |that was )?(a )?false alarm$|^(it'?s |it is |this is )?not an emergency$/.test(t)) return 'not-emergency';
  // Only a whole short status question: "I heard back from the hospital" is an answer, not a status request.
  if (/^(any (update|news|progress)( on (my|our|the) (concern|query|request))?|is there any (update|news)|what'?s the status|status|update)( yet)?( please)?$/.test(t)) return 'status';
  if (findReference(text) && t.split(' ').length <= 6) return 'status';
  return undefined;
}

/** What someone wants when no dialog is asking them something. */
export function intentOf(text: string): Intent {
  const t = clean(text);
  if (t === '') return { kind: 'greeting' };
  const reference = findReference(text);
  if (reference) return { kind: 'status', reference };
  if (/^(more|tell me more|read more|rest|the rest|continue)$/.test(t)) return { kind: 'more' };
  if (/^(y|yes|yes please|yeah|yep|ok|okay|ok then|okay then|alright|right|fine|cool|got it|great|lovely|please|sure|yes i would|please do)$/.test(t)) return { kind: 'yes' };
  if (/^(n|no|no thanks|no thank you|nope|not now)$/.test(t)) return { kind: 'no' };
  // Small talk gets a short friendly reply, never a search of the knowledge base.
  if (/^((ok|okay|great|lovely|brilliant|perfect|that'?s (great|lovely|helpful|brilliant)) )?(thanks|thank you|thank u|ta|cheers|thx|many thanks)( (very much|so much|a lot|for (your|the) help|for that))?( (carepoint|again))?$/.test(t)) return { kind: 'thanks' };
  if (/^((ok|okay|thanks|thank you) )?(bye|bye bye|goodbye|good bye|see you|see ya|take care|good night|night|ttfn|cheerio)( (then|now|for now|carepoint))?$/.test(t)) return { kind: 'goodbye' };
  if (/^(hi|hello|hey|hiya|howdy|morning|good (morning|afternoon|evening)|start)( (there|all|carepoint|again))?( how are you( doing)?| are you there)?$/.test(t)) return { kind: 'greeting' };
  if (/^(help|what can you do|menu|options|how does this work)$/.test(t)) return { kind: 'help' };
  if (
    /\b(any (update|news|progress)|what'?s happening with my|status of my|update on my|heard back|chas(e|ing) (my|up)|where are we with my|my (concern|query|request|reference))\b/.test(t) &&
    !/\b(referral|prescription|appointment|results?|wheelchair|equipment)\b/.test(t)
  ) {
    return { kind: 'status' };
  }
  if (
    /\b(i'?m|i am|we'?re|we are|i'?ve been|really|getting) (very |really |so )?(worried|concerned|anxious|scared)\b/.test(t) ||
    /\b(speak|talk|chat) (to|with) (someone|somebody|a (real |actual )?(person|human|nurse|co-?ordinator|coordinator)|the team)\b/.test(t) ||
    /\b(raise|report|log|make) a (concern|complaint|query)\b/.test(t) ||
    /\b(need|want) (help|someone|somebody|a person|a human)( with)?\b/.test(t) ||
    /^(worried|concern|concerned|talk to someone|speak to someone|human|person|agent|co-?ordinator|coordinator)$/.test(t)
  ) {
    return { kind: 'concern' };
  }
  return { kind: 'question', text };
}

/**
 * A question that asks for a decision about the person's own treatment ("should I stop my warfarin?").
 * Carepoint never gives personal advice: it says so, points to who can decide, and may still share
 * general information. "How can we stop her falling" asks how to prevent something, not for a decision.
 */
export function asksForPersonalAdvice(text: string): boolean {
  const t = clean(text);
  return (
    /(?<!\b(how|where|who) )\b(should|shall|can|could|do|must) (i|we|he|she|they|my \w+) (stop|start|skip|double|halve|increase|reduce|change|miss|come off|cut down|up|take (more|less|extra|another|two|double|half|it|them))\b/.test(t) ||
    /\b(is it|would it be) (safe|ok|okay|alright|fine) (for (me|him|her|them) )?to (stop|skip|double|take|miss|change|come off|drink|drive)\b/.test(t) ||
    /\b(how much|how many|what dose|which dose) (of )?[\w' ]{0,30}(should|can|shall|do) (i|we|he|she) (take|give|have)\b/.test(t) ||
    /\b(do i have|have i got|is it|could it be|does (he|she|it) have|is this) (cancer|a stroke|diabetes|dementia|sepsis|an infection|serious)\b/.test(t) ||
    // Asking Carepoint to diagnose: "what do you think it is", "what could this be", "what's wrong with him".
    /\b(what do you think (it|this|that) (is|could be|might be)|what (could|might) (it|this|that) be|what'?s wrong with (me|him|her|them|my \w+)|do you think (it'?s|it is|this is|i'?ve got|i have|(he|she|they) (has|have|'s got|has got)))\b/.test(t) ||
    // Asking Carepoint to choose: "what would you choose", "which one should she pick".
    /\bwhat would you (choose|pick|go for|recommend|take)\b|\bwhat would you do( in my (place|shoes)| if you were (me|him|her|them))?$/.test(t) ||
    /\bwhich (one |of them |of the two )?(should|would|shall) (i|we|he|she|they|my \w+) (pick|choose|go for|have|take)\b/.test(t) ||
    // A carer changing a dose: "you think I should give her one more tablet", "just give him half his furosemide".
    /\b(do you think|you think|would you say) (i|we|he|she|they|my \w+) (should|ought to|need to) (give|take|stop|start|up|double|increase|reduce|change|skip|come off|go on)\b/.test(t) ||
    /\bgive (him|her|them|my \w+) (just )?(half|double|an extra|one more|another|less|more|two|a smaller|a bigger)\b/.test(t) ||
    // Whether to start or stop a treatment now: "should he be starting dialysis or can he hold off".
    /\b(should|shall) (i|we|he|she|they|my \w+) (be )?(starting|stopping|coming off|going on)\b/.test(t) ||
    /\b(can|could|should) (i|we|he|she|they) (hold off|wait|put it off)\b.*\b(start|starting|dialysis|treatment|tablets|insulin|operation)\b/.test(t)
  );
}
