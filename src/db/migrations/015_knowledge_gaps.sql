-- Questions the knowledge base declined or answered with choices, counted per UK day by a digest of the
-- question, never its text: what the content team should write next (npm run kb -- gaps).
create table knowledge_gaps (
  day date not null,
  digest text not null,
  outcome text not null check (outcome in ('choices', 'declined')),
  asked integer not null,
  primary key (day, digest, outcome)
);
