ALTER TABLE "contact_identities" DROP CONSTRAINT "contact_identities_kind_address_uq";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "link_reason" text;--> statement-breakpoint
ALTER TABLE "contact_identities" ADD COLUMN "verified_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
CREATE UNIQUE INDEX "contact_identities_kind_address_verified_uq" ON "contact_identities" USING btree ("kind","address") WHERE verified_at is not null;--> statement-breakpoint
ALTER TABLE "contact_identities" ADD CONSTRAINT "contact_identities_contact_kind_address_uq" UNIQUE("contact_id","kind","address");--> statement-breakpoint
-- Addresses already on contacts came from real channels and are theirs, except an email typed into
-- the web chat's pre-chat form: on a visitor's contact, an email address that never wrote to us is
-- only a claim.
UPDATE "contact_identities" SET "verified_at" = "created_at";--> statement-breakpoint
UPDATE "contact_identities" i SET "verified_at" = NULL
  WHERE i.kind = 'email'
    AND EXISTS (SELECT 1 FROM contact_identities chat WHERE chat.contact_id = i.contact_id AND chat.kind = 'chat')
    AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.contact_id = i.contact_id AND c.channel = 'email'
                      AND c.customer_address = i.address);--> statement-breakpoint
UPDATE "cases" SET "link_reason" = 'follows_closed' WHERE "linked_case_id" IS NOT NULL;--> statement-breakpoint
-- Whether an address belongs to a case's email thread: the case's contact, the address replies go
-- to, or an address in the To or Cc of a message on it (inbound mail keeps {address, name} objects,
-- our replies keep the Cc as plain addresses).
CREATE FUNCTION sb_thread_participant(p_case uuid, p_contact uuid, p_address text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = p_case
                   AND (c.contact_id = p_contact OR c.customer_address = p_address))
    OR EXISTS (
      SELECT 1 FROM interactions i,
        jsonb_array_elements(
          CASE WHEN jsonb_typeof(i.metadata->'to') = 'array' THEN i.metadata->'to' ELSE '[]' END ||
          CASE WHEN jsonb_typeof(i.metadata->'cc') = 'array' THEN i.metadata->'cc' ELSE '[]' END) a
      WHERE i.case_id = p_case AND i.channel = 'email'
        AND lower(CASE jsonb_typeof(a) WHEN 'string' THEN a #>> '{}' ELSE a->>'address' END) = p_address);
$$;
--> statement-breakpoint
-- What storing an inbound message needs to decide (see 0011_case_writes), now by sender: only a
-- verified identity finds its contact, and a message answering another case's mail continues that
-- case only when its sender belongs to the thread; anyone else's quote of it (`quoted_case_id`)
-- opens a case linked to it.
CREATE OR REPLACE FUNCTION sb_inbound_context(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  stored interactions;
  v_contact uuid;
  v_thread uuid;
  v_quoted uuid;
  v_latest uuid;
  hints jsonb := coalesce(p->'thread', '{}');
BEGIN
  SELECT * INTO stored FROM interactions WHERE channel = p->>'channel' AND external_id = p->>'external_id';
  IF FOUND THEN
    RETURN jsonb_build_object('duplicate', jsonb_build_object('interaction', to_jsonb(stored),
      'case', (SELECT to_jsonb(c) FROM cases c WHERE c.id = stored.case_id)));
  END IF;
  SELECT contact_id INTO v_contact FROM contact_identities
    WHERE kind = p->>'kind' AND address = p->>'address' AND verified_at IS NOT NULL;
  IF hints ? 'case_id' THEN
    SELECT id INTO v_thread FROM cases WHERE id = (hints->>'case_id')::uuid AND contact_id = v_contact;
  END IF;
  IF v_thread IS NULL AND jsonb_array_length(coalesce(hints->'referenced_external_ids', '[]')) > 0 THEN
    SELECT case_id INTO v_thread FROM interactions
      WHERE channel = p->>'channel'
        AND external_id IN (SELECT jsonb_array_elements_text(hints->'referenced_external_ids'))
      ORDER BY created_at DESC LIMIT 1;
    IF v_thread IS NOT NULL AND NOT sb_thread_participant(v_thread, v_contact, p->>'address') THEN
      v_quoted := v_thread;
      v_thread := NULL;
    END IF;
  END IF;
  IF v_thread IS NULL AND hints ? 'case_number' THEN
    -- A case token only threads mail from the case's own contact, so a guessed number cannot inject into another case.
    SELECT id INTO v_thread FROM cases WHERE number = (hints->>'case_number')::int AND contact_id = v_contact;
  END IF;
  IF v_contact IS NULL THEN
    -- An unknown sender: only a thread it belongs to (a colleague CC'd on it) continues.
    RETURN jsonb_build_object(
      'thread', CASE WHEN v_thread IS NOT NULL THEN sb_case_context(v_thread) END,
      'quoted_case_id', v_quoted,
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
    'quoted_case_id', v_quoted,
    'next_number', CASE WHEN v_thread IS NULL OR (SELECT state FROM cases WHERE id = v_thread) = 'closed'
                        THEN nextval('case_number_seq') END);
END $$;
--> statement-breakpoint
-- Storing a decided inbound message (see 0011_case_writes): a new contact is created for an address
-- unless a verified identity holds it; a claim on another contact does not stop it.
CREATE OR REPLACE FUNCTION sb_ingest(w jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
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
                WHERE kind = w->'identity'->>'kind' AND address = w->'identity'->>'address'
                  AND verified_at IS NOT NULL) THEN
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
