// Browser tests of the charts: canvases at the device pixel ratio, the PNG export at 2x with
// its footer, hover read-outs, the lift chart with its shaded test window, the launch marks on
// the advertiser-group charts, and screenshots (artifacts/charts-*.png) of the panel.
//
// Run: build first (`trunk build --release`), then `node --test e2e/charts.test.mjs`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  useApp, waitForResults, changeAndWait, ensureArtifacts,
} from './helpers.mjs';

// Serves dist/ and launches Chromium once for this file.
const app = useApp();

/** Opens the app at `query` in a fresh context with the given viewport and pixel ratio. */
async function open(query = '', { width = 1440, height = 1000, scale = 2 } = {}) {
  const context = await app.browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: scale,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  await page.goto(app.server.url + (query ? `?${query}` : ''));
  await waitForResults(page, 0);
  return page;
}

async function closePage(page) {
  await page.context().close();
}

/** Every chart canvas: backing size, CSS size and the device pixel ratio. */
function canvasSizes(page) {
  return page.locator('.charts canvas').evaluateAll((els) => els.map((c) => {
    const r = c.getBoundingClientRect();
    return { name: c.closest('[data-chart]').dataset.chart, w: c.width, h: c.height, cssW: r.width, cssH: r.height };
  }));
}

/** Whether every canvas's backing store is its CSS size × `ratio` (to a pixel). */
async function allAtRatio(page, ratio) {
  const sizes = await canvasSizes(page);
  return sizes.length > 0
    && sizes.every((s) => Math.abs(s.w - s.cssW * ratio) <= 1 && Math.abs(s.h - s.cssH * ratio) <= 1);
}

async function waitAtRatio(page, ratio, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await allAtRatio(page, ratio)) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`canvases not at ${ratio}x: ${JSON.stringify(await canvasSizes(page))}`);
}

/** The plot frame written on a chart's canvas: {left, top, right, bottom, x0, x1} (backing px). */
async function plotOf(page, name) {
  return page.locator(`[data-chart="${name}"] canvas`).evaluate((c) => {
    const [left, top, right, bottom] = c.dataset.plot.split(' ').map(Number);
    const [x0, x1] = c.dataset.xRange.split(' ').map(Number);
    return { left, top, right, bottom, x0, x1 };
  });
}

/**
 * RGB of the pixels around column `x` (backing px) of a chart, rows `y0..y1`: per row, the
 * darkest of the columns within 2 px (a line of a few device pixels lands within that).
 */
async function column(page, name, x, y0, y1) {
  return page.locator(`[data-chart="${name}"] canvas`).evaluate((c, [x, y0, y1]) => {
    const left = Math.round(x) - 2;
    const rows = Math.round(y1 - y0);
    const data = c.getContext('2d').getImageData(left, Math.round(y0), 5, rows).data;
    const out = [];
    for (let r = 0; r < rows; r++) {
      let best = null;
      for (let k = 0; k < 5; k++) {
        const i = 4 * (r * 5 + k);
        const px = [data[i], data[i + 1], data[i + 2]];
        if (!best || px[0] + px[1] + px[2] < best[0] + best[1] + best[2]) best = px;
      }
      out.push(best);
    }
    return out;
  }, [x, y0, y1]);
}

/** The bounding box of a chart's canvas, scrolled into view (for pointer moves). */
async function canvasBox(page, name) {
  const canvas = page.locator(`[data-chart="${name}"] canvas`);
  await canvas.scrollIntoViewIfNeeded();
  return canvas.boundingBox();
}

const pxOf = (plot, day) => plot.left + ((day - plot.x0) / (plot.x1 - plot.x0)) * (plot.right - plot.left);

