import { deepStrictEqual as eq } from "node:assert/strict";
import { Memo } from "../crawler/memo.ts";

Deno.test("memo: computes a key once, remembers null, and starts over when full", () => {
  const asked: string[] = [];
  const memo = new Memo(3, (key: string) => {
    asked.push(key);
    return key === "none" ? null : key.length;
  });
  eq([memo.get("a"), memo.get("bb"), memo.get("none")], [1, 2, null]);
  eq([memo.get("a"), memo.get("bb"), memo.get("none")], [1, 2, null]);
  eq(asked, ["a", "bb", "none"]); // each computed once, null included
  eq(memo.get("dddd"), 4); // a fourth key empties the full memo
  eq(memo.get("a"), 1);
  eq(asked, ["a", "bb", "none", "dddd", "a"]);
});
