// Browser tests of the built app (dist/) in headless Chromium, through playwright-core.
//
// Run: build first (`trunk build --release`), then `node --test e2e/`.
// Each test opens a fresh page; one server and one browser are shared by the file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  useApp, newPage, waitForResults, statusText, resultId, kpi, metric, kpiTexts, setSlider,
  setSelect, setToggle, changeAndWait, canvasImages, queryOf, waitForUrl, ensureArtifacts,
  STATUS_RE,
} from './helpers.mjs';

// Serves dist/ and launches Chromium once for this file.
const app = useApp();

/** Opens the app with `query` and waits for its first drawn results. */
async function open(query = '', options = {}) {
  const page = await newPage(app.browser, options);
  await page.goto(app.server.url + (query ? `?${query}` : ''));
  await waitForResults(page, 0);
  return page;
}

async function closePage(page) {
  await page.context().close();
}

test('loads without console errors and reports the run in the status', { timeout: 60_000 }, async () => {
  const page = await open();
  try {
    assert.equal(await page.title(), 'Marketplace Sandbox');
    const status = await statusText(page);
    const m = status.match(STATUS_RE);
    assert.ok(m, `status "${status}"`);
    assert.equal(m[1], '2,000');
    assert.equal(m[2], '60');
    assert.equal(await page.locator('.engine-mode').innerText(), 'engine: Web Worker');
    assert.equal(await page.locator('.charts canvas').count(), 10);
    assert.equal(await page.locator('[data-kpi]').count(), 6);
    // Every group heading is there.
    for (const heading of ['Ranking utility', 'Auction', 'Ad load', 'Users', 'Advertisers', 'New ad offering', 'Simulation']) {
      assert.equal(await page.locator('.control-group h3', { hasText: heading }).count(), 1, heading);
    }
    // The URL carries the (canonical) configuration.
    await waitForUrl(page, (q) => q.startsWith('v=2'));
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

// One knob per group, each with the direction the model documents (see the Model tab and
// src/core/model/engine.rs). `read` gives the number compared before and after the change.
const DIRECTIONS = [
  {
    group: 'Ranking utility', what: 'revenue weight 0 ⇒ bids no longer rank ads ⇒ no revenue',
    change: (p) => setSlider(p, 'w_rev', 0),
    read: (p) => metric(p, 'revenue_per_day'), expect: 'zero',
  },
  {
    group: 'Auction', what: 'higher reserve ⇒ fewer ad impressions',
    change: (p) => setSlider(p, 'reserve', 2),
    read: (p) => metric(p, 'impressions_per_day'), expect: 'down',
  },
  {
    group: 'Ad load', what: 'an ad every 3 positions (default: sparser) ⇒ more revenue in the first week',
    change: (p) => setSlider(p, 'every', 3),
    read: (p) => metric(p, 'revenue_per_day', 'first_week'), expect: 'up',
  },
  {
    group: 'Ad load', what: 'max ads per session 0 ⇒ no impressions',
    change: (p) => setSlider(p, 'max_ads', 0),
    read: (p) => metric(p, 'impressions_per_day'), expect: 'zero',
  },
  {
    group: 'Users', what: 'fatigue off ⇒ mean fatigue 0',
    change: (p) => setToggle(p, 'fatigue', false),
    read: (p) => kpi(p, 'fatigue'), expect: 'zero',
  },
  {
    group: 'Users', what: 'higher fatigue sensitivity ⇒ more fatigue',
    change: (p) => setSlider(p, 'fat_sens', 3),
    read: (p) => kpi(p, 'fatigue'), expect: 'up',
  },
  {
    group: 'Advertisers', what: 'more advertisers ⇒ more active advertisers',
    change: (p) => setSlider(p, 'advertisers', 200),
    read: (p) => kpi(p, 'advertisers'), expect: 'up',
  },
  {
    group: 'New ad offering', what: 'launch on ⇒ new advertisers join',
    change: (p) => setToggle(p, 'launch', true),
    read: (p) => metric(p, 'new_advertisers'), expect: 'up',
  },
  {
    group: 'Simulation', what: 'new seed ⇒ different numbers',
    change: (p) => setSlider(p, 'seed', 7),
    read: (p) => kpi(p, 'revenue'), expect: 'changed',
  },
];

for (const c of DIRECTIONS) {
  test(`direction — ${c.group}: ${c.what}`, { timeout: 60_000 }, async () => {
    const page = await open();
    try {
      const before = await c.read(page);
      await changeAndWait(page, c.change);
      const after = await c.read(page);
      const msg = `${c.what}: before ${before}, after ${after}`;
      assert.ok(Number.isFinite(before) && Number.isFinite(after), msg);
      if (c.expect === 'up') assert.ok(after > before, msg);
      if (c.expect === 'down') assert.ok(after < before, msg);
      if (c.expect === 'zero') { assert.ok(before > 0, msg); assert.equal(after, 0, msg); }
      if (c.expect === 'changed') assert.notEqual(after, before, msg);
      assert.deepEqual(page.errors, []);
    } finally {
      await closePage(page);
    }
  });
}

test('direction — Simulation: the days knob sets D in the status', { timeout: 60_000 }, async () => {
  const page = await open();
  try {
    await changeAndWait(page, (p) => setSlider(p, 'days', 30));
    const m = (await statusText(page)).match(STATUS_RE);
    assert.ok(m);
    assert.equal(m[2], '30');
    assert.equal(await metric(page, 'revenue_per_day') > 0, true);
  } finally {
    await closePage(page);
  }
});

test('moving a slider updates the URL (replaceState) and redraws the canvases', { timeout: 60_000 }, async () => {
  const page = await open();
  try {
    const historyLength = await page.evaluate(() => history.length);
    const imagesBefore = await canvasImages(page);
    // Keyboard: focus the slider and press ArrowRight (every n → n + 1).
    const every = Number(await page.locator('#param-every').inputValue());
    const before = await resultId(page);
    await page.locator('#param-every').focus();
    await page.keyboard.press('ArrowRight');
    await waitForResults(page, before);
    assert.equal(await page.locator('[data-param="every"] output').innerText(), String(every + 1));
    await waitForUrl(page, (q) => q.includes(`every=${every + 1}`));
    // A drag: several input events in a row end in one URL and one run for the last value.
    await changeAndWait(page, async (p) => {
      for (const v of [0.2, 0.3, 0.4, 0.5]) await setSlider(p, 'reserve', v);
    });
    await waitForUrl(page, (q) => q.includes('reserve=0.5') && q.includes(`every=${every + 1}`));
    const imagesAfter = await canvasImages(page);
    assert.equal(imagesAfter.length, imagesBefore.length);
    assert.ok(imagesAfter.some((img, i) => img !== imagesBefore[i]), 'no canvas changed');
    // replaceState, never pushState.
    assert.equal(await page.evaluate(() => history.length), historyLength);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('a copied link reproduces the same numbers in a fresh page', { timeout: 90_000 }, async () => {
  const page = await open();
  let fresh;
  try {
    await changeAndWait(page, async (p) => {
      await setSelect(p, 'auction', 'vcg');
      await setSlider(p, 'reserve', 0.35);
      await setSlider(p, 'seed', 11);
    });
    await page.getByRole('button', { name: 'Copy link' }).click();
    const field = page.locator('.share-link');
    await field.waitFor();
    const link = await field.inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?v=2&/);
    assert.ok(link.includes('auction=vcg') && link.includes('reserve=0.35') && link.includes('seed=11'), link);
    const texts = await kpiTexts(page);
    const table = await page.locator('.details:not(.strategies) tbody').innerText();

    fresh = await newPage(app.browser);
    await fresh.goto(link);
    await waitForResults(fresh, 0);
    assert.deepEqual(await kpiTexts(fresh), texts);
    assert.equal(await fresh.locator('.details:not(.strategies) tbody').innerText(), table);
    assert.equal(await fresh.locator('#param-auction').inputValue(), 'vcg');
    assert.equal(await fresh.locator('.banner').count(), 0);
    assert.deepEqual(fresh.errors, []);
  } finally {
    await closePage(page);
    if (fresh) await closePage(fresh);
  }
});

test('a malformed link shows a banner naming each key and still renders', { timeout: 60_000 }, async () => {
  const page = await open('v=1&reserve=abc&days=99999&bogus=1');
  try {
    const banner = page.locator('.banner');
    await banner.waitFor();
    const text = await banner.innerText();
    for (const key of ['reserve', 'days', 'bogus']) {
      assert.equal(await banner.locator(`li[data-key="${key}"]`).count(), 1, `${key} in: ${text}`);
    }
    assert.match(text, /reserve=abc/);
    // The value the banner says it used (the default reserve, the clamped days) is shown.
    const reserve = await page.locator('[data-param="reserve"] output').innerText();
    const used = await banner.locator('li[data-key="reserve"] code').last().innerText();
    assert.ok(used.includes(reserve), `banner used "${used}", control shows ${reserve}`);
    assert.equal(await page.locator('[data-param="days"] output').innerText(), '365');
    const m = (await statusText(page)).match(STATUS_RE);
    assert.ok(m);
    assert.equal(m[2], '365');
    assert.equal(await page.locator('.charts canvas').count(), 10);
    // The URL is rewritten to the canonical form of what is shown.
    const q = await waitForUrl(page, (q) => !q.includes('bogus'));
    assert.ok(!q.includes('abc'), q);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await page.locator('.banner').count(), 0);
    // The app's own console stays clean (the banner is the report).
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('pinning a baseline shows deltas, overlays the charts and goes into the URL', { timeout: 90_000 }, async () => {
  const page = await open();
  try {
    assert.equal(await page.locator('.kpi-baseline').count(), 0);
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
    await waitForUrl(page, (q) => q.includes('base=1'));
    const imagesPinned = await canvasImages(page);
    await changeAndWait(page, (p) => setSlider(p, 'every', 3));
    const q = await waitForUrl(page, (q) => q.includes('every=3') && q.includes('base=1'));
    assert.ok(!q.includes('b.every'), `baseline keeps every=5: ${q}`);
    assert.equal(await page.locator('.kpi-baseline').count(), 6);
    const wholeRun = page.locator('[data-kpi="revenue"] .kpi-delta[data-window="whole_run"]');
    const delta = Number(await wholeRun.getAttribute('data-delta'));
    assert.ok(delta > 0, `revenue delta ${delta}`);
    assert.match(await wholeRun.locator('.delta-rel').innerText(), /^\+\d+(\.\d)?%$/);
    // Design, baseline and change for each of the four windows.
    assert.equal(await page.locator('.details:not(.strategies) thead th').filter({ hasText: /^Baseline$/ }).count(), 4);
    const imagesCompared = await canvasImages(page);
    assert.ok(imagesCompared.some((img, i) => img !== imagesPinned[i]));
    // Reopening the link keeps the baseline.
    const link = page.url();
    const fresh = await newPage(app.browser);
    await fresh.goto(link);
    await waitForResults(fresh, 0);
    assert.equal(await fresh.locator('.kpi-baseline').count(), 6);
    assert.deepEqual(await kpiTexts(fresh), await kpiTexts(page));
    await closePage(fresh);
    // Clear.
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'Clear baseline' }).click());
    assert.equal(await page.locator('.kpi-baseline').count(), 0);
    await waitForUrl(page, (q) => !q.includes('base=1'));
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('presets load a configuration and describe it', { timeout: 60_000 }, async () => {
  const page = await open();
  try {
    assert.equal(await page.locator('[data-testid="preset"]').inputValue(), 'balanced');
    await changeAndWait(page, (p) => p.locator('[data-testid="preset"]').selectOption('aggressive_load'));
    assert.match(await page.locator('.preset-description').innerText(), /ad every third position/i);
    assert.equal(await page.locator('#param-every').inputValue(), '3');
    await waitForUrl(page, (q) => q.includes('every=3'));
    // Moving a knob away from the preset shows "Custom".
    await changeAndWait(page, (p) => setSlider(p, 'reserve', 0.5));
    assert.equal(await page.locator('[data-testid="preset"]').inputValue(), '');
    // New seed changes the seed and the numbers.
    const seedBefore = await page.locator('#param-seed').inputValue();
    const revenueBefore = await kpi(page, 'revenue');
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'New seed' }).click());
    assert.notEqual(await page.locator('#param-seed').inputValue(), seedBefore);
    assert.notEqual(await kpi(page, 'revenue'), revenueBefore);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('CSV, JSON and PNG exports download and parse', { timeout: 60_000 }, async () => {
  const page = await open('v=1&days=45', { acceptDownloads: true });
  try {
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.match(csvDownload.suggestedFilename(), /\.csv$/);
    const csv = fs.readFileSync(await csvDownload.path(), 'utf8').trim().split(/\r?\n/);
    const header = csv[0].split(',');
    assert.ok(header.includes('day') && header.includes('revenue'), csv[0]);
    assert.equal(csv.length, 1 + 45, 'header + one row per day');
    const dayCol = header.indexOf('day');
    assert.equal(csv[1].split(',')[dayCol], '1');
    assert.equal(csv[45].split(',')[dayCol], '45');

    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    assert.match(jsonDownload.suggestedFilename(), /\.json$/);
    const doc = JSON.parse(fs.readFileSync(await jsonDownload.path(), 'utf8'));
    assert.equal(doc.version, 2, "the export carries the link version");
    assert.equal(doc.config.sim.days, 45);
    assert.ok(doc.summary.whole_run.revenue_per_day > 0);
    assert.equal(doc.summary.whole_run.revenue_per_day, await kpi(page, 'revenue'));

    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.chart').first().getByRole('button').click(),
    ]);
    assert.match(pngDownload.suggestedFilename(), /^marketplace-sandbox-[a-z0-9-]+-daily-revenue-\d{4}-\d{2}-\d{2}\.png$/);
    const png = fs.readFileSync(await pngDownload.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('keyboard: tab order reaches the controls and focus is visible', { timeout: 60_000 }, async () => {
  const page = await open();
  try {
    // Tab from the top: skip link, tabs, then eventually the first control.
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'param-w_rev');
    }
    assert.ok(reached, 'Tab reaches the first control');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('the Model tab is in the link: a reload stays on it, and the Sandbox tab leaves it', async () => {
  const page = await open('v=1&every=3');
  try {
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.locator('.model-page').waitFor();
    await waitForUrl(page, (q) => /(^|&)page=model(&|$)/.test(q) && /(^|&)every=3(&|$)/.test(q));
    await page.reload();
    await page.locator('.model-page').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Model' }).getAttribute('aria-selected'), 'true');
    assert.match(queryOf(page), /(^|&)every=3(&|$)/);
    await page.getByRole('tab', { name: 'Sandbox' }).click();
    await waitForUrl(page, (q) => !/(^|&)page=/.test(q));
    await page.locator('.charts canvas').first().waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('screenshots: sandbox, comparison and model page', { timeout: 90_000 }, async () => {
  const dir = ensureArtifacts();
  const page = await open();
  try {
    // The sidebar scrolls on its own; unfold it so the full-page shot shows every control.
    const unfold = await page.addStyleTag({ content: '.sidebar { position: static !important; max-height: none !important; }' });
    await page.screenshot({ path: path.join(dir, 'sandbox-full.png'), fullPage: true });
    await unfold.evaluate((el) => el.remove());
    await page.screenshot({ path: path.join(dir, 'sandbox-viewport.png') });
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
    await changeAndWait(page, (p) => setSlider(p, 'every', 3));
    await page.screenshot({ path: path.join(dir, 'compare-viewport.png') });
    const knobs = await page.locator('[data-param]').count();
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.locator('.model-page').waitFor();
    const model = await page.locator('.model-page').innerText();
    for (const name of ['Vickrey', 'Myerson', 'Riley', 'Edelman', 'Varian', 'Lahaie', 'Yan', 'Hohnhold', 'Goldstein']) {
      assert.ok(model.includes(name), `reference ${name}`);
    }
    // Every knob on the Sandbox tab is documented.
    assert.equal(await page.locator('.knobs dt').count(), knobs);
    await page.screenshot({ path: path.join(dir, 'model-full.png'), fullPage: true });
    // Back to the sandbox: charts redraw.
    await page.getByRole('tab', { name: 'Sandbox' }).click();
    await page.locator('.charts canvas').first().waitFor();
    const narrow = await newPage(app.browser, { viewport: { width: 800, height: 1000 } });
    await narrow.goto(app.server.url);
    await waitForResults(narrow, 0);
    await narrow.screenshot({ path: path.join(dir, 'narrow-viewport.png') });
    await closePage(narrow);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});
