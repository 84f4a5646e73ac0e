// The settings document analytics.js (analytics-next) fetches from
// `${cdnURL}/v1/projects/${writeKey}/settings` before sending anything. It points the
// "Segment.io" destination at this server (apiHost + protocol), lists no third-party
// integrations (nothing else gets loaded into the page) and turns the library's own
// telemetry off (metrics.sampleRate 0) so nothing is sent to Segment's servers.

export interface ApiHost {
  /** host[:port][/path]/v1, the form analytics.js expects (no scheme). */
  apiHost: string;
  protocol: "http" | "https";
}

export function apiHostOf(publicUrl: string): ApiHost {
  const url = new URL(publicUrl);
  const path = url.pathname.replace(/\/+$/, "");
  return { apiHost: `${url.host}${path}/v1`, protocol: url.protocol === "https:" ? "https" : "http" };
}

export function settingsDocument(writeKey: string, publicUrl: string) {
  const { apiHost, protocol } = apiHostOf(publicUrl);
  return {
    integrations: {
      "Segment.io": {
        apiKey: writeKey,
        apiHost,
        protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    // host too: if a page overrides sampleRate, the metrics still come here (POST /v1/m).
    metrics: { sampleRate: 0, host: apiHost },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

export const SETTINGS_PATH = /^\/v1\/projects\/([^/]+)\/settings$/;
