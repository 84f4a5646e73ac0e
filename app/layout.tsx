import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { THEME_SCRIPT } from "@/lib/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Switchyard", template: "%s · Switchyard" },
  description: "Customer data platform console",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  // The theme script sets <html class="dark"> before the first paint, hence the class the server
  // did not render (suppressHydrationWarning). The CSP already allows inline scripts, which Next's
  // own bootstrap needs (next.config.ts).
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours, no user input */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
