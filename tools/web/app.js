// The page: its controls, the worker that trains (worker.js, with lib compiled to wasm), and what
// it draws. Settings can come from the address too (?dataset=moons&epochs=500&seed=3&lang=zh
// &autostart=1), so an instructor can hand out a link; the browser test uses the same.
"use strict";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const run = {
  status: "loading",  // loading, ready, training, paused, done, error
  epoch: 0, epochs: 0, losses: [], steps: 0, stepsPerSecond: 0, trainSeconds: 0,
  classes: 0, flow: false,
  T: 100, n: 0, points: null, forward: null, view: { cx: 0, cy: 0, r: 1 }, views: null,
  preview: null, runEpochs: 0, batches: 0, lookSeconds: 0, field: null, fieldKey: "",
  trajectory: null, frames: 0, frameSteps: null, snapshotEpoch: -1, snapshots: 0,
  quality: null, qualityN: 0, error: "", params: 0,
};
let lang = params.get("lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let drawn = [];  // the learner's points, x and y in [-1, 1]
const DRAW_VIEW = { cx: 0, cy: 0, r: 1 };
let playing = null;

// ---- language ----
const english = new Map();
function applyLanguage(to) {
  lang = to in LIVE ? to : "en";
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-t]")) {
    if (!english.has(el)) english.set(el, el.innerHTML);
    const zh = PAGE_ZH[el.dataset.t];
    el.innerHTML = lang === "zh" && zh ? zh : english.get(el);
  }
  $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
  $("lang-zh").setAttribute("aria-pressed", String(lang === "zh"));
  gridLabel = LIVE[lang].grid;
  refresh();
}
const say = (key, ...args) => LIVE[lang][key](...args);

// ---- the worker ----
const workerUrl = URL.createObjectURL(
  new Blob([$("worker-source").textContent], { type: "text/javascript" }));
const worker = new Worker(workerUrl);
worker.onerror = (e) => fail(e.message || "the worker failed to start");
// The number of the current run: a reset or a new start changes it, and what an earlier run's
// worker still sends (a last progress, a snapshot, its start) is dropped.
let runId = 0;
worker.onmessage = (e) => {
  const m = e.data;
  if (m.type !== "ready" && m.run !== runId) return;
  if (m.type === "ready") {
    run.status = "ready";
    if (badAddress.length)
      fail(say("badLink", badAddress.join(", ")));
    else if (params.get("autostart") === "1") start();
    preview();
  } else if (m.type === "preview") {
    if (m.dataset === $("dataset").value) run.preview = m.points;
  } else if (m.type === "started") {
    Object.assign(run, { params: m.params, points: m.points, forward: m.forward, T: m.T, n: m.n,
                         runEpochs: m.epochs, batches: m.batches });
    run.view = viewOf(m.points, m.points.length / 2);
    run.views = viewsOf(m.forward, m.n, m.T, reverseAt);
    $("t").max = String(m.T);
  } else if (m.type === "progress") {
    for (const v of m.losses) run.losses.push(v);
    Object.assign(run, { epoch: m.epoch, runEpochs: m.epochs, steps: m.steps,
                         stepsPerSecond: m.stepsPerSecond, trainSeconds: m.trainSeconds,
                         lookSeconds: m.lookSeconds });
  } else if (m.type === "snapshot") {
    Object.assign(run, { trajectory: m.trajectory, frames: m.frames, frameSteps: m.steps,
                         snapshotEpoch: m.epoch, quality: m.quality, qualityN: m.n });
    run.snapshots += 1;
    if (run.forward) run.views = viewsOf(run.forward, run.n, run.T, reverseAt);
  } else if (m.type === "field") {
    if (m.t === fieldStep()) run.field = m.data;
    fieldAsked = false;
  } else if (m.type === "done") {
    run.status = "done";
  } else if (m.type === "error") {
    fail(m.message);
  }
  refresh();
};

