// Benchmark (not a test): input → redraw latency and main-thread long tasks while dragging.
//
// Run after `trunk build --release`:  node e2e/bench.mjs [moves=20] [query, e.g. "users=20000&days=365"]
//
// 1. Latency: for each of N slider moves, time from the `input` event (performance.now() in the
//    page just before dispatching it) to the app's `performance.mark("results-drawn")` for the
//    run that move caused. It includes the 25 ms debounce, the worker's run, the transfer and
//    drawing every chart. Prints every sample, the median and the engine's share.
// 2. Long tasks: a 2-second drag (an `input` event every 16 ms, like a pointer drag at 60 Hz)
//    followed by the results it causes, with a PerformanceObserver('longtask') recording every
//    main-thread task over 50 ms.
// 3. Sweep: the Tradeoffs tab's default 21-point sweep on the worker pool, against 21 / workers
//    single runs of the engine in the worker (from 1b), and the time of each redraw of the
//    frontier as the points arrive (`performance.measure("frontier-draw")`).
// 4. Lab kernel: the mechanism lab's Monte Carlo in the worker (the page's
//    `sandboxLabBench(spec)`: one `sandbox auction` spec as its own job) — 10 uniform bidders
//    bidding truthfully, 3 slots (1, 0.6, 0.3), GSP and VCG priced on the same auctions
//    (scripts/bench_lab.sh's spec) — in auctions per second of the worker's engine time, against
//    the native CLI on one thread (`sandbox auction --threads 1`, whole command). LAB_AUCTIONS
//    (default 1e6) auctions per run, 2 warm-up runs, median of 5. LAB_ONLY=1 runs only this part.
// 5. Experiment: the Experiments tab's 14-day experiment on the default scenario (treatment: ad
//    every 3 slots) with its truth runs and 20 replications, its jobs spread over a pool of 4
//    workers (the page is told it has 5 logical processors). Timed from "This is the treatment"
//    to the report shown, after a first run that warms the workers up.
//    `BENCH_ONLY=experiment node e2e/bench.mjs` runs this part alone.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  serveDist, launch, newPage, waitForResults, resultId, statusText, STATUS_RE,
} from './helpers.mjs';

const MOVES = Number(process.argv[2] ?? 20);
const QUERY = process.argv[3] ?? '';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => x.toFixed(1);

const LAB_AUCTIONS = Number(process.env.LAB_AUCTIONS ?? 1_000_000);

/** Part 4: the lab kernel in the worker against the native CLI on one thread. */
async function labKernel(browser, server) {
  const labPage = await newPage(browser);
  await labPage.goto(server.url + '?v=1&page=lab');
  await labPage.waitForFunction(() => typeof window.sandboxLabBench === 'function', null, { timeout: 60_000 });
  const spec = {
    format: ['gsp', 'vcg'], bidding: 'truthful', bidders: 10,
    values: { uniform: { low: 0, high: 1 } }, slot_ctrs: [1.0, 0.6, 0.3],
    auctions: LAB_AUCTIONS, seed: 7,
  };
  const run = async () => {
    const before = await labPage.evaluate(() => Number(document.querySelector('#lab-bench')?.dataset.id ?? 0));
    await labPage.evaluate((s) => window.sandboxLabBench(s), JSON.stringify(spec));
    const handle = await labPage.waitForFunction((b) => {
      const o = document.querySelector('#lab-bench');
      return o && Number(o.dataset.id) > b && { ms: Number(o.dataset.engineMs), error: o.dataset.error };
    }, before, { timeout: 600_000, polling: 50 });
    const r = await handle.jsonValue();
    if (r.error) throw new Error(`lab bench: ${r.error}`);
    return r.ms;
  };
  await run();
  await run();
  const wasm = [];
  for (let i = 0; i < 5; i++) wasm.push(await run());
  const specPath = join(tmpdir(), 'sandbox-bench-lab.json');
  writeFileSync(specPath, JSON.stringify(spec));
  execFileSync('cargo', ['build', '-q', '--release', '--bin', 'sandbox']);
  const native = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync('target/release/sandbox', ['auction', '--threads', '1', specPath]);
    native.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const rate = (ms) => (LAB_AUCTIONS / (ms / 1000) / 1e6).toFixed(1);
  console.log(`lab kernel, ${LAB_AUCTIONS} auctions (10 uniform bidders, 3 slots, GSP + VCG): ` +
    `wasm (worker) median ${fmt(median(wasm))} ms = ${rate(median(wasm))} M auctions/s ` +
    `[${wasm.map(fmt).join(', ')}]; native CLI, 1 thread, whole command: median ${fmt(median(native))} ms = ` +
    `${rate(median(native))} M auctions/s; wasm/native time ${(median(wasm) / median(native)).toFixed(2)}`);
  if (labPage.errors.length) console.log('lab page errors:', labPage.errors);
}

