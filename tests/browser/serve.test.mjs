// `deal serve` in a real browser (issue 19): the page shows the totals
// `deal eval --format csv` computes, follows the agreement on disk, shows a
// broken agreement's located diagnostics, and logs no error. A screenshot
// of each state is written under target/browser/ for a person to look at.
//
//   DEAL=target/debug/deal npm test      (from tests/browser; .ci/run does it)

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, copyFileSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../..");
const deal = path.resolve(root, process.env.DEAL ?? "target/debug/deal");
const browser = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = path.join(root, "target", "browser");

/// Each payee's total from the CSV statement, in minor units (exact).
function csvTotals(file) {
  const csv = execFileSync(deal, ["eval", file, "-f", "csv", "--columns", "party,amount"], {
    encoding: "utf8",
  });
  const totals = new Map();
  for (const line of csv.trim().split("\n").slice(1)) {
    const [party, amount] = line.split(",");
    const [whole, fraction = ""] = amount.replace("-", "").split(".");
    const units = BigInt(whole + fraction) * (amount.startsWith("-") ? -1n : 1n);
    totals.set(party, (totals.get(party) ?? 0n) + units);
  }
  return totals;
}

/// The page's received totals against the CSV's: every party the page
/// lists received what its payments add up to (nothing, if none).
async function assertTotals(page, file) {
  const shown = await pageTotals(page);
  const computed = csvTotals(file);
  assert.ok(shown.size >= computed.size, "every payee is shown");
  for (const [party, received] of shown) {
    assert.equal(received, computed.get(party) ?? 0n, party);
  }
}

/// The `received` column of the page's totals, in minor units.
async function pageTotals(page) {
  const rows = await page.$$eval("#totals tr[data-party]", (trs) =>
    trs.map((tr) => [tr.dataset.party, tr.querySelector('[data-field="received"]').dataset.amount]),
  );
  return new Map(rows.map(([party, amount]) => [party, BigInt(amount.replace(".", ""))]));
}

test("deal serve in a browser", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "deal-serve-"));
  for (const name of ["openai-microsoft.deal", "openai-microsoft.csv"]) {
    copyFileSync(path.join(root, "examples", name), path.join(dir, name));
  }
  const file = path.join(dir, "openai-microsoft.deal");
  const server = spawn(deal, ["serve", file], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    server.stdout.once("data", (chunk) => {
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(chunk));
      found ? resolve(found[0]) : reject(new Error(`no address in ${chunk}`));
    });
    server.once("exit", (code) => reject(new Error(`deal serve exited ${code}`)));
  });
  const chrome = await chromium.launch({
    executablePath: browser,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const problems = [];
  try {
    const page = await chrome.newPage({ viewport: { width: 1200, height: 900 } });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("request", (request) => {
      if (!request.url().startsWith(url)) problems.push(`a request outside the server: ${request.url()}`);
    });
    mkdirSync(shots, { recursive: true });

    await page.goto(url);
    await assertTotals(page, file);
    assert.equal((await pageTotals(page)).get("Microsoft"), 3800000000000n);
    await page.screenshot({ path: path.join(shots, "serve.png"), fullPage: true });

    // The cap raised on disk: the page reloads itself with the new figures.
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("cap 38B", "cap 50B"));
    await page.waitForFunction(
      () => document.querySelector('#totals tr[data-party="Microsoft"] [data-field="received"]')?.dataset.amount === "50000000000.00",
      null,
      { timeout: 15000 },
    );
    await assertTotals(page, file);
    await page.screenshot({ path: path.join(shots, "serve-edited.png"), fullPage: true });

    // Broken: the located diagnostic.
    writeFileSync(file, text.replace("cap 38B", "cap 38B to"));
    await page.waitForSelector("pre.problems", { timeout: 15000 });
    const shown = await page.textContent("pre.problems");
    assert.match(shown, /openai-microsoft\.deal:8:\d+/);
    assert.match(shown, /deal::parse::unexpected/);
    assert.match(shown, /not expected here/);
    await page.screenshot({ path: path.join(shots, "serve-broken.png"), fullPage: true });

    // Fixed again: the statement is back.
    writeFileSync(file, text);
    await page.waitForSelector("#totals", { timeout: 15000 });
    await assertTotals(page, file);
  } finally {
    await chrome.close();
    server.kill();
  }
  assert.deepEqual(problems, [], "no console error, no request elsewhere");
});