function fail(message) {
  run.status = "error";
  run.error = message;
  refresh();
}

// ---- controls ----
// The classes a conditional model gets on each labelled data set (lib's make_labelled_dataset).
const CLASSES = { s_curve: 3, swiss_roll: 3, moons: 2, circles: 2, eight_gaussians: 8 };
function settings() {
  const model = $("model").value;
  return {
    dataset: $("dataset").value, n: Number($("n").value), epochs: Number($("epochs").value),
    seed: Number($("seed").value), schedule: $("schedule").value,
    objective: model === "flow" ? "flow" : "eps",
    classes: model === "classes" ? (CLASSES[$("dataset").value] || 0) : 0,
    points: new Float32Array(drawn), ...view(),
  };
}
function view() {
  return { sampler: $("sampler").value, ema: $("ema").value === "1",
           sampleEvery: Number($("every").value), ddimSteps: 20,
           label: Number($("label").value), guidance: Number($("guidance").value) };
}

// The page's longest run, declared once: the epochs box's limit, its check and its message. (lib
// takes up to 10,000,000; a browser tab should not be asked for hours.)
const MAX_EPOCHS = 20000;

// Start a run; `paused` (the Step button) starts it without training, for Step to go on.
function start(paused) {
  const s = settings();
  s.paused = paused === true;
  if (!(s.epochs >= 1 && s.epochs <= MAX_EPOCHS && Number.isInteger(s.epochs)))
    return fail(say("badEpochs", MAX_EPOCHS));
  if (!(s.seed >= 0 && s.seed <= 2147483647 && Number.isInteger(s.seed)))
    return fail(say("badSeed"));
  if ($("model").value === "classes" && !s.classes)
    return fail(say("noClasses", Object.keys(CLASSES).join(", ")));
  if (s.dataset === "drawn" && drawn.length / 2 < 200) {
    run.status = "ready";
    run.error = say("tooFew", drawn.length / 2);
    return refresh();
  }
  Object.assign(run, { status: s.paused ? "paused" : "training", epoch: 0, epochs: s.epochs,
                       losses: [], steps: 0, runEpochs: 0, lookSeconds: 0, field: null, fieldKey: "",
                       stepsPerSecond: 0, trainSeconds: 0, trajectory: null, snapshots: 0,
                       snapshotEpoch: -1, quality: null, error: "" });
  run.classes = s.classes;
  run.flow = s.objective === "flow";
  runId += 1;
  worker.postMessage({ type: "start", settings: s, run: runId });
  refresh();
}

function pauseOrResume() {
  if (run.status === "training") {
    worker.postMessage({ type: "pause" });
    run.status = "paused";
  } else if (run.status === "paused") {
    worker.postMessage({ type: "resume" });
    run.status = "training";
  }
  refresh();
}

// One epoch and a look at the reverse process, paused before and after.
function stepOnce() {
  if (run.status === "ready" || run.status === "error") {
    start(true);
    if (run.status !== "paused") return;  // start refused the settings
  } else if (run.status === "training") {
    pauseOrResume();
  }
  if (run.status === "paused") worker.postMessage({ type: "step" });
}

// The settings, the step t, the language and a drawing, in the page's address (and on the
// clipboard when the browser allows it): a link that opens this page as it is now.
function share() {
  const q = new URLSearchParams();
  for (const id of ["dataset", "n", "epochs", "seed", "schedule", "model", "sampler", "ema",
                    "every", "label", "guidance", "t"])
    q.set(id, $(id).value);
  q.set("lang", lang);
  if ($("dataset").value === "drawn" && drawn.length) q.set("pts", encodePoints(drawn));
  const url = location.href.split("?")[0].split("#")[0] + "?" + q.toString();
  history.replaceState(null, "", url);
  $("share-link").value = url;
  $("share-link").hidden = false;
  $("share-link").select();
  if (navigator.clipboard) navigator.clipboard.writeText(url).catch(() => {});
}
// A drawing in the address: each coordinate in [-1, 1] as one byte, in base64 (1,000 points in
// about 2,700 characters), to 1/127 of the drawing square's half-width.
function encodePoints(xy) {
  let bytes = "";
  for (const v of xy) bytes += String.fromCharCode(Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5));
  return btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function decodePoints(text) {
  const bytes = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const xy = [];
  for (let i = 0; i + 1 < bytes.length; i += 2)
    xy.push(bytes.charCodeAt(i) / 127.5 - 1, bytes.charCodeAt(i + 1) / 127.5 - 1);
  return xy;
}

