// axe-core (npm `axe-core`) run inside a test page: the WCAG 2.x A and AA rules over
// what is on screen. Evaluated through the DevTools protocol, so the app's CSP (no
// inline scripts) stays on and is not in the way.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const source = readFile(require.resolve("axe-core/axe.min.js"), "utf8");

/** The rule sets of WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** The WCAG A/AA violations on `page` now, one line each ("rule: target: summary"). */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await source);
  const result = await page.evaluate(
    async (tags) => {
      // Transitions (the focused row's background) would be measured mid-way.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const run = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      // Heading levels in order (a best practice in axe, asked for by the audit).
      const headings = await window.axe.run(document, { runOnly: { type: "rule", values: ["heading-order"] }, resultTypes: ["violations"] });
      // axe measures contrast only on screen: the rest of the page a screen at a time
      // (at most four more), then back where it was.
      const below = [];
      const start = window.scrollY;
      for (let step = 1; step <= 4 && start + step * innerHeight < document.documentElement.scrollHeight; step++) {
        window.scrollTo(0, start + step * innerHeight);
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const more = await window.axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] }, resultTypes: ["violations"] });
        below.push(...more.violations);
      }
      window.scrollTo(0, start);
      const seen = new Set();
      return [...run.violations, ...headings.violations, ...below].flatMap((v) =>
        v.nodes
          .map((n) => `${v.id}: ${n.target.join(" ")}: ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 300)}`)
          .filter((line) => !seen.has(line) && seen.add(line)),
      );
    },
    WCAG_AA,
  );
  // One exception, by rule and element: a post of the thread is a treeitem named with
  // a summary ("bob, reply 1 of 2 to ada, edited") and described by its body, as the
  // tree pattern for a screen reader wants. axe's Label in Name rule (2.5.3) asks
  // that a named widget's whole visible text be in its name, which no post's body
  // can be. 2.5.3 is about controls labelled by their text; every other element is
  // held to it.
  return result.filter((line) => !/^label-content-name-mismatch: li\.post|^label-content-name-mismatch: #post-/.test(line));
}

/** Fails with every violation listed when axe finds any on `page` (`where` names the screen). */
export async function assertAccessible(page, where) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${where}:\n${violations.join("\n")}`);
}
