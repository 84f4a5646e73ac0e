// Worker threads do not inherit tsx's loader hooks (Node 20): this plain-JS entry registers them,
// then imports the TypeScript module named in workerData.__script.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.__script);
