ALTER TABLE "cases" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Case writes in one statement. The domain decides in TypeScript on rows it read (cases/case-store.ts);
-- these functions only write what was decided, atomically, after checking that what the decision was
-- based on still holds (the case's revision, an offer still pending, an agent's room). A refusal is
-- returned as a status, never half-written: the caller reads again and decides again.
CREATE FUNCTION sb_bump_case_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := OLD.revision + 1;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER cases_revision BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION sb_bump_case_revision();
--> statement-breakpoint
-- Generic row writers: the JSON's keys are column names; columns it leaves out keep their default
-- (insert) or their value (update).
CREATE FUNCTION sb_insert(p_table regclass, p_row jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  cols text;
  result jsonb;
BEGIN
  SELECT string_agg(quote_ident(k), ', ') INTO cols FROM jsonb_object_keys(p_row) k;
  EXECUTE format('INSERT INTO %s AS t (%s) SELECT %s FROM jsonb_populate_record(null::%s, $1) RETURNING to_jsonb(t.*)',
    p_table, cols, cols, p_table) USING p_row INTO result;
  RETURN result;
END $$;
--> statement-breakpoint
CREATE FUNCTION sb_update(p_table regclass, p_id uuid, p_patch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  assignments text;
  result jsonb;
BEGIN
  SELECT string_agg(format('%I = r.%I', k, k), ', ') INTO assignments FROM jsonb_object_keys(p_patch) k;
  EXECUTE format('UPDATE %s AS t SET %s FROM jsonb_populate_record(null::%s, $1) r WHERE t.id = $2 RETURNING to_jsonb(t.*)',
    p_table, assignments, p_table) USING p_patch, p_id INTO result;
  RETURN result;
END $$;
--> statement-breakpoint
CREATE FUNCTION sb_upsert(p_table regclass, p_row jsonb, p_conflict text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  cols text;
  assignments text;
  result jsonb;
BEGIN
  SELECT string_agg(quote_ident(k), ', '), string_agg(format('%I = excluded.%I', k, k), ', ')
    INTO cols, assignments FROM jsonb_object_keys(p_row) k;
  EXECUTE format('INSERT INTO %s AS t (%s) SELECT %s FROM jsonb_populate_record(null::%s, $1) ON CONFLICT (%s) DO UPDATE SET %s RETURNING to_jsonb(t.*)',
    p_table, cols, cols, p_table, p_conflict, assignments) USING p_row INTO result;
  RETURN result;
END $$;
--> statement-breakpoint
-- What an agent holds, per channel: open cases assigned to them, pending offers, a live call on a
-- case they hold, a campaign call they are on. A voice case counts only while its latest call is live
-- (or before its first call): the phases below end a call (FINISHED_CALL_PHASES in cases/calls.ts).
CREATE FUNCTION sb_agent_load(p_agent_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT jsonb_build_object(
      'chat', count(*) FILTER (WHERE channel = 'chat'),
      'email', count(*) FILTER (WHERE channel = 'email'),
      'sms', count(*) FILTER (WHERE channel = 'sms'),
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
-- Everything a decision about one case reads: the case, its SLA clocks, its contact and their
-- addresses, its customer updates still waiting, its last inbound message's metadata and the phase
-- of its latest call.
CREATE FUNCTION sb_case_context(p_case_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT jsonb_build_object(
      'case', to_jsonb(c),
      'targets', coalesce((SELECT jsonb_agg(to_jsonb(t)) FROM case_sla_targets t WHERE t.case_id = c.id), '[]'),
      'contact', (SELECT to_jsonb(k) FROM contacts k WHERE k.id = c.contact_id),
      'identities', coalesce((SELECT jsonb_agg(to_jsonb(i)) FROM contact_identities i WHERE i.contact_id = c.contact_id), '[]'),
      'held_update_until', (SELECT max(n.send_after) FROM case_notifications n WHERE n.case_id = c.id AND n.status = 'pending'),
      'last_inbound', (SELECT i.metadata FROM interactions i WHERE i.case_id = c.id AND i.direction = 'inbound'
                        ORDER BY i.created_at DESC, i.seq DESC LIMIT 1),
      'call_phase', CASE WHEN c.channel = 'voice' THEN (SELECT coalesce(i.metadata->>'phase', 'live') FROM interactions i
                        WHERE i.case_id = c.id AND i.kind = 'call' ORDER BY i.created_at DESC, i.seq DESC LIMIT 1) END)
    FROM cases c WHERE c.id = p_case_id);
END $$;
--> statement-breakpoint
-- The rows that come with a change of a case, besides the case row itself: audit rows (in order;
-- customer updates name theirs by position), interactions, SLA clocks and their events, customer
-- updates, withdrawn offers and agents' bookkeeping.
CREATE FUNCTION sb_apply_case_parts(p_case_id uuid, w jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  e jsonb;
  new_id bigint;
  audit_ids bigint[] := '{}';
  inserted jsonb := '[]';
  notification_ids jsonb := '[]';
  cancelled jsonb := '[]';
  agents_written jsonb := '[]';
  agent jsonb;
  n_id uuid;
BEGIN
  FOR e IN SELECT value FROM jsonb_array_elements(coalesce(w->'audits', '[]')) LOOP
    INSERT INTO case_events (case_id, type, from_state, to_state, actor_type, actor_id, details, at)
      VALUES (p_case_id, e->>'type', e->>'from_state', e->>'to_state', e->>'actor_type',
              (e->>'actor_id')::uuid, coalesce(e->'details', '{}'), (e->>'at')::timestamptz)
      RETURNING id INTO new_id;
    audit_ids := audit_ids || new_id;
  END LOOP;

  FOR e IN SELECT value FROM jsonb_array_elements(coalesce(w->'interactions', '[]')) LOOP
    inserted := inserted || sb_insert('interactions', e || jsonb_build_object('case_id', p_case_id));
  END LOOP;

  FOR e IN SELECT value FROM jsonb_array_elements(coalesce(w->'sla_targets', '[]')) LOOP
    PERFORM sb_upsert('case_sla_targets', e || jsonb_build_object('case_id', p_case_id), 'case_id, metric');
  END LOOP;
  INSERT INTO sla_events (case_id, target_id, metric, cycle, type, at)
    SELECT p_case_id, t.id, t.metric, (e.value->>'cycle')::int, e.value->>'type', (e.value->>'at')::timestamptz
      FROM jsonb_array_elements(coalesce(w->'sla_events', '[]')) e
      JOIN case_sla_targets t ON t.case_id = p_case_id AND t.metric = e.value->>'metric'
    ON CONFLICT DO NOTHING;

  FOR e IN SELECT value FROM jsonb_array_elements(coalesce(w->'notifications', '[]')) LOOP
    n_id := NULL;
    INSERT INTO case_notifications (case_id, event, case_event_id, channel, status, reason, send_after, interaction_id)
      VALUES (p_case_id, e->>'event', audit_ids[(e->>'audit')::int + 1], e->>'channel', e->>'status',
              e->>'reason', (e->>'send_after')::timestamptz, (e->>'interaction_id')::uuid)
      ON CONFLICT DO NOTHING RETURNING id INTO n_id;
    notification_ids := notification_ids || coalesce(to_jsonb(n_id), 'null'::jsonb);
  END LOOP;

  IF w ? 'cancel_pending_offers' THEN
    WITH x AS (
      UPDATE offers SET status = 'cancelled', responded_at = (w->>'cancel_pending_offers')::timestamptz
        WHERE case_id = p_case_id AND status = 'pending' RETURNING id, agent_id)
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'agent_id', agent_id)), '[]') INTO cancelled FROM x;
  END IF;

  FOR e IN SELECT value FROM jsonb_array_elements(coalesce(w->'agents', '[]')) LOOP
    UPDATE agents SET
      last_work_ended_at = coalesce((e->>'last_work_ended_at')::timestamptz, last_work_ended_at),
      wrap_up_until = CASE WHEN e ? 'wrap_up_until'
        THEN greatest(coalesce(wrap_up_until, (e->>'wrap_up_until')::timestamptz), (e->>'wrap_up_until')::timestamptz)
        ELSE wrap_up_until END,
      missed_offers_in_row = coalesce((e->>'missed_offers_in_row')::int,
        missed_offers_in_row + coalesce((e->>'missed_offers_add')::int, 0))
    WHERE id = (e->>'id')::uuid
    RETURNING jsonb_build_object('id', id, 'presence', presence, 'missed_offers_in_row', missed_offers_in_row)
    INTO agent;
    agents_written := agents_written || agent;
  END LOOP;

  RETURN jsonb_build_object('audit_ids', to_jsonb(audit_ids), 'interactions', inserted,
    'notification_ids', notification_ids, 'cancelled_offers', cancelled, 'agents', agents_written);
END $$;
--> statement-breakpoint
-- A decided change of one existing case: written only if the case is still at the revision the
-- decision read (and, for an answer to an offer, only while the offer is pending).
CREATE FUNCTION sb_write_case(w jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  c cases;
  o offers;
  row jsonb;
BEGIN
  SELECT * INTO c FROM cases WHERE id = (w->>'case_id')::uuid FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'missing');
  END IF;
  IF c.revision <> (w->>'revision')::int THEN
    RETURN jsonb_build_object('status', 'stale');
  END IF;
  IF w ? 'offer' THEN
    SELECT * INTO o FROM offers WHERE id = (w->'offer'->>'id')::uuid FOR UPDATE;
    IF NOT FOUND OR o.status <> 'pending' THEN
      RETURN jsonb_build_object('status', 'offer_closed', 'offer', to_jsonb(o));
    END IF;
    UPDATE offers SET status = w->'offer'->>'status', responded_at = (w->'offer'->>'responded_at')::timestamptz
      WHERE id = o.id;
  END IF;
  row := CASE WHEN w ? 'set' THEN sb_update('cases', c.id, w->'set') ELSE to_jsonb(c) END;
  RETURN jsonb_build_object('status', 'ok', 'case', row) || sb_apply_case_parts(c.id, w);
END $$;
--> statement-breakpoint
-- A decided offer: written only if the case still waits at the revision the decision read and the
-- agent, locked, is available, out of wrap-up and has room on the channel (`hasRoom` in
-- routing/matcher-rules.ts: nothing while on a call, fewer than capacity on the channel). Rows another
-- transaction holds are skipped, not waited for: the router tries the next agent or comes back.
CREATE FUNCTION sb_offer(w jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  c cases;
  a agents;
  load jsonb;
  offer jsonb;
  row jsonb;
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
  load := sb_agent_load(a.id);
  IF (load->>'voice')::int > 0 OR (load->>c.channel)::int >= coalesce((a.capacity->>c.channel)::int, 0) THEN
    RETURN jsonb_build_object('status', 'agent_full', 'load', load);
  END IF;
  offer := sb_insert('offers', w->'new_offer' || jsonb_build_object('case_id', c.id));
  row := sb_update('cases', c.id, w->'set');
  RETURN jsonb_build_object('status', 'ok', 'case', row, 'offer', offer,
    'load', jsonb_set(load, ARRAY[c.channel], to_jsonb((load->>c.channel)::int + 1))) || sb_apply_case_parts(c.id, w);
END $$;
--> statement-breakpoint
-- What storing an inbound message needs to decide: whether it was stored before; the contact behind
-- the address; the case it continues (the strongest thread hint first: the case the channel knows,
-- a message it answers, a case number of the contact's; otherwise, unless the channel threads
-- strictly, the contact's latest case on the channel, open ones first) with that case's context;
-- the contact's latest case on the channel (a new case is opened only if it is still the latest);
-- the agent who last served the contact (sticky routing); and, when the message will open a case
-- (an unknown sender, no case to continue, or a closed one), the new case's number, so that what is
-- written with it (the customer's update) can quote it. A number drawn for a write that is then
-- decided again is lost, as sequences lose numbers.
CREATE FUNCTION sb_inbound_context(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  stored interactions;
  v_contact uuid;
  v_thread uuid;
  v_latest uuid;
  hints jsonb := coalesce(p->'thread', '{}');
BEGIN
  SELECT * INTO stored FROM interactions WHERE channel = p->>'channel' AND external_id = p->>'external_id';
  IF FOUND THEN
    RETURN jsonb_build_object('duplicate', jsonb_build_object('interaction', to_jsonb(stored),
      'case', (SELECT to_jsonb(c) FROM cases c WHERE c.id = stored.case_id)));
  END IF;
  SELECT contact_id INTO v_contact FROM contact_identities WHERE kind = p->>'kind' AND address = p->>'address';
  IF hints ? 'case_id' THEN
    SELECT id INTO v_thread FROM cases WHERE id = (hints->>'case_id')::uuid AND contact_id = v_contact;
  END IF;
  IF v_thread IS NULL AND jsonb_array_length(coalesce(hints->'referenced_external_ids', '[]')) > 0 THEN
    SELECT case_id INTO v_thread FROM interactions
      WHERE channel = p->>'channel'
        AND external_id IN (SELECT jsonb_array_elements_text(hints->'referenced_external_ids'))
      ORDER BY created_at DESC LIMIT 1;
  END IF;
  IF v_thread IS NULL AND hints ? 'case_number' THEN
    -- A case token only threads mail from the case's own contact, so a guessed number cannot inject into another case.
    SELECT id INTO v_thread FROM cases WHERE number = (hints->>'case_number')::int AND contact_id = v_contact;
  END IF;
  IF v_contact IS NULL THEN
    -- An unknown sender: only a message it answers threads it (a colleague CC'd on the thread).
    RETURN jsonb_build_object(
      'thread', CASE WHEN v_thread IS NOT NULL THEN sb_case_context(v_thread) END,
      'next_number', CASE WHEN v_thread IS NULL OR (SELECT state FROM cases WHERE id = v_thread) = 'closed'
                          THEN nextval('case_number_seq') END);
  END IF;
  SELECT id INTO v_latest FROM cases WHERE contact_id = v_contact AND channel = p->>'channel'
    ORDER BY state = 'closed', created_at DESC LIMIT 1;
  IF v_thread IS NULL AND NOT coalesce((hints->>'strict')::boolean, false) THEN
    v_thread := v_latest;
  END IF;
  RETURN jsonb_build_object(
    'contact', (SELECT to_jsonb(k) FROM contacts k WHERE k.id = v_contact),
    'identities', coalesce((SELECT jsonb_agg(to_jsonb(i)) FROM contact_identities i WHERE i.contact_id = v_contact), '[]'),
    'latest_case_id', v_latest,
    'last_assignee_id', (SELECT assignee_id FROM cases WHERE contact_id = v_contact AND assignee_id IS NOT NULL
                          ORDER BY updated_at DESC LIMIT 1),
    'thread', CASE WHEN v_thread IS NOT NULL THEN sb_case_context(v_thread) END,
    'next_number', CASE WHEN v_thread IS NULL OR (SELECT state FROM cases WHERE id = v_thread) = 'closed'
                        THEN nextval('case_number_seq') END);
END $$;
--> statement-breakpoint
CREATE FUNCTION sb_next_case_number(p jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT to_jsonb(nextval('case_number_seq'));
$$;
--> statement-breakpoint
-- A decided inbound message: stored at most once (the same message id again returns what was stored),
-- with the contact it creates (only if the address is still unknown), the case it opens (only if the
-- contact's latest case is still the one the decision read) or the case it continues (only if that
-- case is still at the revision read).
CREATE FUNCTION sb_ingest(w jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  stored interactions;
  v_case uuid;
  v_latest uuid;
  c cases;
  contact jsonb;
  row jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(1, hashtext((w->'dedupe'->>'channel') || ':' || (w->'dedupe'->>'external_id')));
  SELECT * INTO stored FROM interactions
    WHERE channel = w->'dedupe'->>'channel' AND external_id = w->'dedupe'->>'external_id';
  IF FOUND THEN
    RETURN jsonb_build_object('status', 'duplicate', 'interaction', to_jsonb(stored),
      'case', (SELECT to_jsonb(x) FROM cases x WHERE x.id = stored.case_id));
  END IF;
  IF w ? 'new_contact' THEN
    PERFORM pg_advisory_xact_lock(2, hashtext((w->'identity'->>'kind') || ':' || (w->'identity'->>'address')));
    IF EXISTS (SELECT 1 FROM contact_identities
                WHERE kind = w->'identity'->>'kind' AND address = w->'identity'->>'address') THEN
      RETURN jsonb_build_object('status', 'stale');
    END IF;
    contact := sb_insert('contacts', w->'new_contact');
    PERFORM sb_insert('contact_identities', w->'identity' || jsonb_build_object('contact_id', contact->'id'));
  ELSIF w ? 'contact_name' THEN
    UPDATE contacts SET name = w->>'contact_name', updated_at = now()
      WHERE id = (w->>'contact_id')::uuid AND name IS NULL;
  END IF;
  IF w ? 'new_case' THEN
    IF w ? 'latest_case_id' THEN
      PERFORM pg_advisory_xact_lock(5, hashtext(w->>'contact_id'));
      SELECT id INTO v_latest FROM cases
        WHERE contact_id = (w->>'contact_id')::uuid AND channel = w->'dedupe'->>'channel'
        ORDER BY state = 'closed', created_at DESC LIMIT 1;
      IF v_latest IS DISTINCT FROM (w->>'latest_case_id')::uuid THEN
        RETURN jsonb_build_object('status', 'stale');
      END IF;
    END IF;
    row := sb_insert('cases', w->'new_case');
    v_case := (row->>'id')::uuid;
  ELSE
    SELECT * INTO c FROM cases WHERE id = (w->>'case_id')::uuid FOR UPDATE;
    IF NOT FOUND OR c.revision <> (w->>'revision')::int THEN
      RETURN jsonb_build_object('status', 'stale');
    END IF;
    v_case := c.id;
    row := CASE WHEN w ? 'set' THEN sb_update('cases', c.id, w->'set') ELSE to_jsonb(c) END;
  END IF;
  RETURN jsonb_build_object('status', 'ok', 'case', row) || sb_apply_case_parts(v_case, w);
END $$;
--> statement-breakpoint
-- An offer and the context of its case, for answering it.
CREATE FUNCTION sb_offer_context(p_offer_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
  o offers;
BEGIN
  SELECT * INTO o FROM offers WHERE id = p_offer_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN jsonb_build_object('offer', to_jsonb(o), 'context', sb_case_context(o.case_id));
END $$;
--> statement-breakpoint
-- Active agents as routing sees them: presence, capacity, idle time, wrap-up, skills and load. The
-- filter: `presence` 'available' (routable), 'present' (not offline) or absent (all), and `ids`.
CREATE FUNCTION sb_agent_snapshots(p jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((
    SELECT jsonb_agg(jsonb_build_object(
      'id', a.id,
      'presence', a.presence,
      'capacity', a.capacity,
      'idle_since', coalesce(a.last_work_ended_at, a.presence_changed_at),
      'wrap_up_until', a.wrap_up_until,
      'skills', coalesce((SELECT jsonb_object_agg(s.skill_id, s.level) FROM agent_skills s WHERE s.agent_id = a.id), '{}'),
      'load', sb_agent_load(a.id)))
    FROM agents a
    WHERE a.deactivated_at IS NULL
      AND (NOT p ? 'ids' OR a.id IN (SELECT (jsonb_array_elements_text(p->'ids'))::uuid))
      AND (CASE p->>'presence'
             WHEN 'available' THEN a.presence = 'available'
             WHEN 'present' THEN a.presence <> 'offline'
             ELSE true END)), '[]');
END $$;
