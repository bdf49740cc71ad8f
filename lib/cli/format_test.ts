import assert from "node:assert/strict";
import { formatDuration, formatRate } from "./format.ts";

Deno.test("formatDuration: m:ss under an hour, h:mm:ss from an hour, rounded to the second", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(5), "0:05");
  assert.equal(formatDuration(95), "1:35");
  assert.equal(formatDuration(599.4), "9:59");
  assert.equal(formatDuration(59.6), "1:00");
  assert.equal(formatDuration(3599), "59:59");
  assert.equal(formatDuration(3600), "1:00:00");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(36000 + 61), "10:01:01");
});

Deno.test("formatDuration: negative, NaN and infinite durations show --:--", () => {
  for (const s of [-1, NaN, Infinity, -Infinity]) assert.equal(formatDuration(s), "--:--", String(s));
});

Deno.test("formatRate: plain below 1,000, k below a million, M above, two decimals", () => {
  assert.equal(formatRate(0), "0");
  assert.equal(formatRate(12.4), "12");
  assert.equal(formatRate(999), "999");
  assert.equal(formatRate(1000), "1.00k");
  assert.equal(formatRate(4830), "4.83k");
  assert.equal(formatRate(999_000), "999.00k");
  assert.equal(formatRate(999.6), "1.00k");
  assert.equal(formatRate(999_999), "1.00M");
  assert.equal(formatRate(1e6), "1.00M");
  assert.equal(formatRate(2_345_678), "2.35M");
});
