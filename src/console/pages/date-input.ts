import { escapeHtml } from './html.js';

/** What a person typed in the three boxes of an NHS date input, as typed. */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/** A date input's value: the day as YYYY-MM-DD when it is a real date, or what is wrong, in the design system's words. */
export type DateInputValue = { parts: DateParts; day?: string; error?: string };

const EMPTY: DateParts = { day: '', month: '', year: '' };

/**
 * Reads the date input `name` from a query: its three fields (`name-day`, `name-month`, `name-year`), or `name`
 * as YYYY-MM-DD, which is how the console's own links (paging, filters) carry it.
 */
export function readDateInput(query: Record<string, unknown>, name: string, label: string): DateInputValue {
  const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string).trim() : '');
  const whole = text(name).match(/^(\d{4})-(\d{2})-(\d{2})$/);
  const parts: DateParts = whole
    ? { year: whole[1]!, month: whole[2]!, day: whole[3]! }
    : { day: text(`${name}-day`), month: text(`${name}-month`), year: text(`${name}-year`) };
  if (!parts.day && !parts.month && !parts.year) return { parts };
  const missing = (['day', 'month', 'year'] as const).filter((p) => !parts[p]);
  if (missing.length) return { parts, error: `${label} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(parts.day) || !/^\d{1,2}$/.test(parts.month) || !/^\d{4}$/.test(parts.year)) {
    return { parts, error: `${label} must be a real date` };
  }
  const iso = `${parts.year}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return { parts, error: `${label} must be a real date` };
  return { parts, day: iso };
}

/** The design system's date input (a fieldset of day, month and year boxes), with its hint and error. */
export function dateInputHtml(input: { id: string; name: string; legend: string; hint: string; parts?: DateParts; error?: string }): string {
  const parts = input.parts ?? EMPTY;
  const described = `${input.id}-hint${input.error ? ` ${input.id}-error` : ''}`;
  const box = (part: keyof DateParts, label: string, width: number) => `<div class="nhsuk-date-input__item"><div class="nhsuk-form-group">
<label class="nhsuk-label nhsuk-date-input__label" for="${input.id}-${part}">${label}</label>
<input class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-${width}${input.error ? ' nhsuk-input--error' : ''}" id="${input.id}-${part}" name="${input.name}-${part}" type="text" inputmode="numeric" value="${escapeHtml(parts[part])}"></div></div>`;
  return `<div class="nhsuk-form-group carepoint-filter${input.error ? ' nhsuk-form-group--error' : ''}">
<fieldset class="nhsuk-fieldset" role="group" aria-describedby="${described}">
<legend class="nhsuk-fieldset__legend nhsuk-label">${escapeHtml(input.legend)}</legend>
<div class="nhsuk-hint" id="${input.id}-hint">${escapeHtml(input.hint)}</div>
${input.error ? `<span class="nhsuk-error-message" id="${input.id}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${escapeHtml(input.error)}</span>` : ''}
<div class="nhsuk-date-input" id="${input.id}">
${box('day', 'Day', 2)}
${box('month', 'Month', 2)}
${box('year', 'Year', 4)}
</div></fieldset></div>`;
}
