// Minimal types for the parts of autocannon's programmatic API the benchmark uses
// (the package ships none and @types/autocannon is not a dependency).
declare module "autocannon" {
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }
  interface Options {
    url: string;
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    connections?: number;
    duration?: number;
    overallRate?: number;
    requests?: {
      method?: string;
      body?: string;
      setupRequest?: (req: Record<string, unknown>) => Record<string, unknown>;
    }[];
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    [key: `${number}xx`]: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
