// The page: its controls, the worker that trains (worker.js, with lib compiled to wasm), and what
// it draws. Settings can come from the address too (?dataset=moons&epochs=500&seed=3&lang=zh
// &autostart=1), so an instructor can hand out a link; the browser test uses the same.
"use strict";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const run = {
  status: "loading",  // loading, ready, training, paused, done, error
  epoch: 0, epochs: 0, losses: [], steps: 0, stepsPerSecond: 0, trainSeconds: 0,
  T: 100, n: 0, points: null, forward: null, view: { cx: 0, cy: 0, r: 1 },
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
      fail("the link's " + badAddress.join(", ") + " is not a value the page takes; fix the link " +
           "(it did not start)");
    else if (params.get("autostart") === "1") start();
  } else if (m.type === "started") {
    Object.assign(run, { params: m.params, points: m.points, forward: m.forward, T: m.T, n: m.n });
    run.view = viewOf(m.points, m.points.length / 2);
    $("t").max = String(m.T);
  } else if (m.type === "progress") {
    for (const v of m.losses) run.losses.push(v);
    Object.assign(run, { epoch: m.epoch, epochs: m.epochs, steps: m.steps,
                         stepsPerSecond: m.stepsPerSecond, trainSeconds: m.trainSeconds });
  } else if (m.type === "snapshot") {
    Object.assign(run, { trajectory: m.trajectory, frames: m.frames, frameSteps: m.steps,
                         snapshotEpoch: m.epoch, quality: m.quality, qualityN: m.n });
    run.snapshots += 1;
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
function settings() {
  return {
    dataset: $("dataset").value, n: Number($("n").value), epochs: Number($("epochs").value),
    seed: Number($("seed").value), schedule: $("schedule").value,
    points: new Float32Array(drawn), ...view(),
  };
}
function view() {
  return { sampler: $("sampler").value, ema: $("ema").value === "1",
           sampleEvery: Number($("every").value), ddimSteps: 20 };
}

function start() {
  const s = settings();
  if (!(s.epochs >= 1 && s.epochs <= 20000 && Number.isInteger(s.epochs)))
    return fail("epochs must be a whole number from 1 to 20000");
  if (!(s.seed >= 0 && s.seed <= 2147483647 && Number.isInteger(s.seed)))
    return fail("the seed must be a whole number from 0 to 2147483647");
  if (s.dataset === "drawn" && drawn.length / 2 < 200) {
    run.status = "ready";
    run.error = say("tooFew", drawn.length / 2);
    return refresh();
  }
  Object.assign(run, { status: "training", epoch: 0, epochs: s.epochs, losses: [], steps: 0,
                       stepsPerSecond: 0, trainSeconds: 0, trajectory: null, snapshots: 0,
                       snapshotEpoch: -1, quality: null, error: "" });
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

function reset() {
  worker.postMessage({ type: "pause" });
  runId += 1;  // whatever the old run still sends is dropped
  Object.assign(run, { status: "ready", epoch: 0, epochs: 0, losses: [], steps: 0,
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

// The learner's spray of points: a few around the pointer for every move while pressed.
function drawAt(e) {
  if ($("dataset").value !== "drawn" || run.points) return;
  const c = $("data-canvas"), box = c.getBoundingClientRect();
  const px = (e.clientX - box.left) * c.width / box.width;
  const py = (e.clientY - box.top) * c.height / box.height;
  const [x, y] = toPlane(DRAW_VIEW, c.width, px, py);
  for (let k = 0; k < 4 && drawn.length < 2 * 20000; ++k) {
    const a = Math.random() * 2 * Math.PI, r = 0.03 * Math.sqrt(Math.random());
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

function refreshStatus() {
  const st = $("status");
  st.classList.toggle("error", run.status === "error");
  const last = run.losses.length ? run.losses[run.losses.length - 1].toFixed(4) : "–";
  const rate = Math.round(run.stepsPerSecond);
  const p = { epoch: run.epoch, epochs: run.epochs, loss: last, rate,
              elapsed: run.trainSeconds.toFixed(1),
              eta: run.epoch ? Math.round(run.trainSeconds / run.epoch * (run.epochs - run.epoch)) : "–" };
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
  for (const id of ["dataset", "n", "epochs", "seed", "schedule"]) $(id).disabled = active;
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
  if (run.points) drawPoints($("data-canvas"), run.points, 0, run.points.length / 2, run.view, "#1d2430");
  else if ($("dataset").value === "drawn") drawPoints($("data-canvas"), drawn, 0, drawn.length / 2, DRAW_VIEW, "#1d2430");
  else drawPoints($("data-canvas"), [], 0, 0, DRAW_VIEW, "#1d2430");
  if (run.forward) drawPoints($("q-canvas"), run.forward, t * run.n * 2, run.n, run.view, "#2f6db5");
  else drawPoints($("q-canvas"), [], 0, 0, DRAW_VIEW, "#2f6db5");
  const f = frameForStep(t);
  const per = run.trajectory ? run.trajectory.length / run.frames / 2 : 0;  // points a frame
  if (f >= 0) drawPoints($("p-canvas"), run.trajectory, f * per * 2, per, run.view, "#c0392b");
  else drawPoints($("p-canvas"), [], 0, 0, DRAW_VIEW, "#c0392b");
  $("q-cap").textContent = say("qCap", t);
  $("p-cap").textContent = f >= 0 ? say("pCap", run.frameSteps[f], run.snapshotEpoch) : say("pNone");
  drawLoss($("loss-canvas"), run.losses, Math.max(run.epochs, 1), say("lossAxis"));
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
    qualityN: run.qualityN, lang, drawn: drawn.length / 2,
  }),
  // q(x_t | x_0) at step t, the forward panel's points: (n, 2) flattened.
  forward: (t) => run.forward
    ? Array.from(run.forward.slice(t * run.n * 2, (t + 1) * run.n * 2))
    : null,
  samples: () => run.trajectory
    ? Array.from(run.trajectory.slice(run.trajectory.length / run.frames * (run.frames - 1)))
    : null,
};

// ---- wiring ----
// The address's settings; a value a control does not take (epochs=abc, a data set that is not
// in the list) is named, and the page does not start a run the link did not ask for.
const badAddress = [];
function fromAddress() {
  for (const id of ["dataset", "n", "epochs", "seed", "schedule", "sampler", "ema", "every"]) {
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
$("lang-en").onclick = () => applyLanguage("en");
$("lang-zh").onclick = () => applyLanguage("zh");
$("start").onclick = start;
$("pause").onclick = pauseOrResume;
$("reset").onclick = reset;
$("play").onclick = play;
$("t").oninput = refresh;
$("dataset").onchange = refresh;
for (const id of ["sampler", "ema", "every"])
  $(id).onchange = () => worker.postMessage({ type: "view", view: view() });
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
applyLanguage(lang);
