/**
 * The cues the emergency screen reads around a phrasing it found: questions about warning signs, the past,
 * "now", figures of speech, who it is about. Lists of cues are also joined into one expression each
 * (anyOf), so that a text is read once, not once per cue; a test holds the joined ones to the lists.
 */

/** Before a phrasing in its sentence, these make it a question about warning signs or a hypothetical. */
export const QUESTION_CUES = [/(?<!(sure|know|wondering|unsure|wonder|see) )\bif\b/, /\bsigns?\b/, /\bsymptoms?\b/, /\bwarning\b/, /\bhow (do|would|can|could) (i|you|we) (know|tell|spot|recogni[sz]e)\b/, /\bwhat (is|are|does|do)\b.*\b(mean|like|look)\b/, /\bin case\b/, /\bwhat happens\b/, /\bwhen (should|do|to)\b.*\b(call|ring|phone|999|111)\b/, /\bhow to (spot|recogni[sz]e|tell|help|deal)\b/, /\bwhat (should|do|to) (i|we|you)? ?do (if|when)\b/, /\bexplain\b/, /\bleaflet\b/, /\bred flags?\b/, /\binformation\b/, /\bcould (it|this) be\b.*\?/];
/** In the part of the sentence that holds the red flag, these mean it is happening now. */
export const HAPPENING_NOW = /\b(right now|now|at the moment|currently|happening|has just|have just|just (collapsed|fell|started)|started|minutes ago|an hour ago|help me|please help|tonight|today)\b/;
export const isHappeningNow = prefiltered(HAPPENING_NOW, ['now', 'at the moment', 'currently', 'happening', 'just', 'started', 'minutes ago', 'an hour ago', 'help me', 'please help', 'tonight', 'today']);
/**
 * A cue read only where the text holds one of the words it cannot match without (`needles`): most texts hold
 * none, and looking for a few words is far quicker than running the expression (a test holds the two equal).
 */
export function prefiltered(cue: RegExp, needles: readonly string[]): (text: string) => boolean {
  if (cue.global || cue.sticky) throw new Error('a cue with state cannot be prefiltered');
  return (text) => {
    for (let i = 0; i < needles.length; i++) if (text.includes(needles[i]!)) return cue.test(text);
    return false;
  };
}
/** "not bleeding now", "I'm fine now": a "now" that says it is not happening. */
export const NOT_NOW = /\b(not|no|fine|ok|okay|alright|better|safe|well|settled|calm|calmer|cleared|gone|passed|stopped|over|sorted|recovered|normal|herself|himself|themselves)\b(\s+\w+){0,3}?\s+(right )?now\b/g;
/** Long ago, stated anywhere in a message: the message is history unless it also speaks of now. */
export const LONG_AGO = /\b(been fine since|fine since|since then)\b|\b(\d+|few|couple of|many|several)? ?years? (ago|back)\b|\bused to\b|\bhistory of\b|\b(back )?in (19|20)\d\d\b/;
export const isLongAgo = prefiltered(LONG_AGO, ['since', 'ago', 'back', 'used to', 'history of', 'in 19', 'in 20']);
export const NOW_IN_MESSAGE = /\b(now|right now|at the moment|currently|today|tonight|this (morning|afternoon|evening)|started|just)\b/;
export const PAST_ONLY = /\b(been fine since|fine since|since then|recovered)\b|\blast (monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)\b|\b(\d+|few|couple of|many|several)? ?(years?|months?|weeks?) (ago|back)\b|\blast (year|month|week)\b|\bin the past\b|\bused to\b|\bhistory of\b|\bpreviously\b|\b(back )?in (19|20)\d\d\b/;
export const isPastOnly = prefiltered(PAST_ONLY, ['since', 'recovered', 'last ', 'ago', 'back', 'in the past', 'used to', 'history of', 'previously', 'in 19', 'in 20']);
/**
 * After a red flag in its sentence, these say the episode was seen to ("...hit my head, went to a&e, ct scan clear
 * and they discharged me"), or (WELL_AGAIN) is over ("all back to normal"). Read only after the flag, only where
 * nothing after it says it goes on or came back (STILL_GOING), and only in a message that says nothing of now:
 * "discharged yesterday, he has collapsed" tells of something new. Never "it stopped", "safe and well" or "came
 * round" for any flag: the breathing may be what stopped, and an overdose, a swallowed battery, a long fit or a
 * knock-out still need 999 when the person seems well (a review of 484 such messages, 2026-12-04).
 */
