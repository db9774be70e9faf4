// Browser tests of the comparison with a pinned baseline: the four windows on the KPI cards and
// in the details table, the test window (its input, its link key), the list of changed knobs,
// exports with the baseline and their file names. Screenshots for review at 1440×1000 and
// 390×844 go to artifacts/.
//
// Run: build first (`trunk build --release`), then `node --test e2e/compare.test.mjs`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  useApp, newPage, waitForResults, kpi, kpiDelta, metric, setSlider, changeAndWait, waitForUrl,
  queryOf, ensureArtifacts,
} from './helpers.mjs';

const WINDOWS = ['first_week', 'test_window', 'last_week', 'whole_run'];
const DATE = /\d{4}-\d{2}-\d{2}/.source;

// Serves dist/ and launches Chromium once for this file.
const app = useApp();

async function open(query = '', options = {}) {
  const page = await newPage(app.browser, options);
  await page.goto(app.server.url + (query ? `?${query}` : ''));
  await waitForResults(page, 0);
  return page;
}

/** Pins the current configuration, then moves `every` to 3 (the default is 6). */
async function pinAndChange(page) {
  await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
  await changeAndWait(page, (p) => setSlider(p, 'every', 3));
}

/** Sets the test window input to `days` (as typing would). */
async function setTestWindow(page, days) {
  await page.locator('#test-window').fill(String(days));
}

/** Mean of column `name` over days `from..=to` (1-based) of CSV rows. */
function mean(header, rows, name, from, to) {
  const col = header.indexOf(name);
  assert.ok(col >= 0, `column ${name}`);
  const cells = rows.slice(from - 1, to).map((r) => Number(r[col]));
  return cells.reduce((a, b) => a + b, 0) / cells.length;
}

