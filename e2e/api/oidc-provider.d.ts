// The few parts of oidc-provider (which ships no types) that e2e/api/oidc.test.ts uses.
declare module "oidc-provider" {
  import type { Server } from "node:http";

  interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  export default class Provider {
    constructor(
      issuer: string,
      configuration: {
        clients: Record<string, unknown>[];
        claims?: Record<string, string[]>;
        conformIdTokenClaims?: boolean;
        cookies?: { keys: string[] };
        findAccount(ctx: unknown, sub: string): Promise<Account | undefined>;
      },
    );
    listen(port: number, host: string): Server;
  }
}
