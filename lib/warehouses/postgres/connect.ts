import dns from "node:dns";
import net from "node:net";
import pg from "pg";
import { blockedReason } from "@/lib/delivery/http/ssrf";
import { WarehouseError } from "@/lib/warehouses/loader";

// Opens a pg client under the same address policy as deliveries: the host is resolved here, every
// address judged (private ranges need ALLOW_PRIVATE_DESTINATIONS; cloud metadata never), and the
// client connects to the address that was judged, so DNS cannot answer differently afterwards.
// With TLS the original host name is still sent and verified (servername).

export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  sslMode: "disable" | "require" | "verify-full";
}

const CONNECT_TIMEOUT_MS = 10_000;

export async function resolveAllowed(host: string, allowPrivate: boolean): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (net.isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await dns.promises.lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
    } catch (err) {
      throw new WarehouseError(
        `${bare} does not resolve (${(err as { code?: string }).code ?? "lookup failed"})`,
        true,
      );
    }
  }
  for (const address of addresses) {
    const reason = blockedReason(address, allowPrivate);
    if (reason)
      throw new WarehouseError(
        `${bare}${address === bare ? "" : ` resolves to ${address}, which`} is an address Switchyard may not connect to (${reason}).${
          reason === "cloud metadata"
            ? ""
            : " For a warehouse on a private network the server's administrator sets ALLOW_PRIVATE_DESTINATIONS=true."
        }`,
        false,
      );
  }
  if (!addresses[0]) throw new WarehouseError(`${bare} has no addresses`, true);
  return addresses[0];
}

/** A message for the sync history from a pg or socket error (never the password). */
export function describePgError(err: unknown): WarehouseError {
  if (err instanceof WarehouseError) return err;
  const e = err as { code?: string; message?: string };
  const code = e.code ?? "";
  const known: Record<string, [string, boolean]> = {
    "28P01": ["Sign-in failed: wrong user name or password", false],
    "28000": ["Sign-in refused by the server's pg_hba.conf rules (check the user and SSL mode)", false],
    "3D000": ["The database does not exist", false],
    "42501": [
      "Permission denied: the user needs CREATE on the database (and on the schemas it loads)",
      false,
    ],
    "53300": ["The server has too many connections; will retry", true],
    "57P03": ["The server is starting up or shutting down; will retry", true],
    ECONNREFUSED: ["Connection refused: nothing listens on that host and port", true],
    ETIMEDOUT: ["Connection timed out", true],
    ECONNRESET: ["The connection was reset", true],
    EHOSTUNREACH: ["Host unreachable", true],
  };
  const hit = known[code];
  if (hit) return new WarehouseError(hit[0], hit[1]);
  const message = (e.message ?? String(err)).slice(0, 500);
  if (/SSL|TLS|certificate/i.test(message)) return new WarehouseError(`TLS: ${message}`, false);
  if (/timeout/i.test(message)) return new WarehouseError("Connection timed out", true);
  // Statement errors (SQLSTATE class 42, 22, 23) will not pass on a retry either, but the next
  // sync re-reads the schema, so they are retried with backoff like the rest.
  return new WarehouseError(code ? `${message} (SQLSTATE ${code})` : message, true);
}

export async function connectPostgres(s: PostgresSettings, allowPrivate: boolean): Promise<pg.Client> {
  const address = await resolveAllowed(s.host, allowPrivate);
  const servername = net.isIP(s.host.replace(/^\[|\]$/g, "")) ? undefined : s.host;
  const client = new pg.Client({
    host: address,
    port: s.port,
    database: s.database,
    user: s.username,
    password: s.password ?? "",
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "switchyard-warehouse",
    ssl:
      s.sslMode === "disable"
        ? false
        : { rejectUnauthorized: s.sslMode === "verify-full", ...(servername ? { servername } : {}) },
  });
  client.on("error", () => {}); // a dropped connection surfaces on the next query instead
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw describePgError(err);
  }
  return client;
}
