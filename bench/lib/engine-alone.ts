import fs from "node:fs";
import path from "node:path";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";

// The functions bench's floor: the very call a sandbox thread makes for one event (the runtime of
// lib/functions/sandbox/prelude.js, the event as JSON in, the handler, the output as JSON out), made
// here on the calling thread with no hop and no limits. Not a way to run functions (the product
// never runs code on its event loop); a measure of what the engine alone costs.

const PRELUDE = path.join(import.meta.dirname, "..", "..", "lib", "functions", "sandbox", "prelude.js");
const BINDINGS = ["log", "emit", "url", "codec", "crypto", "fetch"];

/** Loads `code` as an insert function; the returned call runs one event and answers its output. */
export async function engineAlone(code: string): Promise<{ call(payload: string): string; close(): void }> {
  const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
  const rt = QuickJS.newRuntime();
  const vm = rt.newContext();
  const host = vm.newObject();
  for (const name of BINDINGS) {
    const f = vm.newFunction(name, () => vm.undefined);
    vm.setProp(host, name, f);
    f.dispose();
  }
  const factory = vm.unwrapResult(vm.evalCode(fs.readFileSync(PRELUDE, "utf8"), "runtime.js"));
  const kind = vm.newString("insert");
  const api = vm.unwrapResult(vm.callFunction(factory, vm.undefined, vm.global, kind, host));
  for (const h of [factory, kind, host]) h.dispose();
  vm.unwrapResult(vm.evalCode(code, "function.js", { type: "global", strict: false })).dispose();
  const invoke = vm.getProp(api, "invoke");
  return {
    call(payload) {
      const args = [vm.newString("event"), vm.newString(payload), vm.newString("{}")];
      const promise = vm.unwrapResult(vm.callFunction(invoke, api, ...args));
      for (const a of args) a.dispose();
      rt.executePendingJobs();
      const state = vm.getPromiseState(promise);
      promise.dispose();
      if (state.type !== "fulfilled") throw new Error("the engine did not finish the call");
      const out = vm.getString(state.value);
      state.value.dispose();
      return out;
    },
    close() {
      invoke.dispose();
      api.dispose();
      vm.dispose();
      rt.dispose();
    },
  };
}
