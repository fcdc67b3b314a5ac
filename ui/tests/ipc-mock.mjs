// The Tauri IPC that the built frontend talks to, answered inside a test page: the
// part every UI test file shares (callbacks, event listeners, copying across the
// boundary, the log of calls). Each file gives only its commands' answers:
//
//   function setup(data, ipc) { /* state */ return async (cmd, args) => answer; }
//   await mockIpc(page, setup, data);
//
// `setup` runs in the page, so it may use only `data` (JSON), `ipc` and globals.
// `ipc.emit(event, payload)` calls the page's listeners (`window.__listeners`);
// every call is logged in `window.__calls` as { cmd, args }.

/** The page side (serialised into the page with `setup` and `data`). */
function install(data, setup) {
  const calls = [];
  window.__calls = calls;
  // Handler ids by event; what Tauri injects for the event plugin removes one here.
  const listeners = {};
  window.__listeners = listeners;
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener(event, id) {
      listeners[event] = (listeners[event] ?? []).filter((handler) => handler !== id);
    },
  };
  let next = 1;
  const ipc = {
    emit(event, payload) {
      for (const id of listeners[event] ?? []) window[`_${id}`]?.({ event, id: 0, payload });
    },
  };
  const answer = setup(data, ipc);
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(callback, once) {
      const id = next++;
      window[`_${id}`] = (result) => {
        if (once) delete window[`_${id}`];
        return callback?.(result);
      };
      return id;
    },
    unregisterCallback(id) {
      delete window[`_${id}`];
    },
    convertFileSrc: (file) => file,
    async invoke(cmd, args = {}) {
      calls.push({ cmd, args: structuredClone(args) });
      if (cmd === "plugin:event|listen") {
        (listeners[args.event] ??= []).push(args.handler);
        return args.handler;
      }
      if (cmd === "plugin:event|unlisten") return null;
      // Across the real IPC everything is copied: no shared objects either way.
      return structuredClone(await answer(cmd, structuredClone(args)));
    },
  };
}

/** Answer the IPC of `page` (or a browser context) with `setup(data, ipc)`. */
export async function mockIpc(page, setup, data) {
  await page.addInitScript({ content: `(${install})(${JSON.stringify(data)}, ${setup});` });
}

/** The arguments of every call of `cmd` the page made so far. */
export const callsOf = (page, cmd) => page.evaluate((name) => window.__calls.filter((c) => c.cmd === name).map((c) => c.args), cmd);