/** Part 5: the experiment on a pool of 4 workers; prints and returns the times (ms). */
async function benchExperiment(browser, server) {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 5 });
  });
  const report = async (after) => (await page.waitForFunction((after) => {
    const s = document.querySelector('.exp-results');
    const p = document.querySelector('.exp-progress');
    if (!s || !p || s.getAttribute('data-computing') !== 'false') return false;
    const id = Number(s.getAttribute('data-run-id'));
    if (!(id > after)) return false;
    return { id, jobs: Number(p.dataset.total), text: p.textContent };
  }, after, { timeout: 600_000, polling: 20 })).jsonValue();
  const t0 = Date.now();
  await page.goto(server.url + '?v=1&page=experiment&exp.t=every:3&exp.reps=20');
  const first = await report(0);
  const cold = Date.now() - t0;
  const times = [];
  let last = first;
  for (const every of [4, 3, 4]) {
    await page.selectOption('#exp-knob', 'every');
    await page.fill('#exp-value', String(every));
    await page.dispatchEvent('#exp-value', 'change');
    const t = Date.now();
    await page.click('#exp-add');
    last = await report(last.id);
    times.push(Date.now() - t);
  }
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  console.log(`experiment: 14 days, default scenario, truth and 20 replications = ${first.jobs} jobs on 4 workers ` +
    `(page told ${cores} processors; the machine has ${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)}): ` +
    `first run (page load, workers starting) ${fmt(cold)} ms; warm runs ${times.map(fmt).join(', ')} ms ` +
    `(median ${fmt(median(times))} ms; target < 3000 ms)`);
  if (page.errors.length) console.log('experiment page errors:', page.errors);
  return times;
}

