#!/usr/bin/env python3
"""make bench-web: the page's training speed against the native build's, in one run.

Usage: tools/web/bench-web.py BUILD_DIR [EPOCHS]

The same training, the notebook's model on 10,000 S-curve points with seed 1 for EPOCHS epochs
(default 20), three ways:
  - in headless Chromium, on build/wasm/ddpm.js, the WebAssembly the page embeds (what a learner
    gets; the page runs it in a Web Worker, which runs it at the same speed);
  - in Node.js on the same file, when node is installed (Debian's Node is an older V8);
  - natively, `BUILD_DIR/ddpm train` on one thread.
Each is timed three times, interleaved, and the best is kept: this machine's speed varies from
run to run, and the best is the least disturbed. Prints steps/s and the minutes the notebook's
4000 epochs would take.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "web"))
from browser import Browser, serve  # noqa: E402  (after the path it is found on)

STEPS_PER_EPOCH = 79  # ceil(10,000 / 128)
NOTEBOOK_STEPS = 4000 * STEPS_PER_EPOCH

# One timed run on the module: start, train EPOCHS epochs, steps per second of the training alone.
TIMED_RUN = """
function timedRun(m, epochs) {
  const start = m.cwrap("ddpm_web_start", "number", ["string", "number", "number", "string",
                                                     "number", "number", "string", "number"]);
  if (start("s_curve", 10000, epochs, "sigmoid", 1, 0, "eps", 0) < 0)
    throw new Error("start failed: " + m.ccall("ddpm_web_error", "string", [], []));
  const t0 = performance.now();
  m.ccall("ddpm_web_train", "number", ["number"], [epochs]);
  const seconds = (performance.now() - t0) / 1000;
  return m.ccall("ddpm_web_steps", "number", [], []) / seconds;
}
"""


def line(what, rate):
    print("%-44s %6.0f steps/s, %4.1f min for the notebook's 4000 epochs"
          % (what, rate, NOTEBOOK_STEPS / rate / 60), flush=True)


def chromium_rate(browser, epochs):
    return browser.evaluate(TIMED_RUN + "timedRun(window.ddpmModule, %d)" % epochs)


def node_rate(module, epochs):
    script = TIMED_RUN + """
const { performance } = require("perf_hooks");
require(process.argv[1])().then((m) => console.log(timedRun(m, Number(process.argv[2]))));
"""
    out = subprocess.run(["node", "-e", script, module, str(epochs)], check=True,
                         capture_output=True, text=True, env=dict(os.environ,
                                                                  NODE_PATH="/usr/share/nodejs"))
    return float(out.stdout.strip())


def native_rate(ddpm, epochs, work, run):
    t0 = time.perf_counter()
    subprocess.run([ddpm, "train", "--epochs", str(epochs), "--seed", "1", "--threads", "1",
                    "--out", os.path.join(work, "n%d.ckpt" % run)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return epochs * STEPS_PER_EPOCH / (time.perf_counter() - t0)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    module = os.path.join(ROOT, "build", "wasm", "ddpm.js")
    ddpm = os.path.join(ROOT, build, "ddpm")
    if not os.path.exists(module):
        sys.exit("no build/wasm/ddpm.js: run make web first")
    if not os.access(ddpm, os.X_OK):
        sys.exit("no %s/ddpm to compare with: run make first" % build)
    if not shutil.which("chromium"):
        sys.exit("no chromium to run the page's code in: make web-deps installs it")
    work = tempfile.mkdtemp(prefix="ddpm-bench-web-")
    server = serve(os.path.dirname(module))
    browser = Browser(os.path.join(work, "profile"))
    try:
        url = "http://127.0.0.1:%d/" % server.server_address[1]
        browser.call("Page.navigate", {"url": url}, session=True)
        time.sleep(1)
        browser.evaluate_async("""new Promise((resolve, reject) => {
          const s = document.createElement("script");
          s.src = "ddpm.js";
          s.onload = () => createDdpm().then((m) => { window.ddpmModule = m; resolve(true); });
          s.onerror = reject;
          document.head.appendChild(s);
        })""")
        version = browser.call("Browser.getVersion")["product"]
        best = {"chromium": 0.0, "node": 0.0, "native": 0.0}
        has_node = shutil.which("node") is not None
        for run in range(3):
            best["chromium"] = max(best["chromium"], chromium_rate(browser, epochs))
            if has_node:
                best["node"] = max(best["node"], node_rate(module, epochs))
            best["native"] = max(best["native"], native_rate(ddpm, epochs, work, run))
        line("the page's wasm in %s" % version, best["chromium"])
        if has_node:
            line("the same wasm in Node.js %s" % subprocess.run(
                ["node", "--version"], capture_output=True, text=True).stdout.strip(),
                best["node"])
        line("native, %s/ddpm train, 1 thread" % build, best["native"])
        print("the page's speed is %.2f of native's" % (best["chromium"] / best["native"]))
    finally:
        browser.close()
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:  # one line, not a trace
        sys.exit("bench-web: %s" % str(e).split("\n")[0][:300])
