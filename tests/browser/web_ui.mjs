// The web UI in headless Debian chromium (playwright-core, never its own browser download). Run by
// test_web_ui.py, which starts the tracker, the seed and the daemon and passes their addresses in SHOAL_WEB_TEST.
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const cfg = JSON.parse(process.env.SHOAL_WEB_TEST);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_TIMEOUT = 120_000;
let page;
let stepNo = 0;

function log(...a) { console.log(`[web_ui ${new Date().toISOString().slice(11, 19)}]`, ...a); }

async function shot(name) {
  await page.screenshot({ path: join(cfg.screenshots, `${String(++stepNo).padStart(2, '0')}-${name}.png`) });
}

function sha1(path) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha1');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

async function sameBytes(a, b) {
  if (!existsSync(b) || statSync(a).size !== statSync(b).size) return false;
  return (await sha1(a)) === (await sha1(b));
}

async function step(name, fn) {
  log(`step: ${name}`);
  try {
    await fn();
  } catch (e) {
    await shot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
    throw new Error(`step "${name}": ${e.stack || e}`);
  }
}

// Shows only the torrents whose names contain `text` (the search box, as a user would).
async function search(text) {
  await page.fill('#search', text);
  await page.keyboard.press('Escape');  // leaves the search box, so the next keys are shortcuts again
}

function row(name) {
  return page.locator('#list .row:visible', { has: page.locator('.c-name', { hasText: new RegExp(`^${name}$`) }) });
}

async function waitRowState(name, pattern, timeout = STEP_TIMEOUT) {
  await page.waitForFunction(([n, p]) => {
    for (const r of document.querySelectorAll('#list .row')) {
      if (r.style.display !== 'none' && r.querySelector('.c-name').textContent === n &&
          new RegExp(p).test(r.querySelector('.c-state').textContent + ' ' + r.querySelector('.pct').textContent))
        return true;
    }
    return false;
  }, [name, pattern.source], { timeout, polling: 250 });
}

