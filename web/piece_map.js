// The piece map: one cell per piece (or per group of pieces when there are more pieces than pixels), drawn on a
// canvas from torrent-get's base64 `pieces` bitfield (high bit of the first byte = piece 0).
import { base64ToBytes } from './rpc.js';

export function havePieces(bitfieldB64, pieceCount) {
  const bytes = base64ToBytes(bitfieldB64 || '');
  const have = new Uint8Array(pieceCount);
  for (let i = 0; i < pieceCount; i++) have[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return have;
}

export function drawPieceMap(canvas, bitfieldB64, pieceCount) {
  const have = havePieces(bitfieldB64, pieceCount);
  const style = getComputedStyle(canvas);
  const on = style.getPropertyValue('--piece-have').trim() || '#2a8';
  const off = style.getPropertyValue('--piece-missing').trim() || '#ccc';
  const width = Math.max(100, canvas.clientWidth);
  const cell = pieceCount <= 400 ? 12 : pieceCount <= 2000 ? 6 : 3;
  const cols = Math.max(1, Math.floor(width / cell));
  const cells = Math.min(pieceCount, cols * 200);  // at most 200 rows: a cell then stands for several pieces
  const per = pieceCount / Math.max(1, cells);
  const rows = Math.ceil(cells / cols);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.floor(cols * cell * dpr);
  canvas.height = Math.floor(Math.max(1, rows) * cell * dpr);
  canvas.style.height = `${Math.max(1, rows) * cell}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  let count = 0;
  for (let c = 0; c < cells; c++) {
    const from = Math.floor(c * per);
    const to = Math.max(from + 1, Math.floor((c + 1) * per));
    let got = 0;
    for (let i = from; i < to; i++) got += have[i];
    count += got;
    const frac = got / (to - from);
    ctx.fillStyle = off;
    ctx.fillRect((c % cols) * cell, Math.floor(c / cols) * cell, cell - 1, cell - 1);
    if (frac > 0) {
      ctx.globalAlpha = 0.35 + 0.65 * frac;
      ctx.fillStyle = on;
      ctx.fillRect((c % cols) * cell, Math.floor(c / cols) * cell, cell - 1, cell - 1);
      ctx.globalAlpha = 1;
    }
  }
  canvas.dataset.have = String(count);
  canvas.dataset.pieces = String(pieceCount);
  return count;
}