function reset() {
  worker.postMessage({ type: "pause" });
  runId += 1;  // whatever the old run still sends is dropped
  Object.assign(run, { status: "ready", epoch: 0, epochs: 0, losses: [], steps: 0,
                       runEpochs: 0, lookSeconds: 0, views: null, field: null, fieldKey: "",
                       classes: 0, flow: false,
                       stepsPerSecond: 0, trainSeconds: 0, trajectory: null, points: null,
                       forward: null, params: null, quality: null, snapshots: 0,
                       snapshotEpoch: -1, error: "" });
  refresh();
}

function play() {
  if (playing) { clearInterval(playing); playing = null; return refresh(); }
  $("t").value = String(run.T);
  playing = setInterval(() => {
    const t = Number($("t").value) - 1;
    $("t").value = String(Math.max(t, 0));
    if (t <= 0) { clearInterval(playing); playing = null; }
    refresh();
  }, 40);
  refresh();
}

// The points a run with the current settings would train on, shown before it starts.
function preview() {
  run.preview = null;
  const d = $("dataset").value;
  if (d !== "drawn" && run.status !== "loading")
    worker.postMessage({ type: "preview", dataset: d, n: Number($("n").value),
                         seed: Number($("seed").value) || 0 });
  refresh();
}

// The learner's spray of points: a few around the pointer for every move while pressed, uniform
// in a disc of radius SPRAY (tools/web/api.cpp's kSprayRadius, which scores a drawing), up to
// MAX_DRAWN points.
const SPRAY = 0.03;
const MAX_DRAWN = 20000;
function drawAt(e) {
  if ($("dataset").value !== "drawn" || run.points) return;
  const c = $("data-canvas"), box = c.getBoundingClientRect();
  const [x, y] = toPlane(DRAW_VIEW, box.width, e.clientX - box.left, e.clientY - box.top);
  for (let k = 0; k < 4 && drawn.length < 2 * MAX_DRAWN; ++k) {
    const a = Math.random() * 2 * Math.PI, r = SPRAY * Math.sqrt(Math.random());
    drawn.push(x + r * Math.cos(a), y + r * Math.sin(a));
  }
  refresh();
}

// ---- what the page shows ----
function frameForStep(t) {  // the trajectory's frame at step t: the first at or below it
  if (!run.frameSteps) return -1;
  for (let i = 0; i < run.frames; ++i) if (run.frameSteps[i] <= t) return i;
  return run.frames - 1;
}
// The reverse process's points at step t, as [points, offset, count] (null before the first look).
function reverseAt(t) {
  const f = frameForStep(t);
  if (f < 0) return null;
  const per = run.trajectory.length / run.frames / 2;
  return [run.trajectory, f * per * 2, per];
}

function refreshStatus() {
  const st = $("status");
  st.classList.toggle("error", run.status === "error");
  const last = run.losses.length ? run.losses[run.losses.length - 1].toFixed(4) : "–";
  const rate = Math.round(run.stepsPerSecond);
  // Time left: the training and the looks so far, per epoch, times the epochs to go.
  const spent = run.trainSeconds + run.lookSeconds;
  const p = { epoch: run.epoch, epochs: run.runEpochs || run.epochs, loss: last, rate,
              elapsed: spent.toFixed(1),
              eta: run.epoch ? Math.round(spent / run.epoch * (run.runEpochs - run.epoch)) : "–",
              drawn: $("dataset").value === "drawn" && run.batches ? {
                batches: run.batches, steps: run.runEpochs * run.batches,
                curveEpochs: run.epochs } : null };
  const text = { loading: () => say("loading"), ready: () => run.error || say("ready"),
                 training: () => say("training", p), paused: () => say("paused", p),
                 done: () => say("done", p), error: () => say("error", run.error) };
  st.textContent = text[run.status]();
}

