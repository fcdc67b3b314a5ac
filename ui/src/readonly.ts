// The banner of a read-only library: the library file is one the user may not
// write (a read-only file or folder, a read-only mount, another user's file), so the
// app opened it read-only. Reading, searching and exporting work; every change is
// refused by core with `read_only`. The banner says so once, above every screen.

import "./readonly.css";
import { el } from "./dom";
import { libraryInfo } from "./ipc";

/** Ask whether the library is read-only and, if it is, show the banner. */
export async function showReadOnlyBanner(): Promise<void> {
  const info = await libraryInfo().catch(() => null);
  if (!info?.readOnly || document.querySelector(".readonly-banner")) return;
  const banner = el(
    "div",
    { class: "readonly-banner", role: "status" },
    el("strong", {}, "Read-only library. "),
    "You can read, search and export, but not import, highlight or change anything: ",
    el("code", {}, info.path),
    " cannot be written.",
  );
  document.body.insertBefore(banner, document.body.firstChild);
}
