// Browser tests of the Experiments tab: `?page=experiment` with the current design as control;
// define a treatment in the editor, compare two designs side by side, see the estimate-vs-truth
// table and the readout; the link carries every setting and, opened in a fresh page, reruns the
// experiment and shows the same numbers. A world knob in a link is reported with the spec
// parser's message. Screenshots for review at 1440×1000 (DPR 2) and 390×844 go to artifacts/.
//
// Run: build first (`trunk build --release`), then `node --test e2e/experiment.test.mjs`.
//
// .exp-results carries data-run-id (the run whose report is shown) and data-computing; rows of
// #exp-estimates carry data-metric, data-estimate, data-truth and data-long-term; cells of
// #exp-designs-table carry data-design and data-estimate; .exp-progress carries data-done and
// data-total (jobs); #exp-power-answer carries data-n and data-days. The charts' canvases
// (.exp-canvas) carry data-chart (estimate, daily, learning), data-points, data-message (empty
// when data is drawn) and data-drawn (`RUN` for the estimate chart, `RUN/METRIC` for the others);
// #exp-chart-metric picks the metric of the daily effect and the learning curve (`exp.chart`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { useApp, newPage, waitForUrl, queryOf, ensureArtifacts } from './helpers.mjs';

const app = useApp();
const SMALL = 'users=400&days=21';

async function open(query, options = {}) {
  const page = await newPage(app.browser, options);
  await page.goto(`${app.server.url}?${query}`);
  return page;
}

/**
 * Waits until a report newer than `after` is shown (of a run of `jobs` jobs, when given: edits
 * made one after another may each start a run); returns what the page shows.
 */
async function waitForReport(page, after = 0, jobs = 0, timeout = 120_000) {
  const handle = await page.waitForFunction(([after, jobs]) => {
    const s = document.querySelector('.exp-results');
    if (!s || s.getAttribute('data-computing') !== 'false') return false;
    const id = Number(s.getAttribute('data-run-id'));
    if (!(id > after)) return false;
    if (jobs && Number(document.querySelector('.exp-progress')?.dataset.total) !== jobs) return false;
    const rows = [...document.querySelectorAll('#exp-estimates tbody tr')].map((r) => ({
      metric: r.dataset.metric, estimate: r.dataset.estimate, truth: r.dataset.truth, longTerm: r.dataset.longTerm,
    }));
    const designs = [...document.querySelectorAll('#exp-designs-table td[data-design]')].map((c) =>
      `${c.closest('tr').dataset.metric}/${c.dataset.design}=${c.dataset.estimate}`);
    const progress = document.querySelector('.exp-progress');
    return {
      id,
      rows,
      designs,
      table: document.querySelector('#exp-estimates').innerText,
      readout: document.querySelector('.exp-readout').innerText,
      srm: document.querySelector('.exp-srm')?.dataset.p ?? null,
      jobs: Number(progress?.dataset.total ?? 0),
      report: document.querySelector('#exp-report-json')?.textContent ?? '',
    };
  }, [after, jobs], { timeout, polling: 50 });
  return handle.jsonValue();
}

/**
 * Waits until the charts of run `id` are drawn (the daily effect and learning curve of `metric`,
 * when given; the learning curve only when `learning`); returns each chart's attributes with its
 * count of non-white backing pixels and a digest of them.
 */
async function waitForCharts(page, id, { metric = null, learning = false } = {}, timeout = 60_000) {
  const handle = await page.waitForFunction(([id, metric, learning]) => {
    const canvas = (name) => document.querySelector(`.exp-canvas[data-chart="${name}"]`);
    const est = canvas('estimate');
    const daily = canvas('daily');
    const learn = canvas('learning');
    const shown = document.querySelector('#exp-charts')?.dataset.metric;
    if (!est || !daily || (learning && !learn) || (!learning && learn)) return false;
    if (metric && shown !== metric) return false;
    if (est.dataset.drawn !== String(id) || daily.dataset.drawn !== `${id}/${shown}`) return false;
    if (learn && learn.dataset.drawn !== `${id}/${shown}`) return false;
    const look = (c) => {
      if (!c) return null;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 0;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) ink += 1;
        h = (h * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) >>> 0;
      }
      return {
        points: Number(c.dataset.points), message: c.dataset.message, ink, h,
        width: c.width, cssWidth: c.getBoundingClientRect().width,
      };
    };
    return {
      metric: shown,
      select: document.querySelector('#exp-chart-metric').value,
      estimate: look(est), daily: look(daily), learning: look(learn),
    };
  }, [id, metric, learning], { timeout, polling: 50 });
  return handle.jsonValue();
}

