/**
 * The page's Markdown escaper: manifest text (possibly from a fork's pull request) reads as the
 * same words but cannot start a block, form a link, image, mention or HTML, or carry controls.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { codeSpan, escapeText, link, matrixToUrl, plainLine } from "../../src/page/markdown.ts";

const WJ = "\u2060";

describe("page Markdown escaping", () => {
  it("escapes inline syntax, whatever the text tries", () => {
    const cases: [string, string][] = [
      ["deRSE-general", "deRSE-general"],
      ["**bold** _em_ `code` ~~gone~~", "\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\~\\~gone\\~\\~"],
      ["[link](https://evil.example)", `\\[link\\]\\(https:${WJ}//evil.example\\)`],
      ["![img](x.png)", "\\!\\[img\\]\\(x.png\\)"],
      ["<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert\\(1\\)\\>"],
      ["&lt; &#42;", "\\&lt; \\&\\#" + WJ + "42;"],
      ["a | b", "a \\| b"],
      ["$x^2$ {#id}", "\\$x\\^2\\$ \\{\\#" + WJ + "id\\}"],
      ["back\\slash", "back\\\\slash"],
    ];
    for (const [input, expected] of cases) assert.equal(escapeText(input), expected, input);
  });

  it("cannot start a block: line breaks fold, markers at the start are escaped", () => {
    const cases: [string, string][] = [
      ["# Heading", `\\#${WJ} Heading`],
      ["- item", "\\- item"],
      ["+ item", "\\+ item"],
      ["=====", "\\====="],
      ["1. first", "1\\. first"],
      ["2) second", "2\\) second"],
      ["> quote", "\\> quote"],
      ["    indented code", "indented code"],
      ["line one\n\n# two\r\n- three", `line one \\#${WJ} two - three`],
      ["a\u2028b\u2029c", "a b c"],
    ];
    for (const [input, expected] of cases) assert.equal(escapeText(input), expected, input);
  });

  it("breaks what linkifiers and mention filters look for", () => {
    const cases: [string, string][] = [
      ["https://evil.example/x", `https:${WJ}//evil.example/x`],
      ["www.evil.example", `w${WJ}ww.evil.example`],
      ["WWW.EVIL.EXAMPLE", `W${WJ}WW.EVIL.EXAMPLE`],
      ["mail@evil.example", `mail@${WJ}evil.example`],
      ["@room and @alice:matrix.org", `@${WJ}room and @${WJ}alice:${WJ}matrix.org`],
      ["fixes #12", `fixes \\#${WJ}12`],
      [":tada:", `:${WJ}tada:${WJ}`],
    ];
    for (const [input, expected] of cases) assert.equal(escapeText(input), expected, input);
  });

  it("shows controls and bidirectional overrides as U+FFFD", () => {
    assert.equal(
      plainLine("red \u001b[31mtext\u001b[0m\u0007"),
      "red \uFFFD[31mtext\uFFFD[0m\uFFFD",
    );
    assert.equal(plainLine("abc\u202Edef\u2066x\u2069\u200F"), "abc\uFFFDdef\uFFFDx\uFFFD\uFFFD");
    assert.equal(plainLine("\u0085\u009b2J"), "\uFFFD2J");
  });

  it("makes code spans that show their text literally", () => {
    assert.equal(codeSpan("@de-rse:matrix.org"), "`@de-rse:matrix.org`");
    assert.equal(codeSpan("RSE chapter "), "`RSE chapter `");
    assert.equal(codeSpan(" both "), "`  both  `");
    assert.equal(codeSpan("a`b"), "``a`b``");
    assert.equal(codeSpan("`x``"), "``` `x`` ```");
    assert.equal(codeSpan("two\nlines\u001b"), "`two lines\uFFFD`");
  });

  it("links to matrix.to, percent-encoded, with via for a room id", () => {
    assert.equal(
      matrixToUrl("#de-rse.org:matrix.org"),
      "https://matrix.to/#/%23de-rse.org%3Amatrix.org",
    );
    assert.equal(
      matrixToUrl("!abc:example.org"),
      "https://matrix.to/#/!abc%3Aexample.org?via=example.org",
    );
    assert.equal(
      matrixToUrl("!abc:127.0.0.1:18449"),
      "https://matrix.to/#/!abc%3A127.0.0.1%3A18449?via=127.0.0.1%3A18449",
    );
    // A room version 12 id names no server: no via.
    assert.equal(matrixToUrl("!AbC-d_e"), "https://matrix.to/#/!AbC-d_e");
    assert.equal(matrixToUrl("#a(b)'*:x.org"), "https://matrix.to/#/%23a%28b%29%27%2A%3Ax.org");
    assert.equal(
      link("[x](y)", matrixToUrl("#r:x.org")),
      "[\\[x\\]\\(y\\)](https://matrix.to/#/%23r%3Ax.org)",
    );
  });
});
