import { randomUUID } from 'node:crypto';
import {
  ComponentDialog, ConfirmPrompt, ListStyle, TextPrompt, WaterfallDialog,
  type Choice, type DialogTurnResult, type FoundChoice, type PromptValidatorContext, type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { MessageFactory } from 'botbuilder';
import { z, type ZodType } from 'zod';
import { concernHintsOf } from '../src/conversation/concern-hints.js';
import { readBackAnswerOf, type ChangeableField } from '../src/conversation/read-back-change.js';
import type { Clock } from '../src/clock.js';
import type { Database } from '../src/db/database.js';
import { requesterOf } from '../src/bot/channel.js';
import { submitConcern } from '../src/concerns/concern-queue.js';
import { addDetailsToWantsAPerson } from '../src/concerns/sql/add-details.js';
import { recentTranscript } from '../src/queue/conversation-log.js';
import {
  CONCERN_KINDS, CONTACT_METHODS, CONTACT_TIMES, PATHWAYS, SUBJECTS, concernDetailsSchema, concernFields,
  describeConcern, labelOf, parseDateOfBirth, queueSummary, synonymsOf, toE164, type ConcernDetails,
} from '../src/concerns/model.js';
import { URGENCIES, expectationFor, priorityFor, type Priority } from '../src/concerns/priority.js';
import type { WorkingHours } from '../src/concerns/working-hours.js';
import { PickPrompt } from './pick-prompt.js';

export const CONCERN_DIALOG = 'concernDialog';
const FLOW = 'concernFlow';
const CHOICE = 'concernChoice';
const CONFIRM = 'concernConfirm';
const RELATIONSHIP = 'relationshipPrompt';
const NAME = 'namePrompt';
const DATE_OF_BIRTH = 'dateOfBirthPrompt';
const DESCRIPTION = 'descriptionPrompt';
const PHONE = 'phonePrompt';
const READ_BACK = 'concernReadBack';
const READ_BACK_PROMPT = 'readBackPrompt';
const READ_BACK_YES = 'Yes, send it';
const READ_BACK_NO = 'No, start again';
const CHANGE = 'concernChangeField';

/** The read-back and a one-field change carry the concern between dialogs. */
interface ReadBackState {
  options: ConcernDialogOptions;
  draft: unknown;
  submissionId: string;
  field?: ChangeableField;
}

export interface ConcernDialogOptions {
  /** Ask for name and date of birth: the person is not linked to a patient record. */
  askIdentity: boolean;
  /** The number the person is texting from, on SMS. */
  knownPhone?: string;
  /** The message that started the concern ("I'm worried about my mum's medication"): what it says is not asked again. */
  opening?: string;
}

export interface ConcernDialogDeps {
  db: Database;
  clock: Clock;
  workingHours: WorkingHours;
  /** What the person is told to expect, from the rota and the queue (src/oncall/contact-promise.ts); unset: working hours alone. */
  expectation?: (priority: Priority) => Promise<string>;
}

/** The concern so far: every field checked as it is given, none required yet. */
const draftSchema = concernDetailsSchema.partial();
type Draft = z.infer<typeof draftSchema>;

/**
 * Collects a concern once, one question at a time, reads it back, and commits it to the queue before
 * telling the person it was passed on.
 */
export class ConcernDialog extends ComponentDialog {
  constructor(private readonly deps: ConcernDialogDeps) {
    super(CONCERN_DIALOG);
    // A sentence may name its option ("it's my mum"); a number inside one never picks ("after 3pm" is not option 3).
    this.addDialog(new PickPrompt(CHOICE, undefined, { findWordsInside: true }))
      .addDialog(new ConfirmPrompt(CONFIRM))
      .addDialog(new TextPrompt(RELATIONSHIP, fieldValidator(concernFields.relationship)))
      .addDialog(new TextPrompt(NAME, fieldValidator(concernFields.name)))
      .addDialog(new TextPrompt(DATE_OF_BIRTH, this.dateOfBirthValidator))
      .addDialog(new TextPrompt(DESCRIPTION, fieldValidator(concernFields.description)))
      .addDialog(new TextPrompt(PHONE, phoneValidator))
      .addDialog(
        new WaterfallDialog(FLOW, [
          this.askWhoStep, this.askRelationshipStep, this.askCarerNameStep, this.askNameStep, this.askDateOfBirthStep, this.askPathwayStep,
          this.askKindStep, this.askDescriptionStep, this.askUrgencyStep, this.askContactMethodStep,
          this.askPhoneStep, this.askContactTimeStep, this.askConsentStep, this.toReadBackStep,
        ]),
      )
      .addDialog(new TextPrompt(READ_BACK_PROMPT, readBackValidator))
      .addDialog(new WaterfallDialog(READ_BACK, [this.confirmStep, this.submitStep]))
      .addDialog(new WaterfallDialog(CHANGE, [this.askChangeStep, this.storeChangeStep]));
    this.initialDialogId = FLOW;
  }

  private askWhoStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    // Made once per concern, so that submitting it twice cannot make two.
    (step.values as { submissionId?: string }).submissionId = randomUUID();
    // What the opening message already said is not asked again: it is checked in the read-back.
    const draft = draftOf(step);
    Object.assign(draft, concernHintsOf(step.options.opening ?? ''));
    const understood = understoodFrom(draft);
    if (understood) await step.context.sendActivity(`I understand this is ${understood}. I will check that with you at the end.`);
    if (draft.subject) return step.next();
    return choose(step, 'Is this concern about you, or about someone you care for?', SUBJECTS);
  };

  private askRelationshipStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (!draft.subject) draft.subject = SUBJECTS[(step.result as FoundChoice).index];
    if (draft.subject !== 'someone-else' || draft.relationship) return step.next();
    return step.prompt(RELATIONSHIP, 'Who are they to you? For example "my mum" or "my husband".');
  };

  private askCarerNameStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (typeof step.result === 'string') draft.relationship = step.result.trim();
    if (draft.subject !== 'someone-else') return step.next();
    // A carer is the one the co-ordinator calls back: they are asked their own name, as well as the patient's.
    return step.prompt(NAME, 'And what is your own name, so the co-ordinator knows who to ask for?');
  };

  private askNameStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (typeof step.result === 'string') draft.carerName = step.result.trim();
    if (!step.options.askIdentity) return step.next();
    const whose = draft.subject === 'self' ? 'your' : 'their';
    return step.prompt(NAME, `So the co-ordinator can find the right records, what is ${whose} full name?`);
  };

  private askDateOfBirthStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (!step.options.askIdentity) return step.next();
    draft.name = String(step.result).trim();
    const whose = draft.subject === 'self' ? 'your' : 'their';
    return step.prompt(DATE_OF_BIRTH, `And ${whose} date of birth? For example 31/01/1950.`);
  };

  private askPathwayStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (step.options.askIdentity) draft.dateOfBirth = parseDateOfBirth(String(step.result), this.deps.clock.now());
    if (draft.pathway) return step.next();
    return choose(step, 'Which condition or care is this about?', PATHWAYS);
  };

  private askKindStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (!draft.pathway) draft.pathway = PATHWAYS[(step.result as FoundChoice).index];
    if (draft.kind) return step.next();
    return choose(step, 'What kind of concern is it?', CONCERN_KINDS);
  };

  private askDescriptionStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (!draft.kind) draft.kind = CONCERN_KINDS[(step.result as FoundChoice).index];
    return step.prompt(DESCRIPTION, 'In your own words, what is happening? You only need to tell us once.');
  };

  private askUrgencyStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    draftOf(step).description = String(step.result).trim();
    return choose(step, 'How soon does this need attention?', URGENCIES);
  };

  private askContactMethodStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    draftOf(step).urgency = URGENCIES[(step.result as FoundChoice).index];
    return choose(step, 'How would you like the co-ordinator to contact you?', this.contactMethods(step));
  };

  private askPhoneStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    draft.contactMethod = this.contactMethods(step)[(step.result as FoundChoice).index];
    if (draft.contactMethod === 'this-conversation') return step.next();
    if (step.options.knownPhone) {
      draft.phone = step.options.knownPhone;
      return step.next();
    }
    return step.prompt(PHONE, 'What number should they use?');
  };

  private askContactTimeStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (draft.contactMethod !== 'this-conversation' && !draft.phone) draft.phone = toE164(String(step.result));
    return choose(step, 'When is best to reach you?', CONTACT_TIMES);
  };

  private askConsentStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    draftOf(step).contactTime = CONTACT_TIMES[(step.result as FoundChoice).index];
    return step.prompt(CONFIRM, {
      prompt: 'May we share this with the care team involved (for example your GP, hospital or community team) so they can help?',
      retryPrompt: 'Please answer yes or no: may we share this with your care team?',
    });
  };

  private toReadBackStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    draft.consentToShare = step.result === true;
    const state: ReadBackState = { options: step.options, draft, submissionId: (step.values as { submissionId: string }).submissionId };
    return step.replaceDialog(READ_BACK, state);
  };

  private confirmStep = async (step: WaterfallStepContext<ReadBackState>) => {
    const details = concernDetailsSchema.parse(step.options.draft);
    await step.context.sendActivity(['Here is what I will pass on:', ...describeConcern(details)].join('\n'));
    // Buttons for the two common answers; a change ("change the phone number") is typed.
    return step.prompt(READ_BACK_PROMPT, {
      prompt: MessageFactory.suggestedActions(
        [READ_BACK_YES, READ_BACK_NO],
        'Is that right? Say yes to send it, or tell me what to change (for example "change the phone number"), or no to start again.',
      ),
      retryPrompt: 'Please say yes to send it, no to start again, or what to change, like "change the phone number".',
    });
  };

  private submitStep = async (step: WaterfallStepContext<ReadBackState>): Promise<DialogTurnResult> => {
    const details = concernDetailsSchema.parse(step.options.draft);
    const answer = readBackAnswerOf(String(step.result), details.subject);
    if (answer?.kind === 'change') return step.replaceDialog(CHANGE, { ...step.options, field: answer.field });
    if (answer?.kind !== 'yes') {
      await step.context.sendActivity('No problem, let us go through it again.');
      // Nothing is taken from the opening message this time: it may be what was wrong.
      return step.replaceDialog(FLOW, { ...step.options.options, opening: undefined });
    }
    const requester = requesterOf(step.context);
    const priority = priorityFor(details.urgency);
    const submission = {
      ...requester,
      submissionId: step.options.submissionId,
      priority,
      details,
      summary: queueSummary(details),
      transcript: await recentTranscript(this.deps.db, requester.conversationId),
    };
    // Committed before the patient is told it was passed on: onto the request for a person they made first, if
    // they did, so that the co-ordinator has one concern with everything; else a new concern.
    const added = await addDetailsToWantsAPerson(this.deps.db, this.deps.clock, submission);
    const item = added ?? (await submitConcern(this.deps.db, this.deps.clock, submission));
    const promise = this.deps.expectation ? await this.deps.expectation(item.priority) : expectationFor(item.priority, this.deps.clock.now(), this.deps.workingHours);
    await step.context.sendActivity(added
      ? `Thank you. I have added this to your request to talk to a care co-ordinator (reference ${item.reference}), so you will not need to tell them again. ${promise}`
      : `Thank you. I have passed this to the care co-ordination team. Your reference is ${item.reference}. ${promise}`);
    return step.endDialog(item.reference);
  };

  /** One field asked again from the read-back ("change the phone number"), then the read-back again. */
  private askChangeStep = async (step: WaterfallStepContext<ReadBackState>) => {
    const draft = draftSchema.parse(step.options.draft);
    const whose = draft.subject === 'self' ? 'your' : 'their';
    switch (step.options.field!) {
      case 'relationship': return step.prompt(RELATIONSHIP, 'Who are they to you? For example "my mum" or "my husband".');
      case 'carerName': return step.prompt(NAME, 'What is your own name?');
      case 'name': return step.prompt(NAME, `What is ${whose} full name?`);
      case 'dateOfBirth': return step.prompt(DATE_OF_BIRTH, `What is ${whose} date of birth? For example 31/01/1950.`);
      case 'pathway': return choose(step, 'Which condition or care is this about?', PATHWAYS);
      case 'kind': return choose(step, 'What kind of concern is it?', CONCERN_KINDS);
      case 'description': return step.prompt(DESCRIPTION, 'In your own words, what is happening?');
      case 'urgency': return choose(step, 'How soon does this need attention?', URGENCIES);
      case 'contactMethod': return choose(step, 'How would you like the co-ordinator to contact you?', this.methodsFor(step.options.options));
      case 'phone': return step.prompt(PHONE, 'What number should they use?');
      case 'contactTime': return choose(step, 'When is best to reach you?', CONTACT_TIMES);
      case 'consentToShare': return step.prompt(CONFIRM, 'May we share this with the care team involved (for example your GP, hospital or community team) so they can help?');
    }
  };

  private storeChangeStep = async (step: WaterfallStepContext<ReadBackState>) => {
    const draft = draftSchema.parse(step.options.draft);
    const field = step.options.field!;
    const text = String(step.result).trim();
    const index = (step.result as FoundChoice | undefined)?.index ?? 0;
    if (field === 'relationship' || field === 'carerName' || field === 'name' || field === 'description') draft[field] = text;
    else if (field === 'dateOfBirth') draft.dateOfBirth = parseDateOfBirth(text, this.deps.clock.now());
    else if (field === 'pathway') draft.pathway = PATHWAYS[index];
    else if (field === 'kind') draft.kind = CONCERN_KINDS[index];
    else if (field === 'urgency') draft.urgency = URGENCIES[index];
    else if (field === 'contactMethod') draft.contactMethod = this.methodsFor(step.options.options)[index];
    else if (field === 'phone') draft.phone = toE164(text);
    else if (field === 'contactTime') draft.contactTime = CONTACT_TIMES[index];
    else draft.consentToShare = step.result === true;
    // A phone call or text needs a number: ask for it before reading back.
    if (draft.contactMethod !== 'this-conversation' && !draft.phone) {
      if (!step.options.options.knownPhone) return step.replaceDialog(CHANGE, { ...step.options, draft, field: 'phone' });
      draft.phone = step.options.options.knownPhone;
    }
    return step.replaceDialog(READ_BACK, { ...step.options, draft, field: undefined });
  };

  private contactMethods(step: WaterfallStepContext<ConcernDialogOptions>): readonly (typeof CONTACT_METHODS)[number][] {
    return this.methodsFor(step.options);
  }

  private methodsFor(options: ConcernDialogOptions): readonly (typeof CONTACT_METHODS)[number][] {
    // On SMS "reply here" and "text message" are the same thing.
    return options.knownPhone ? CONTACT_METHODS.filter((m) => m !== 'this-conversation') : CONTACT_METHODS;
  }

  private dateOfBirthValidator = async (prompt: PromptValidatorContext<string>) => {
    const parsed = prompt.recognized.succeeded ? parseDateOfBirth(prompt.recognized.value ?? '', this.deps.clock.now()) : undefined;
    if (parsed) return true;
    return retryWith(prompt, 'I could not read that as a date of birth. Please write it like 31/01/1950.');
  };
}

