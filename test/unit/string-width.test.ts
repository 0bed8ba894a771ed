// The help layout's string width (src/cli/string-width.ts): printable ASCII by its length, which
// is what string-width answers for it, and everything else by string-width itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import stringWidth from "string-width";
import { asciiFirst } from "../../src/cli/string-width.ts";

describe("asciiFirst(stringWidth)", () => {
  it("answers as string-width does, for ASCII and for what is not", () => {
    const width = asciiFirst(stringWidth);
    const samples = [
      "",
      " ",
      "spaceform plan --detailed-exitcode",
      "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./0123456789",
      "\u001b[31mred\u001b[39m",
      "tab\there",
      "line\nbreak",
      "Räume für Mitglieder",
      "部屋の一覧",
      "emoji 🚀 and ❤️ and 👩‍👩‍👧",
      "e\u0301 combining",
      "zero\u200bwidth",
      "…",
      "#️⃣ keycap",
    ];
    for (const s of samples) assert.equal(width(s), stringWidth(s), JSON.stringify(s));
  });

  it("measures printable ASCII without string-width, and hands it everything else", () => {
    const asked: string[] = [];
    const width = asciiFirst((s) => {
      asked.push(s);
      return -1;
    });
    assert.equal(width("  --out FILE  save the plan"), 27);
    assert.equal(width("Räume"), -1);
    assert.equal(width("\u001b[1mbold"), -1);
    assert.deepEqual(asked, ["Räume", "\u001b[1mbold"]);
  });
});
