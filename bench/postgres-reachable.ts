/** Whether a PostgreSQL server answers at `url`, so a benchmark can include it or say it skipped it. */
import postgres from "postgres";

export async function postgresReachable(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}