function draftOf(step: WaterfallStepContext): Draft {
  const values = step.values as { draft?: unknown };
  // Dialog state comes back from storage: read it through its schema, not a cast.
  values.draft ??= {};
  const draft = draftSchema.parse(values.draft);
  values.draft = draft;
  return draft;
}

/** "about your mum, and about medicines", from what the opening message gave; undefined when it gave nothing. */
function understoodFrom(draft: Draft): string | undefined {
  const parts = [
    draft.relationship ? `about ${draft.relationship.replace(/^my /, 'your ')}` : undefined,
    draft.pathway ? `about ${labelOf(draft.pathway).toLowerCase()}` : undefined,
    draft.kind ? `about ${labelOf(draft.kind).toLowerCase()}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', and ') : undefined;
}

function choose(step: WaterfallStepContext, prompt: string, values: readonly string[]) {
  const choices: Choice[] = values.map((value) => ({ value: labelOf(value), synonyms: synonymsOf(value) }));
  return step.prompt(CHOICE, {
    prompt,
    retryPrompt: `Please choose one of the options: ${choices.map((c, i) => `${i + 1} ${c.value}`).join(', ')}.`,
    choices,
    style: ListStyle.auto,
  });
}

/** Checks a text answer against the field's schema; a failed answer is met with what is wrong and the question again. */
function fieldValidator(schema: ZodType<string>) {
  return async (prompt: PromptValidatorContext<string>) => {
    const result = schema.safeParse(prompt.recognized.value ?? '');
    if (result.success) return true;
    return retryWith(prompt, result.error.issues[0]?.message ?? 'Sorry, I could not use that answer.');
  };
}

async function readBackValidator(prompt: PromptValidatorContext<string>) {
  return readBackAnswerOf(prompt.recognized.value ?? '', undefined) !== undefined;
}

async function phoneValidator(prompt: PromptValidatorContext<string>) {
  if (toE164(prompt.recognized.value ?? '')) return true;
  return retryWith(prompt, 'That does not look like a phone number I can use. Please give a UK number, like 07700 900123.');
}

/** Sets the re-prompt to say what was wrong, then ask the same question again. */
function retryWith(prompt: PromptValidatorContext<string>, problem: string): false {
  const question = prompt.options.prompt;
  const text = typeof question === 'string' ? question : (question?.text ?? '');
  prompt.options.retryPrompt = `${problem}\n\n${text}`;
  return false;
}