test('experiment: define a treatment, compare two designs, see estimate vs truth and the readout; the link reproduces them', { timeout: 300_000 }, async () => {
  const page = await open(`${SMALL}&page=experiment`);
  // No treatment yet: the tab says what to do.
  await page.waitForSelector('#exp-problem');
  assert.match(await page.innerText('#exp-problem'), /no treatment/);

  // Treatment: fixed ad load every 3 slots (the default design shows one every 5).
  await page.selectOption('#exp-knob', 'every');
  await page.fill('#exp-value', '3');
  await page.dispatchEvent('#exp-value', 'change');
  await page.click('#exp-add');
  await page.waitForSelector('#exp-treatment tr[data-knob="every"]');
  const first = await waitForReport(page);
  assert.ok(first.rows.length >= 3, 'the default metrics are shown');
  const revenue = first.rows.find((r) => r.metric === 'revenue_per_day');
  assert.ok(Number.isFinite(Number(revenue.estimate)) && Number.isFinite(Number(revenue.truth)));
  assert.ok(Number(revenue.truth) > 0, 'more ads: more revenue in truth');

  // The charts: estimate vs truth for every metric, the first metric's daily effect, no
  // learning curve without a post-period.
  const charts = await waitForCharts(page, first.id);
  const options = await page.locator('#exp-chart-metric option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual([...options].sort(), first.rows.map((r) => r.metric).sort(), 'every metric can be picked');
  assert.equal(charts.metric, options[0], 'the daily effect shows the report\'s first metric');
  assert.equal(charts.select, charts.metric);
  assert.equal(charts.estimate.message, '');
  assert.equal(charts.estimate.points, first.rows.length, 'one row per metric');
  assert.ok(charts.estimate.ink > 2000, `the estimate chart is drawn (${charts.estimate.ink} px)`);
  assert.equal(charts.daily.message, '');
  assert.equal(charts.daily.points, 14, 'one point per test day (14 by default)');
  assert.ok(charts.daily.ink > 2000, `the daily effect is drawn (${charts.daily.ink} px)`);
  assert.equal(charts.learning, null);
  // Another metric: the daily effect is redrawn, nothing reruns, the link carries it.
  const other = options[1];
  await page.selectOption('#exp-chart-metric', other);
  const picked = await waitForCharts(page, first.id, { metric: other });
  assert.notEqual(picked.daily.h, charts.daily.h, 'the daily effect is redrawn');
  assert.equal(picked.estimate.h, charts.estimate.h, 'the estimate chart is unchanged');
  assert.ok(picked.daily.ink > 2000);
  assert.equal(await page.getAttribute('.exp-results', 'data-run-id'), String(first.id), 'no new run');
  await waitForUrl(page, (q) => q.includes(`exp.chart=${other}`));

  // Two designs side by side, and two replications.
  await page.fill('#exp-reps', '2');
  await page.dispatchEvent('#exp-reps', 'change');
  await waitForUrl(page, (q) => q.includes('exp.reps=2'));
  await page.check('#exp-designs input[data-design="user"]');
  await page.check('#exp-designs input[data-design="switchback"]');
  // Two replications, the long-term truth and two designs.
  const second = await waitForReport(page, first.id, 2 + 1 + 2);
  assert.ok(second.designs.some((d) => d.startsWith('revenue_per_day/user=')));
  assert.ok(second.designs.some((d) => d.startsWith('revenue_per_day/switchback=')));
  assert.match(second.table, /Bias/);
  assert.ok(second.readout.length > 20, 'the readout says something');
  assert.ok(second.srm !== null);
  const link = await waitForUrl(page, (q) => q.includes('exp.designs=user,switchback') && q.includes('exp.reps=2'));
  assert.ok(link.includes('page=experiment'));
  assert.ok(link.includes('exp.t=every:3'));
  assert.ok(link.includes(`exp.chart=${other}`));
  const secondCharts = await waitForCharts(page, second.id, { metric: other });
  // Two designs' rows (the report's, user, is also among the two side by side: drawn once),
  // each over every metric.
  assert.equal(secondCharts.estimate.points, 2 * second.rows.length);

  // The link in a fresh page reruns the experiment and shows the same numbers.
  const fresh = await open(link);
  const again = await waitForReport(fresh);
  assert.deepEqual(again.rows, second.rows);
  assert.deepEqual(again.designs, second.designs);
  assert.equal(again.table, second.table);
  assert.equal(again.report, second.report);
  const freshCharts = await waitForCharts(fresh, again.id, { metric: other });
  assert.equal(freshCharts.select, other, 'the link picks the charts\' metric');
  assert.equal(freshCharts.daily.points, secondCharts.daily.points);
  assert.equal(queryOf(fresh), link);
  assert.deepEqual([...page.errors, ...fresh.errors], []);
});

test('experiment: a world knob in a link is reported with the spec parser\'s message; the power calculator answers', { timeout: 120_000 }, async () => {
  const page = await open(`${SMALL}&page=experiment&exp.t=users:5000,every:3&exp.pw.baseline=0.1&exp.pw.lift=0.1`);
  await page.waitForSelector('.banner, [role=alert]');
  const text = await page.innerText('body');
  assert.match(text, /treatment\.users\.count/);
  assert.match(text, /world/);
  await waitForReport(page);
  // n per arm for p = 0.1, lift 10%: 2 (z.975 + z.8)² · 0.09 / 0.0001 ≈ 14 128.
  await page.waitForFunction(() => document.querySelector('#exp-power-answer')?.dataset.days !== '');
  const n = Number(await page.getAttribute('#exp-power-answer', 'data-n'));
  assert.equal(n, 14128);
  const days = Number(await page.getAttribute('#exp-power-answer', 'data-days'));
  assert.ok(days >= 1);
  // A smaller lift needs more units.
  await page.fill('#exp-pw-b', '0.02');
  await page.dispatchEvent('#exp-pw-b', 'change');
  await page.waitForFunction((n) => Number(document.querySelector('#exp-power-answer').dataset.n) > n, n);
  await waitForUrl(page, (q) => q.includes('exp.pw.lift=0.02'));
  assert.deepEqual(page.errors, []);
});

test('screenshots: experiment at 1440×1000 (DPR 2) and 390×844', { timeout: 240_000 }, async () => {
  const dir = ensureArtifacts();
  const query = `${SMALL}&page=experiment&exp.t=every:3&exp.reps=3&exp.pre=3&exp.post=3&exp.designs=user,switchback`;
  for (const [width, height, scale, name] of [[1440, 1000, 2, 'experiment-1440.png'], [390, 844, 1, 'experiment-390.png']]) {
    const page = await open(query, { viewport: { width, height }, deviceScaleFactor: scale });
    const report = await waitForReport(page);
    // With a post-period, the learning curve too; every canvas fits its box at the pixel ratio.
    const charts = await waitForCharts(page, report.id, { learning: true });
    assert.equal(charts.daily.points, 14 + 3, 'test and post days');
    assert.equal(charts.learning.message, '');
    assert.equal(charts.learning.points, 3, 'one point per post day');
    for (const c of [charts.estimate, charts.daily, charts.learning]) {
      assert.ok(c.ink > 2000, `drawn at ${width} px (${c.ink} px)`);
      assert.equal(c.width, Math.round(c.cssWidth * scale), 'backing store at the pixel ratio');
    }
    await page.screenshot({ path: path.join(dir, name), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling at ${width} px (overflow ${overflow} px)`);
    assert.deepEqual(page.errors, []);
  }
});

test('experiment: a switchback\'s schedule in the tab and the link; CUPED\'s coverage over replications', { timeout: 240_000 }, async () => {
  const page = await open(`${SMALL}&page=experiment&exp.t=every:3&exp.metrics=revenue_per_day,ctr`);
  const first = await waitForReport(page);
  // Only switchbacks draw days: no schedule to pick for a user design.
  assert.equal(await page.locator('#exp-switchback').count(), 0);
  await page.selectOption('#exp-design', 'switchback');
  await page.waitForSelector('#exp-switchback');
  assert.equal(await page.inputValue('#exp-switchback'), 'independent');
  const independent = await waitForReport(page, first.id);
  // Seed 1, 14 days, independent coin flips: 13 treatment days and 1 control day.
  assert.match(await page.innerText('.exp-srm'), /1 control, 13 treatment/);
  await page.selectOption('#exp-switchback', 'balanced');
  const balanced = await waitForReport(page, independent.id);
  assert.match(await page.innerText('.exp-srm'), /7 control, 7 treatment/);
  assert.ok(balanced.rows.every((r) => Number.isFinite(Number(r.estimate))), 'every metric is estimated');
  await waitForUrl(page, (q) => q.includes('exp.switchback=balanced'));
  await page.selectOption('#exp-switchback', 'paired');
  await waitForReport(page, balanced.id);
  assert.match(await page.innerText('.exp-srm'), /7 control, 7 treatment/);
  const link = await waitForUrl(page, (q) => q.includes('exp.switchback=paired'));
  const dir = ensureArtifacts();
  await page.locator('.exp-settings').screenshot({ path: path.join(dir, 'experiment-switchback-settings.png') });
  // A pre-period and replications: CUPED's bias, RMSE and coverage columns.
  const fresh = await open(`${link.replace('exp.design=switchback', 'exp.design=user')}&exp.pre=3&exp.reps=3`);
  await waitForReport(fresh);
  assert.match(await fresh.innerText('#exp-estimates thead'), /CUPED coverage/);
  const coverage = await fresh.locator('#exp-estimates td[data-cuped-coverage]').evaluateAll((cs) => cs.map((c) => Number(c.dataset.cupedCoverage)));
  assert.equal(coverage.length, 2);
  assert.ok(coverage.every((c) => c >= 0 && c <= 1), String(coverage));
  await fresh.locator('#exp-estimates').screenshot({ path: path.join(dir, 'experiment-cuped-coverage.png') });
  assert.deepEqual([...page.errors, ...fresh.errors], []);
});

test('screenshots: 15 estimate rows and a short post-period on a phone (390 px) and at 1280 px', { timeout: 240_000 }, async () => {
  const dir = ensureArtifacts();
  const query = `${SMALL}&page=experiment&exp.t=every:3&exp.post=1&exp.designs=user,budget_split,switchback`;
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    const page = await open(query, { viewport: { width, height } });
    const report = await waitForReport(page);
    const charts = await waitForCharts(page, report.id, { learning: true });
    // The report's design, user, is among the compared ones: three designs, not four.
    assert.equal(charts.estimate.points, 3 * report.rows.length);
    assert.equal(report.rows.length, 5);
    const box = await page.locator('.exp-canvas[data-chart="estimate"]').boundingBox();
    if (width === 390) {
      assert.ok(box.height > 320, `the estimate chart grows for its labels (${box.height} px)`);
    }
    assert.ok(box.x >= 0 && box.x + box.width <= width, 'within the viewport');
    await page.locator('.exp-canvas[data-chart="estimate"]').screenshot({ path: path.join(dir, `experiment-estimate-${width}.png`) });
    await page.locator('.exp-canvas[data-chart="daily"]').screenshot({ path: path.join(dir, `experiment-daily-${width}.png`) });
    assert.deepEqual(page.errors, []);
  }
});