test('canvases are drawn at the device pixel ratio and redrawn on resize and ratio changes', { timeout: 90_000 }, async () => {
  const page = await open('', { scale: 2 });
  try {
    assert.equal(await page.evaluate(() => window.devicePixelRatio), 2);
    const sizes = await canvasSizes(page);
    assert.equal(sizes.length, 10, JSON.stringify(sizes.map((s) => s.name)));
    await waitAtRatio(page, 2);
    assert.ok(sizes.every((s) => s.h === 600), JSON.stringify(sizes));
    // The grid has two columns here; the odd last chart of a section spans both.
    const widths = Object.fromEntries(sizes.map((s) => [s.name, s.cssW]));
    assert.ok(widths['clicks-by-advertiser-group'] > 1.8 * widths['daily-revenue'], JSON.stringify(widths));
    // Resizing redraws at the new width, still at 2x.
    await page.setViewportSize({ width: 1100, height: 1000 });
    await page.waitForTimeout(400);
    await waitAtRatio(page, 2);
    // A change of pixel ratio (zoom, another screen) redraws at the new ratio. (The emulated
    // change dispatches its events only with a change of size, as a zoom does.)
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1000, height: 1000, deviceScaleFactor: 3, mobile: false });
    assert.equal(await page.evaluate(() => window.devicePixelRatio), 3);
    await waitAtRatio(page, 3);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('the PNG export is 2x, non-blank and taller by the written footer', { timeout: 60_000 }, async () => {
  const page = await open('', { scale: 1 });
  try {
    const chart = page.locator('[data-chart="daily-revenue"]');
    const cssWidth = await chart.locator('canvas').evaluate((c) => c.getBoundingClientRect().width);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      chart.getByRole('button', { name: /PNG/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /-daily-revenue-\d{4}-\d{2}-\d{2}\.png$/);
    const png = fs.readFileSync(await download.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    // 2x whatever the screen's ratio (1 here): twice the CSS width, twice the 300 px chart
    // plus the footer (design, seed).
    assert.ok(Math.abs(width - 2 * cssWidth) <= 1, `width ${width} vs CSS ${cssWidth}`);
    assert.ok(height > 600 && height < 900, `height ${height}`);
    // Non-blank: decode it in the page and count pixels that are not white, above and in the
    // footer.
    const stats = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const count = (y0, y1) => {
        const d = ctx.getImageData(0, y0, c.width, y1 - y0).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
        return n / (d.length / 4);
      };
      return { chart: count(0, 600), footer: count(600, c.height) };
    }, png.toString('base64'));
    assert.ok(stats.chart > 0.01, `chart ink ${stats.chart}`);
    assert.ok(stats.footer > 0.002, `footer ink ${stats.footer}`);
    ensureArtifacts();
    fs.copyFileSync(await download.path(), path.join('artifacts', 'charts-export-daily-revenue.png'));
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('hovering a chart shows the day and every series value', { timeout: 60_000 }, async () => {
  const page = await open('', { scale: 2 });
  try {
    const name = 'spend-by-advertiser-group';
    const plot = await plotOf(page, name);
    const box = await canvasBox(page, name);
    const ratio = 2;
    const hoverDay = async (day) => {
      const x = box.x + pxOf(plot, day) / ratio;
      const y = box.y + (plot.top + plot.bottom) / 2 / ratio;
      await page.mouse.move(x, y);
      const tip = page.locator(`[data-chart="${name}"] .chart-tooltip`);
      await tip.waitFor();
      return tip;
    };
    let tip = await hoverDay(20);
    assert.equal(await tip.getAttribute('data-day'), '20');
    assert.match(await tip.locator('.chart-tooltip-day').innerText(), /^Day 20$/);
    // One row per line: the three incumbent tiers (no launch by default).
    const rows = await tip.locator('tr').allInnerTexts();
    assert.equal(rows.length, 3, JSON.stringify(rows));
    assert.ok(rows.every((r) => /incumbents\s+[\d,.]+$/.test(r.trim())), JSON.stringify(rows));
    tip = await hoverDay(45);
    assert.equal(await tip.getAttribute('data-day'), '45');
    // Leaving the chart hides it.
    await page.mouse.move(box.x - 50, box.y - 50);
    await page.locator(`[data-chart="${name}"] .chart-tooltip`).waitFor({ state: 'detached' });
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

/** Share of pixels in a column that look like the test window's tint (bluish, light). */
const tinted = (pixels) => pixels.filter(([r, g, b]) => b - r >= 8 && r > 200 && r < 245).length / pixels.length;

test('with a baseline pinned the lift chart appears with its shaded test window', { timeout: 90_000 }, async () => {
  const page = await open('', { scale: 2 });
  try {
    assert.equal(await page.locator('[data-section="lift"]').count(), 0);
    await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
    await changeAndWait(page, (p) => p.locator('#param-reserve').evaluate((el) => {
      el.value = '0.6';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }));
    const lift = page.locator('[data-section="lift"] [data-chart="lift-vs-baseline"] canvas');
    assert.equal(await lift.count(), 1);
    assert.match(await lift.getAttribute('aria-label'), /Shaded: Test window \(days 1–14\)/);
    assert.match(await lift.getAttribute('aria-label'), /Marked: Test window ends/);
    // The lift section comes first, and its lone chart spans the row.
    const first = await page.locator('.chart-section').first().getAttribute('data-section');
    assert.equal(first, 'lift');
    const plot = await plotOf(page, 'lift-vs-baseline');
    const rows = [plot.top + 4, plot.bottom - 4];
    const inside = tinted(await column(page, 'lift-vs-baseline', pxOf(plot, 5.3), ...rows));
    const outside = tinted(await column(page, 'lift-vs-baseline', pxOf(plot, 40.3), ...rows));
    assert.ok(inside > 0.6, `inside the window ${inside}`);
    assert.ok(outside < 0.1, `outside the window ${outside}`);
    // Hovering reads signed percentages.
    const box = await canvasBox(page, 'lift-vs-baseline');
    await page.mouse.move(box.x + pxOf(plot, 10) / 2, box.y + (plot.top + plot.bottom) / 4);
    const tip = page.locator('[data-chart="lift-vs-baseline"] .chart-tooltip');
    await tip.waitFor();
    const rowsText = await tip.locator('tr').allInnerTexts();
    assert.equal(rowsText.length, 3);
    assert.ok(rowsText.every((r) => /(Revenue|Engagement|Sessions)\s+([+−]\S+%|±0%)$/.test(r.trim())), JSON.stringify(rowsText));
    // The daily charts are shaded too.
    assert.match(await page.locator('[data-chart="daily-revenue"] canvas').getAttribute('aria-label'), /Shaded: Test window/);
    // Unpinning removes the lift chart.
    await changeAndWait(page, (p) => p.getByRole('button', { name: /Unpin|Clear baseline/ }).first().click());
    assert.equal(await page.locator('[data-section="lift"]').count(), 0);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

/** Share of pixels in a column dark enough to be the dashed marker line. */
const dark = (pixels) => pixels.filter(([r, g, b]) => r < 120 && g < 120 && b < 120).length / pixels.length;

test('the launch preset marks the launch on the advertiser-group charts', { timeout: 90_000 }, async () => {
  const page = await open('', { scale: 2 });
  try {
    const names = ['spend-by-advertiser-group', 'price-per-click-by-advertiser-group', 'clicks-by-advertiser-group'];
    const before = {};
    for (const name of names) {
      const plot = await plotOf(page, name);
      before[name] = dark(await column(page, name, pxOf(plot, 29.5), plot.top + 2, plot.bottom - 2));
    }
    await changeAndWait(page, (p) => p.locator('[data-testid="preset"]').selectOption('launch'));
    for (const name of names) {
      const canvas = page.locator(`[data-chart="${name}"] canvas`);
      assert.match(await canvas.getAttribute('aria-label'), /Marked: Launch \(day 30\)/, name);
      const plot = await plotOf(page, name);
      const after = dark(await column(page, name, pxOf(plot, 29.5), plot.top + 2, plot.bottom - 2));
      // A dashed line: about half its pixels dark; none before the launch was on.
      assert.ok(after > 0.3, `${name}: marker column ${after}`);
      assert.ok(before[name] < 0.1, `${name}: before ${before[name]}`);
    }
    // The launched cohort has its own line, and a tooltip row, after the launch.
    const plot = await plotOf(page, 'clicks-by-advertiser-group');
    const box = await canvasBox(page, 'clicks-by-advertiser-group');
    await page.mouse.move(box.x + pxOf(plot, 40) / 2, box.y + (plot.top + plot.bottom) / 4);
    const tip = page.locator('[data-chart="clicks-by-advertiser-group"] .chart-tooltip');
    await tip.waitFor();
    const rows = await tip.locator('tr').allInnerTexts();
    assert.equal(rows.length, 4, JSON.stringify(rows));
    assert.match(rows[3], /Launched cohort/);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('screenshots of the charts panel (desktop at 2x, phone)', { timeout: 120_000 }, async () => {
  ensureArtifacts();
  for (const [label, size] of [
    ['1440', { width: 1440, height: 1000, scale: 2 }],
    ['390', { width: 390, height: 844, scale: 3 }],
  ]) {
    const page = await open('', size);
    try {
      await changeAndWait(page, (p) => p.locator('[data-testid="preset"]').selectOption('launch'));
      await changeAndWait(page, (p) => p.getByRole('button', { name: 'Pin as baseline' }).click());
      await changeAndWait(page, (p) => p.locator('#param-reserve').evaluate((el) => {
        el.value = '0.6';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }));
      await waitAtRatio(page, size.scale);
      // The sticky header would cover the top of an element screenshot.
      await page.addStyleTag({ content: '.topbar { position: static !important; }' });
      const charts = page.locator('.charts');
      await charts.scrollIntoViewIfNeeded();
      await charts.screenshot({ path: path.join('artifacts', `charts-${label}.png`) });
      // A tooltip in the picture: hover the lift chart, then shoot the viewport as it is.
      const name = 'lift-vs-baseline';
      const plot = await plotOf(page, name);
      const box = await canvasBox(page, name);
      await page.mouse.move(box.x + pxOf(plot, 22) / size.scale, box.y + (plot.top + plot.bottom) / 2 / size.scale);
      await page.locator('.chart-tooltip').waitFor();
      await page.screenshot({ path: path.join('artifacts', `charts-${label}-tooltip.png`) });
      assert.deepEqual(page.errors, []);
    } finally {
      await closePage(page);
    }
  }
});