const server = await serveDist();
const browser = await launch();
try {
  if (process.env.LAB_ONLY) {
    await labKernel(browser, server);
    process.exitCode = 0;
  } else if (process.env.BENCH_ONLY === 'experiment') {
    await benchExperiment(browser, server);
  } else {
  const page = await newPage(browser);
  await page.goto(server.url + (QUERY ? `?v=1&${QUERY}` : ''));
  await waitForResults(page, 0);
  // Warm up (first worker call runs before tier-up).
  for (let i = 0; i < 3; i++) {
    const before = await resultId(page);
    await page.locator('#param-reserve').evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, 0.2 + 0.1 * i);
    await waitForResults(page, before);
  }

  // ---------------- 1. input → redraw ----------------
  const samples = [];
  const engine = [];
  for (let i = 0; i < MOVES; i++) {
    const before = await resultId(page);
    const value = (i % 2 === 0 ? 0.5 : 0.1) + 0.01 * i;
    await page.locator('#param-reserve').evaluate((el, v) => {
      performance.clearMarks('results-drawn');
      window.__t0 = performance.now();
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);
    await waitForResults(page, before);
    const ms = await page.evaluate(() => {
      const marks = performance.getEntriesByName('results-drawn');
      return marks[marks.length - 1].startTime - window.__t0;
    });
    samples.push(ms);
    const m = (await statusText(page)).match(STATUS_RE);
    engine.push(Number(m[3]));
  }
  const status = await statusText(page);
  console.log(`config: ${QUERY || 'default'} (${status.replace(/ in .*/, '')})`);
  console.log(`input → charts redrawn, ${MOVES} moves (ms): ${samples.map(fmt).join(', ')}`);
  console.log(`median input → redraw: ${fmt(median(samples))} ms ` +
    `(debounce 25 ms + engine median ${fmt(median(engine))} ms + transfer/draw ` +
    `${fmt(median(samples) - 25 - median(engine))} ms)`);

  // ---------------- 1b. wasm engine vs native engine, same configuration ----------------
  // The page's current configuration (after the moves above) is exported from its link, run by
  // the native CLI's `bench` (engine only, release build) and compared with the worker's engine
  // time for the same configuration.
  const link = page.url();
  const cliConfig = execFileSync('cargo', ['run', '-q', '--release', '--bin', 'sandbox', '--',
    'simulate', '--summary', '--link', link], { encoding: 'utf8' });
  const configPath = join(tmpdir(), 'sandbox-bench-config.json');
  writeFileSync(configPath, JSON.stringify(JSON.parse(cliConfig).config));
  const native = JSON.parse(execFileSync('cargo', ['run', '-q', '--release', '--bin', 'sandbox', '--',
    'bench', configPath, '--runs', '11'], { encoding: 'utf8' }));
  const wasmEngine = [];
  for (let i = 0; i < 11; i++) {
    const before = await resultId(page);
    await page.locator('#param-seed').evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, 2 + (i % 2));
    await waitForResults(page, before);
    wasmEngine.push(Number((await statusText(page)).match(STATUS_RE)[3]));
  }
  console.log(`engine, same configuration: wasm (worker) median ${fmt(median(wasmEngine))} ms, ` +
    `native median ${fmt(native.median_ms)} ms, wasm/native ${(median(wasmEngine) / native.median_ms).toFixed(2)}`);

  // ---------------- 2. long tasks while dragging ----------------
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: false });
  });
  const before = await resultId(page);
  const drag = await page.locator('#param-every').evaluate(async (el) => {
    const t0 = performance.now();
    const handlers = [];
    for (let i = 0; i < 125; i++) {
      el.value = String(1 + (i % 30));
      el.dispatchEvent(new Event('input', { bubbles: true }));
      const t = performance.now();
      await new Promise((r) => setTimeout(r, 16));
      handlers.push(performance.now() - t);
    }
    return { ms: performance.now() - t0, worstFrameGap: Math.max(...handlers) };
  });
  await waitForResults(page, before);
  await page.waitForTimeout(300);
  const longTasks = await page.evaluate(() => window.__long);
  const durations = longTasks.map((t) => t.duration);
  console.log(`drag: 125 input events over ${fmt(drag.ms)} ms; worst gap between 16 ms ticks ${fmt(drag.worstFrameGap)} ms`);
  console.log(`long tasks (> 50 ms) on the main thread during the drag and its redraw: ${durations.length}` +
    (durations.length ? ` (max ${fmt(Math.max(...durations))} ms: ${durations.map(fmt).join(', ')})` : ''));

  // ---------------- 3. a 21-point sweep on the worker pool ----------------
  const sweepPage = await newPage(browser);
  await sweepPage.goto(server.url + `?v=1${QUERY ? `&${QUERY}` : ''}&page=tradeoffs`);
  await sweepPage.waitForFunction(() => {
    const p = document.querySelector('.sweep-progress');
    return p && p.dataset.total && p.dataset.done === p.dataset.total;
  }, null, { timeout: 300_000 });
  const { total, text, cores } = await sweepPage.evaluate(() => ({
    total: Number(document.querySelector('.sweep-progress').dataset.total),
    text: document.querySelector('.sweep-progress').textContent,
    cores: navigator.hardwareConcurrency,
  }));
  const seconds = Number(text.match(/·\s*([\d.]+)\s*s/)[1]);
  const workers = Math.min(8, Math.max(1, cores - 1));
  const ideal = (total / workers) * median(wasmEngine);
  console.log(`sweep: ${total} points on ${workers} worker(s) (${cores} cores) in ${fmt(seconds * 1000)} ms; ` +
    `${total} / ${workers} single runs take ${fmt(ideal)} ms: ratio ${(seconds * 1000 / ideal).toFixed(2)}`);
  // The frontier's redraws while the points arrived (each a performance.measure of the tab).
  const draws = await sweepPage.evaluate(() =>
    performance.getEntriesByName('frontier-draw', 'measure').map((e) => e.duration));
  console.log(`frontier redraw per arriving point: ${draws.length} redraws, median ${fmt(median(draws))} ms, ` +
    `max ${fmt(Math.max(...draws))} ms (target ≤ 16 ms)`);
  if (sweepPage.errors.length) console.log('sweep page errors:', sweepPage.errors);

  if (page.errors.length) console.log('page errors:', page.errors);

  // ---------------- 4. the lab kernel in the worker ----------------
  await labKernel(browser, server);

  // ---------------- 5. an experiment on the worker pool ----------------
  await benchExperiment(browser, server);
  }
} finally {
  await browser.close();
  await server.stop();
}
