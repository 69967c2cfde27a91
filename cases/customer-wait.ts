/**
 * How long a customer has been waiting for an agent, as an offer shows it ("waited 4m"). Until
 * someone first answers, the wait is the customer's whole wait: since the case opened, across
 * overflow steps, transfers and offers that lapsed. Once answered, a case that joins a queue again
 * (a transfer) starts a new wait when it joins.
 */
export function customerWaitingSince(row: {
  createdAt: Date;
  enqueuedAt: Date | null;
  firstResponseAt: Date | null;
}): Date {
  if (!row.firstResponseAt || !row.enqueuedAt) return row.createdAt;
  return row.enqueuedAt;
}
