// Parses the Argdown exports the core's snapshot tests pin down
// (crates/threadmark-core/tests/snapshots/*.argdown) with the Argdown parser itself,
// and checks the map it builds: no lexer or parser error, one statement per
// `[Title]: text` line with the text exactly as written before escaping, and the
// pro/con relations the indented `+`/`-` lines declare.
//
// Run: npm ci && npm test   (make test runs it as the argdown-check target)

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ArgdownApplication, DataPlugin, ModelPlugin, ParserPlugin } from "@argdown/core";

const here = path.dirname(fileURLToPath(import.meta.url));
const snapshots = path.resolve(here, "../../crates/threadmark-core/tests/snapshots");

const app = new ArgdownApplication();
app.addPlugin(new ParserPlugin(), "parse-input");
app.addPlugin(new DataPlugin(), "build-model");
app.addPlugin(new ModelPlugin(), "build-model");

/** Undo the exporter's escaping: a backslash before ASCII punctuation. */
const unescape = (s) => s.replace(/\\([!-\/:-@\[-`{-~])/g, "$1");

/** What the file declares, read line by line: statements and relations. */
function declared(text) {
  const statements = new Map();
  const relations = [];
  const stack = []; // [indent, title]
  const body = text.split("===\n").slice(2).join("===\n");
  for (const line of body.split("\n")) {
    const m = /^( *)(?:([+-]) )?\[([^\]]+)\](?:: (.*))?$/.exec(line);
    if (!m) continue;
    const [, spaces, sign, title, rest] = m;
    const indent = spaces.length;
    while (stack.length && stack[stack.length - 1][0] >= indent) stack.pop();
    if (sign) {
      const parent = stack[stack.length - 1];
      assert.ok(parent, `a relation without a statement above it: ${line}`);
      relations.push(`${title} ${sign === "+" ? "support" : "attack"} ${parent[1]}`);
    }
    if (rest !== undefined) statements.set(title, unescape(rest));
    stack.push([indent, title]);
  }
  return { statements, relations };
}

const files = readdirSync(snapshots).filter((f) => f.endsWith(".argdown"));

test("there are Argdown snapshots to check", () => {
  assert.ok(files.length >= 2, `no .argdown files in ${snapshots}`);
});

for (const file of files) {
  test(`${file} parses into the map it declares`, () => {
    const input = readFileSync(path.join(snapshots, file), "utf8");
    const result = app.run({ input, process: ["parse-input", "build-model"] });
    assert.deepEqual(result.lexerErrors, [], "lexer errors");
    assert.deepEqual((result.parserErrors ?? []).map((e) => e.message), [], "parser errors");
    assert.ok(result.frontMatter?.title, "front matter with a title");

    const want = declared(input);
    assert.ok(want.statements.size > 0, "the snapshot has statements");
    const got = new Map(
      Object.entries(result.statements)
        .filter(([, s]) => s.members.some((m) => m.text))
        .map(([title, s]) => [title, s.members.find((m) => m.text).text]),
    );
    assert.deepEqual(got, want.statements);

    const relations = (result.relations ?? [])
      .map((r) => `${r.from.title} ${r.relationType} ${r.to.title}`)
      .sort();
    assert.deepEqual(relations, [...new Set(want.relations)].sort());
  });
}

test("escaped text round-trips through the parser, punctuation and markup included", () => {
  // The exporter's rule: every ASCII punctuation character gets a backslash.
  const escape = (s) => s.replace(/[!-\/:-@\[-`{-~]/g, (c) => "\\" + c);
  const texts = [
    "<script>alert(1)</script>",
    "[not a link](javascript:alert(1)) #tag @mention // not a comment",
    "*emph* _u_ `code` {x} <arg> [Title]: 100% & more? (yes) \"quoted\" 'single' \\ back",
  ];
  const input = texts.map((t, i) => `[S${i}]: ${escape(t)}`).join("\n\n") + "\n";
  const result = app.run({ input, process: ["parse-input", "build-model"] });
  assert.deepEqual((result.parserErrors ?? []).map((e) => e.message), []);
  texts.forEach((t, i) => assert.equal(result.statements[`S${i}`].members[0].text, t));
});
