-- WhatsApp (a text channel through Twilio) shares the agents' SMS capacity: an agent's load counts
-- WhatsApp conversations under `sms`, and an offer of a WhatsApp case is checked against it.
CREATE OR REPLACE FUNCTION sb_agent_load(p_agent_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT jsonb_build_object(
      'chat', count(*) FILTER (WHERE channel = 'chat'),
      'email', count(*) FILTER (WHERE channel = 'email'),
      'sms', count(*) FILTER (WHERE channel IN ('sms', 'whatsapp')),
      'voice', count(*) FILTER (WHERE channel = 'voice'))
    FROM (
      SELECT c.channel FROM cases c
        WHERE c.assignee_id = p_agent_id AND c.state IN ('assigned', 'waiting_on_customer')
          AND (c.channel <> 'voice' OR coalesce((
            SELECT i.metadata->>'phase' FROM interactions i
              WHERE i.case_id = c.id AND i.kind = 'call'
              ORDER BY i.created_at DESC, i.seq DESC LIMIT 1), 'live') NOT IN ('ended', 'voicemail', 'callback'))
      UNION ALL
      SELECT c.channel FROM offers o JOIN cases c ON c.id = o.case_id
        WHERE o.agent_id = p_agent_id AND o.status = 'pending'
      UNION ALL
      SELECT 'voice' FROM cases held JOIN interactions ci ON ci.case_id = held.id AND ci.kind = 'call'
        WHERE held.assignee_id = p_agent_id AND held.channel <> 'voice'
          AND held.state IN ('assigned', 'waiting_on_customer')
          AND coalesce(ci.metadata->>'phase', 'live') NOT IN ('ended', 'voicemail', 'callback')
      UNION ALL
      SELECT 'voice' FROM dial_attempts da
        WHERE da.agent_id = p_agent_id AND da.status = 'connected' AND da.kind = 'dial'
    ) work);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_offer(w jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  c cases;
  a agents;
  load jsonb;
  offer jsonb;
  row jsonb;
  cap text;
BEGIN
  SELECT * INTO c FROM cases WHERE id = (w->>'case_id')::uuid FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'case_busy');
  END IF;
  IF c.state <> 'queued' OR c.revision <> (w->>'revision')::int THEN
    RETURN jsonb_build_object('status', 'stale', 'case', to_jsonb(c));
  END IF;
  SELECT * INTO a FROM agents WHERE id = (w->'new_offer'->>'agent_id')::uuid FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'agent_busy');
  END IF;
  IF a.presence <> 'available' OR a.deactivated_at IS NOT NULL
     OR (a.wrap_up_until IS NOT NULL AND a.wrap_up_until > (w->'new_offer'->>'created_at')::timestamptz) THEN
    RETURN jsonb_build_object('status', 'agent_unavailable', 'presence', a.presence, 'wrap_up_until', a.wrap_up_until);
  END IF;
  -- WhatsApp conversations count against the agent's SMS capacity (routing/ports: capacityChannelOf).
  cap := CASE WHEN c.channel = 'whatsapp' THEN 'sms' ELSE c.channel END;
  load := sb_agent_load(a.id);
  IF (load->>'voice')::int > 0 OR (load->>cap)::int >= coalesce((a.capacity->>cap)::int, 0) THEN
    RETURN jsonb_build_object('status', 'agent_full', 'load', load);
  END IF;
  offer := sb_insert('offers', w->'new_offer' || jsonb_build_object('case_id', c.id));
  row := sb_update('cases', c.id, w->'set');
  RETURN jsonb_build_object('status', 'ok', 'case', row, 'offer', offer,
    'load', jsonb_set(load, ARRAY[cap], to_jsonb((load->>cap)::int + 1))) || sb_apply_case_parts(c.id, w);
END $$;
