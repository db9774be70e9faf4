// Shared helpers for the browser tests and the benchmark: serve dist/ on 127.0.0.1, launch the
// system Chromium through playwright-core, and read the app's state from the DOM.
//
// The app exposes what tests need as data attributes, so nothing here parses formatted text:
//   #status / [role=status]   data-result-id (request id of the shown results), data-computing
//   .charts                   data-drawn (request id of the results the canvases show)
//   [data-kpi=KEY]            data-value (whole-run value), [data-week=first|last] data-value
//   [data-metric=KEY] td[data-window=first_week|last_week|whole_run][data-col=design]  data-value;
//                             with a baseline, also data-window=test_window and data-col=baseline|change
//                             (change: data-value absolute, data-delta relative)
//   [data-kpi=KEY] .kpi-delta[data-window=first_week|test_window|last_week|whole_run]
//                             data-delta (relative change against the baseline), data-abs
//   [data-param=ID]           the control of parameter ID; its input has id "param-ID"

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'artifacts');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Serves dist/ with Python's http.server; resolves once it answers. Returns {url, stop}. */
export async function serveDist() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`no ${DIST}/index.html: run \`trunk build --release\` first`);
  }
  const port = await freePort();
  const child = spawn(
    '/usr/bin/python3',
    ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', DIST],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error(`http.server exited: ${stderr}`);
    if (Date.now() > deadline) { child.kill(); throw new Error(`http.server did not start: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/**
 * Registers `before`/`after` hooks of the calling test file that serve dist/ and launch Chromium
 * once for the file; returns `{server, browser}`, filled in when the tests run.
 */
export function useApp() {
  const app = { server: null, browser: null };
  before(async () => {
    app.server = await serveDist();
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}

/** Launches Chromium headless. */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** A new page that records console errors and page errors into `page.errors`. */
export async function newPage(browser, {
  acceptDownloads = false, viewport = { width: 1440, height: 1000 }, deviceScaleFactor = 1,
} = {}) {
  const context = await browser.newContext({ acceptDownloads, viewport, deviceScaleFactor });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  return page;
}

export const STATUS_RE = /^([\d,]+) users × (\d+) days in ([\d.]+) ms$/;

/** Current status text. */
export async function statusText(page) {
  return (await page.locator('[role=status].status').innerText()).trim();
}

/** The id of the results currently shown (0 before any). */
export async function resultId(page) {
  return Number(await page.locator('[role=status].status').getAttribute('data-result-id'));
}

/**
 * Waits until results newer than `after` are shown and drawn (status "N users × D days in X ms",
 * not computing, charts drawn for that id). Returns the new result id.
 */
export async function waitForResults(page, after = 0, timeout = 60_000) {
  const handle = await page.waitForFunction(
    (after) => {
      const status = document.querySelector('[role=status].status');
      const charts = document.querySelector('.charts');
      if (!status || !charts) return false;
      const id = Number(status.getAttribute('data-result-id'));
      if (!(id > after) || status.getAttribute('data-computing') !== 'false') return false;
      if (!/users × \d+ days in [\d.]+ ms/.test(status.textContent)) return false;
      return charts.getAttribute('data-drawn') === String(id) ? id : false;
    },
    after,
    { timeout, polling: 25 },
  );
  return handle.jsonValue();
}

/** Whole-run value of KPI `key`. */
export async function kpi(page, key) {
  return Number(await page.locator(`[data-kpi="${key}"]`).getAttribute('data-value'));
}

/**
 * Value of summary metric `key` in `window` (first_week, test_window, last_week, whole_run) from
 * the details table's column `col` (design; with a baseline also baseline, change). `window`
 * 'baseline' is the baseline's whole run.
 */
export async function metric(page, key, window = 'whole_run', col = 'design') {
  if (window === 'baseline') [window, col] = ['whole_run', 'baseline'];
  return Number(
    await page
      .locator(`tr[data-metric="${key}"] td[data-window="${window}"][data-col="${col}"]`)
      .getAttribute('data-value'),
  );
}

/** The relative change of KPI `key` against the baseline in `window` (NaN when undefined). */
export async function kpiDelta(page, key, window) {
  const text = await page.locator(`[data-kpi="${key}"] .kpi-delta[data-window="${window}"]`).getAttribute('data-delta');
  return text === '' ? NaN : Number(text);
}

/** Every KPI card's text, for exact comparisons between pages. */
export async function kpiTexts(page) {
  return page.locator('[data-kpi]').allInnerTexts();
}

/** Sets a slider / number control to `value` and fires `input` (like a drag step). */
export async function setSlider(page, id, value) {
  await page.locator(`#param-${id}`).evaluate((el, value) => {
    el.value = String(value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Selects option `value` of select control `id`. */
export async function setSelect(page, id, value) {
  await page.locator(`#param-${id}`).selectOption(value);
}

/** Sets toggle `id` on or off. */
export async function setToggle(page, id, on) {
  // A collapsed control group hides its controls: open it first, as a person would.
  await page.locator(`#param-${id}`).evaluate((el) => {
    const group = el.closest('details');
    if (group) group.open = true;
  });
  await page.locator(`#param-${id}`).setChecked(on);
}

/**
 * Applies `change(page)` and waits until the results it causes are shown and nothing else is
 * pending: after a change the app waits 25 ms (debounce) before requesting a run, and a change
 * made of several steps may cause several runs, so this waits until no run is in flight and the
 * shown results stay the same over a quiet period longer than the debounce. Returns the result id.
 */
export async function changeAndWait(page, change) {
  const before = await resultId(page);
  await change(page);
  let id = await waitForResults(page, before);
  for (;;) {
    await page.waitForTimeout(250);
    const computing = await page.locator('[role=status].status').getAttribute('data-computing');
    if (computing === 'false' && (await resultId(page)) === id) return id;
    id = await waitForResults(page, id);
  }
}

/** Data URLs of every chart canvas. */
export async function canvasImages(page) {
  return page.locator('.charts canvas').evaluateAll((els) => els.map((c) => c.toDataURL()));
}

/** The query string of the page's URL (without '?'). */
export function queryOf(page) {
  return new URL(page.url()).search.replace(/^\?/, '');
}

/** Waits until the URL's query satisfies `pred`. */
export async function waitForUrl(page, pred, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (pred(queryOf(page))) return queryOf(page);
    await page.waitForTimeout(25);
  }
  throw new Error(`URL did not change as expected; last: ${page.url()}`);
}

export function ensureArtifacts() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
