import {
  type SimpleIcon,
  siAlgolia,
  siAndroid,
  siClickhouse,
  siGo,
  siGoogleanalytics,
  siIntercom,
  siIos,
  siJavascript,
  siMeta,
  siMixpanel,
  siNodedotjs,
  siOpenjdk,
  siPhp,
  siPostgresql,
  siPosthog,
  siPython,
  siReact,
  siRuby,
} from "simple-icons";

// Catalog logos. Brand icons come from simple-icons (CC0; the brands' marks remain their owners'
// trademarks, shown only to name the product the entry connects to). Each icon is imported by
// name so the bundle carries these few paths, not the whole set. Products simple-icons does not
// carry (Slack, Braze, Amplitude, Customer.io and anything added later) get a lettered tile;
// generic entries (webhook, HTTP API, pixel, function) get a neutral line icon.

/** Catalog id (source type or destination type) -> brand icon. The one place to add a logo. */
const BRAND: Record<string, SimpleIcon> = {
  // sources (lib/catalog/sources.ts)
  website: siJavascript,
  ios: siIos,
  android: siAndroid,
  "react-native": siReact,
  node: siNodedotjs,
  python: siPython,
  php: siPhp,
  ruby: siRuby,
  go: siGo,
  java: siOpenjdk,
  // destinations (lib/catalog/destinations/)
  "google-analytics-4": siGoogleanalytics,
  mixpanel: siMixpanel,
  "meta-conversions-api": siMeta,
  clickhouse: siClickhouse,
  "algolia-insights": siAlgolia,
  postgres: siPostgresql,
  posthog: siPosthog,
  intercom: siIntercom,
};

// 24x24 stroke paths for entries that are a protocol rather than a product.
const GENERIC: Record<string, { title: string; d: string }> = {
  webhook: {
    title: "Webhook",
    d: "M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7",
  },
  "http-api": { title: "HTTP API", d: "M8 6l-6 6 6 6M16 6l6 6-6 6M14 4l-4 16" },
  "http-tracking-api": { title: "HTTP API", d: "M8 6l-6 6 6 6M16 6l6 6-6 6M14 4l-4 16" },
  pixel: { title: "Tracking pixel", d: "M4 4h16v16H4zM9 9h6v6H9z" },
  function: { title: "Function", d: "M15 4h-2a3 3 0 0 0-3 3v11a3 3 0 0 1-3 3H5M7 11h8" },
};

/** Which tile an id gets (the unit test checks every catalog id against the map). */
export function logoKind(id: string): "brand" | "generic" | "letters" {
  return BRAND[id] ? "brand" : GENERIC[id] ? "generic" : "letters";
}

/** Every id the maps name, so a typo there (which would silently fall back to letters) is caught. */
export const MAPPED_IDS: readonly string[] = [...Object.keys(BRAND), ...Object.keys(GENERIC)];

// Tile colours for the lettered fallback: all dark enough for white letters (contrast >= 4.5).
const PALETTE = ["#b91c1c", "#c2410c", "#a16207", "#15803d", "#0f766e", "#1d4ed8", "#6d28d9", "#be185d"];

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** "Google Analytics 4" -> "GA", "Slack" -> "S". */
export function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  return (words.length > 1 ? `${words[0]![0]}${words[1]![0]}` : (words[0]?.[0] ?? "?")).toUpperCase();
}

/** WCAG relative luminance of "RRGGBB". */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** Brand colours too pale for a white tile (contrast under 3:1, e.g. ClickHouse yellow) get a dark one. */
export function needsDarkTile(hex: string): boolean {
  return 1.05 / (luminance(hex) + 0.05) < 3;
}

const SIZES = { sm: "h-6 w-6 rounded", md: "h-8 w-8 rounded-md", lg: "h-10 w-10 rounded-lg" } as const;
const GLYPH = { sm: "h-3.5 w-3.5", md: "h-5 w-5", lg: "h-6 w-6" } as const;
const LETTERS = { sm: "text-[10px]", md: "text-xs", lg: "text-sm" } as const;

/** A catalog entry's logo tile: the brand icon, a neutral icon, or lettered initials. Decorative: the name sits beside it. */
export function Logo({ id, name, size = "md" }: { id: string; name: string; size?: keyof typeof SIZES }) {
  const tile = `inline-flex shrink-0 items-center justify-center ring-1 ring-inset ${SIZES[size]}`;
  const brand = BRAND[id];
  if (brand) {
    const dark = needsDarkTile(brand.hex);
    return (
      <span
        className={`${tile} ${dark ? "bg-slate-900 ring-slate-900" : "bg-white ring-slate-200"}`}
        data-logo={id}
      >
        <svg viewBox="0 0 24 24" className={GLYPH[size]} fill={`#${brand.hex}`} aria-hidden="true">
          <title>{brand.title}</title>
          <path d={brand.path} />
        </svg>
      </span>
    );
  }
  const generic = GENERIC[id];
  if (generic)
    return (
      <span className={`${tile} bg-slate-100 text-slate-600 ring-slate-200`} data-logo={id}>
        <svg
          viewBox="0 0 24 24"
          className={GLYPH[size]}
          fill="none"
          stroke="currentColor"
          strokeWidth={2}
          strokeLinecap="round"
          strokeLinejoin="round"
          aria-hidden="true"
        >
          <title>{generic.title}</title>
          <path d={generic.d} />
        </svg>
      </span>
    );
  return (
    <span
      className={`${tile} font-semibold text-white ring-black/10 ${LETTERS[size]}`}
      style={{ backgroundColor: PALETTE[hash(id) % PALETTE.length] }}
      data-logo={id}
      data-logo-fallback=""
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
