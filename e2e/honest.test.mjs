// Browser tests of honest controls and results, and of the first step, on the built app (dist/).
//
// Run: build first (`trunk build --release`), then `node --test e2e/honest.test.mjs`.
// Screenshots go to artifacts/ (honest-*.png) at 1440×1000 and 390×844.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import {
  useApp, newPage, waitForResults, kpi, setSlider, changeAndWait, queryOf, waitForUrl,
  ensureArtifacts,
} from './helpers.mjs';

// Serves dist/ and launches Chromium once for this file.
const app = useApp();

const PHONE = { width: 390, height: 844 };

/** Opens the app with `query` and waits for its first drawn results. With `dismissed`, the first
 * step is marked as dismissed before the page loads. */
async function open(query = '', { dismissed = true, viewport } = {}) {
  const page = await newPage(app.browser, viewport ? { viewport } : {});
  if (dismissed) {
    await page.addInitScript(() => {
      if (!sessionStorage.getItem('honest-test-init')) {
        localStorage.setItem('sandbox.first_step.dismissed', '1');
        sessionStorage.setItem('honest-test-init', '1');
      }
    });
  }
  await page.goto(app.server.url + (query ? `?${query}` : ''));
  await waitForResults(page, 0);
  return page;
}

async function closePage(page) {
  await page.context().close();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ensureArtifacts(), `honest-${name}.png`), fullPage: false });
}

