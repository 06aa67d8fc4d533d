/** Who changed a concern: a signed-in co-ordinator (id and display name), as events and the audit log name them. */
export interface Actor {
  id: string;
  name: string;
}

/** SQL for a lease of `minutes` from now, on the database clock (the one clock every instance shares). */
export const leaseUntilSql = (minutes: string) => `now() + make_interval(secs => ${minutes}::double precision * 60)`;
