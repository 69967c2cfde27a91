-- A case's machine snapshot is the authority on its state, assignee and resolution time; the columns
-- are copies for queries and indexes, and from now on the database refuses a row where they differ.
-- A row that already differs takes its snapshot's values first: every later event is decided from
-- the snapshot and would write them anyway. Each such repair leaves an audit row with what was there.
WITH drifted AS (
  SELECT id, state, assignee_id, resolved_at FROM cases
  WHERE NOT ((machine_snapshot->>'value') IS NOT DISTINCT FROM state
    AND (machine_snapshot->'context'->>'assigneeId')::uuid IS NOT DISTINCT FROM assignee_id
    AND (machine_snapshot->'context'->>'resolvedAt')::numeric IS NOT DISTINCT FROM (extract(epoch from resolved_at) * 1000))
), repaired AS (
  UPDATE cases c SET
    state = c.machine_snapshot->>'value',
    assignee_id = (c.machine_snapshot->'context'->>'assigneeId')::uuid,
    resolved_at = to_timestamp((c.machine_snapshot->'context'->>'resolvedAt')::numeric / 1000)
  FROM drifted d WHERE c.id = d.id
  RETURNING c.id, d.state AS old_state, c.state AS new_state, d.assignee_id AS old_assignee_id,
    c.assignee_id AS new_assignee_id, d.resolved_at AS old_resolved_at, c.resolved_at AS new_resolved_at
)
INSERT INTO case_events (case_id, type, from_state, to_state, actor_type, details, at)
  SELECT id, 'state_repaired', old_state, new_state, 'system',
    jsonb_build_object('reason', 'columns differed from the machine snapshot',
      'fromAssigneeId', old_assignee_id, 'toAssigneeId', new_assignee_id,
      'fromResolvedAt', old_resolved_at, 'toResolvedAt', new_resolved_at),
    now()
  FROM repaired;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_state_is_snapshot" CHECK ((machine_snapshot->>'value') IS NOT DISTINCT FROM state
  AND (machine_snapshot->'context'->>'assigneeId')::uuid IS NOT DISTINCT FROM assignee_id
  AND (machine_snapshot->'context'->>'resolvedAt')::numeric IS NOT DISTINCT FROM (extract(epoch from resolved_at) * 1000));
