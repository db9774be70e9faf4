// Browser tests of the Tradeoffs tab: a sweep runs on the worker pool with visible progress, the
// frontier canvas is drawn as points arrive, a sweep can be cancelled, clicking a point applies
// its knob value (the control and the link follow), and the sweep's link reproduces the same
// frontier in a fresh page; the policy comparison's link (`pol=1`) shows the same table in a
// fresh page. Screenshots for review at 1440×1000 and 390×844 go to artifacts/.
//
// Run: build first (`trunk build --release`), then `node --test e2e/tradeoffs.test.mjs`.
//
// The canvas (.frontier-canvas) carries data-sweep, data-done, data-total, data-drawn-done,
// data-frontier (indices, comma-separated) and data-positions (`index:x:y` canvas pixels);
// .sweep-progress carries data-done, data-total and data-cancelled; <body> carries
// data-pool-busy (requests the worker pool holds).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { useApp, newPage, waitForUrl, queryOf, ensureArtifacts } from './helpers.mjs';

// A small design (300 users, 14 days) sweeping `every` from 2 to 14 over 7 points.
const SWEEP = 'v=1&users=300&days=14&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=7';

// Serves dist/ and launches Chromium once for this file.
const app = useApp();

/** Opens `query`, recording every value the progress takes. */
async function open(query, options = {}) {
  const page = await newPage(app.browser, options);
  await page.addInitScript(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const el = document.querySelector('.sweep-progress');
      if (el) window.__progress.push(Number(el.getAttribute('data-done')));
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-done'] });
  });
  await page.goto(`${app.server.url}?${query}`);
  return page;
}

/** Waits until the sweep's every point is answered and drawn; returns the canvas's attributes. */
async function waitForSweep(page, timeout = 60_000) {
  const handle = await page.waitForFunction(() => {
    const c = document.querySelector('.frontier-canvas');
    if (!c) return false;
    const total = c.getAttribute('data-total');
    if (!(Number(total) > 0) || c.getAttribute('data-done') !== total) return false;
    if (c.getAttribute('data-drawn-done') !== total) return false;
    return {
      sweep: Number(c.getAttribute('data-sweep')),
      total: Number(total),
      frontier: c.getAttribute('data-frontier'),
      positions: c.getAttribute('data-positions'),
    };
  }, null, { timeout, polling: 25 });
  return handle.jsonValue();
}

/** Whether the canvas has ink beyond its white background (count of non-white pixels). */
async function inkedPixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector('.frontier-canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) n += 1;
    }
    return n;
  });
}

