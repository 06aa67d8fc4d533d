/** A whole concern about oneself, after "who is it about", answer by answer as a patient would type it. */
export const CONCERN_ANSWERS = [
  'Jane Smith', '31/01/1950', 'kidney', 'appointment or referral',
  'The hospital said they would send my dialysis appointment three weeks ago and nothing has come.',
  'today', 'phone call', '07700 900123', 'morning', 'yes', 'yes',
];
