// The web UI's pure modules under node:test (no browser): formats, the torrent store's deltas, filters and
// selection, the piece bitfield, base64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSize, formatRate, formatEta, formatRatio, formatPercent, stateName, matchesFilter } from '../../web/format.js';
import { TorrentStore } from '../../web/torrent_store.js';
import { havePieces } from '../../web/piece_map.js';
import { bufferToBase64, base64ToBytes } from '../../web/rpc.js';

const t = (id, name, extra = {}) => ({ id, name, status: 0, error: 0, percentDone: 0, rateDownload: 0,
  rateUpload: 0, sizeWhenDone: 0, uploadRatio: 0, addedDate: id, ...extra });

test('formats', () => {
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(1023), '1023 B');
  assert.equal(formatSize(1536), '1.50 KiB');
  assert.equal(formatSize(3 * 1024 * 1024 + 123), '3.00 MiB');
  assert.equal(formatRate(0), '–');
  assert.equal(formatRate(2048), '2.00 KiB/s');
  assert.equal(formatEta(-1), '∞');
  assert.equal(formatEta(59), '59s');
  assert.equal(formatEta(3661), '1h 1m');
  assert.equal(formatEta(90000), '1d 1h');
  assert.equal(formatRatio(-1), '–');
  assert.equal(formatRatio(-2), '∞');
  assert.equal(formatRatio(1.234), '1.23');
  assert.equal(formatPercent(0.9999), '99.9%');  // never rounds up to 100 % before it is done
  assert.equal(formatPercent(1), '100.0%');
});

test('state names and filters', () => {
  assert.equal(stateName(t(1, 'a', { status: 0, percentDone: 1 })), 'Finished');
  assert.equal(stateName(t(1, 'a', { status: 0, percentDone: 0.5 })), 'Stopped');
  assert.equal(stateName(t(1, 'a', { status: 2, recheckProgress: 0.5 })), 'Checking 50.0%');
  assert.equal(stateName(t(1, 'a', { status: 4, metadataPercentComplete: 0.25 })), 'Fetching metadata 25.0%');
  assert.equal(stateName(t(1, 'a', { status: 4, metadataPercentComplete: 1 })), 'Downloading');
  assert.equal(stateName(t(1, 'a', { status: 4 })), 'Downloading');
  assert.equal(stateName(t(1, 'a', { status: 6, error: 2 })), 'Error');
  assert.ok(matchesFilter(t(1, 'a', { status: 4 }), 'downloading'));
  assert.ok(!matchesFilter(t(1, 'a', { status: 4 }), 'seeding'));
  assert.ok(matchesFilter(t(1, 'a', { status: 6, rateUpload: 5 }), 'active'));
  assert.ok(matchesFilter(t(1, 'a', { error: 3 }), 'error'));
});

test('store: full list, deltas, removed, search, filter, sort', () => {
  const s = new TorrentStore();
  s.replaceAll([t(1, 'Beta'), t(2, 'alpha'), t(3, 'gamma', { status: 6 })]);
  assert.deepEqual(s.visible.map((x) => x.id), [2, 1, 3]);
  s.applyDelta([t(1, 'Beta', { percentDone: 0.5, status: 4 })], [3]);
  assert.equal(s.byId.get(1).percentDone, 0.5);
  assert.ok(!s.byId.has(3));
  s.search = 'ALP';
  s.refresh();
  assert.deepEqual(s.visible.map((x) => x.id), [2]);
  s.search = '';
  s.filter = 'downloading';
  s.refresh();
  assert.deepEqual(s.visible.map((x) => x.id), [1]);
  s.filter = 'all';
  s.sort = 'progress';
  s.refresh();
  assert.deepEqual(s.visible.map((x) => x.id), [1, 2]);
  assert.deepEqual(s.totals(), { count: 2, shown: 2, down: 0, up: 0 });
});

test('store: selection by click, ctrl, shift, all; removed ids leave the selection', () => {
  const s = new TorrentStore();
  s.replaceAll([t(1, 'a'), t(2, 'b'), t(3, 'c'), t(4, 'd')]);
  s.click(2);
  assert.deepEqual(s.selectedIds(), [2]);
  s.click(4, { shift: true });
  assert.deepEqual(s.selectedIds().sort(), [2, 3, 4]);
  s.click(3, { ctrl: true });
  assert.deepEqual(s.selectedIds().sort(), [2, 4]);
  s.click(1);
  assert.deepEqual(s.selectedIds(), [1]);
  assert.equal(s.step(1), 1);
  assert.deepEqual(s.selectedIds(), [2]);
  s.selectAll();
  assert.equal(s.selected.size, 4);
  s.applyDelta([], [1, 2]);
  assert.deepEqual(s.selectedIds().sort(), [3, 4]);
});

test('piece bitfield: high bit first, padding ignored', () => {
  const b64 = bufferToBase64(new Uint8Array([0b10100000, 0b10000000]).buffer);
  assert.deepEqual([...havePieces(b64, 9)], [1, 0, 1, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...havePieces('', 3)], [0, 0, 0]);
});

test('base64 round trip of a buffer larger than one chunk', () => {
  const data = new Uint8Array(100_003).map((_, i) => (i * 31) & 255);
  assert.deepEqual(base64ToBytes(bufferToBase64(data.buffer)), data);
});
