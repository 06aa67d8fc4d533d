-- Bot Framework conversations and people are now stored under "bf:<channelId>:<id>" (src/channels/bot-framework-keys.ts),
-- so that a client naming another channel's conversation id (sms:+44...) can never reach it. Rows written
-- before that are moved over: every chat conversation that is not the local web chat's, identified by the channel
-- id kept in its stored reference. SMS (sms:...) and local web chat rows keep their keys.
create temporary table bf_moved on commit drop as
  select c.id as old_id,
    'bf:' || coalesce(c.reference->>'channelId', 'unknown') || ':' || c.id as new_id,
    c.requester_key as old_requester,
    'bf:' || c.requester_key as new_requester
  from conversations c
  where c.channel = 'chat' and c.id not like 'bf:%'
    and not exists (select 1 from webchat_conversations w where w.id = c.id);
update messages m set conversation_id = b.new_id from bf_moved b where m.conversation_id = b.old_id;
update concerns k set conversation_id = b.new_id, requester_key = 'bf:' || k.requester_key
  from bf_moved b where k.conversation_id = b.old_id and k.channel = 'chat';
update bot_state s set key = split_part(s.key, '/', 1) || '/conversations/' || b.new_id || '/'
  from bf_moved b where s.key = split_part(s.key, '/', 1) || '/conversations/' || b.old_id || '/';
update conversations c set id = b.new_id, requester_key = b.new_requester from bf_moved b where c.id = b.old_id;
