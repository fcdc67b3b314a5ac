// The About line of the help overlay: the version and the commit the app was built
// from (from the Rust side, which has them at compile time).

import { el } from "./dom";
import { about } from "./ipc";

/** A paragraph naming the version and commit; filled in when the answer comes. */
export function aboutLine(): HTMLElement {
  const line = el("p", { class: "help-about" }, "Threadmark");
  about().then(
    (info) => {
      line.textContent = `Threadmark ${info.version} (commit ${info.commit})`;
    },
    () => {
      line.textContent = "Threadmark (version unknown)";
    },
  );
  return line;
}
