import { base64Utf8, dq, endpoint, sq } from "./snippet-util";
import type { Snippet, SnippetContext } from "./types";

// Install snippets for server libraries and the raw APIs. Server libraries take one message object
// per call; each snippet sets the library's host option to this server.

export function nodeSnippets(ctx: SnippetContext): Snippet[] {
  const code = `import { Analytics } from "@segment/analytics-node";

const analytics = new Analytics({ writeKey: ${dq(ctx.writeKey)}, host: ${dq(endpoint(ctx).base)} });

analytics.identify({ userId: "user_123", traits: { email: "jane.kim@example.com" } });
analytics.track({
  userId: "user_123",
  event: "Order Completed",
  properties: { order_id: "50314b8e", revenue: 25.0 },
});

// Before the process exits:
await analytics.closeAndFlush();`;
  return [
    { title: "Install", language: "bash", code: "npm install @segment/analytics-node" },
    { title: "Initialize and track", language: "typescript", code },
  ];
}

export function pythonSnippets(ctx: SnippetContext): Snippet[] {
  const code = `import segment.analytics as analytics

analytics.write_key = ${sq(ctx.writeKey)}
analytics.host = ${sq(endpoint(ctx).base)}

analytics.identify(user_id="user_123", traits={"email": "jane.kim@example.com"})
analytics.track(
    user_id="user_123",
    event="Order Completed",
    properties={"order_id": "50314b8e", "revenue": 25.0},
)

analytics.flush()  # before the process exits`;
  return [
    { title: "Install", language: "bash", code: "pip install segment-analytics-python" },
    { title: "Initialize and track", language: "python", code },
  ];
}

export function phpSnippets(ctx: SnippetContext): Snippet[] {
  const e = endpoint(ctx);
  const host = e.hostPath; // the lib_curl consumer builds <scheme>://<host>/v1/batch
  const code = `<?php
require __DIR__ . '/vendor/autoload.php';

use Segment\\Segment;

// Switchyard: ${e.base}
Segment::init(${sq(ctx.writeKey)}, [
    'host' => ${sq(host)},
    'ssl' => ${e.protocol === "https" ? "true" : "false"},
]);

Segment::identify(['userId' => 'user_123', 'traits' => ['email' => 'jane.kim@example.com']]);
Segment::track([
    'userId' => 'user_123',
    'event' => 'Order Completed',
    'properties' => ['order_id' => '50314b8e', 'revenue' => 25.0],
]);

Segment::flush();`;
  return [
    { title: "Install", language: "bash", code: "composer require segmentio/analytics-php" },
    { title: "Initialize and track", language: "php", code },
  ];
}

export function rubySnippets(ctx: SnippetContext): Snippet[] {
  const e = endpoint(ctx);
  const tls =
    e.protocol === "https"
      ? ""
      : "# analytics-ruby ignores ssl: false (it defaults with ||=): serve Switchyard over TLS.\n";
  const code = `require "segment/analytics"

# Switchyard: ${e.base}
${tls}Analytics = Segment::Analytics.new(
  write_key: ${sq(ctx.writeKey)},
  host: ${sq(e.hostname)},
  port: ${e.port},
  ssl: ${e.protocol === "https"},
  path: ${sq(`${e.prefix}/v1/import`)},
  on_error: proc { |status, msg| warn "Switchyard: #{status} #{msg}" }
)

Analytics.identify(user_id: "user_123", traits: { email: "jane.kim@example.com" })
Analytics.track(
  user_id: "user_123",
  event: "Order Completed",
  properties: { order_id: "50314b8e", revenue: 25.0 }
)

Analytics.flush # before the process exits`;
  return [
    {
      title: "Add to your Gemfile",
      language: "ruby",
      code: 'gem "analytics-ruby", "~> 2.4", require: "segment/analytics"',
    },
    { title: "Initialize and track", language: "ruby", code },
  ];
}