test('every below the minimum gap says the gap overrides it', { timeout: 90_000 }, async () => {
  const page = await open('every=2&min_gap=3');
  try {
    const control = page.locator('[data-param="every"]');
    assert.match(await control.locator('.note').innerText(), /Minimum gap 3 overrides this: ad every 2 acts as 3\./);
    assert.ok(await control.evaluate((el) => el.classList.contains('inactive')));
    // every=2 and every=3 give the same numbers.
    const revenue2 = await kpi(page, 'revenue');
    await changeAndWait(page, (p) => setSlider(p, 'every', 3));
    assert.equal(await kpi(page, 'revenue'), revenue2);
    assert.equal(await control.locator('.note').count(), 0);
    // Past the gap the knob acts again.
    await changeAndWait(page, (p) => setSlider(p, 'every', 5));
    assert.notEqual(await kpi(page, 'revenue'), revenue2);
    assert.equal(await control.locator('.note').count(), 0);
    // The max ads note names the ads that fit.
    await changeAndWait(page, (p) => setSlider(p, 'max_ads', 12));
    assert.match(await page.locator('[data-param="max_ads"] .note').innerText(), /Only \d+ ads fit .* max ads 12 acts as \d+\./);
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('a link beyond the slider widens it, with consistent value, readout and range', { timeout: 90_000 }, async () => {
  const page = await open('reserve=8');
  try {
    const input = page.locator('#param-reserve');
    assert.equal(await input.getAttribute('max'), '8');
    assert.equal(await input.getAttribute('min'), '0');
    assert.equal(Number(await input.inputValue()), 8);
    const control = page.locator('[data-param="reserve"]');
    assert.equal(await control.locator('.readout').innerText(), '8.00');
    const range = await control.locator('.range').innerText();
    assert.match(range, /Range: 0\.00–8\.00 currency per click, widened to show this value \(the slider's usual range is 0\.00–5\.00; accepted: 0–10\)\./);
    // No problem banner: 8 is a valid reserve.
    assert.equal(await page.locator('.banner').count(), 0);
    await waitForUrl(page, (q) => q.includes('reserve=8'));
    await control.scrollIntoViewIfNeeded();
    await shot(page, 'reserve-8-desktop');
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('a dead market says no ads were shown, why, and shows — for ratios', { timeout: 90_000 }, async () => {
  const page = await open('reserve=10');
  try {
    const box = page.locator('[data-state="no-ads"]');
    assert.equal(await box.count(), 1);
    const text = await box.innerText();
    assert.match(text, /No ads were shown in this run/);
    assert.match(text, /The reserve \(10 per click\) is above every advertiser's bid: the highest bid is [\d.]+ per click/);
    assert.equal((await page.locator('[data-kpi="roi"] .kpi-value').innerText()).trim(), '—');
    assert.equal((await page.locator('tr[data-metric="avg_cpc"] td[data-window="whole_run"]').innerText()).trim(), '—');
    assert.equal((await page.locator('[data-kpi="revenue"] .kpi-value').innerText()).trim(), '0');
    await shot(page, 'no-ads-desktop');
    // A live market has no such box.
    await changeAndWait(page, (p) => setSlider(p, 'reserve', 0.25));
    assert.equal(await box.count(), 0);
    assert.notEqual((await page.locator('[data-kpi="roi"] .kpi-value').innerText()).trim(), '—');
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('the first step loads each question, explains it, and stays dismissed', { timeout: 240_000 }, async () => {
  const page = await open('', { dismissed: false });
  try {
    const panel = page.locator('#first-step');
    assert.equal(await panel.count(), 1);
    assert.equal(await page.locator('.question').count(), 4);
    await shot(page, 'first-step-desktop');
    let revenue = await kpi(page, 'revenue');
    for (const [id, preset] of [['ad_load', 'aggressive_load'], ['launch', 'launch'], ['reserve', 'high_reserve'], ['churn', 'advertiser_churn']]) {
      await changeAndWait(page, (p) => p.locator(`[data-question="${id}"]`).click());
      await waitForUrl(page, (q) => q.includes('base='));
      assert.equal(await page.locator('[data-testid="preset"]').inputValue(), preset, id);
      assert.equal(await page.locator(`[data-question="${id}"]`).getAttribute('aria-pressed'), 'true');
      const notice = page.locator(`[data-notice-for="${id}"]`);
      await notice.waitFor();
      const text = await notice.innerText();
      assert.match(text, /^What to notice: .*\d.*\.$/s, text);
      const now = await kpi(page, 'revenue');
      assert.notEqual(now, revenue, `${id}: numbers change`);
      revenue = now;
      // The baseline is pinned, so the cards compare against it.
      assert.ok(await page.locator('.kpi-baseline').count() > 0, id);
    }
    await shot(page, 'first-step-notice-desktop');
    // Dismiss, reload: still dismissed. The header reopens it.
    await page.locator('[data-action="dismiss-first-step"]').click();
    assert.equal(await panel.count(), 0);
    await page.reload();
    await waitForResults(page, 0);
    assert.equal(await page.locator('#first-step').count(), 0);
    await page.locator('[data-action="open-first-step"]').click();
    await page.locator('#first-step').waitFor();
    await page.reload();
    await waitForResults(page, 0);
    assert.equal(await page.locator('#first-step').count(), 1, 'reopened stays open');
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});

test('rarely used groups start collapsed unless a knob in them differs from its default', { timeout: 90_000 }, async () => {
  const page = await open();
  try {
    const isOpen = async (g) => page.locator(`details[data-group="${g}"]`).evaluate((el) => el.open);
    for (const g of ['ranking-utility', 'auction', 'ad-load']) assert.equal(await isOpen(g), true, g);
    for (const g of ['users', 'advertisers', 'new-ad-offering', 'simulation']) assert.equal(await isOpen(g), false, g);
    await closePage(page);
    const changed = await open('fat_sens=2');
    try {
      const isOpen = async (g) => changed.locator(`details[data-group="${g}"]`).evaluate((el) => el.open);
      assert.equal(await isOpen('users'), true);
      assert.equal(await isOpen('advertisers'), false);
      // A collapsed group opens on click.
      await changed.locator('details[data-group="advertisers"] > summary').click();
      assert.equal(await isOpen('advertisers'), true);
    } finally {
      await closePage(changed);
    }
  } catch (e) {
    await closePage(page).catch(() => {});
    throw e;
  }
});

test('on a phone the results come before the controls', { timeout: 120_000 }, async () => {
  const page = await open('', { dismissed: false, viewport: PHONE });
  try {
    const top = async (sel) => page.locator(sel).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    const kpis = await top('.kpis');
    const charts = await top('.charts');
    const controls = await top('.sidebar');
    assert.ok(kpis < controls && charts < controls, `kpis ${kpis}, charts ${charts}, controls ${controls}`);
    // Nothing overflows sideways.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width}px wide`);
    await shot(page, 'first-step-phone');
    await page.locator('.kpis').scrollIntoViewIfNeeded();
    await shot(page, 'kpis-phone');
    await page.goto(app.server.url + '?reserve=10');
    await waitForResults(page, 0);
    await page.locator('[data-state="no-ads"]').scrollIntoViewIfNeeded();
    await shot(page, 'no-ads-phone');
    assert.deepEqual(page.errors, []);
  } finally {
    await closePage(page);
  }
});
