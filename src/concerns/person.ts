/**
 * SQL for the patient a concern (table alias `k`) is about, when known: the one a co-ordinator confirmed, else the
 * patient an SMS came from (a registered number: requester "patient:<id>", src/channels/sms/sms-adapter.ts), else
 * the patient whose registered number the person gave. Concerns with the same patient are one story.
 */
export const PERSON_SQL = (k: string) => `coalesce(${k}.patient_id,
  case when ${k}.requester_key like 'patient:%' then substr(${k}.requester_key, 9)::uuid end,
  (select pc.patient_id from patient_contacts pc
   where pc.phone = coalesce(${k}.details->>'phone', case when ${k}.requester_key like 'sms:%' then substr(${k}.requester_key, 5) end)))`;
