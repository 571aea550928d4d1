// A live graph of the session's download and upload rates on a canvas: the last N samples, scaled to the peak.
import { formatRate } from './format.js';

export class RateGraph {
  constructor(canvas, samples = 150) {
    this.canvas = canvas;
    this.max = samples;
    this.down = [];
    this.up = [];
  }

  push(down, up) {
    this.down.push(down);
    this.up.push(up);
    if (this.down.length > this.max) { this.down.shift(); this.up.shift(); }
  }

  draw() {
    const c = this.canvas;
    if (!c.isConnected || c.clientWidth === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    c.width = Math.floor(w * dpr);
    c.height = Math.floor(h * dpr);
    const ctx = c.getContext('2d');
    ctx.scale(dpr, dpr);
    const style = getComputedStyle(c);
    const grid = style.getPropertyValue('--graph-grid').trim() || '#8884';
    const text = style.getPropertyValue('--fg-muted').trim() || '#888';
    const peak = Math.max(1024, ...this.down, ...this.up);
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    for (let k = 1; k < 4; k++) {
      const y = Math.round((h * k) / 4) + 0.5;
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(w, y); ctx.stroke();
    }
    this.line(ctx, this.down, peak, w, h, style.getPropertyValue('--rate-down').trim() || '#27c');
    this.line(ctx, this.up, peak, w, h, style.getPropertyValue('--rate-up').trim() || '#2a5');
    ctx.fillStyle = text;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(formatRate(peak), 4, 12);
  }

  line(ctx, values, peak, w, h, color) {
    if (values.length < 2) return;
    const dx = w / (this.max - 1);
    const x0 = w - (values.length - 1) * dx;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = x0 + i * dx;
      const y = h - (v / peak) * (h - 16);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}
