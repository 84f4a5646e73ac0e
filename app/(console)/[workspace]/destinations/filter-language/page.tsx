import fs from "node:fs/promises";
import path from "node:path";
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/states";

export const metadata: Metadata = { title: "Filter language reference" };

// docs/filters.md is the one reference for the filter language; the console shows it as written
// (Markdown reads fine as plain text) rather than keeping a second copy in sync.
export default async function FilterLanguagePage() {
  const text = await fs.readFile(path.join(process.cwd(), "docs", "filters.md"), "utf8");
  return (
    <>
      <PageHeader
        title="Filter language reference"
        description="How destination filter conditions are written."
      />
      <article className="max-w-4xl overflow-x-auto rounded-lg border border-slate-200 bg-white p-6">
        <pre className="font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-800">{text}</pre>
      </article>
    </>
  );
}