function refreshControls() {
  const active = run.status === "training" || run.status === "paused" || run.status === "done";
  $("start").disabled = run.status === "loading" || active;
  $("pause").disabled = !(run.status === "training" || run.status === "paused");
  $("pause").textContent = run.status === "paused" ? say("resume") : say("pause");
  $("reset").disabled = !active && run.status !== "error";
  $("step").disabled = !(run.status === "ready" || run.status === "paused" ||
                         run.status === "training");
  $("hide").textContent = document.body.classList.contains("pictures") ? say("showControls")
                                                                       : say("hideControls");
  for (const id of ["dataset", "n", "epochs", "seed", "schedule", "model"]) $(id).disabled = active;
  // A conditional model's class and guidance; a flow model has its own sampler.
  const classes = run.status === "ready" || run.status === "loading"
    ? ($("model").value === "classes" ? CLASSES[$("dataset").value] || 0 : 0) : run.classes;
  $("condition").hidden = !classes;
  const flow = run.status === "ready" || run.status === "loading" ? $("model").value === "flow"
                                                                   : run.flow;
  $("flow-why").hidden = !flow;
  $("train-why").hidden = flow;
  $("train-why-flow").hidden = !flow;
  const label = $("label");
  if (label.options.length !== classes + 1) {
    label.innerHTML = "";
    for (let k = -1; k < classes; ++k) label.add(new Option(String(k), String(k)));
  }
  if (label.options.length) label.options[0].text = say("noClass");  // in the language now shown
  $("guidance-value").textContent = Number($("guidance").value).toFixed(1);
  $("sampler").disabled = run.flow;
  $("play").textContent = playing ? say("stop") : say("play");
  $("play").disabled = !run.trajectory;
  const drawing = $("dataset").value === "drawn";
  $("draw-controls").hidden = !drawing;
  $("n").parentElement.hidden = drawing;
  $("data-canvas").classList.toggle("drawing", drawing && !run.points);
  $("draw-count").textContent = say("drawn", drawn.length / 2);
}

function refreshPictures() {
  const t = Number($("t").value);
  $("t-value").textContent = String(t);
  const ink = "#1d2430";
  if (run.points) drawPoints($("data-canvas"), run.points, 0, run.points.length / 2, run.view, ink);
  else if ($("dataset").value === "drawn") drawPoints($("data-canvas"), drawn, 0, drawn.length / 2, DRAW_VIEW, ink, say("drawHere"));
  else if (run.preview) drawPoints($("data-canvas"), run.preview, 0, run.preview.length / 2, viewOf(run.preview, run.preview.length / 2), ink);
  else drawPoints($("data-canvas"), [], 0, 0, DRAW_VIEW, ink, say("loading"));
  // Each t has its own window (draw.js, viewsOf), the same for both panels.
  const view = run.views ? run.views[Math.min(t, run.T)] : DRAW_VIEW;
  if (run.forward) drawPoints($("q-canvas"), run.forward, t * run.n * 2, run.n, view, "#2f6db5");
  else drawPoints($("q-canvas"), [], 0, 0, DRAW_VIEW, "#2f6db5", say("afterStart"));
  const f = frameForStep(t);
  const per = run.trajectory ? run.trajectory.length / run.frames / 2 : 0;  // points a frame
  if (f >= 0) drawPoints($("p-canvas"), run.trajectory, f * per * 2, per, view, "#c0392b");
  else drawPoints($("p-canvas"), [], 0, 0, DRAW_VIEW, "#c0392b", say("afterStart"));
  if (f >= 0 && $("paths").checked)
    drawPaths($("p-canvas"), run.trajectory, per, f, PATHS, view, "#6b2a8f");
  askField(view);
  if ($("field").checked && run.field && run.fieldKey === fieldKey()) drawArrows($("p-canvas"), run.field, view, "#1f7a4d", LIVE[lang].arrows);
  $("q-cap").textContent = say("qCap", t);
  $("p-cap").textContent = f >= 0 ? say("pCap", run.frameSteps[f], run.snapshotEpoch) : say("pNone");
  drawLoss($("loss-canvas"), run.losses, Math.max(run.runEpochs || run.epochs, 1), say("lossAxis"));
}

