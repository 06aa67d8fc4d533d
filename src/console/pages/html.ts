/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** "Wed 3 Dec 2026, 14:05" on the team's clock, in a <time> element carrying the exact instant. */
export function when(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(format.format(new Date(iso)))}</time>`;
}

/** "45 min", "3 h 5 min", "2 days 4 h"; a working-time day is the team's working day (`dayMinutes`). */
export function duration(minutes: number, dayMinutes = 24 * 60, dayWord = 'day'): string {
  const total = Math.floor(minutes);
  if (total < 1) return 'under 1 min';
  const days = Math.floor(total / dayMinutes);
  const rest = total % dayMinutes;
  const parts = [
    ...(days ? [`${days} ${dayWord}${days === 1 ? '' : 's'}`] : []),
    ...(Math.floor(rest / 60) ? [`${Math.floor(rest / 60)} h`] : []),
    // Minutes matter only within the first day.
    ...(rest % 60 && !days ? [`${rest % 60} min`] : []),
  ];
  return parts.join(' ');
}