function close(a, b, what) {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('a pinned baseline shows the change in four windows on every card and in the table', { timeout: 120_000 }, async () => {
  const page = await open();
  try {
    // No baseline: the within-run trend, no comparison.
    assert.equal(await page.locator('.kpi-trend').count(), 6);
    assert.match(await page.locator('[data-kpi="revenue"] .kpi-trend').innerText(), /^Within run: week 1 /);
    assert.equal(await page.locator('.kpi-delta').count(), 0);
    assert.equal(await page.locator('#test-window').count(), 0);

    await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
    // Nothing changed yet: the bar says so, and every change is zero.
    assert.match(await page.locator('[data-testid="baseline-diff"]').innerText(), /Same configuration/);
    for (const w of WINDOWS) assert.equal(await kpiDelta(page, 'revenue', w), 0, w);

    await changeAndWait(page, (p) => setSlider(p, 'every', 3));
    const change = page.locator('[data-testid="baseline-diff"] [data-knob="every"]');
    assert.match(await change.innerText(), /6 positions\s*→\s*3 positions/);
    assert.equal(await page.locator('[data-testid="baseline-diff"] [data-knob]').count(), 1);
    // The trend line gives way to the four windows, in order, on every card.
    assert.equal(await page.locator('.kpi-trend').count(), 0);
    for (const card of await page.locator('[data-kpi]').all()) {
      const windows = await card.locator('.kpi-delta').evaluateAll((els) => els.map((e) => e.dataset.window));
      assert.deepEqual(windows, WINDOWS);
    }
    const labels = await page.locator('[data-kpi="revenue"] .kpi-delta dt').allInnerTexts();
    assert.deepEqual(labels.map((l) => l.trim()), ['week 1', 'days 1–14', 'last week', 'whole run']);
    // An ad every third position instead of every sixth: more revenue and fatigue, less
    // engagement, in every window.
    for (const w of WINDOWS) {
      assert.ok(await kpiDelta(page, 'revenue', w) > 0, `revenue ${w}`);
      assert.ok(await kpiDelta(page, 'fatigue', w) > 0, `fatigue ${w}`);
      assert.ok(await kpiDelta(page, 'engagement', w) < 0, `engagement ${w}`);
      const row = page.locator(`[data-kpi="revenue"] .kpi-delta[data-window="${w}"]`);
      assert.equal(await row.getAttribute('class'), 'kpi-delta good');
      assert.match(await row.locator('.delta-rel').innerText(), /^\+\d+\.\d%$/);
      assert.equal(
        await page.locator(`[data-kpi="fatigue"] .kpi-delta[data-window="${w}"]`).getAttribute('class'),
        'kpi-delta bad',
      );
    }
    // Users learn: the loss of sessions grows from the first week to the last.
    assert.ok(
      await kpiDelta(page, 'sessions', 'last_week') < await kpiDelta(page, 'sessions', 'first_week'),
      'sessions fall further by the last week',
    );
    // The table has design, baseline and change per window; the cards agree with it.
    for (const w of WINDOWS) {
      const design = await metric(page, 'revenue_per_day', w, 'design');
      const base = await metric(page, 'revenue_per_day', w, 'baseline');
      const cell = page.locator(`tr[data-metric="revenue_per_day"] td[data-window="${w}"][data-col="change"]`);
      close(Number(await cell.getAttribute('data-value')), design - base, `table change ${w}`);
      close(await kpiDelta(page, 'revenue', w), (design - base) / base, `card delta ${w}`);
    }
    close(await metric(page, 'revenue_per_day', 'whole_run'), await kpi(page, 'revenue'), 'whole run');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test('the test window changes its delta, its label and the link, and matches the exported days', { timeout: 120_000 }, async () => {
  const page = await open('', { acceptDownloads: true });
  try {
    await pinAndChange(page);
    const before = Object.fromEntries(
      await Promise.all(WINDOWS.map(async (w) => [w, await kpiDelta(page, 'revenue', w)])),
    );
    await setTestWindow(page, 28);
    await page.locator('[data-kpi="revenue"] .kpi-delta[data-window="test_window"] dt', { hasText: 'days 1–28' }).waitFor();
    const after = Object.fromEntries(
      await Promise.all(WINDOWS.map(async (w) => [w, await kpiDelta(page, 'revenue', w)])),
    );
    assert.notEqual(after.test_window, before.test_window);
    for (const w of ['first_week', 'last_week', 'whole_run']) assert.equal(after[w], before[w], w);
    await waitForUrl(page, (q) => q.includes('window=28'));
    assert.match(await page.locator('.details:not(.strategies) [data-window-group="test_window"] small').innerText(), /days 1–28/);

    // The exported CSV has both runs' days: the card's deltas are the means over its windows.
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const name = csvDownload.suggestedFilename();
    assert.match(name, new RegExp(`^marketplace-sandbox-[0-9a-f]{8}-vs-balanced-${DATE}\\.csv$`));
    const lines = fs.readFileSync(await csvDownload.path(), 'utf8').trim().split(/\r?\n/);
    const header = lines[0].split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.equal(rows.length, 60);
    const own = header.filter((h) => h !== 'day' && !h.startsWith('baseline_'));
    assert.ok(own.length > 20);
    for (const h of own) assert.ok(header.includes(`baseline_${h}`), `baseline_${h}`);
    const windows = { first_week: [1, 7], test_window: [1, 28], last_week: [54, 60], whole_run: [1, 60] };
    for (const [w, [from, to]] of Object.entries(windows)) {
      const ours = mean(header, rows, 'revenue', from, to);
      const theirs = mean(header, rows, 'baseline_revenue', from, to);
      close(after[w], (ours - theirs) / theirs, `revenue ${w} from the CSV`);
    }

    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    assert.match(jsonDownload.suggestedFilename(), new RegExp(`^marketplace-sandbox-[0-9a-f]{8}-vs-balanced-${DATE}\\.json$`));
    const doc = JSON.parse(fs.readFileSync(await jsonDownload.path(), 'utf8'));
    assert.equal(doc.config.ad_load.every, 3);
    assert.equal(doc.baseline.config.ad_load.every, 6);
    assert.equal(doc.baseline.days.length, 60);
    assert.equal(doc.baseline.summary.whole_run.revenue_per_day, await metric(page, 'revenue_per_day', 'whole_run', 'baseline'));
    assert.equal(doc.baseline.days[0].revenue, Number(rows[0][header.indexOf('baseline_revenue')]));

    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.chart').first().getByRole('button').click(),
    ]);
    assert.match(pngDownload.suggestedFilename(), new RegExp(`^marketplace-sandbox-[0-9a-f]{8}-vs-balanced-[a-z0-9-]+-${DATE}\\.png$`));

    // A reopened link keeps the window.
    const fresh = await newPage(app.browser);
    await fresh.goto(`${app.server.url}?${queryOf(page)}`);
    await waitForResults(fresh, 0);
    assert.equal(await fresh.locator('#test-window').inputValue(), '28');
    assert.equal(await kpiDelta(fresh, 'revenue', 'test_window'), after.test_window);
    await fresh.context().close();
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test('without a baseline, exports have no baseline and name the preset', { timeout: 60_000 }, async () => {
  const page = await open('', { acceptDownloads: true });
  try {
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.match(csvDownload.suggestedFilename(), new RegExp(`^marketplace-sandbox-balanced-${DATE}\\.csv$`));
    const header = fs.readFileSync(await csvDownload.path(), 'utf8').split(/\r?\n/)[0];
    assert.ok(!header.includes('baseline_'), header);
    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const doc = JSON.parse(fs.readFileSync(await jsonDownload.path(), 'utf8'));
    assert.equal('baseline' in doc, false);
    // Another seed of the same design says so.
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'New seed' }).click());
    assert.match(await page.locator('[data-testid="baseline-diff"]').innerText(), /^Same design, other seed \(seed \d+ → \d+\)/);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test('screenshots: comparison at 1440×1000 and 390×844', { timeout: 120_000 }, async () => {
  const dir = ensureArtifacts();
  for (const [width, height] of [[1440, 1000], [390, 844]]) {
    const page = await open('', { viewport: { width, height } });
    try {
      await pinAndChange(page);
      // Scroll `selector` to the top of the viewport, below the header when it stays on screen.
      const scrollTo = (selector) => page.locator(selector).evaluate((el) => {
        const header = document.querySelector('.topbar');
        const pos = header && getComputedStyle(header).position;
        const offset = header && (pos === 'sticky' || pos === 'fixed') ? header.offsetHeight : 0;
        window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - offset - 8);
      });
      await scrollTo(width > 800 ? '.toolbar' : '.baseline-bar');
      await page.screenshot({ path: path.join(dir, `compare-${width}.png`) });
      await scrollTo('.details:not(.strategies)');
      await page.screenshot({ path: path.join(dir, `compare-table-${width}.png`) });
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  }
});
