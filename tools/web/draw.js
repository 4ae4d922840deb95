// Drawing on the page's canvases: point clouds and the loss curve. Presentation only; every
// number drawn comes from the worker (lib's code).
"use strict";

// The square of the data's plane a canvas shows: centre (cx, cy), half-width r, in the data's units.
function viewOf(points, count) {
  let lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (let i = 0; i < count; ++i)
    for (let d = 0; d < 2; ++d) {
      lo[d] = Math.min(lo[d], points[2 * i + d]);
      hi[d] = Math.max(hi[d], points[2 * i + d]);
    }
  const r = 0.75 * Math.max(hi[0] - lo[0], hi[1] - lo[1], 1e-6);
  return { cx: (lo[0] + hi[0]) / 2, cy: (lo[1] + hi[1]) / 2, r };
}

// Canvas pixel <-> the data's plane (y up).
function toPixel(view, size, x, y) {
  return [(x - view.cx + view.r) / (2 * view.r) * size, (view.cy + view.r - y) / (2 * view.r) * size];
}
function toPlane(view, size, px, py) {
  return [view.cx - view.r + px / size * 2 * view.r, view.cy + view.r - py / size * 2 * view.r];
}

// count points (x, y pairs from points[offset]) as small dots; points outside are not drawn.
function drawPoints(canvas, points, offset, count, view, color) {
  const g = canvas.getContext("2d");
  const size = canvas.width;
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, size, canvas.height);
  g.strokeStyle = "#eef1f4";  // the axes through the view's centre
  g.beginPath();
  g.moveTo(size / 2, 0); g.lineTo(size / 2, size);
  g.moveTo(0, size / 2); g.lineTo(size, size / 2);
  g.stroke();
  g.fillStyle = color;
  g.globalAlpha = count > 3000 ? 0.35 : 0.6;
  for (let i = 0; i < count; ++i) {
    const [px, py] = toPixel(view, size, points[offset + 2 * i], points[offset + 2 * i + 1]);
    if (px >= 0 && px < size && py >= 0 && py < size) g.fillRect(px - 1.2, py - 1.2, 2.4, 2.4);
  }
  g.globalAlpha = 1;
}

// A round tick step near range / 5: 1, 2 or 5 times a power of ten.
function tickStep(range) {
  const raw = range / 5, p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5]) if (m * p >= raw) return m * p;
  return 10 * p;
}

// The loss of each epoch, on axes that leave out the first epochs' fall (their loss is drawn,
// clipped at the top) so the slow part of the curve can be read.
function drawLoss(canvas, losses, epochs, xLabel) {
  const g = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const left = 56, right = 14, top = 12, bottom = 40;
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, W, H);
  g.font = "12px 'DejaVu Sans', sans-serif";
  g.fillStyle = "#5a6472";
  g.strokeStyle = "#d8dde4";
  const n = losses.length;
  const tail = n > 5 ? losses.slice(Math.min(2, n - 1)) : losses;
  let lo = Math.min(...tail), hi = Math.max(...tail);
  if (!(hi > lo)) { lo = (lo || 1) * 0.9; hi = (hi || 1) * 1.1; }
  const pad = 0.05 * (hi - lo);
  lo -= pad; hi += pad;
  const xMax = Math.max(epochs, 1);
  const X = (e) => left + (e / xMax) * (W - left - right);
  const Y = (v) => top + (1 - (v - lo) / (hi - lo)) * (H - top - bottom);
  g.textAlign = "right";
  g.textBaseline = "middle";
  const ys = tickStep(hi - lo);
  for (let v = Math.ceil(lo / ys) * ys; v <= hi; v += ys) {
    g.beginPath(); g.moveTo(left, Y(v)); g.lineTo(W - right, Y(v)); g.stroke();
    g.fillText(v.toFixed(ys < 0.01 ? 3 : 2), left - 6, Y(v));
  }
  g.textAlign = "center";
  g.textBaseline = "top";
  const xs = Math.max(1, tickStep(xMax));  // epochs are whole: no 0.6000000000000001 on an empty chart
  for (let e = 0; e <= xMax; e += xs) g.fillText(String(Math.round(e)), X(e), H - bottom + 6);
  g.fillText(xLabel, left + (W - left - right) / 2, H - 16);
  g.save();
  g.beginPath(); g.rect(left, top, W - left - right, H - top - bottom); g.clip();
  g.strokeStyle = "#2f6db5";
  g.lineWidth = 1.5;
  g.beginPath();
  for (let i = 0; i < n; ++i) {
    if (i === 0) g.moveTo(X(1), Y(losses[0])); else g.lineTo(X(i + 1), Y(losses[i]));
  }
  g.stroke();
  g.restore();
}
