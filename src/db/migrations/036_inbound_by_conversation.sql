-- A conversation's latest inbound message, found at its end of an index (repeat contact, on every turn: the
-- statement that records a message reads it, src/queue/conversation-log.ts). The index on all of a
-- conversation's messages cannot give it in order once outbound messages are skipped, and without statistics
-- (embedded PGlite never runs ANALYZE) PostgreSQL then reads and sorts every message of the conversation: a
-- cost that grew with each conversation's length (an SMS number's conversation never ends).
create index messages_inbound_by_conversation on messages (conversation_id, id) where direction = 'in';
