// driver.js - one headless Chromium page driven by JSON commands on stdin; facts back on stdout, never verdicts.
//
//   node driver.js ARTIFACT_DIR
//
// tests/integration/test_browser.py starts this with NODE_PATH pointing
// at the playwright-core that tests/lib/npmcache.sh installed, and drives
// it one command at a time: it writes one JSON object per line,
//
//   {"id": 3, "op": "goto", "url": "http://127.0.0.1:8080/"}
//
// and reads one line back, {"id": 3, "ok": true, "result": {...}} or
// {"id": 3, "ok": false, "error": "..."}. The Python side does every
// assertion (and everything that needs root: users, links, the
// database); this side only reports what the browser saw, so that a
// failure names the value that was wrong. Screenshots and downloads go
// to ARTIFACT_DIR. Every JavaScript dialog (alert, confirm, prompt) is
// recorded and dismissed: an inert XSS name must never open one.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.XANET_CHROMIUM || '/usr/bin/chromium';
const artifacts = process.argv[2];
if (!artifacts) {
  process.stderr.write('usage: node driver.js ARTIFACT_DIR\n');
  process.exit(2);
}
fs.mkdirSync(artifacts, { recursive: true });

let browser = null;
let context = null;
let page = null;
const dialogs = [];	// {type, message, url}
const pageErrors = [];	// uncaught exceptions in the page
const consoleErrors = [];	// console.error and CSP reports
const MAX_RECORDED = 200;	// bounded: a broken page must not eat memory

function record(list, item) {
  if (list.length < MAX_RECORDED) list.push(item);
}

function log(msg) {
  process.stderr.write(new Date().toISOString() + ' ' + msg + '\n');
}

// A file name inside ARTIFACT_DIR: no path separators from the caller.
function artifactPath(name) {
  const base = path.basename(String(name)).replace(/[^A-Za-z0-9._-]/g, '_');
  if (base === '' || base === '.' || base === '..') throw new Error('bad artifact name ' + name);
  return path.join(artifacts, base);
}

function attach(p) {
  p.on('dialog', async (d) => {
    record(dialogs, { type: d.type(), message: d.message(), url: p.url() });
    log('dialog ' + d.type() + ': ' + d.message());
    try { await d.dismiss(); } catch (e) { /* the page may be gone */ }
  });
  p.on('pageerror', (e) => record(pageErrors, { message: String(e), url: p.url() }));
  p.on('console', (m) => {
    if (m.type() === 'error') record(consoleErrors, { text: m.text(), url: p.url() });
  });
}