export function goSnippets(ctx: SnippetContext): Snippet[] {
  const code = `package main

import "github.com/segmentio/analytics-go/v3"

func main() {
	client, err := analytics.NewWithConfig(${dq(ctx.writeKey)}, analytics.Config{
		Endpoint: ${dq(endpoint(ctx).base)}, // messages go to <Endpoint>/v1/batch
	})
	if err != nil {
		panic(err)
	}
	defer client.Close() // flushes the queue

	client.Enqueue(analytics.Identify{
		UserId: "user_123",
		Traits: analytics.NewTraits().SetEmail("jane.kim@example.com"),
	})
	client.Enqueue(analytics.Track{
		UserId:     "user_123",
		Event:      "Order Completed",
		Properties: analytics.NewProperties().Set("order_id", "50314b8e").SetRevenue(25.0),
	})
}`;
  return [
    { title: "Install", language: "bash", code: "go get github.com/segmentio/analytics-go/v3" },
    { title: "Initialize and track", language: "go", code },
  ];
}

export function javaSnippets(ctx: SnippetContext): Snippet[] {
  const code = `import com.segment.analytics.Analytics;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.TrackMessage;
import java.util.Map;

// Messages go to <endpoint>/v1/import/
Analytics analytics = Analytics.builder(${dq(ctx.writeKey)})
    .endpoint(${dq(endpoint(ctx).base)})
    .build();

analytics.enqueue(IdentifyMessage.builder()
    .userId("user_123")
    .traits(Map.of("email", "jane.kim@example.com")));
analytics.enqueue(TrackMessage.builder("Order Completed")
    .userId("user_123")
    .properties(Map.of("order_id", "50314b8e", "revenue", 25.0)));

analytics.flush();
analytics.shutdown(); // before the process exits`;
  const maven = `<dependency>
  <groupId>com.segment.analytics.java</groupId>
  <artifactId>analytics</artifactId>
  <version>3.5.4</version>
</dependency>`;
  return [
    { title: "Add the dependency (pom.xml)", language: "xml", code: maven },
    { title: "Initialize and track", language: "java", code },
  ];
}

export function httpApiSnippets(ctx: SnippetContext): Snippet[] {
  const base = endpoint(ctx).base;
  const track = `curl ${base}/v1/track \\
  -u '${ctx.writeKey}:' \\
  -H 'Content-Type: application/json' \\
  -d '{"userId": "user_123", "event": "Order Completed", "properties": {"order_id": "50314b8e", "revenue": 25.0}}'`;
  const batch = `curl ${base}/v1/batch \\
  -u '${ctx.writeKey}:' \\
  -H 'Content-Type: application/json' \\
  -d '{"batch": [
    {"type": "identify", "userId": "user_123", "traits": {"email": "jane.kim@example.com"}},
    {"type": "page", "userId": "user_123", "name": "Pricing"}
  ]}'`;
  return [
    {
      title: "Send one call (HTTP Basic auth: write key as user name, empty password)",
      language: "bash",
      code: track,
    },
    { title: "Send several calls in one request (up to 500 KB)", language: "bash", code: batch },
  ];
}

export function pixelSnippets(ctx: SnippetContext): Snippet[] {
  const base = endpoint(ctx).base;
  const payload = JSON.stringify({
    writeKey: ctx.writeKey,
    userId: "user_123",
    event: "Email Opened",
    properties: { subject: "Welcome to the store", email_id: "welcome-1" },
  });
  const data = encodeURIComponent(base64Utf8(payload));
  const code = `<!-- data is the base64 of this JSON (the write key travels inside it):
     ${payload} -->
<img src="${base}/v1/pixel/track?data=${data}" width="1" height="1" alt="" style="display:none" />`;
  return [
    { title: "Track an email open", language: "html", code },
    {
      title: "Build the data parameter",
      language: "typescript",
      code: `const data = encodeURIComponent(btoa(JSON.stringify({ writeKey: ${dq(ctx.writeKey)}, userId, event: "Email Opened", properties })));\nconst src = \`${base}/v1/pixel/track?data=\${data}\`;`,
    },
  ];
}
