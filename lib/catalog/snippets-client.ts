import { dq, endpoint, tlsNote } from "./snippet-util";
import type { Snippet, SnippetContext } from "./types";

// Install snippets for device libraries. Each points the official Segment library's API host
// (and its settings CDN) at this server instead of api.segment.io / cdn.segment.com.

export function websiteSnippets(ctx: SnippetContext): Snippet[] {
  const e = endpoint(ctx);
  const loadOptions = `{ integrations: { "Segment.io": { apiHost: ${dq(`${e.hostPath}/v1`)}, protocol: ${dq(e.protocol)} } } }`;
  const html = `<!-- Paste into <head>. Loads analytics.js from Switchyard and sends events to it. -->
<script>
  (function () {
    var analytics = (window.analytics = window.analytics || []);
    if (analytics.initialize || analytics.invoked) return;
    analytics.invoked = true;
    analytics.methods = ["trackSubmit", "trackClick", "trackLink", "trackForm", "pageview", "identify", "reset",
      "group", "track", "ready", "alias", "debug", "page", "screen", "once", "off", "on", "addSourceMiddleware",
      "addIntegrationMiddleware", "setAnonymousId", "addDestinationMiddleware", "register"];
    analytics.factory = function (method) {
      return function () {
        if (window.analytics.initialized) return window.analytics[method].apply(window.analytics, arguments);
        var args = Array.prototype.slice.call(arguments);
        args.unshift(method);
        analytics.push(args);
        return analytics;
      };
    };
    for (var i = 0; i < analytics.methods.length; i++) {
      analytics[analytics.methods[i]] = analytics.factory(analytics.methods[i]);
    }
    analytics.load = function (key, options) {
      var script = document.createElement("script");
      script.async = true;
      script.src = analytics._cdn + "/analytics.js/v1/" + key + "/analytics.min.js";
      var first = document.getElementsByTagName("script")[0];
      first.parentNode.insertBefore(script, first);
      analytics._loadOptions = options;
    };
    analytics._writeKey = ${dq(ctx.writeKey)};
    analytics._cdn = ${dq(e.base)}; // settings and bundles come from Switchyard, not cdn.segment.com
    analytics.SNIPPET_VERSION = "5.2.0";
    analytics.load(${dq(ctx.writeKey)}, ${loadOptions});
    analytics.page();
  })();
</script>`;
  const npm = `import { AnalyticsBrowser } from "@segment/analytics-next";

export const analytics = AnalyticsBrowser.load(
  { writeKey: ${dq(ctx.writeKey)}, cdnURL: ${dq(e.base)} },
  ${loadOptions},
);

analytics.page();
analytics.identify("user_123", { email: "jane.kim@example.com" });
analytics.track("Order Completed", { order_id: "50314b8e", revenue: 25.0 });`;
  return [
    { title: "HTML snippet", language: "html", code: html },
    { title: "Or install from npm", language: "bash", code: "npm install @segment/analytics-next" },
    { title: "Initialize and track (npm)", language: "typescript", code: npm },
  ];
}

export function iosSnippets(ctx: SnippetContext): Snippet[] {
  const e = endpoint(ctx);
  const code = `import Segment

// Switchyard: ${e.base}
${tlsNote(e, "//")}let configuration = Configuration(writeKey: ${dq(ctx.writeKey)})
    .apiHost(${dq(`${e.hostPath}/v1`)})
    .cdnHost(${dq(`${e.hostPath}/v1`)})
    .trackApplicationLifecycleEvents(true)
    .flushAt(3)
let analytics = Analytics(configuration: configuration)

analytics.identify(userId: "user_123", traits: ["email": "jane.kim@example.com"])
analytics.track(name: "Order Completed", properties: ["order_id": "50314b8e", "revenue": 25.0])`;
  return [
    {
      title: "Add the package (Xcode → File → Add Package Dependencies)",
      language: "text",
      code: "https://github.com/segmentio/analytics-swift",
    },
    { title: "Initialize and track", language: "swift", code },
  ];
}

export function androidSnippets(ctx: SnippetContext): Snippet[] {
  const e = endpoint(ctx);
  const code = `import com.segment.analytics.kotlin.android.Analytics
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put

// Switchyard: ${e.base}
${tlsNote(e, "//")}val analytics = Analytics(${dq(ctx.writeKey)}, applicationContext) {
    apiHost = ${dq(`${e.hostPath}/v1`)}
    cdnHost = ${dq(`${e.hostPath}/v1`)}
    trackApplicationLifecycleEvents = true
    flushAt = 3
}

analytics.identify("user_123", buildJsonObject { put("email", "jane.kim@example.com") })
analytics.track("Order Completed", buildJsonObject {
    put("order_id", "50314b8e")
    put("revenue", 25.0)
})`;
  return [
    {
      title: "Add the dependency (app/build.gradle.kts)",
      language: "kotlin",
      code: `dependencies {\n    implementation("com.segment.analytics.kotlin:android:1.+") // pin the latest 1.x release\n}`,
    },
    { title: "Initialize and track", language: "kotlin", code },
  ];
}

export function reactNativeSnippets(ctx: SnippetContext): Snippet[] {
  const e = endpoint(ctx);
  const code = `import { createClient } from "@segment/analytics-react-native";

export const segmentClient = createClient({
  writeKey: ${dq(ctx.writeKey)},
  proxy: ${dq(`${e.base}/v1`)}, // batches go to ${e.base}/v1/b
  cdnProxy: ${dq(`${e.base}/v1`)}, // settings from ${e.base}/v1/projects/<writeKey>/settings
  useSegmentEndpoints: true,
  trackAppLifecycleEvents: true,
});

segmentClient.identify("user_123", { email: "jane.kim@example.com" });
segmentClient.track("Order Completed", { order_id: "50314b8e", revenue: 25.0 });`;
  return [
    {
      title: "Install",
      language: "bash",
      code: "npm install @segment/analytics-react-native @segment/sovran-react-native react-native-get-random-values @react-native-async-storage/async-storage\nnpx pod-install",
    },
    { title: "Initialize and track", language: "typescript", code },
  ];
}
