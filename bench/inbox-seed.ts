/**
 * Fills a migrated PostgreSQL database for the inbox benchmark, in bulk (INSERT ... SELECT over
 * generate_series): agents, queues, contacts with names and addresses, cases and their interactions,
 * with the shapes a year of a contact center's work has.
 *
 * - ~300 agents, ~20 queues of very different sizes (the first gets ~22 % of cases, the last ~1 %).
 * - Contacts with first and last names from common lists (a few names are frequent, most are rare),
 *   an email for ~70 %, a phone number for ~60 %, a chat visitor id for the rest; returning customers
 *   have several cases.
 * - Cases over a year, numbered in time order (so the newest cases and their interactions are the
 *   last rows of their tables, as in a real database): most recent work is still open, little old
 *   work is — about 90 % closed, 4.5 % resolved, 2.7 % waiting on the customer, 1.3 % assigned,
 *   0.5 % queued (no assignee). Resolved and closed cases keep their agent (7 % never had one).
 *   Open cases carry an SLA status — 60 % active, 12 % at risk, 23 % breached — and a due time;
 *   finished ones met, met late or breached.
 * - Subjects from ~40 topics (a few common, most rare), a product from ~60 brands and often an order
 *   number; 2-18 interactions per case (10 on average): the customer's messages, the agents' replies
 *   (some with a tracking number), notes and status events, stored in time order.
 *
 * The secondary indexes are dropped while rows go in and built again afterwards (from their own
 * definitions, so the benchmark reads exactly the indexes the migrations made); that is minutes
 * instead of the hours row-by-row index upkeep would take. Foreign keys are not checked during the
 * load when the role may skip them: the rows are consistent by construction.
 */
import type postgres from "postgres";
import {
  AGENT_REPLIES,
  BRANDS,
  CUSTOMER_FOLLOW_UPS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  NOTES,
  OPENINGS,
  PRODUCTS,
  STATUS_EVENTS,
  TOPICS,
} from "./inbox-words.ts";

export interface SeedSizes {
  cases: number;
  /** Interactions per case on average. */
  interactionsPerCase: number;
  contacts: number;
  agents: number;
  queues: number;
}

