// Drawing on the page's canvases: point clouds and the loss curve. Presentation only; every
// number drawn comes from the worker (lib's code).
"use strict";

// The square of the data's plane a canvas shows: centre (cx, cy), half-width r, in the data's
// units. viewOf is the square that holds count points: their bounding box, 25% wider on each side.
function viewOf(points, count) {
  return viewOfClouds([[points, 0, count]]);
}
// The same for several clouds at once, each [points, offset, count].
function viewOfClouds(clouds) {
  const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (const [points, offset, count] of clouds)
    for (let i = 0; i < count; ++i)
      for (let d = 0; d < 2; ++d) {
        lo[d] = Math.min(lo[d], points[offset + 2 * i + d]);
        hi[d] = Math.max(hi[d], points[offset + 2 * i + d]);
      }
  if (!(hi[0] >= lo[0])) return { cx: 0, cy: 0, r: 1 };
  const r = 0.75 * Math.max(hi[0] - lo[0], hi[1] - lo[1], 1e-6);
  return { cx: (lo[0] + hi[0]) / 2, cy: (lo[1] + hi[1]) / 2, r };
}

// The window of each step t = 0 ... T: the square that holds both q(x_t | x_0)'s points and the
// reverse process's at t, so it zooms out as the noise grows and every t's points are on screen,
// and both panels are drawn at one scale. (The notebook's schedule leaves x_100 far from N(0, I),
// where the reverse process starts: the two clouds differ most there.)
function viewsOf(forward, n, T, reverseAt) {
  const views = [];
  for (let t = 0; t <= T; ++t) {
    const clouds = [[forward, t * n * 2, n]];
    const r = reverseAt(t);
    if (r) clouds.push(r);
    views.push(viewOfClouds(clouds));
  }
  return views;
}

// A canvas ready to draw on at the screen's density: its backing store is the size it is shown at
// times devicePixelRatio (sharp on a phone), and the context draws in CSS pixels. Returns the
// context and the size in CSS pixels.
function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const aspect = Number(canvas.dataset.aspect || (canvas.dataset.aspect = canvas.height / canvas.width));
  const W = canvas.clientWidth || canvas.width, H = Math.round(W * aspect);
  if (canvas.width !== Math.round(W * ratio) || canvas.height !== Math.round(H * ratio)) {
    canvas.width = Math.round(W * ratio);
    canvas.height = Math.round(H * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { g, W, H };
}

// Canvas pixel <-> the data's plane (y up).
function toPixel(view, size, x, y) {
  return [(x - view.cx + view.r) / (2 * view.r) * size, (view.cy + view.r - y) / (2 * view.r) * size];
}
function toPlane(view, size, px, py) {
  return [view.cx - view.r + px / size * 2 * view.r, view.cy + view.r - py / size * 2 * view.r];
}

// The words of the grid's corner label (app.js sets them in the page's language).
let gridLabel = (step) => "grid " + step;

// A corner's words on a white plate drawn last, so no point, path or arrow runs through them.
function plate(g, text, x, align, color) {
  g.font = "11px 'DejaVu Sans', 'WenQuanYi Micro Hei', sans-serif";
  g.textAlign = align;
  g.textBaseline = "top";
  const w = g.measureText(text).width;
  g.globalAlpha = 0.85;
  g.fillStyle = "#ffffff";
  g.fillRect(align === "right" ? x - w - 3 : x - 3, 1, w + 6, 16);
  g.globalAlpha = 1;
  g.fillStyle = color;
  g.fillText(text, x, 4);
}

// The grid's step, in the top left corner.
function gridPlate(g, view) {
  plate(g, gridLabel(Number(tickStep(2 * view.r).toPrecision(3))), 4, "left", "#8a93a0");
}

// count points (x, y pairs from points[offset]) as small dots over a grid whose lines are a round
// step of the data's units apart (the step is written in a corner, so a window that zooms shows
// it); points outside are not drawn. With no points, `empty` is written in the middle instead.
function drawPoints(canvas, points, offset, count, view, color, empty) {
  const { g, W: size } = prepare(canvas);
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, size, size);
  const step = tickStep(2 * view.r);
  g.strokeStyle = "#eef1f4";
  g.lineWidth = 1;
  g.beginPath();
  for (let v = Math.ceil((view.cx - view.r) / step) * step; v <= view.cx + view.r; v += step) {
    const [px] = toPixel(view, size, v, 0);
    g.moveTo(px, 0); g.lineTo(px, size);
  }
  for (let v = Math.ceil((view.cy - view.r) / step) * step; v <= view.cy + view.r; v += step) {
    const [, py] = toPixel(view, size, 0, v);
    g.moveTo(0, py); g.lineTo(size, py);
  }
  g.stroke();
  if (count === 0 && empty) {
    g.fillStyle = "#8a93a0";
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.font = "14px 'DejaVu Sans', 'WenQuanYi Micro Hei', sans-serif";
    g.fillText(empty, size / 2, size / 2);
  }
  g.fillStyle = color;
  g.globalAlpha = count > 3000 ? 0.35 : 0.6;
  for (let i = 0; i < count; ++i) {
    const [px, py] = toPixel(view, size, points[offset + 2 * i], points[offset + 2 * i + 1]);
    if (px >= 0 && px < size && py >= 0 && py < size) g.fillRect(px - 1.2, py - 1.2, 2.4, 2.4);
  }
  g.globalAlpha = 1;
  if (count > 0) gridPlate(g, view);
}