function refreshQuality() {
  const q = run.quality;
  const cells = [["q-swd", 0, (v) => v.toFixed(4)], ["q-mmd", 1, (v) => v.toExponential(2)],
                 ["q-pr", 2, (v) => v.toFixed(3)], ["q-re", 3, (v) => v.toFixed(3)]];
  for (const [id, i, fmt] of cells) {
    $(id + "-m").textContent = q ? fmt(q[i]) : "–";
    $(id + "-f").textContent = q ? fmt(q[4 + i]) : "–";
  }
}

let pending = false;
function refresh() {  // at most once a frame
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    refreshStatus();
    refreshControls();
    refreshPictures();
    refreshQuality();
  });
}

// What a test (tests/test_web.py) or a curious learner in the console can read.
window.ddpmPage = {
  state: () => ({
    status: run.status, error: run.error, epoch: run.epoch, epochs: run.epochs,
    losses: run.losses, steps: run.steps, stepsPerSecond: run.stepsPerSecond,
    trainSeconds: run.trainSeconds, snapshots: run.snapshots, snapshotEpoch: run.snapshotEpoch,
    params: run.params, quality: run.quality ? Array.from(run.quality) : null,
    qualityN: run.qualityN, lang, drawn: drawn.length / 2, batches: run.batches,
  }),
  // q(x_t | x_0) at step t, the forward panel's points: (n, 2) flattened.
  forward: (t) => run.forward
    ? Array.from(run.forward.slice(t * run.n * 2, (t + 1) * run.n * 2))
    : null,
  // The share of the forward panel's points, and of the reverse panel's, in the window of step t.
  inWindow: (t) => {
    if (!run.views) return null;
    const f = frameForStep(t), per = run.trajectory ? run.trajectory.length / run.frames / 2 : 0;
    return [shareInView(run.forward, t * run.n * 2, run.n, run.views[t]),
            f >= 0 ? shareInView(run.trajectory, f * per * 2, per, run.views[t]) : null];
  },
  // The last learned field the page drew (or null): (k, 4) rows of x, y, dx, dy, flattened.
  field: () => run.field && run.fieldKey === fieldKey() ? Array.from(run.field) : null,
  samples: () => run.trajectory
    ? Array.from(run.trajectory.slice(run.trajectory.length / run.frames * (run.frames - 1)))
    : null,
};

// The learned field: asked of the worker for the slider's t and the window, at most one request
// at a time, again when the weights (a new look) or the window change.
const PATHS = 12;        // the reverse paths drawn: the first 12 of the 1,000 points
const FIELD_GRID = 16;   // arrows on a 16 x 16 grid
let fieldAsked = false;
function fieldStep() { return Math.max(1, Number($("t").value)) - 1; }  // slider t -> q_x's index
function fieldKey() { return [fieldStep(), run.snapshots, $("ema").value].join("|"); }
function askField(view) {
  if (!$("field").checked || !run.views || fieldAsked || run.fieldKey === fieldKey()) return;
  fieldAsked = true;
  run.fieldKey = fieldKey();
  run.field = null;
  worker.postMessage({ type: "field", t: fieldStep(), view, ema: $("ema").value === "1",
                       grid: FIELD_GRID });
}