async function waitGone(path, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (existsSync(path)) {
    if (Date.now() > end) throw new Error(`${path} still exists after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function selectOnly(name) {
  await search(name);
  await row(name).locator('.c-name').click();
  await page.waitForFunction(() => document.querySelectorAll('#list .row.selected').length === 1);
}

async function noHorizontalScroll(label) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `${label}: the page scrolls sideways (${scroll} > ${client} px)`);
}

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });

    await step('open', async () => {
      await page.goto(cfg.url);
      await page.waitForSelector(cfg.user ? '#login:not([hidden])' : '#app:not([hidden])');
      await shot('open');
    });

    if (cfg.user) {
      await step('login', async () => {
        await page.fill('#login [name=username]', cfg.user);
        await page.fill('#login [name=password]', 'wrong password');
        await page.click('#login button[type=submit]');
        await page.waitForFunction(() => document.querySelector('.login-error').textContent.length > 0, null,
          { timeout: 30_000 });
        assert.ok(await page.isVisible('#login'), 'a wrong password let the user in');
        await shot('login-refused');
        await page.fill('#login [name=password]', cfg.password);
        await page.click('#login button[type=submit]');
        await page.waitForSelector('#app:not([hidden])', { timeout: 30_000 });
        const cookies = await page.context().cookies();
        const session = cookies.find((c) => c.name === 'shoal_session');
        assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'no HttpOnly SameSite=Strict cookie');
        await shot('logged-in');
      });
    }

    await step('add by file picker (keyboard "a")', async () => {
      await page.keyboard.press('a');
      await page.waitForSelector('#add-dialog[open]');
      await page.setInputFiles('#add-dialog input[type=file]', cfg.alphaTorrent);
      await page.waitForFunction(() => document.querySelector('.add-files').textContent.includes('alpha.torrent'));
      await shot('add-dialog');
      await page.click('#add-dialog button[type=submit]');
      await page.waitForSelector('#add-dialog:not([open])', { state: 'attached' });
      await search('alpha');
      await waitRowState('alpha.bin', /Seeding 100\.0%/);
      await shot('alpha-complete');
      assert.ok(await sameBytes(join(cfg.seedDir, 'alpha.bin'), join(cfg.downloadDir, 'alpha.bin')),
        'alpha.bin downloaded differs from the seed\'s');
    });

    await step('add by path text: a duplicate is reported', async () => {
      await page.keyboard.press('a');
      await page.waitForSelector('#add-dialog[open]');
      await page.fill('#add-dialog [name=url]', cfg.alphaTorrent);
      await page.click('#add-dialog button[type=submit]');
      await page.waitForFunction(() => /already added/.test(document.querySelector('#add-dialog .dialog-status').textContent));
      await shot('add-duplicate');
      await page.click('#add-dialog .cancel');
      await page.waitForSelector('#add-dialog:not([open])', { state: 'attached' });
    });

    await step('add by magnet text: listed at once, fetches its metadata and data', async () => {
      await page.keyboard.press('a');
      await page.waitForSelector('#add-dialog[open]');
      await page.fill('#add-dialog [name=url]', cfg.deltaMagnet);
      await page.click('#add-dialog button[type=submit]');
      await page.waitForSelector('#add-dialog:not([open])', { state: 'attached' });
      await search('delta');
      await waitRowState('delta.bin', /Seeding 100\.0%/);
      await shot('delta-magnet-complete');
      assert.ok(await sameBytes(join(cfg.seedDir, 'delta.bin'), join(cfg.downloadDir, 'delta.bin')),
        'delta.bin fetched by magnet differs from the seed\'s');
      await search('');
    });

    await step('add by drag and drop, paused, into another folder; then start it', async () => {
      await search('');
      const bytes = [...readFileSync(cfg.betaTorrent)];
      await page.evaluate((data) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(data)], 'beta.torrent', { type: 'application/x-bittorrent' }));
        const target = document.querySelector('#list');
        target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
      }, bytes);
      await page.waitForSelector('#add-dialog[open]');
      await page.waitForFunction(() => document.querySelector('.add-files').textContent.includes('beta.torrent'));
      await page.fill('#add-dialog [name=downloadDir]', join(cfg.downloadDir, 'dropped'));
      await page.check('#add-dialog [name=paused]');
      await page.click('#add-dialog button[type=submit]');
      await page.waitForSelector('#add-dialog:not([open])', { state: 'attached' });
      await search('beta');
      await waitRowState('beta', /Stopped/);
      await page.waitForTimeout(2500);
      await waitRowState('beta', /Stopped.*0\.0%/);  // paused: nothing fetched
      await shot('beta-paused');
      await selectOnly('beta');
      await page.keyboard.press('s');
      // the seed uploads at a bounded rate, so the download lasts long enough to see the seed in the peers tab
      await page.keyboard.press('i');
      await page.click('[data-tab=peers]');
      await page.waitForSelector('.tab-peers td:has-text("127.0.0.1")', { timeout: 60_000 });
      await shot('inspector-peers-downloading');
      await page.keyboard.press('Escape');
      await waitRowState('beta', /Seeding 100\.0%/);
      await shot('beta-complete');
      for (const f of ['one.bin', 'sub/two.bin'])
        assert.ok(await sameBytes(join(cfg.seedDir, 'beta', f), join(cfg.downloadDir, 'dropped', 'beta', f)),
          `beta/${f} differs`);
    });

    await step('inspector: files, peers, trackers, piece map', async () => {
      await selectOnly('alpha.bin');
      await page.keyboard.press('i');
      await page.waitForSelector('#inspector:not([hidden])');
      await page.waitForFunction(() => document.querySelector('.inspector-title').textContent === 'alpha.bin');
      await page.click('[data-tab=files]');
      await page.waitForSelector('.tab-files td:text-is("alpha.bin")');
      await page.waitForSelector('.tab-files .pct:text-is("100.0%")');
      await shot('inspector-files');
      await page.click('[data-tab=peers]');
      await page.waitForSelector('.tab-peers table, .tab-peers .empty');
      await shot('inspector-peers');
      await page.click('[data-tab=trackers]');
      await page.waitForSelector(`.tab-trackers .announce:text-is("${cfg.announce}")`);
      await shot('inspector-trackers');
      await page.click('[data-tab=pieces]');
      await page.waitForFunction(() => {
        const c = document.querySelector('.piece-map');
        return c && c.dataset.pieces && Number(c.dataset.pieces) > 0 && c.dataset.have === c.dataset.pieces;
      });
      const pieces = await page.getAttribute('.piece-map', 'data-pieces');
      assert.equal(Number(pieces), Math.ceil((3 * 1024 * 1024 + 123) / (64 * 1024)), 'piece count of alpha.bin');
      await shot('inspector-pieces');
      await page.keyboard.press('Escape');
      await page.waitForSelector('#inspector', { state: 'hidden' });
    });

    if (cfg.canCreate) {
      await step('create and seed a torrent from a folder (picker)', async () => {
        await search('');
        await page.keyboard.press('c');
        await page.waitForSelector('#create-dialog[open]');
        await page.waitForSelector('.browse-list li');
        // the roots, then into the share root, then gamma/
        await page.click(`.browse-list li[data-path="${cfg.shareRoot}"]`);
        await page.waitForSelector(`.browse-list li[data-path="${cfg.shareRoot}/gamma"]`);
        await page.click(`.browse-list li[data-path="${cfg.shareRoot}/gamma"]`);
        await page.waitForSelector('.browse-list li[data-path$="/gamma/a.bin"]');
        assert.equal(await page.inputValue('#create-dialog [name=path]'), `${cfg.shareRoot}/gamma`);
        await page.fill('#create-dialog [name=trackers]', cfg.announce);
        await shot('create-dialog');
        const download = page.waitForEvent('download');
        await page.click('#create-dialog button[type=submit]');
        const file = await download;
        assert.equal(file.suggestedFilename(), 'gamma.torrent');
        const saved = join(cfg.screenshots, 'gamma.torrent');
        await file.saveAs(saved);
        const head = readFileSync(saved).subarray(0, 1).toString();
        assert.equal(head, 'd', 'the downloaded .torrent is no bencoded dictionary');
        assert.ok(readFileSync(saved).includes('4:name5:gamma'), 'the .torrent names no gamma');
        await page.click('#create-dialog .cancel');
        await search('gamma');
        await waitRowState('gamma', /Seeding/);
        await shot('gamma-seeding');
      });
    }

    await step('stop (keyboard "p") and start (keyboard "s")', async () => {
      await selectOnly('alpha.bin');
      await page.keyboard.press('p');
      await waitRowState('alpha.bin', /Finished|Stopped/);
      await shot('alpha-stopped');
      await page.selectOption('#filter', 'stopped');
      await waitRowState('alpha.bin', /Finished|Stopped/);
      await page.selectOption('#filter', 'all');
      await page.keyboard.press('s');
      await waitRowState('alpha.bin', /Seeding/);
    });

    await step('select all (Ctrl+A), clear (Esc)', async () => {
      await search('');
      await page.keyboard.press('Control+a');
      const all = await page.evaluate(() => window.shoal.store.byId.size);
      assert.ok(all >= 2, `only ${all} torrents left`);
      // every torrent is selected (only the rows in view exist, each of them marked)
      await page.waitForFunction((n) => window.shoal.store.selected.size === n &&
        [...document.querySelectorAll('#list .row')].every((r) => r.style.display === 'none' || r.classList.contains('selected')), all);
      assert.equal(await page.isEnabled('[data-action=remove]'), true);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => document.querySelectorAll('#list .row.selected').length === 0);
      assert.equal(await page.isEnabled('[data-action=remove]'), false);
    });

    await step('remove with data (Delete, confirmation)', async () => {
      await selectOnly('beta');
      await page.keyboard.press('Delete');
      await page.waitForSelector('#remove-dialog[open]');
      await page.check('#remove-dialog [name=deleteData]');
      await shot('remove-confirm');
      await page.click('#remove-dialog button[type=submit]');
      await page.waitForFunction(() => ![...document.querySelectorAll('#list .row')]
        .some((r) => r.style.display !== 'none' && r.querySelector('.c-name').textContent === 'beta'));
      await waitGone(join(cfg.downloadDir, 'dropped', 'beta'));
      assert.ok(existsSync(join(cfg.downloadDir, 'alpha.bin')), 'removing beta deleted alpha.bin');
    });

    await step('statistics and dark mode', async () => {
      await search('');
      await page.keyboard.press('t');
      await page.waitForSelector('#stats .stats-body table');
      await page.waitForTimeout(2500);
      await shot('stats');
      await page.keyboard.press('Escape');
      const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(light, dark, 'prefers-color-scheme: dark changes nothing');
      await shot('dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.click('[data-action=theme]');  // auto -> dark
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), dark, 'the toggle');
      await page.click('[data-action=theme]');  // dark -> light
      await page.click('[data-action=theme]');  // light -> auto
    });

    await step('phone width 360x740', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await search('');
      await page.waitForTimeout(300);
      assert.match(await page.textContent('#count'), /^\d+ torrents$/, 'an empty search still filters');
      assert.ok(await row('alpha.bin').isVisible(), 'alpha.bin is not in the phone-width list');
      await noHorizontalScroll('list');
      await shot('phone-list');
      await selectOnly('alpha.bin');
      await page.keyboard.press('i');
      await page.click('[data-tab=trackers]');
      await page.waitForSelector('.tab-trackers .tracker');
      await noHorizontalScroll('inspector');
      await shot('phone-inspector');
      await page.keyboard.press('Escape');
      await page.keyboard.press('a');
      await page.waitForSelector('#add-dialog[open]');
      await noHorizontalScroll('add dialog');
      await shot('phone-add');
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1280, height: 800 });
    });

    if (cfg.many > 0) {
      await step(`${cfg.many} paused torrents of the daemon in the list`, async () => {
        await search('many-');
        const want = `${cfg.many} of `;
        await page.waitForFunction((w) => document.querySelector('#count').textContent.startsWith(w), want);
        const last = `many-${String(cfg.many - 1).padStart(5, '0')}`;
        await page.evaluate(() => { const l = document.querySelector('#list'); l.scrollTop = l.scrollHeight; });
        await page.waitForFunction((n) => [...document.querySelectorAll('#list .row')]
          .some((r) => r.style.display !== 'none' && r.querySelector('.c-name').textContent === n), last);
        const rows = await page.evaluate(() => document.querySelectorAll('#list .row').length);
        assert.ok(rows < 120, `${rows} row elements for ${cfg.many} torrents`);
        await shot('many-real');
        await search('');
      });
    }

    await step('5,000 torrents stay responsive (virtualised list)', async () => {
      // The list renders only the rows in view: 5,000 synthetic entries in the UI's store (polling paused).
      const r = await page.evaluate(async () => {
        const app = window.shoal;
        clearTimeout(app.timer);
        app.poll = async () => {};
        const many = [];
        for (let i = 0; i < 5000; i++) {
          many.push({ id: 100000 + i, name: `synthetic ${String(i).padStart(4, '0')}`, status: i % 7, error: 0,
            errorString: '', percentDone: (i % 100) / 100, recheckProgress: 0, sizeWhenDone: 1e6 * i, totalSize: 1e6 * i,
            leftUntilDone: 0, rateDownload: i % 3 ? 1000 * i : 0, rateUpload: i, eta: i, peersConnected: i % 5,
            uploadRatio: i / 1000, addedDate: i, hashString: '', downloadDir: '/x', isFinished: false });
        }
        document.querySelector('#search').value = '';
        app.store.search = '';
        let t0 = performance.now();
        app.store.replaceAll(many);
        app.render();
        const first = performance.now() - t0;
        const list = document.querySelector('#list');
        t0 = performance.now();
        for (let k = 0; k < 50; k++) { list.scrollTop = k * 3000; app.list.render(); }
        const scroll = (performance.now() - t0) / 50;
        t0 = performance.now();
        for (const t of many) t.rateDownload += 1;
        app.store.applyDelta(many.slice(0, 2000));
        app.render();
        const delta = performance.now() - t0;
        t0 = performance.now();
        app.store.selectAll();
        app.render();
        const selectAll = performance.now() - t0;
        return { first, scroll, delta, selectAll, rows: list.querySelectorAll('.row').length,
          count: document.querySelector('#count').textContent };
      });
      log(`5,000 torrents: first render ${r.first.toFixed(1)} ms, scroll+render ${r.scroll.toFixed(2)} ms, ` +
          `delta of 2,000 ${r.delta.toFixed(1)} ms, select all ${r.selectAll.toFixed(1)} ms, ${r.rows} row elements`);
      assert.ok(r.rows < 120, `${r.rows} row elements for 5,000 torrents: the list is not virtualised`);
      assert.equal(r.count, "5000 torrents");
      await shot('many');
    });

    if (cfg.user) {
      await step('logout', async () => {
        await page.click('[data-action=logout]');
        await page.waitForSelector('#login:not([hidden])');
        await page.reload();
        await page.waitForSelector('#login:not([hidden])');
      });
    }

    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
    log('all steps passed');
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e.message || e); process.exitCode = 1; });