// The share of count points (from points[offset]) inside a view's square.
function shareInView(points, offset, count, view) {
  let inside = 0;
  for (let i = 0; i < count; ++i) {
    const x = points[offset + 2 * i], y = points[offset + 2 * i + 1];
    if (Math.abs(x - view.cx) <= view.r && Math.abs(y - view.cy) <= view.r) inside += 1;
  }
  return count ? inside / count : 0;
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
  const { g, W, H } = prepare(canvas);
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

// The paths of the first `count` points of a reverse process, from x_T (frame 0) to frame f: one
// line each through their place at every frame, over the canvas drawPoints drew.
function drawPaths(canvas, trajectory, per, f, count, view, color) {
  const { g, W: size } = prepare(canvas);
  g.strokeStyle = color;
  g.lineWidth = 1;
  g.globalAlpha = 0.6;
  for (let i = 0; i < Math.min(count, per); ++i) {
    g.beginPath();
    for (let k = 0; k <= f; ++k) {
      const o = (k * per + i) * 2;
      const [px, py] = toPixel(view, size, trajectory[o], trajectory[o + 1]);
      if (k === 0) g.moveTo(px, py); else g.lineTo(px, py);
    }
    g.stroke();
    const o = (f * per + i) * 2;
    const [px, py] = toPixel(view, size, trajectory[o], trajectory[o + 1]);
    g.fillStyle = color;
    g.fillRect(px - 2.5, py - 2.5, 5, 5);
  }
  g.globalAlpha = 1;
  gridPlate(g, view);
}

// The learned field: at each grid point (x, y), an arrow along (dx, dy) (field: (k, 4) rows of x,
// y, dx, dy, as ddpm_web_field returns them, for a square grid over the view). Far from the data
// the noise to take away is as long as the way back to it, so the arrows are scaled together:
// the longest spans one grid cell, and the corner says by how much they were shrunk.
function drawArrows(canvas, field, view, color, label) {
  const { g, W: size } = prepare(canvas);
  const k = field.length / 4, cells = Math.round(Math.sqrt(k));
  let longest = 0;
  for (let i = 0; i < k; ++i) longest = Math.max(longest, Math.hypot(field[4 * i + 2], field[4 * i + 3]));
  const scale = longest > 0 ? 0.9 * (2 * view.r / cells) / longest : 1;
  g.strokeStyle = color;
  g.fillStyle = color;
  g.lineWidth = 1.2;
  g.globalAlpha = 0.85;
  for (let i = 0; i < k; ++i) {
    const x = field[4 * i], y = field[4 * i + 1];
    const [x0, y0] = toPixel(view, size, x, y);
    const [x1, y1] = toPixel(view, size, x + scale * field[4 * i + 2], y + scale * field[4 * i + 3]);
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.stroke();
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (len > 3) {  // a head, a third of the arrow at most
      const h = Math.min(5, len / 3), a = Math.atan2(y1 - y0, x1 - x0);
      g.beginPath();
      g.moveTo(x1, y1);
      g.lineTo(x1 - h * Math.cos(a - 0.45), y1 - h * Math.sin(a - 0.45));
      g.lineTo(x1 - h * Math.cos(a + 0.45), y1 - h * Math.sin(a + 0.45));
      g.fill();
    }
  }
  g.globalAlpha = 1;
  gridPlate(g, view);
  plate(g, label(Number(scale.toPrecision(2))), size - 4, "right", color);
}