async function newContext(viewport) {
  if (context) await context.close();
  context = await browser.newContext({
    viewport: viewport || { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = await context.newPage();
  attach(page);
}

// What the page is now: enough for the test to say what went wrong.
async function where(resp) {
  return {
    url: page.url(),
    status: resp ? resp.status() : null,
    title: await page.title(),
  };
}

// The elements SELECTOR matches: text, the attributes asked for, and
// whether they are visible.
async function elements(selector, attrs) {
  const loc = page.locator(selector);
  const n = await loc.count();
  const out = [];
  for (let i = 0; i < n && i < MAX_RECORDED; i++) {
    const el = loc.nth(i);
    // innerText for HTML, textContent for the rest (an <svg> has no innerText).
    const text = await el.evaluate((e) => (e instanceof HTMLElement ? e.innerText : e.textContent) || '');
    const item = { text: text.trim(), visible: await el.isVisible() };
    item.attrs = {};
    for (const a of attrs || []) item.attrs[a] = await el.getAttribute(a);
    out.push(item);
  }
  return { count: n, elements: out };
}

// Click SELECTOR and wait for the page it leads to (a form POST and its
// 303, a link).
async function clickNavigate(selector, timeout) {
  const [resp] = await Promise.all([
    page.waitForNavigation({ timeout, waitUntil: 'load' }),
    page.locator(selector).first().click({ timeout }),
  ]);
  return where(resp);
}

const ops = {
  async launch(c) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Tests run as root: Chromium refuses its sandbox there.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run'],
    });
    await newContext(c.viewport);
    return { version: browser.version() };
  },

  async viewport(c) {
    await page.setViewportSize({ width: c.width, height: c.height });
    return {};
  },

  async goto(c) {
    const resp = await page.goto(c.url, { timeout: c.timeout || 15000, waitUntil: 'load' });
    return where(resp);
  },

  async reload(c) {
    const resp = await page.reload({ timeout: c.timeout || 15000, waitUntil: 'load' });
    return where(resp);
  },

  async fill(c) {
    await page.locator(c.selector).first().fill(c.value, { timeout: c.timeout || 5000 });
    return {};
  },

  async click(c) {
    if (c.navigate === false) {
      await page.locator(c.selector).first().click({ timeout: c.timeout || 5000 });
      return where(null);
    }
    return clickNavigate(c.selector, c.timeout || 15000);
  },

  async query(c) {
    return elements(c.selector, c.attrs);
  },

  // The page as a user reads it (innerText) and as the server sent it
  // (content), both capped.
  async text(c) {
    const body = await page.locator('body').innerText();
    const html = await page.content();
    const cap = c.max || 200000;
    return { url: page.url(), text: body.slice(0, cap), html: html.slice(0, cap) };
  },

  // Wait until SELECTOR is on the page, reloading every RELOAD_MS if
  // given (else relying on the page's own live refresh). Reports how
  // long it took; a timeout is an answer too (found: false), not an error.
  async waitFor(c) {
    const t0 = Date.now();
    const deadline = t0 + (c.timeout || 30000);
    let reloads = 0;
    for (;;) {
      if ((await page.locator(c.selector).count()) > 0)
        return { found: true, elapsed_ms: Date.now() - t0, reloads, url: page.url() };
      const left = deadline - Date.now();
      if (left <= 0)
        return { found: false, elapsed_ms: Date.now() - t0, reloads, url: page.url() };
      if (c.reload_ms) {
        await page.waitForTimeout(Math.min(c.reload_ms, left));
        try {
          await page.reload({ timeout: 10000, waitUntil: 'load' });
          reloads++;
        } catch (e) {
          log('reload failed: ' + e.message);
        }
      } else {
        try {
          await page.locator(c.selector).first().waitFor({ state: 'attached', timeout: left });
        } catch (e) { /* timed out: the loop reports it */ }
      }
    }
  },

  async screenshot(c) {
    const file = artifactPath(c.name);
    await page.screenshot({ path: file, fullPage: c.full_page !== false });
    return { path: file, bytes: fs.statSync(file).size };
  },

  // Click SELECTOR and save what it downloads as NAME.
  async download(c) {
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: c.timeout || 60000 }),
      page.locator(c.selector).first().click({ timeout: 5000 }),
    ]);
    const failure = await dl.failure();
    if (failure) return { failure, suggested: dl.suggestedFilename(), url: dl.url() };
    const file = artifactPath(c.name || dl.suggestedFilename());
    await dl.saveAs(file);
    return { path: file, bytes: fs.statSync(file).size, suggested: dl.suggestedFilename(), url: dl.url() };
  },

  // Layout facts for the phone check: does anything stick out sideways?
  // The widest culprits are named so that a failure says what to fix.
  async layout() {
    return page.evaluate(() => {
      const w = window.innerWidth;
      const wide = [];
      // Inside a box that scrolls or clips sideways a wide table is fine.
      const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
        }
        return false;
      };
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && wide.length < 8 && !clipped(el)) {
          let name = el.tagName.toLowerCase();
          if (el.id) name += '#' + el.id;
          if (el.className && typeof el.className === 'string')
            name += '.' + el.className.trim().split(/\s+/).join('.');
          wide.push({ element: name, right: Math.round(r.right) });
        }
      }
      return {
        inner_width: w,
        scroll_width: document.documentElement.scrollWidth,
        body_scroll_width: document.body ? document.body.scrollWidth : 0,
        too_wide: wide,
      };
    });
  },

  async cookies() {
    return { cookies: await context.cookies() };
  },

  async events() {
    return { dialogs, page_errors: pageErrors, console_errors: consoleErrors };
  },

  async quit() {
    if (browser) await browser.close();
    browser = null;
    return {};
  },
};

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let c;
    try {
      c = JSON.parse(line);
    } catch (e) {
      reply({ id: null, ok: false, error: 'bad JSON command: ' + e.message });
      continue;
    }
    const fn = ops[c.op];
    if (!fn) {
      reply({ id: c.id, ok: false, error: 'unknown op ' + c.op });
      continue;
    }
    if (c.op !== 'launch' && c.op !== 'quit' && !page) {
      reply({ id: c.id, ok: false, error: 'no browser: launch first' });
      continue;
    }
    try {
      log('> ' + c.op + ' ' + (c.url || c.selector || c.name || ''));
      reply({ id: c.id, ok: true, result: await fn(c) });
    } catch (e) {
      log('! ' + c.op + ': ' + e.message);
      reply({ id: c.id, ok: false, error: e.message.split('\n').slice(0, 12).join('\n') });
    }
    if (c.op === 'quit') break;
  }
  if (browser) await browser.close();
}

main().then(() => process.exit(0), (e) => {
  log('fatal: ' + (e && e.stack || e));
  process.exit(1);
});