export interface SeedTimings {
  rowsSeconds: number;
  indexSeconds: number;
  analyzeSeconds: number;
  interactions: number;
  indexes: { name: string; seconds: number }[];
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const array = (values: readonly string[]) => `array[${values.map(quote).join(", ")}]::text[]`;

/** SQL helpers in the benchmark's own database: names, addresses and skewed picks from the lists. */
const HELPERS = `
create function bench_u(k bigint, salt int) returns float8 language sql immutable as
  $$ select (hashint8(k * 64 + salt) & 2147483647)::float8 / 2147483648 $$;
create function bench_pick(list text[], u float8, skew float8) returns text language sql immutable as
  $$ select list[1 + floor(power(u, skew) * array_length(list, 1))::int] $$;
create function bench_first(k bigint) returns text language sql immutable as
  $$ select bench_pick(${array(FIRST_NAMES)}, bench_u(k, 1), 1.6) $$;
create function bench_last(k bigint) returns text language sql immutable as
  $$ select bench_pick(${array(LAST_NAMES)}, bench_u(k, 2), 1.8) $$;
create function bench_email(k bigint) returns text language sql immutable as
  $$ select lower(bench_first(k)) || '.' || lower(bench_last(k)) || k || '@' ||
            bench_pick(${array(EMAIL_DOMAINS)}, bench_u(k, 3), 2.0) $$;
-- Unique per contact: (k mod 800, k div 800) is one to one.
create function bench_phone(k bigint) returns text language sql immutable as
  $$ select '+1' || (200 + k % 800) || lpad((k / 800 * 37 % 10000000)::text, 7, '0') $$;
create function bench_has_email(k bigint) returns boolean language sql immutable as
  $$ select bench_u(k, 4) < 0.7 $$;
create function bench_has_phone(k bigint) returns boolean language sql immutable as
  $$ select bench_u(k, 5) < 0.6 or not bench_has_email(k) and bench_u(k, 6) < 0.5 $$;
`;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${label}: ${seconds.toFixed(1)} s`);
  return [result, seconds];
}

/** Session settings for a bulk load, and the SQL helpers the seeding statements call. */
async function prepareSession(sql: postgres.Sql): Promise<void> {
  await sql.unsafe("set synchronous_commit = off");
  await sql.unsafe("set maintenance_work_mem = '1GB'");
  await sql.unsafe("set work_mem = '256MB'");
  await sql.unsafe("select setseed(0.42)");
  try {
    await sql.unsafe("set session_replication_role = replica");
  } catch {
    console.log("  (this role may not skip foreign key checks during the load; it will be slower)");
  }
  await sql.unsafe(HELPERS);
}

interface IndexDefinition {
  name: string;
  definition: string;
}

/** Drops the big tables' secondary indexes (not those behind constraints) and returns their definitions. */
async function dropSecondaryIndexes(sql: postgres.Sql): Promise<IndexDefinition[]> {
  const tables = ["cases", "interactions", "contacts", "contact_identities"];
  const indexes = await sql<IndexDefinition[]>`
    select i.indexname as name, i.indexdef as definition
    from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = any(${tables})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
    order by i.tablename, i.indexname`;
  for (const index of indexes) await sql.unsafe(`drop index ${index.name}`);
  return indexes;
}

async function seedAgentsAndQueues(sql: postgres.Sql, sizes: SeedSizes): Promise<void> {
  await sql.unsafe(`
      insert into agents (id, email, name, role, password_hash, presence)
      select md5('agent' || a)::uuid, 'agent' || a || '@bench.example', bench_first(a + 7000000) || ' ' || bench_last(a + 7000000),
             case when a % 25 = 0 then 'supervisor' else 'agent' end, 'not-a-real-hash', 'offline'
      from generate_series(1, ${sizes.agents}) a`);
  await sql.unsafe(`
      insert into queues (id, name, description)
      select md5('queue' || q)::uuid, 'Bench queue ' || q, 'Seeded by the inbox benchmark'
      from generate_series(1, ${sizes.queues}) q`);
}

/** Contacts, and an email address, phone number or chat visitor id for each. */
async function seedContacts(sql: postgres.Sql, contacts: number): Promise<void> {
  await sql.unsafe(`
      insert into contacts (id, name, created_at, updated_at)
      select md5('contact' || k)::uuid, bench_first(k) || ' ' || bench_last(k),
             now() - interval '2 years' * bench_u(k, 7), now() - interval '1 year' * bench_u(k, 8)
      from generate_series(1, ${contacts}) k`);
  await sql.unsafe(`
      insert into contact_identities (contact_id, kind, address, created_at)
      select md5('contact' || k)::uuid, kind, address, now() - interval '2 years' * bench_u(k, 7)
      from generate_series(1, ${contacts}) k,
           lateral (values ('email', bench_email(k), bench_has_email(k)),
                           ('phone', bench_phone(k), bench_has_phone(k)),
                           ('chat', 'visitor-' || md5('visitor' || k), not bench_has_email(k) and not bench_has_phone(k)))
             as a(kind, address, present)
      where present`);
}

/** Cases numbered `from` to `to`: their draws, creation time, state, update time and assignee, as the CTE `v`. */
function caseRows(from: number, to: number, sizes: SeedSizes): string {
  return `
        with g as (
          select n, random() as r_state, random() as r_age, random() as r_span, random() as r_agent,
                 random() as r_queue, random() as r_contact, random() as r_sla, random() as r_channel,
                 random() as r_priority, random() as r_topic, random() as r_brand, random() as r_due
          from generate_series(${from}, ${to}) n
        ), t as (
          -- Numbers grow with time, as they do: the newest cases, and their interactions, are the
          -- last rows of their tables.
          select g.*, now() - interval '365 days' * ((${sizes.cases} - n + r_age) / ${sizes.cases}) as created_at,
            (1 + floor(power(r_contact, 1.3) * ${sizes.contacts}))::bigint as contact,
            case when r_channel < 0.45 then 'email' when r_channel < 0.70 then 'chat'
                 when r_channel < 0.85 then 'sms' else 'voice' end as channel
          from g
        ), s as (
          -- Most recent work is still open; a little old work is too (forgotten or waiting long).
          select t.*,
            case
              when created_at > now() - interval '3 days' then
                case when r_state < 0.30 then 'queued' when r_state < 0.62 then 'assigned'
                     when r_state < 0.80 then 'waiting_on_customer' else 'resolved' end
              when created_at > now() - interval '14 days' then
                case when r_state < 0.08 then 'queued' when r_state < 0.25 then 'assigned'
                     when r_state < 0.42 then 'waiting_on_customer' else 'resolved' end
              when created_at > now() - interval '45 days' then
                case when r_state < 0.02 then 'assigned' when r_state < 0.14 then 'waiting_on_customer'
                     when r_state < 0.45 then 'resolved' else 'closed' end
              else case when r_state < 0.004 then 'assigned' when r_state < 0.016 then 'waiting_on_customer'
                        else 'closed' end
            end as state
          from t
        ), u as (
          select s.*,
            least(now(), created_at + case state when 'queued' then interval '30 minutes' * r_span
                                                 when 'resolved' then interval '4 days' * r_span
                                                 when 'closed' then interval '10 days' * r_span
                                                 else (now() - created_at) * r_span end)
              as updated_at
          from s
        ), v as (
          select u.*,
            case when state = 'queued' or state in ('resolved', 'closed') and bench_u(n, 15) < 0.07 then null
                 else md5('agent' || (1 + floor(power(r_agent, 1.2) * ${sizes.agents}))::int)::uuid end as assignee_id,
            case when state in ('resolved', 'closed') then updated_at end as resolved_at
          from u
        )`;
}

/** Inserts the rows of `v` (from `caseRows`) as cases, with their subject, priority, queue, address and SLA. */
function caseInsert(sizes: SeedSizes): string {
  return `
        insert into cases (id, number, contact_id, channel, subject, priority, state, queue_id, assignee_id,
                           customer_address, machine_snapshot, machine_version, enqueued_at, sla_status, sla_due_at,
                           first_response_at, resolved_at, closed_at, last_customer_message_at, created_at, updated_at)
        select md5('case' || n)::uuid, 1000 + n, md5('contact' || contact)::uuid, channel,
          case when channel in ('chat', 'voice') and r_brand < 0.3 then ''
               else bench_pick(${array(TOPICS)}, r_topic, 2.2)
                    || case when r_brand < 0.75 then ': ' || bench_pick(${array(BRANDS)}, bench_u(n, 11), 1.7) || ' '
                                                       || bench_pick(${array(PRODUCTS)}, bench_u(n, 12), 1.0)
                            else '' end
                    || case when bench_u(n, 13) < 0.4 then ' (order ' || (4000000 + floor(bench_u(n, 14) * 5999999))::int || ')'
                            else '' end
          end,
          case when r_priority < 0.10 then 'low' when r_priority < 0.75 then 'normal'
               when r_priority < 0.93 then 'high' else 'urgent' end,
          state,
          md5('queue' || (1 + floor(power(r_queue, 2.0) * ${sizes.queues}))::int)::uuid,
          assignee_id,
          case when channel = 'email' then bench_email(contact) when channel = 'chat' then 'visitor-' || md5('visitor' || contact)
               else bench_phone(contact) end,
          -- The snapshot the state, assignee and resolution columns copy (the cases_state_is_snapshot check).
          jsonb_build_object('value', state, 'context', jsonb_build_object('assigneeId', assignee_id,
            'resolvedAt', (extract(epoch from resolved_at) * 1000))), 1,
          created_at,
          case when state in ('resolved', 'closed') then
                 case when r_sla < 0.82 then 'met' when r_sla < 0.85 then 'met_late' when r_sla < 0.93 then 'breached' end
               else case when r_sla < 0.60 then 'active' when r_sla < 0.72 then 'at_risk' when r_sla < 0.95 then 'breached' end
          end,
          case when state in ('resolved', 'closed') then null
               when r_sla < 0.60 then now() + interval '1 hour' + interval '2 days' * r_due
               when r_sla < 0.72 then now() + interval '30 minutes' * r_due
               when r_sla < 0.95 then now() - interval '3 days' * r_due end,
          case when state <> 'queued' then created_at + (updated_at - created_at) * 0.2 end,
          resolved_at,
          case when state = 'closed' then updated_at end,
          created_at + (updated_at - created_at) * 0.6,
          created_at, updated_at
        from v`;
}

/** The cases in chunks of 100,000, then the case number sequence past the last of them. */
async function seedCases(sql: postgres.Sql, sizes: SeedSizes): Promise<void> {
  const chunk = 100_000;
  for (let from = 1; from <= sizes.cases; from += chunk) {
    const to = Math.min(sizes.cases, from + chunk - 1);
    await sql.unsafe(`${caseRows(from, to, sizes)}${caseInsert(sizes)}`);
    process.stdout.write(`\r  cases: ${to}/${sizes.cases}`);
  }
  process.stdout.write("\n");
  await sql.unsafe(`select setval('case_number_seq', ${1000 + sizes.cases})`);
}

/**
 * The interactions of the cases numbered `from` to `to`, 2 to `spread` + 1 each, spread between the
 * case's creation and its last update: the customer writes first, then agent replies and customer
 * follow-ups alternate, with the occasional internal note, and a finished case ends with a status event.
 */
function interactionsSql(from: number, to: number, spread: number): string {
  return `
        insert into interactions (case_id, channel, kind, direction, author_agent_id, body, external_id, status,
                                  created_at, status_changed_at)
        select c.id, c.channel, m.kind, m.direction,
          case when m.direction <> 'inbound' then c.assignee_id end,
          case m.kind
            when 'status_event' then bench_pick(${array(STATUS_EVENTS)}, random(), 1.0)
            when 'note' then bench_pick(${array(NOTES)}, random(), 1.0)
            else case
              when m.j = 1 then bench_pick(${array(OPENINGS)}, random(), 1.0) || ' '
                || case when c.subject = '' then 'I need some help.' else c.subject || '.' end
                || ' I bought it ' || (2 + floor(random() * 20))::int || ' days ago and would like this sorted out.'
                || ' Thanks, ' || split_part(ct.name, ' ', 1)
              when m.direction = 'outbound' then 'Hi ' || split_part(ct.name, ' ', 1) || ', '
                || bench_pick(${array(AGENT_REPLIES)}, random(), 1.0)
                || case when random() < 0.15 then ' Your tracking number is 1Z' || upper(substr(md5(c.id::text || m.j), 1, 12)) || '.'
                        else '' end
              else bench_pick(${array(CUSTOMER_FOLLOW_UPS)}, random(), 1.0)
            end
          end,
          case when m.kind = 'message' then 'bench-' || c.number || '-' || m.j end,
          case when m.kind in ('note', 'status_event') then 'recorded' when m.direction = 'inbound' then 'received'
               else 'delivered' end,
          c.created_at + (c.updated_at - c.created_at) * (m.j - 1) / m.total,
          c.created_at + (c.updated_at - c.created_at) * (m.j - 1) / m.total
        from cases c
        join contacts ct on ct.id = c.contact_id
        cross join lateral (
          select j, total,
            case when j = total and c.state in ('resolved', 'closed') then 'status_event'
                 when j > 1 and bench_u(c.number * 32 + j, 21) < 0.08 then 'note' else 'message' end as kind,
            case when j = 1 then 'inbound' when j = total and c.state in ('resolved', 'closed') then 'internal'
                 when bench_u(c.number * 32 + j, 21) < 0.08 then 'internal'
                 when j % 2 = 0 then 'outbound' else 'inbound' end as direction
          from (select 2 + (hashint8(c.number) & 2147483647) % ${spread} as total) n,
               generate_series(1, n.total) j
        ) m
        where c.number between ${from} and ${to}
        -- In time order: a case's interactions lie among other cases' ones, on pages of their own,
        -- as they do when messages arrive over days rather than one case at a time.
        order by 9`;
}

/** Every case's interactions (2 to 18 for the default mean of 10), 50,000 cases a statement. */
async function seedInteractions(sql: postgres.Sql, sizes: SeedSizes): Promise<void> {
  const spread = Math.max(1, Math.round(2 * (sizes.interactionsPerCase - 2)) + 1);
  const caseChunk = 50_000;
  for (let from = 1001; from <= 1000 + sizes.cases; from += caseChunk) {
    const to = Math.min(1000 + sizes.cases, from + caseChunk - 1);
    await sql.unsafe(interactionsSql(from, to, spread));
    process.stdout.write(`\r  interactions: cases ${to - 1000}/${sizes.cases}`);
  }
  process.stdout.write("\n");
}

/** Builds the dropped indexes again from their definitions, timing each. */
async function rebuildIndexes(
  sql: postgres.Sql,
  indexes: IndexDefinition[],
): Promise<{ indexSeconds: number; built: SeedTimings["indexes"] }> {
  const indexStarted = performance.now();
  const built: SeedTimings["indexes"] = [];
  for (const index of indexes) {
    const [, seconds] = await timed(`index ${index.name}`, () => sql.unsafe(index.definition));
    built.push({ name: index.name, seconds });
  }
  return { indexSeconds: (performance.now() - indexStarted) / 1000, built };
}

export async function seedInbox(sql: postgres.Sql, sizes: SeedSizes): Promise<SeedTimings> {
  await prepareSession(sql);
  const indexes = await dropSecondaryIndexes(sql);

  const rowsStarted = performance.now();
  await timed(`${sizes.agents} agents, ${sizes.queues} queues`, () => seedAgentsAndQueues(sql, sizes));
  await timed(`${sizes.contacts} contacts with their addresses`, () => seedContacts(sql, sizes.contacts));
  await timed(`${sizes.cases} cases`, () => seedCases(sql, sizes));
  await timed("interactions", () => seedInteractions(sql, sizes));
  const rowsSeconds = (performance.now() - rowsStarted) / 1000;
  const [counted] = await sql<{ count: string }[]>`select count(*)::text as count from interactions`;

  await sql.unsafe("set session_replication_role = default").catch(() => {});
  const { indexSeconds, built } = await rebuildIndexes(sql, indexes);
  // The state autovacuum would leave a table in: statistics, visibility map, hint bits.
  const [, analyzeSeconds] = await timed("vacuum analyze", () =>
    sql.unsafe("vacuum (analyze) cases, interactions, contacts, contact_identities, agents, queues"),
  );
  await sql.unsafe(
    "drop function bench_has_phone, bench_has_email, bench_phone, bench_email, bench_last, bench_first, bench_pick, bench_u",
  );
  return { rowsSeconds, indexSeconds, analyzeSeconds, interactions: Number(counted?.count), indexes: built };
}
