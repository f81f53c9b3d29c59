// Opens the browser sample (samples/browser/index.html, served from another origin than the API) in
// headless Chromium and waits until it has written, read and seen its write in the changes feed.
// Usage: node browser.mjs PAGE-URL ; prints { state, log, changes } as JSON.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [page] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "causeway-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  timeout: 30_000,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const tab = await context.newPage();
  const console_ = [];
  tab.on("console", (m) => console_.push(m.text()));
  await tab.goto(page, { timeout: 20_000 });
  await tab.waitForFunction(() => ["done", "failed"].includes(document.body.dataset.state), null, { timeout: 20_000 }).catch(() => {});
  const result = await tab.evaluate(() => ({
    state: document.body.dataset.state,
    log: document.getElementById("log").textContent,
    read: document.getElementById("read").textContent,
    changes: [...document.querySelectorAll("#changes li")].map((li) => li.textContent),
  }));
  console.log(JSON.stringify({ ...result, console: console_ }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
