import http from "node:http";
import type { AddressInfo } from "node:net";

// The baseline: the least a JSON endpoint can do on node:http (read the body, JSON.parse it,
// answer {"success":true}). Run as a child process so it gets its own event loop.

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      // The baseline answers the same either way.
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"success":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