// Keys: space starts, pauses and resumes; S steps one epoch; P plays the reverse process; the
// arrows move t; H hides the controls. Not while typing in a field.
function onKey(e) {
  const tag = e.target.tagName;
  if ((tag === "INPUT" && e.target.type !== "range") || tag === "SELECT" || tag === "TEXTAREA") return;
  if (tag === "BUTTON" && (e.key === " " || e.key === "Enter")) return;  // the button's own press
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = $("t");
  if (e.key === " ") {
    if (run.status === "ready") start(); else pauseOrResume();
  } else if (e.key === "s" || e.key === "S") stepOnce();
  else if (e.key === "p" || e.key === "P") { if (run.trajectory) play(); }
  else if (e.key === "h" || e.key === "H") toggleControls();
  else if (e.key === "ArrowLeft" || e.key === "ArrowDown") t.value = String(Math.max(0, Number(t.value) - 1));
  else if (e.key === "ArrowRight" || e.key === "ArrowUp") t.value = String(Math.min(Number(t.max), Number(t.value) + 1));
  else return;
  e.preventDefault();
  refresh();
}
function toggleControls() {
  document.body.classList.toggle("pictures");
  refresh();
}

// ---- wiring ----
// The address's settings; a value a control does not take (epochs=abc, a data set that is not
// in the list) is named, and the page does not start a run the link did not ask for.
const badAddress = [];
function fromAddress() {
  for (const id of ["dataset", "n", "epochs", "seed", "schedule", "model", "sampler", "ema",
                    "every", "guidance"]) {
    const v = params.get(id), el = $(id), before = el.value;
    if (v === null) continue;
    el.value = v;
    if (el.value === "" || el.value !== v) {  // not a number, or not one of a list's choices
      el.value = before;
      badAddress.push(id + "=" + v);
    }
  }
}
fromAddress();
if (params.get("t") !== null) {
  const t = Number(params.get("t"));
  if (Number.isInteger(t) && t >= 0 && t <= 100) $("t").value = String(t);
  else badAddress.push("t=" + params.get("t"));
}
// The class needs its options, which depend on the model and the data set: set it after them.
if (params.get("label") !== null) {
  refreshControls();
  $("label").value = params.get("label");
  if ($("label").value !== params.get("label")) badAddress.push("label=" + params.get("label"));
}
if (params.get("pts") !== null) {
  try { drawn = decodePoints(params.get("pts")); } catch (e) { badAddress.push("pts"); }
}
$("lang-en").onclick = () => applyLanguage("en");
$("lang-zh").onclick = () => applyLanguage("zh");
$("start").onclick = start;
$("pause").onclick = pauseOrResume;
$("reset").onclick = reset;
$("play").onclick = play;
$("step").onclick = stepOnce;
$("share").onclick = share;
$("hide").onclick = toggleControls;
$("paths").onchange = refresh;
$("field").onchange = refresh;
document.addEventListener("keydown", onKey);
$("t").oninput = refresh;
for (const id of ["dataset", "n", "seed"]) $(id).onchange = preview;
window.addEventListener("resize", refresh);
for (const id of ["sampler", "ema", "every", "label", "guidance"])
  $(id).onchange = () => { worker.postMessage({ type: "view", view: view() }); refresh(); };
$("guidance").oninput = refresh;
$("model").onchange = refresh;
$("draw-clear").onclick = () => { drawn = []; refresh(); };
let pressed = false;
$("data-canvas").onpointerdown = (e) => {
  pressed = true;
  if (e.target.setPointerCapture) e.target.setPointerCapture(e.pointerId);  // keep a finger's moves
  drawAt(e);
};
$("data-canvas").onpointermove = (e) => { if (pressed) drawAt(e); };
window.addEventListener("pointerup", () => { pressed = false; });
window.addEventListener("pointercancel", () => { pressed = false; });
$("epochs").max = MAX_EPOCHS;
applyLanguage(lang);
