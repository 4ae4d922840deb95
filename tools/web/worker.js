// The page's Web Worker: lib's training and sampling (tools/web/api.cpp, compiled to wasm), run
// here so the page stays responsive. It trains an epoch at a time, posts the new losses about ten
// times a second, and every `sampleEvery` epochs draws the reverse process from the current
// weights and scores it as `ddpm eval` does.
//
// Messages in: start {settings, run}, pause, resume, step (one epoch, then a look; paused),
// view {sampler, ema, sampleEvery, ddimSteps, label, guidance}, preview {dataset, n, seed},
// field {t, view, ema, grid}.
// Messages out: ready, preview, started, progress, snapshot, field, done, error; each but ready and
// preview carries the run number its start gave, so the page can drop what a run it has reset
// still sends.
//
// A drawn set trains for as many steps as the S-curve would: its settings' epochs and look
// interval count the S-curve's epochs (79 batches each), and the worker runs the drawn set's
// epochs that make the same number of steps (a 400-point drawing has 4 batches an epoch, so 20
// times more epochs). Without this a drawing got a twentieth of the training and came out a blob.
"use strict";

let api = null;       // the C API's functions
let wasm = null;      // the emscripten module (its memory)
let settings = null;  // the run's, from the page
let running = false;  // training (false: paused or finished)
let epoch = 0;
let posted = 0;       // losses already sent to the page
let trainSeconds = 0; // time spent in training alone (not sampling)
let scheduled = false; // a loop() is waiting to run
let runId = 0;        // the page's number for the current run
let lookSeconds = 0;  // time spent looking (the reverse process and its scores)
let epochs = 0;       // the run's epochs, of its own data set
let lookEvery = 1;    // a look every this many of them

const BATCH = 128;                                     // the notebook's batch size
const S_CURVE_BATCHES = Math.ceil(10000 / BATCH);      // 79: the notebook's steps an epoch

const SAMPLE_N = 1000;   // points drawn for each look at the reverse process
const EVAL_SEED = 99;    // ddpm eval's default reference seed
const SAMPLE_SEED = 1;   // ddpm sample's default seed
const CHUNK_MS = 100;    // how long to train between two looks at the page's messages

// Every message of a run carries its number.
function post(message) { postMessage(Object.assign(message, { run: runId })); }

function fail(where) {
  post({ type: "error", message: where + ": " + api.error() });
  running = false;
}

// A copy of n floats (or doubles) at a pointer into wasm memory (which may move as it grows).
function floats(ptr, n) { return new Float32Array(wasm.HEAPF32.buffer, ptr, n).slice(); }
function doubles(ptr, n) { return new Float64Array(wasm.HEAPF64.buffer, ptr, n).slice(); }
function ints(ptr, n) { return new Int32Array(wasm.HEAP32.buffer, ptr, n).slice(); }

function start(s, id) {
  settings = s;
  runId = id;
  running = false;
  let xy = 0;
  if (s.dataset === "drawn") {
    xy = wasm._malloc(s.points.length * 4);
    new Float32Array(wasm.HEAPF32.buffer, xy, s.points.length).set(s.points);
  }
  const n = s.dataset === "drawn" ? s.points.length / 2 : s.n;
  // The drawn set's epochs for the same steps as the S-curve's (see the top of this file).
  const scale = s.dataset === "drawn" ? S_CURVE_BATCHES / Math.ceil(n / BATCH) : 1;
  epochs = Math.max(1, Math.round(s.epochs * scale));
  lookEvery = Math.max(1, Math.round(s.sampleEvery * scale));
  const params = api.start(s.dataset, n, epochs, s.schedule, s.seed, xy, s.objective, s.classes);
  if (xy) wasm._free(xy);
  if (params < 0) return fail("start");
  if (s.classes > 0 && api.condition(s.label, s.guidance) < 0) return fail("condition");
  epoch = 0;
  posted = 0;
  trainSeconds = 0;
  lookSeconds = 0;
  const count = api.pointsN();
  const points = floats(api.points(), 2 * count);
  const T = api.numSteps();
  const forward = floats(api.forward(SAMPLE_N, s.seed), (T + 1) * Math.min(SAMPLE_N, count) * 2);
  post({ type: "started", params, points, forward, T, n: Math.min(SAMPLE_N, count), epochs,
         batches: Math.ceil(count / BATCH) });
  snapshot();  // the untrained model's reverse process: noise in, noise out
  if (s.paused) return;  // started by Step: the page steps it
  running = true;
  schedule();
}

