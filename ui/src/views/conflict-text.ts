// What the conflicts view says about one lost value, by why it lost: a concurrent
// edit of the same field ("edit"), a delete of what it was written to ("delete"),
// a highlight made on a thread another device deleted ("thread"), a label deleted
// while given ("label"), an untag or unlink that lost to a concurrent add
// ("remove"). Pure: the view (sync.ts) builds the elements.

import type { Conflict } from "../ipc";

/** A value as people read it: a text without its JSON quotes; else its JSON. */
export function shown(json: string | null): string {
  if (json === null) return "(none)";
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "string") return value;
    if (value === null) return "(none)";
  } catch {
    // Shown as it came.
  }
  return json;
}

export interface ConflictText {
  /** The heading: what it is about. */
  heading: string;
  /** The value that lost and what became of it (one sentence), or null for the
   *  Lost/kept pair of an edit. */
  sentence: string | null;
  /** When and where it was written, and what won. */
  when: string;
  /** The button ("Restore", or "Re-apply" for a removal), and once done. */
  action: string;
  done: string;
  /** The button's accessible name. */
  label: string;
  /** Said after it was restored. */
  restoredNote: string;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 3)}…` : s);

/** What a conflict is about: a highlight by its words, a thread by its title. */
function subject(c: Conflict): string {
  if (c.kind === "highlight") return c.quote ? `Highlight “${clip(c.quote, 80)}”` : `Highlight ${c.entity.slice(0, 8)}`;
  if (c.kind === "thread") return c.threadTitle ? `Thread “${clip(c.threadTitle, 80)}”` : `Thread ${c.entity.slice(0, 8)}`;
  if (c.kind === "label") return `Label “${c.entity}”`;
  return `${c.kind.charAt(0).toUpperCase()}${c.kind.slice(1)} ${c.entity.slice(0, 8)}`;
}

/** A set element for people: a tag as it is, a link as its kind and the start of
 *  the target highlight's id. */
function element(c: Conflict): string {
  const value = shown(c.value);
  if (c.field !== "links") return `“${value}”`;
  const [kind, to] = value.split(" ");
  return `the “${kind ?? "?"}” link to ${(to ?? "").slice(0, 8)}`;
}

const lowerFirst = (s: string): string => `${s.charAt(0).toLowerCase()}${s.slice(1)}`;

export function conflictText(c: Conflict, ownDevice: string, relative: string): ConflictText {
  const who = (device: string, capital = false): string =>
    device === ownDevice ? (capital ? "This device" : "this device") : `${capital ? "Device" : "device"} ${device.slice(0, 8)}`;
  const whose = c.device === ownDevice ? "Your" : `Device ${c.device.slice(0, 8)}’s`;
  const what = subject(c);
  const restore = { action: "Restore", done: "Restored" };
  switch (c.reason) {
    case "thread": {
      const thread = c.threadTitle ? `“${clip(c.threadTitle, 60)}”` : "a thread";
      return {
        ...restore,
        heading: `${what}: lost with its thread`,
        sentence: `${whose} highlight on ${thread}, a thread deleted on ${who(c.winnerDevice)} meanwhile.`,
        when: `Made or edited ${relative} on ${who(c.device)}; the thread deleted by ${who(c.winnerDevice)}.`,
        label: `Restore the ${lowerFirst(what)} and its thread`,
        restoredNote: `Restored the highlight and its thread; they go to your other devices at the next sync.`,
      };
    }
    case "label":
      return {
        ...restore,
        heading: `${what}: label`,
        sentence: `${whose} label “${shown(c.value)}” lost: the label was deleted on ${who(c.winnerDevice)} meanwhile.`,
        when: `Given ${relative} on ${who(c.device)}; the label deleted by ${who(c.winnerDevice)}.`,
        label: `Restore label “${shown(c.value)}” of ${what}`,
        restoredNote: `Restored the label “${shown(c.value)}”; it goes to your other devices at the next sync.`,
      };
    case "remove": {
      const verb = c.field === "links" ? "unlink" : "untag";
      const add = c.field === "links" ? "link" : "tag";
      return {
        action: "Re-apply",
        done: "Re-applied",
        heading: `${what}: ${verb} ${c.field === "links" ? element(c).replace(/^the /, "") : element(c)}`,
        sentence: `${whose} ${verb} of ${element(c)} lost to a concurrent ${add} on ${who(c.winnerDevice)}: it is still there.`,
        when: `${verb === "untag" ? "Untagged" : "Unlinked"} ${relative} on ${who(c.device)}; ${add === "tag" ? "tagged" : "linked"} again by ${who(c.winnerDevice)} before it heard.`,
        label: `Re-apply the ${verb} of ${element(c)} on ${what}`,
        restoredNote: `Re-applied the ${verb} of ${element(c)}; it goes to your other devices at the next sync.`,
      };
    }
    case "delete":
      return {
        ...restore,
        heading: `${what}: ${c.field}`,
        sentence: null,
        when: `Written ${relative} on ${who(c.device)}; deleted by ${who(c.winnerDevice)}.`,
        label: `Restore ${c.field} “${shown(c.value)}” of ${what}`,
        restoredNote: `Restored ${c.field} “${shown(c.value)}”; it goes to your other devices at the next sync.`,
      };
    default:
      return {
        ...restore,
        heading: `${what}: ${c.field}`,
        sentence: null,
        when: `Written ${relative} on ${who(c.device)}; overwritten by ${who(c.winnerDevice)}.`,
        label: `Restore ${c.field} “${shown(c.value)}” of ${what}`,
        restoredNote: `Restored ${c.field} “${shown(c.value)}”; it goes to your other devices at the next sync.`,
      };
  }
}