export const SEEN_TO = /\b(discharged (me|him|her|them|us)|sent (me|him|her|them|us) (home|away)|(ct|scan|scans|x ?ray|tests?|bloods?|ecg)( was| were| came back| all)? (clear|fine|normal|ok|okay)|(ct|scan|scans|x ?ray|tests?|bloods?|ecg) and (it|they) (was|were|came back) (all )?(clear|fine|normal)|brought (her|him|them) (back|home)|(said|told (me|us|him|her)) it was (muscular|nothing|fine|anxiety|indigestion|a panic attack|a virus|wind)|(they|the doctor|the doctors|the gp|the hospital|a&e|the paramedics?) (said|told (me|us|him|her)) (it was )?(a )?(mini stroke|tia))\b/;
export const isSeenTo = prefiltered(SEEN_TO, ['discharged', 'sent ', 'clear', 'fine', 'normal', 'ok', 'brought', 'it was', 'mini stroke', 'tia']);
/** Over, and well again: not enough for a flag whose harm comes later (`wellIsNotOver`: an overdose, adrenaline used). */
export const WELL_AGAIN = /\bback to (normal|herself|himself|themselves|myself|her usual|his usual)\b/;
/**
 * For a missing person only, being found is the end of it: "police found her at the bus station", "home safe".
 * (For anything else these say where someone is, not how they are.)
 */
export const FOUND = /\b((police|we|they|someone|a neighbour|the neighbours?) found (her|him|them)|found (her|him|them) (safe|fine|ok|okay)|(home|back) safe|safe and (well|sound))\b/;
/**
 * After the flag, these say it goes on, came back or is not over: then it is not over, whatever else is said.
 * Read on the words after the flag without their "fine now" phrases (NOT_NOW); "how do we stop it happening
 * again" is not a recurrence.
 */
export const STILL_GOING = /\b(now|still|another|second|twice|(?<!(stop|prevent|avoid)( it| this| that)?( from)? happening )again|keeps?|worse|worsening|will not|would not|cannot|started|restarted|came back|come back|coming back|not back|more since|not (waking|woken|responding|breathing|right|herself|himself)|not (fully |properly |completely )?(come|came) round)\b/;
/** Anywhere in the sentence, these make it a question about warning signs rather than a report. */
export const ASKING_ONLY = [
  /\bhow (do|would|can|could|will) (i|you|we) (know|tell)\b/, /\bis (that|it|this) (an emergency|serious|normal)\b/,
  /\bjust (want|wanted|asking|wondering)\b/, /\bdifference between\b/, /\bwhat (does|do) .* mean\b/, /\brecogni[sz]ing\b/,
  /\b(any advice|advice on|information on|info on|tell me about|learn about|read about)\b/,
  /\b(first aid|course|training|class|workshop|talk on|leaflet|support group)\b/,
  /\b(die at home|when the time comes|end of life|end of (her|his|their) life|palliative|hospice)\b/,
  /\b(reading up|want to know|what to watch for|what to look out for|just curious)\b/,
  /\b(can|could|does|do|would) [\w ]{1,30} cause\b/, /\b(in the film|in a film|on tv|on the telly|in a book)\b/,
  /\b(if it ever|one day|in future|in the future|i will|worried i will)\b/, /\bhow (much|many)\b.*\b(would|is|be|too)\b/,
  /\b(what|which|when|how) [\w ]{0,30}(should|do) (i|we) (ring|call|phone|contact|worry)\b/,
  /\b(run|runs|running) in (my|the|our) family\b/,
  /\bwhat (does|do|would|is|are|will) [\w ]{1,40} (feel|look|sound) like\b/, /\bhow (i|we|you) (know|tell)\b/, /\bhow long\b.*\bbefore\b/, /\bbefore (i|we|you) (call|ring|phone)\b/,
  /\bwhen (should|do|would|to) ((i|we|you) )?(call|ring|phone|dial)\b/,
  // A reply picking a topic from a list Carepoint offered: "the one about choking".
  /\bthe (one|leaflet|article|page) (about|on|for)\b/,
];
/** The person it is about, for what to do meanwhile: someone with them, or themselves. */
export const ABOUT_OTHERS = /\b(he|she|they|him|her|his|my (mum|mam|mom|mother|dad|father|husband|wife|partner|son|daughter|child|baby|boy|girl|nan|nana|gran|granny|grandad|grandma|grandpa|brother|sister|friend|neighbour|patient|auntie|uncle)|mum|dad|nan|grandad|the patient|resident|client)\b/;
export const ABOUT_SELF = /\b(i am|i have|i cannot|i can not|i feel|i took|i have taken|my chest|i think i am|me)\b/;
/** Anywhere in the message, these make it a question about warning signs in general. */
export const MESSAGE_ASKS = [
  /\bwhat (sort of |kind of )?(things|signs|symptoms)\b[\w ]{0,30}\b(should|do|would|to)\b/, /\bwhat should (i|we) (be )?(look|looking|watch|watching) (out )?for\b/,
  /\bhow (would|do|will|can|could) (i|we|you) (know|tell|spot)\b/, /\bcould you explain\b/, /\bwhat (is|are) (it|they) exactly\b/,
  /\bwhat happens if\b/, /\bwhat (should|do) (i|we) do if\b/, /\banything (we|i) should (watch|look) (out )?for\b/,
  /\bwhat signs\b/, /\bbefore anything happens\b/, /\bif it ever\b/,
];
/** One expression for a list of cues, matching where any of them does: one pass over the text, not one each. */
export function anyOf(cues: RegExp[]): RegExp {
  if (cues.some((cue) => cue.flags !== '')) throw new Error('cues with flags cannot be joined');
  return new RegExp(cues.map((cue) => `(?:${cue.source})`).join('|'));
}
export const ANY_QUESTION_CUE = anyOf(QUESTION_CUES);
export const ANY_ASKING_ONLY = anyOf(ASKING_ONLY);
export const ANY_MESSAGE_ASKS = anyOf(MESSAGE_ASKS);

