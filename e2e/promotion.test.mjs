// Browser test of the "Promotional bandwidth" section: shown with promotion on, its promoted
// impression share above the share the launched cohort gets without reserved sessions
// (share 0, where every number is the run without promotion), and absent with promotion off.
// Screenshot: artifacts/promotion.png.
//
// Run: build first (`trunk build --release`), then `node --test e2e/promotion.test.mjs`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { useApp, waitForResults, ensureArtifacts } from './helpers.mjs';

const app = useApp();

async function open(query) {
  const context = await app.browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  await page.goto(`${app.server.url}?${query}`);
  await waitForResults(page, 0);
  return page;
}

/** `data-value` of promotion metric `key` over `window` (NaN when undefined or absent). */
async function promo(page, key, window) {
  const cell = page.locator(`[data-promo="${key}"][data-window="${window}"]`);
  if ((await cell.count()) === 0) return NaN;
  const v = await cell.getAttribute('data-value');
  return v === '' ? NaN : Number(v);
}

test('promotional bandwidth: the promoted class gains impression share; off, no section', async () => {
  const on = await open('v=1&launch=1&promo=1&promo_share=0.5');
  const section = on.locator('[data-section="promotion"]');
  assert.equal(await section.count(), 1);
  const shareOn = await promo(on, 'promoted_impression_share', 'last_week');
  assert.ok(shareOn > 0 && shareOn <= 1, `share ${shareOn}`);
  for (const key of ['promoted_spend_per_day', 'others_revenue_per_day', 'others_cpc']) {
    assert.ok(Number.isFinite(await promo(on, key, 'whole_run')), key);
  }
  await section.screenshot({ path: path.join(ensureArtifacts(), 'promotion.png') });
  assert.deepEqual(on.errors, []);
  await on.context().close();

  // Share 0: the run without promotion, with the launched cohort's share recorded.
  const zero = await open('v=1&launch=1&promo=1&promo_share=0');
  const shareZero = await promo(zero, 'promoted_impression_share', 'last_week');
  assert.ok(shareOn > shareZero, `${shareOn} vs ${shareZero}`);
  await zero.context().close();

  const off = await open('v=1&launch=1');
  assert.equal(await off.locator('[data-section="promotion"]').count(), 0);
  assert.equal(await off.locator('[data-promo]').count(), 0);
  await off.context().close();
});
