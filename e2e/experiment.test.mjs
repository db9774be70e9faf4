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
// data-total (jobs); #exp-power-answer carries data-n and data-days.

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

  // The link in a fresh page reruns the experiment and shows the same numbers.
  const fresh = await open(link);
  const again = await waitForReport(fresh);
  assert.deepEqual(again.rows, second.rows);
  assert.deepEqual(again.designs, second.designs);
  assert.equal(again.table, second.table);
  assert.equal(again.report, second.report);
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
    await waitForReport(page);
    await page.screenshot({ path: path.join(dir, name), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling at ${width} px (overflow ${overflow} px)`);
    assert.deepEqual(page.errors, []);
  }
});