/** The text without its "not ... now" phrases (NOT_NOW), which need the word "now": most texts have none. */
export function withoutNotNow(text: string): string {
  return text.includes('now') ? text.replace(NOT_NOW, '') : text;
}

const WORD_OF_LETTERS = /[a-z]{2,}/g;

/** Whether the text has at least `n` words of two letters or more (counted only as far as `n`). */
export function hasWordsOfLetters(text: string, n: number): boolean {
  WORD_OF_LETTERS.lastIndex = 0;
  let count = 0;
  while (count < n && WORD_OF_LETTERS.exec(text)) count++;
  return count >= n;
}

/** Figures of speech that borrow red-flag words: "collapsed with laughter", "nearly choked on my coffee". */
export const FIGURE_OF_SPEECH = /\b((with|from|of) laughter|laugh(ed|ing)? (so|too) (much|hard)|laughing|lol|lmao|haha|nearly choked|joke|joking|overdid it|hazard|snores?|snoring|blood (is )?boiling|(would|will|going to) have (a|kittens|a fit) (if|when)|(fit|attack|stroke) (bc|because|cos|coz) (i|my|he|she|of)|choking on the (price|cost|bill)|banging (my|your|our) head (against|on)|nearly had a heart attack|(a|such a|quite a) (big|huge) jump|(threw|throw|throws|throwing|thrown) a (right |real |proper |massive |big |bit of a )?(fit|wobbly|wobbler|tantrum)|lowkey|literally dying|dead 💀)\b|😂|🤣|💀/u;
export const isFigureOfSpeech = prefiltered(FIGURE_OF_SPEECH, [
  'laugh', 'lol', 'lmao', 'haha', 'nearly choked', 'jok', 'overdid it', 'hazard', 'snor', 'boiling', 'have a', 'have kittens',
  'fit b', 'fit c', 'attack b', 'attack c', 'stroke b', 'stroke c', 'choking on the', 'banging', 'heart attack', 'jump', 'threw a', 'throw a', 'throws a', 'throwing a', 'thrown a', 'lowkey', 'literally dying', '💀', '😂', '🤣',
]);