test('a sweep runs with progress, draws its frontier and its link reproduces it', { timeout: 180_000 }, async () => {
  const page = await open(SWEEP);
  const done = await waitForSweep(page);
  assert.equal(done.total, 7);
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.length >= 2, `progress was observed: ${progress}`);
  assert.ok(progress.some((d) => d < 7), `progress started below the total: ${progress}`);
  assert.equal(progress.at(-1), 7);
  for (let k = 1; k < progress.length; k += 1) {
    assert.ok(progress[k] >= progress[k - 1], `progress never goes back: ${progress}`);
  }
  const status = await page.locator('.sweep-status').innerText();
  assert.match(status, /^7 \/ 7 · \d+\.\d s · done$/);
  const frontier = done.frontier.split(',').map(Number);
  assert.ok(frontier.length >= 2, `a frontier of several points: ${done.frontier}`);
  assert.ok(frontier.every((i) => i >= 0 && i < 7));
  assert.ok((await inkedPixels(page)) > 2000, 'the canvas is drawn');
  // The frontier table lists the same points.
  const rows = await page.locator('.frontier-table tbody tr').evaluateAll(
    (trs) => trs.map((tr) => Number(tr.getAttribute('data-index'))),
  );
  assert.deepEqual(rows, frontier);

  // The link carries the settings; a fresh page reruns the sweep to the same frontier.
  const link = await waitForUrl(page, (q) => q.includes('sweep.points=7') && q.includes('page=tradeoffs'));
  const fresh = await open(link);
  const again = await waitForSweep(fresh);
  assert.equal(again.frontier, done.frontier);
  assert.deepEqual(fresh.errors, []);
  await fresh.context().close();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('clicking a point applies its knob value; the control and the link follow', { timeout: 180_000 }, async () => {
  const page = await open(SWEEP);
  const done = await waitForSweep(page);
  // The default design (every 6) is point 2 of 2, 4, …, 14: pick another point on the canvas.
  const positions = done.positions.split(' ').map((p) => p.split(':').map(Number));
  const [index, x, y] = positions.find(([i]) => i === 5);
  const box = await page.locator('.frontier-canvas').boundingBox();
  const [w, h] = await page.locator('.frontier-canvas').evaluate((c) => [c.width, c.height]);
  await page.locator('.frontier-canvas').click({ position: { x: (x * box.width) / w, y: (y * box.height) / h } });
  assert.equal(index, 5);
  const query = await waitForUrl(page, (q) => /(^|&)every=12(&|$)/.test(q));
  assert.ok(query.includes('sweep.points=7'), query);
  assert.match(await page.locator('.sweep-note').innerText(), /: 12/);
  // The sweep is kept (only the swept knob changed) and the point is now the current design.
  const after = await waitForSweep(page);
  assert.equal(after.sweep, done.sweep);
  // A row of the frontier table applies its point too.
  const frontier = after.frontier.split(',').map(Number);
  const other = frontier.find((i) => i !== 5);
  await page.locator(`.frontier-table button[data-index="${other}"]`).click();
  const every = 2 + 2 * other;
  await waitForUrl(page, (q) => (every === 6 ? !/(^|&)every=/.test(q) : new RegExp(`(^|&)every=${every}(&|$)`).test(q)));
  // The Sandbox tab's control shows the value.
  await page.getByRole('tab', { name: 'Sandbox' }).click();
  await page.waitForFunction(
    (every) => document.querySelector('#param-every')?.value === String(every),
    every,
    { timeout: 10_000 },
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a sweep can be cancelled; its late answers are dropped', { timeout: 180_000 }, async () => {
  // A larger design and many points, so the sweep is still running when Cancel is clicked.
  const page = await open('v=1&users=3000&days=60&page=tradeoffs&sweep.points=101&sweep=reserve');
  await page.waitForFunction(() => {
    const p = document.querySelector('.sweep-progress');
    return p && Number(p.getAttribute('data-done')) >= 1;
  }, null, { timeout: 60_000, polling: 25 });
  await page.locator('[data-action=cancel-sweep]').click();
  const progress = page.locator('.sweep-progress');
  assert.equal(await progress.getAttribute('data-cancelled'), 'true');
  const atCancel = Number(await progress.getAttribute('data-done'));
  assert.ok(atCancel < 101, `cancelled before the end (${atCancel})`);
  await page.waitForTimeout(1500);
  assert.equal(Number(await progress.getAttribute('data-done')), atCancel, 'no answer counted after Cancel');
  assert.match(await page.locator('.sweep-status').innerText(), /cancelled$/);
  // Run again starts over.
  await page.locator('[data-action=rerun-sweep]').click();
  await page.waitForFunction(() => document.querySelector('.sweep-progress')?.getAttribute('data-cancelled') === 'false');
  await page.locator('[data-action=cancel-sweep]').click();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('cancel stops the points already running: the pool is idle at once and stays whole', { timeout: 240_000 }, async () => {
  // Points of about half a second each, so a running point outlasts the check by far.
  const query = 'v=1&users=20000&days=60&page=tradeoffs&sweep.points=5&sweep=reserve';
  const page = await open(query);
  const busy = () => page.evaluate(() => Number(document.body.getAttribute('data-pool-busy')));
  await page.waitForFunction(() => {
    const p = document.querySelector('.sweep-progress');
    return p && Number(p.getAttribute('data-done')) >= 1;
  }, null, { timeout: 120_000, polling: 25 });
  assert.ok((await busy()) > 0, 'the pool holds points while the sweep runs');
  const t0 = Date.now();
  await page.locator('[data-action=cancel-sweep]').click();
  await page.waitForFunction(() => document.body.getAttribute('data-pool-busy') === '0', null,
    { timeout: 2_000, polling: 10 });
  const idleMs = Date.now() - t0;
  assert.ok(idleMs < 1_000, `idle ${idleMs} ms after Cancel`);
  const atCancel = Number(await page.locator('.sweep-progress').getAttribute('data-done'));
  await page.waitForTimeout(1500);
  assert.equal(Number(await page.locator('.sweep-progress').getAttribute('data-done')), atCancel,
    'no answer counted after Cancel');
  // Run again on the replaced workers: it completes, with the frontier of an uncancelled sweep.
  await page.locator('[data-action=rerun-sweep]').click();
  const again = await waitForSweep(page, 180_000);
  assert.equal(again.total, 5);
  assert.equal(await busy(), 0);
  const fresh = await open(query);
  const whole = await waitForSweep(fresh, 180_000);
  assert.equal(again.frontier, whole.frontier);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
  await fresh.context().close();
  await page.context().close();
});

test('screenshots: tradeoffs at 1440×1000 and 390×844', { timeout: 180_000 }, async () => {
  const dir = ensureArtifacts();
  for (const [width, height] of [[1440, 1000], [390, 844]]) {
    for (const weeks of [false, true]) {
      const page = await open(SWEEP + (weeks ? '&sweep.weeks=1' : ''), { viewport: { width, height } });
      await waitForSweep(page);
      const name = `tradeoffs${weeks ? '-weeks' : ''}-${width}.png`;
      await page.screenshot({ path: path.join(dir, name), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  }
  // The default sweep of the default design: the ad-load knob over its slider range, 21 points.
  const page = await open('page=tradeoffs');
  const done = await waitForSweep(page, 120_000);
  assert.equal(done.total, 21);
  assert.equal(await page.locator('#sweep-knob').inputValue(), 'every');
  assert.equal(queryOf(page), 'v=2&page=tradeoffs', 'the default settings add nothing to the link');
  await page.screenshot({ path: path.join(dir, 'tradeoffs-default-1440.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The same design sweeping `every` (2, 8, 14) and the reserve price (0, 0.5, 1): a 3×3 grid.
const GRID = 'v=1&users=300&days=14&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=3'
  + '&sweep2=reserve&sweep2.from=0&sweep2.to=1&sweep2.points=3';

/** Waits until the heat map has drawn every cell; returns its attributes. */
async function waitForHeatmap(page, timeout = 60_000) {
  const handle = await page.waitForFunction(() => {
    const c = document.querySelector('.heatmap-canvas');
    if (!c) return false;
    const total = c.getAttribute('data-total');
    if (!(Number(total) > 0) || c.getAttribute('data-drawn-done') !== total) return false;
    return {
      total: Number(total),
      cells: c.getAttribute('data-cells'),
      best: c.getAttribute('data-best'),
      current: c.getAttribute('data-current'),
    };
  }, null, { timeout, polling: 25 });
  return handle.jsonValue();
}

test('a two-knob sweep draws a heat map, a cell applies both knobs and the link reproduces it', { timeout: 180_000 }, async () => {
  const page = await open(GRID, { viewport: { width: 1440, height: 1000 } });
  const map = await waitForHeatmap(page);
  const done = await waitForSweep(page);
  assert.equal(map.total, 9);
  assert.equal(done.total, 9);
  assert.equal(map.cells.split(' ').length, 9);
  assert.ok(Number(map.best) >= 0 && Number(map.best) < 9, map.best);
  const inked = await page.evaluate(() => {
    const c = document.querySelector('.heatmap-canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) n += 1;
    return n;
  });
  assert.ok(inked > 20_000, `the heat map is drawn (${inked})`);
  assert.equal(await page.locator('#sweep2-knob').inputValue(), 'reserve');
  await page.screenshot({ path: path.join(ensureArtifacts(), 'tradeoffs-heatmap-1440.png'), fullPage: true });

  // A fresh page from the link: the same cells, the same best cell, the same frontier.
  const link = await waitForUrl(page, (q) => q.includes('sweep2=reserve'));
  const fresh = await open(link, { viewport: { width: 1440, height: 1000 } });
  const again = await waitForHeatmap(fresh);
  const againDone = await waitForSweep(fresh);
  assert.equal(again.cells, map.cells);
  assert.equal(again.best, map.best);
  assert.equal(againDone.frontier, done.frontier);
  assert.deepEqual(fresh.errors, []);
  await fresh.context().close();

  // Clicking cell 8 (every 14, reserve 1) applies both knob values.
  const [, x0, y0, x1, y1] = map.cells.split(' ').map((c) => c.split(':').map(Number)).find(([i]) => i === 8);
  const canvas = page.locator('.heatmap-canvas');
  const box = await canvas.boundingBox();
  const [w, h] = await canvas.evaluate((c) => [c.width, c.height]);
  await canvas.click({ position: { x: (((x0 + x1) / 2) * box.width) / w, y: (((y0 + y1) / 2) * box.height) / h } });
  const query = await waitForUrl(page, (q) => /(^|&)every=14(&|$)/.test(q) && /(^|&)reserve=1(&|$)/.test(q));
  assert.ok(query.includes('sweep2=reserve'), query);
  await page.waitForFunction(() => document.querySelector('.heatmap-canvas')?.getAttribute('data-current') === '8');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the tradeoff canvases are drawn at the device pixel ratio', { timeout: 180_000 }, async () => {
  const page = await open(GRID, { deviceScaleFactor: 2 });
  try {
    await waitForSweep(page);
    for (const selector of ['.frontier-canvas', '.heatmap-canvas']) {
      const size = await page.locator(selector).evaluate((c) => {
        const r = c.getBoundingClientRect();
        return { w: c.width, h: c.height, cw: r.width, ch: r.height };
      });
      assert.ok(size.cw > 0 && size.ch > 0, `${selector} is laid out`);
      assert.equal(size.w, Math.round(size.cw * 2), `${selector} backing width`);
      assert.equal(size.h, Math.round(size.ch * 2), `${selector} backing height`);
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

/** Waits until the optimizer's report is shown; returns its attributes. */
async function waitForOptimum(page, timeout = 120_000) {
  const handle = await page.waitForFunction(() => {
    const r = document.querySelector('.opt-report');
    if (!r) return false;
    return {
      feasible: r.getAttribute('data-feasible'),
      evaluations: Number(r.getAttribute('data-evaluations')),
      best: r.getAttribute('data-best'),
      binding: r.getAttribute('data-binding'),
      gain: Number(r.querySelector('[data-gain]')?.getAttribute('data-gain')),
    };
  }, null, { timeout, polling: 50 });
  return handle.jsonValue();
}

test('the optimizer runs on the pool, reports binding constraints, applies the optimum and its link reruns it', { timeout: 300_000 }, async () => {
  const page = await open('v=1&users=300&days=14&page=tradeoffs&sweep.points=3');
  await waitForSweep(page);
  // Maximise whole-run revenue over the ad spacing 2–14 with last-week engagement ≥ 97% of the
  // current design's (the constraint a new row starts with).
  await page.locator('#opt-objective').selectOption('revenue_per_day');
  await page.locator('[data-action=add-opt-knob]').click();
  assert.equal(await page.locator('#opt-knob-0').inputValue(), 'every');
  await page.locator('#opt-min-0').fill('2');
  await page.locator('#opt-min-0').dispatchEvent('change');
  await page.locator('#opt-max-0').fill('14');
  await page.locator('#opt-max-0').dispatchEvent('change');
  await page.locator('[data-action=add-opt-constraint]').click();
  assert.equal(await page.locator('#opt-con-0').inputValue(), 'last_week.engagement_per_day');
  assert.equal(await page.locator('#opt-value-0').inputValue(), '97');
  const link = await waitForUrl(page, (q) => q.includes('opt.knobs=every:2:14')
    && q.includes('opt.cons=last_week.engagement_per_day:min:x0.97'));
  assert.ok(link.includes('opt.objective=revenue_per_day'), link);
  await page.locator('[data-action=run-optimize]').click();
  const report = await waitForOptimum(page);
  assert.equal(report.feasible, 'true');
  assert.equal(report.binding, 'last_week.engagement_per_day', 'the engagement floor binds');
  assert.ok(report.evaluations > 5, `evaluations: ${report.evaluations}`);
  assert.ok(report.gain >= 0, `no loss against the current design: ${report.gain}`);
  const best = Number(report.best.match(/^every=(\d+)$/)[1]);
  // The relative bound is shown with its absolute value; the binding row has a shadow price.
  assert.match(await page.locator('.opt-resolved').innerText(), /^= [\d,.]+ \(current [\d,.]+\)$/);
  const row = page.locator('.opt-constraints tr[data-metric="last_week.engagement_per_day"]');
  assert.match(await row.innerText(), /97% of current = [\d,.]+/);
  assert.match(await row.locator('td').nth(2).innerText(), /^yes$/);
  assert.match(await row.locator('td').nth(3).innerText(), /^[−\-\d,.]+$/);

  // A fresh page from the link reruns the optimization by itself: the same optimum.
  const fresh = await open(link);
  const again = await waitForOptimum(fresh);
  assert.deepEqual(again, report);
  assert.deepEqual(fresh.errors, []);
  await fresh.context().close();

  // Pin the current design, then apply the optimum: the link and the control follow.
  await page.locator('[data-action=pin-current]').click();
  await waitForUrl(page, (q) => q.includes('base=1'));
  await page.locator('[data-action=apply-optimum]').click();
  const applied = await waitForUrl(page, (q) => (best === 6 ? true : new RegExp(`(^|&)every=${best}(&|$)`).test(q)));
  assert.ok(applied.includes('opt.objective=revenue_per_day'), applied);
  assert.equal(await page.locator('[data-action=apply-optimum]').innerText(), 'Applied');
  await page.getByRole('tab', { name: 'Sandbox' }).click();
  await page.waitForFunction((b) => document.querySelector('#param-every')?.value === String(b), best, { timeout: 10_000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** Waits for the policy table's three rows; returns each row's policy, revenue and cell texts. */
async function waitForPolicies(page) {
  await page.waitForFunction(() => document.querySelectorAll('.policies-table tbody tr').length === 3, null,
    { timeout: 180_000, polling: 50 });
  return page.locator('.policies-table tbody tr').evaluateAll(
    (trs) => trs.map((tr) => [tr.getAttribute('data-policy'), Number(tr.getAttribute('data-revenue')), tr.innerText]),
  );
}

test('ad-load policies compared at equal engagement on the pool; the link (pol=1) reruns them', { timeout: 420_000 }, async () => {
  const page = await open('v=1&users=300&days=14&page=tradeoffs&sweep.points=3');
  await waitForSweep(page);
  assert.ok(!/(^|&)pol=/.test(queryOf(page)), 'not shown, not in the link');
  await page.locator('[data-action=run-policies]').click();
  const rows = await waitForPolicies(page);
  assert.deepEqual(rows.map((r) => r[0]), ['fixed', 'threshold', 'exact']);
  assert.ok(rows.every((r) => r[1] > 0), JSON.stringify(rows));
  const hint = await page.locator('.policies .hint').nth(1).innerText();
  assert.match(hint, /last-week engagement\/day ≥ [\d,.]+/);

  // The link carries the table; a fresh page reruns the comparison by itself: the same numbers.
  const link = await waitForUrl(page, (q) => /(^|&)pol=1(&|$)/.test(q));
  const fresh = await open(link);
  const again = await waitForPolicies(fresh);
  assert.deepEqual(again, rows);
  assert.equal(await fresh.locator('.policies .hint').nth(1).innerText(), hint);
  assert.equal(queryOf(fresh), link, 'the fresh page keeps the same link');
  assert.deepEqual(fresh.errors, []);
  await fresh.context().close();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshots: the optimizer and policy panels at 1440×1000 (DPR 2) and 390×844', { timeout: 300_000 }, async () => {
  const dir = ensureArtifacts();
  const link = 'v=1&users=300&days=14&page=tradeoffs&sweep.points=3&opt.objective=revenue_per_day'
    + '&opt.knobs=every:2:14&opt.cons=last_week.engagement_per_day:min:x0.97,whole_run.mean_fatigue:max:0.9';
  for (const [width, height, scale] of [[1440, 1000, 2], [390, 844, 1]]) {
    const page = await open(link, { viewport: { width, height }, deviceScaleFactor: scale });
    await waitForOptimum(page);
    await page.locator('[data-action=run-policies]').click();
    await page.waitForFunction(() => document.querySelectorAll('.policies-table tbody tr').length === 3, null,
      { timeout: 180_000, polling: 50 });
    await page.locator('.optimizer').screenshot({ path: path.join(dir, `tradeoffs-optimizer-${width}.png`) });
    await page.locator('.policies').screenshot({ path: path.join(dir, `tradeoffs-policies-${width}.png`) });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('hovering a frontier point or a heat map cell reads out its knob values and metrics; the heat map has its own metric', { timeout: 180_000 }, async () => {
  const page = await open(GRID, { viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 2 });
  const map = await waitForHeatmap(page);
  const done = await waitForSweep(page);
  // The heat map's metric: its own picker, in the link; the cells are recoloured.
  assert.equal(await page.locator('#sweep-heat').inputValue(), 'whole_run.mean_fatigue');
  await page.locator('#sweep-heat').selectOption('last_week.roi');
  await waitForUrl(page, (q) => q.includes('sweep.heat=last_week.roi'));
  await page.waitForFunction(() => document.querySelector('.heatmap-canvas')?.getAttribute('data-drawn-done') === '9');
  // Hover cell 4 (every 8, reserve 0.5).
  const [, x0, y0, x1, y1] = map.cells.split(' ').map((c) => c.split(':').map(Number)).find(([i]) => i === 4);
  const heat = page.locator('.heatmap-canvas');
  const hbox = await heat.boundingBox();
  const [hw, hh] = await heat.evaluate((c) => [c.width / 2, c.height / 2]);
  await heat.hover({ position: { x: (((x0 + x1) / 2) * hbox.width) / hw, y: (((y0 + y1) / 2) * hbox.height) / hh } });
  const tip = page.locator('.heatmap-chart .tradeoff-tooltip');
  await tip.waitFor({ timeout: 5_000 });
  assert.equal(await tip.getAttribute('data-index'), '4');
  const text = await tip.innerText();
  assert.match(text, /: 8 /, text);
  assert.match(text, /0\.5/, text);
  assert.match(text, /ROI, last week/, text);
  await page.screenshot({ path: path.join(ensureArtifacts(), 'tradeoffs-heatmap-hover-1440.png'), fullPage: false, clip: { x: hbox.x, y: hbox.y, width: hbox.width, height: hbox.height } });
  // Hover a frontier point.
  const positions = done.positions.split(' ').map((p) => p.split(':').map(Number));
  const [index, px, py] = positions[0];
  const canvas = page.locator('.frontier-canvas');
  const box = await canvas.boundingBox();
  const [w, h] = await canvas.evaluate((c) => [c.width / 2, c.height / 2]);
  await canvas.hover({ position: { x: (px * box.width) / w, y: (py * box.height) / h } });
  const ftip = page.locator('.frontier-chart .tradeoff-tooltip');
  await ftip.waitFor({ timeout: 5_000 });
  assert.equal(await ftip.getAttribute('data-index'), String(index));
  assert.match(await ftip.innerText(), /Revenue \/ day, whole run/);
  await page.mouse.move(1, 1);
  await ftip.waitFor({ state: 'detached', timeout: 5_000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('promotion metrics are in the metric menus only with promotion on; choosing one sweeps it', { timeout: 180_000 }, async () => {
  const options = (page, id) => page.locator(`#${id} option`).evaluateAll((os) => os.map((o) => o.value));
  const off = await open('v=1&users=300&days=14&page=tradeoffs&sweep.points=3');
  await waitForSweep(off);
  for (const id of ['sweep-x', 'sweep-y', 'sweep-colour']) {
    assert.ok(!(await options(off, id)).some((v) => v.startsWith('promotion.')), id);
  }
  assert.ok(!(await options(off, 'opt-objective')).some((v) => v.startsWith('promotion.')));
  assert.deepEqual(off.errors, []);
  await off.context().close();

  const page = await open('v=1&users=300&days=14&promo=1&promo_share=0.3&promo_class=category&promo_cat=1'
    + '&page=tradeoffs&sweep.from=2&sweep.to=14&sweep.points=4');
  await waitForSweep(page);
  const xs = await options(page, 'sweep-x');
  assert.equal(xs.filter((v) => v.startsWith('promotion.')).length, 24, 'eight promotion metrics × three windows');
  assert.ok((await options(page, 'opt-objective')).includes('promotion.promoted_roi'));
  const label = await page.locator('#sweep-x option[value="promotion.last_week.promoted_roi"]').innerText();
  assert.equal(label, 'Promoted class: ROI, last week');
  await page.locator('#sweep-x').selectOption('promotion.last_week.promoted_roi');
  await waitForUrl(page, (q) => q.includes('sweep.x=promotion.last_week.promoted_roi'));
  // Only the drawing changes: the frontier is read from the points' promotion summaries, a
  // number for each point (an absent value would show as —).
  await page.waitForFunction(
    () => document.querySelector('.frontier-table thead th:nth-child(2)')?.innerText === 'Promoted class: ROI, last week',
    null, { timeout: 10_000 },
  );
  const cells = await page.locator('.frontier-table tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(cells.length >= 1, 'a frontier');
  assert.ok(cells.every((t) => /^[\d,.]+$/.test(t)), JSON.stringify(cells));
  const done = await waitForSweep(page);
  assert.equal(done.positions.split(' ').filter(Boolean).length, 4, done.positions);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