// One epoch and a look, with the run paused (the page's Step button).
function step() {
  if (!settings || running || epoch >= epochs) return;
  const t0 = performance.now();
  const done = api.train(1);
  trainSeconds += (performance.now() - t0) / 1000;
  if (done < 0) return fail("train");
  epoch = done;
  progress();
  snapshot();
  if (epoch >= epochs) post({ type: "done", epoch });
}

// One loop() at a time: a pause and a resume (or a new start) while one waits must not add another.
function schedule() {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => { scheduled = false; loop(); }, 0);
}

// The reverse process from the current weights, and its quality numbers.
function snapshot() {
  const t0 = performance.now();
  const frames = api.sample(settings.sampler, settings.ema ? 1 : 0, SAMPLE_N, SAMPLE_SEED,
                            settings.ddimSteps);
  if (frames < 0) return fail("sample");
  const trajectory = floats(api.trajectory(), frames * SAMPLE_N * 2);
  const steps = ints(api.trajectorySteps(), frames);
  const n = api.evaluate(SAMPLE_N, EVAL_SEED);
  if (n < 0) return fail("evaluate");
  const quality = doubles(api.quality(), 8);
  lookSeconds += (performance.now() - t0) / 1000;
  post({ type: "snapshot", epoch, frames, steps, trajectory, quality, n });
}

function progress() {
  const losses = floats(api.losses(), epoch).slice(posted);
  posted = epoch;
  const steps = api.steps();
  post({ type: "progress", epoch, epochs, losses, steps, trainSeconds, lookSeconds,
         stepsPerSecond: steps / Math.max(trainSeconds, 1e-9) });
}

function loop() {
  if (!running) return;
  const began = performance.now();
  while (running && epoch < epochs && performance.now() - began < CHUNK_MS) {
    const t0 = performance.now();
    const done = api.train(1);
    trainSeconds += (performance.now() - t0) / 1000;
    if (done < 0) return fail("train");
    epoch = done;
    if (epoch % lookEvery === 0 || epoch === epochs) {
      progress();
      snapshot();
    }
  }
  progress();
  if (epoch >= epochs) {
    running = false;
    post({ type: "done", epoch });
    return;
  }
  schedule();
}

onmessage = (e) => {
  const m = e.data;
  if (m.type === "start") start(m.settings, m.run);
  else if (m.type === "pause") running = false;
  else if (m.type === "step") step();
  else if (m.type === "field" && settings) {
    const { cx, cy, r } = m.view;
    const ptr = api.field(m.t, cx, cy, r, m.grid, m.ema ? 1 : 0);
    if (!ptr) return fail("field");
    post({ type: "field", t: m.t, data: floats(ptr, m.grid * m.grid * 4) });
  }
  else if (m.type === "resume" && settings && !running && epoch < epochs) {
    running = true;
    schedule();
  } else if (m.type === "preview") {
    const ptr = api.preview(m.dataset, m.n, m.seed);
    if (ptr) postMessage({ type: "preview", dataset: m.dataset, points: floats(ptr, 2 * m.n) });
  } else if (m.type === "view" && settings) {
    Object.assign(settings, m.view);
    if (settings.classes > 0 && api.condition(settings.label, settings.guidance) < 0)
      return fail("condition");
    const scale = epochs / settings.epochs;
    lookEvery = Math.max(1, Math.round(settings.sampleEvery * scale));
    if (!running) snapshot();  // paused or done: show the new choice at once
  }
};

createDdpm().then((module) => {
  wasm = module;
  const c = (name, ret, args) => module.cwrap("ddpm_web_" + name, ret, args);
  api = {
    preview: c("preview", "number", ["string", "number", "number"]),
    field: c("field", "number", ["number", "number", "number", "number", "number", "number"]),
    start: c("start", "number", ["string", "number", "number", "string", "number", "number",
                                 "string", "number"]),
    condition: c("condition", "number", ["number", "number"]),
    train: c("train", "number", ["number"]),
    losses: c("losses", "number", []),
    steps: c("steps", "number", []),
    numSteps: c("num_steps", "number", []),
    pointsN: c("points_n", "number", []),
    points: c("points", "number", []),
    forward: c("forward", "number", ["number", "number"]),
    sample: c("sample", "number", ["string", "number", "number", "number", "number"]),
    trajectory: c("trajectory", "number", []),
    trajectorySteps: c("trajectory_steps", "number", []),
    evaluate: c("evaluate", "number", ["number", "number"]),
    quality: c("quality", "number", []),
    error: c("error", "string", []),
  };
  postMessage({ type: "ready" });
});
