import { randomUUID } from 'node:crypto';
import {
  ChoicePrompt, ComponentDialog, ConfirmPrompt, ListStyle, TextPrompt, WaterfallDialog,
  type Choice, type DialogTurnResult, type FoundChoice, type PromptValidatorContext, type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { ZodType } from 'zod';
import type { Clock } from '../src/clock.js';
import type { Database } from '../src/db/database.js';
import { requesterOf } from '../src/bot/channel.js';
import { submitConcern } from '../src/concerns/concern-queue.js';
import { recentTranscript } from '../src/queue/conversation-log.js';
import {
  CONCERN_KINDS, CONTACT_METHODS, CONTACT_TIMES, PATHWAYS, SUBJECTS, concernDetailsSchema, concernFields,
  describeConcern, labelOf, parseDateOfBirth, queueSummary, synonymsOf, toE164, type ConcernDetails,
} from '../src/concerns/model.js';
import { URGENCIES, expectationFor, priorityFor } from '../src/concerns/priority.js';

export const CONCERN_DIALOG = 'concernDialog';
const FLOW = 'concernFlow';
const CHOICE = 'concernChoice';
const CONFIRM = 'concernConfirm';
const RELATIONSHIP = 'relationshipPrompt';
const NAME = 'namePrompt';
const DATE_OF_BIRTH = 'dateOfBirthPrompt';
const DESCRIPTION = 'descriptionPrompt';
const PHONE = 'phonePrompt';

export interface ConcernDialogOptions {
  /** Ask for name and date of birth: the person is not linked to a patient record. */
  askIdentity: boolean;
  /** The number the person is texting from, on SMS. */
  knownPhone?: string;
}

export interface ConcernDialogDeps {
  db: Database;
  clock: Clock;
}

type Draft = Partial<ConcernDetails>;

/**
 * Collects a concern once, one question at a time, reads it back, and commits it to the queue before
 * telling the person it was passed on.
 */
export class ConcernDialog extends ComponentDialog {
  constructor(private readonly deps: ConcernDialogDeps) {
    super(CONCERN_DIALOG);
    this.addDialog(new ChoicePrompt(CHOICE))
      .addDialog(new ConfirmPrompt(CONFIRM))
      .addDialog(new TextPrompt(RELATIONSHIP, fieldValidator(concernFields.relationship)))
      .addDialog(new TextPrompt(NAME, fieldValidator(concernFields.name)))
      .addDialog(new TextPrompt(DATE_OF_BIRTH, this.dateOfBirthValidator))
      .addDialog(new TextPrompt(DESCRIPTION, fieldValidator(concernFields.description)))
      .addDialog(new TextPrompt(PHONE, phoneValidator))
      .addDialog(
        new WaterfallDialog(FLOW, [
          this.askWhoStep, this.askRelationshipStep, this.askNameStep, this.askDateOfBirthStep, this.askPathwayStep,
          this.askKindStep, this.askDescriptionStep, this.askUrgencyStep, this.askContactMethodStep,
          this.askPhoneStep, this.askContactTimeStep, this.askConsentStep, this.confirmStep, this.submitStep,
        ]),
      );
    this.initialDialogId = FLOW;
  }

  private askWhoStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    // Made once per concern, so that submitting it twice cannot make two.
    (step.values as { submissionId?: string }).submissionId = randomUUID();
    return choose(step, 'Is this concern about you, or about someone you care for?', SUBJECTS);
  };

  private askRelationshipStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    draft.subject = SUBJECTS[(step.result as FoundChoice).index];
    if (draft.subject !== 'someone-else') return step.next();
    return step.prompt(RELATIONSHIP, 'Who are they to you? For example "my mum" or "my husband".');
  };

  private askNameStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    if (draft.subject === 'someone-else') draft.relationship = String(step.result).trim();
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
    return choose(step, 'Which condition or care is this about?', PATHWAYS);
  };

  private askKindStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    draftOf(step).pathway = PATHWAYS[(step.result as FoundChoice).index];
    return choose(step, 'What kind of concern is it?', CONCERN_KINDS);
  };

  private askDescriptionStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    draftOf(step).kind = CONCERN_KINDS[(step.result as FoundChoice).index];
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

  private confirmStep = async (step: WaterfallStepContext<ConcernDialogOptions>) => {
    const draft = draftOf(step);
    draft.consentToShare = step.result === true;
    const details = concernDetailsSchema.parse(draft);
    await step.context.sendActivity(['Here is what I will pass on:', ...describeConcern(details)].join('\n'));
    return step.prompt(CONFIRM, {
      prompt: 'Is that right? (yes to send it, no to start again)',
      retryPrompt: 'Please answer yes to send it, or no to start again.',
    });
  };

  private submitStep = async (step: WaterfallStepContext<ConcernDialogOptions>): Promise<DialogTurnResult> => {
    if (step.result !== true) {
      await step.context.sendActivity('No problem, let us go through it again.');
      return step.replaceDialog(FLOW, step.options);
    }
    const details = concernDetailsSchema.parse(draftOf(step));
    const requester = requesterOf(step.context);
    const priority = priorityFor(details.urgency);
    // Committed before the patient is told it was passed on.
    const item = await submitConcern(this.deps.db, this.deps.clock, {
      ...requester,
      submissionId: (step.values as { submissionId: string }).submissionId,
      priority,
      details,
      summary: queueSummary(details),
      transcript: await recentTranscript(this.deps.db, requester.conversationId),
    });
    await step.context.sendActivity(
      `Thank you. I have passed this to the care co-ordination team. Your reference is ${item.reference}. ` +
        `${expectationFor(priority)} If things get worse, call NHS 111, or 999 in an emergency.`,
    );
    return step.endDialog(item.reference);
  };

  private contactMethods(step: WaterfallStepContext<ConcernDialogOptions>): readonly (typeof CONTACT_METHODS)[number][] {
    // On SMS "reply here" and "text message" are the same thing.
    return step.options.knownPhone ? CONTACT_METHODS.filter((m) => m !== 'this-conversation') : CONTACT_METHODS;
  }

  private dateOfBirthValidator = async (prompt: PromptValidatorContext<string>) => {
    const parsed = prompt.recognized.succeeded ? parseDateOfBirth(prompt.recognized.value ?? '', this.deps.clock.now()) : undefined;
    if (parsed) return true;
    return retryWith(prompt, 'I could not read that as a date of birth. Please write it like 31/01/1950.');
  };
}

function draftOf(step: WaterfallStepContext): Draft {
  const values = step.values as { draft?: Draft };
  values.draft ??= {};
  return values.draft;
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
