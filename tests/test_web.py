#!/usr/bin/env python3
"""The browser page in a real browser: headless Chromium trains on build/web/index.html.

Usage: tests/test_web.py BUILD_DIR [EPOCHS]

Serves build/web/ on 127.0.0.1, opens the page in Debian's chromium, driven through the DevTools
protocol over a pipe (no library beyond Python's own), lets it train EPOCHS epochs (default 300)
of the notebook's run, then reads the page's state and checks, printing "OK ..." or "NOT OK ...":
  - the page trained, with no error and no exception in its console;
  - the loss fell: the last 20 epochs' mean is below 0.75 of the first epoch's;
  - the samples are near the data: their sliced Wasserstein is under 4 times the floor's
    (at 300 epochs the native build scores about 2 times; the untrained model about 40 times);
  - the same numbers as the native build, compared by statistics that are stable on any machine
    (rounding grows chaotically in training, so never by a maximum over points): `ddpm train`
    with the same seed gives the first epoch's mean loss within 1e-5 relative, 95% of the epochs'
    within 2e-2 and 5e-3 on average; `ddpm sample` the same samples to a median difference of
    1e-2 and a 95th percentile of 5e-2 per coordinate; `ddpm eval` the same sliced Wasserstein
    within 10% (docs/web.md says why not bit for bit);
  - each step t's window holds its points: at t = T and T/2, 98% of the forward panel's and of
    the reverse panel's;
  - the layout, in both languages: at 1280x800 and 1920x1080 the loss chart and the samples are on
    screen together; at 390x844 (a phone, 3 device pixels to the CSS pixel) nothing is wider than
    the screen and the canvases are drawn at the screen's density;
  - the page also opens straight from the file (file://) and trains there, in Chinese;
  - the forward panel is a random sample of the data (two moons: half its points on each moon);
  - a link with a value the page does not take (epochs=abc) is refused by name, and no run starts;
  - Reset during training leaves no epoch, loss or look of the run behind;
  - a finger draws (touch events, as a phone sends them);
  - the keys: S on a fresh page trains exactly one epoch and looks once, paused; the learned field
    (eps_theta on a 16 x 16 grid) is finite, and its arrows are longer at t = 100 than at t = 2,
    where there is less noise to take away;
  - a conditional model of two moons (their classes, label dropout), 60 epochs, sampled for
    class 0 with guidance w = 3 puts over 75% of its samples on one moon (85% on the course's
    machine), and the same model with no class puts 30% to 70% there; scored against that
    class's points; its controls fit a 1200 px window; flow matching trains on the S-curve, its samples by Heun's method
    under 6 times the floor's SWD;
  - Share puts the settings, t and the language in the address, and that link opens the page so;
  - points drawn with the pointer train for the S-curve's steps: 100 of its epochs (7,900 steps)
    bring their SWD, against 1,000 points sprayed as the drawing was, under 6 times the floor's
    (about 4 on the course's machine).
Screenshots go to BUILD_DIR/web-test/ (page-en.png, page-zh.png, page-moons.png, page-drawn.png,
page-field.png, the layouts, layout-{en,zh}-{390,1280,1920}.png, and the guidance, flow and field
views at the same sizes, view-{guidance,flow,field}-{en,zh}-{390,1280,1920}.png) to look at.
Ends with "N passed, N failed".
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "web"))
from browser import Browser, serve  # noqa: E402  (after the path it is found on)
results = {"passed": 0, "failed": 0}


def quantile(values, q):
    """The q-quantile of values (the nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check(ok, what):
    print(("OK      " if ok else "NOT OK  ") + what, flush=True)
    results["passed" if ok else "failed"] += 1
    return ok


def open_page(browser, url, timeout=60):
    """Opens url and returns once the new page's module has loaded: its status is past "loading"
    (ready, or error for a link it refuses) and the page has drawn since, so that its controls say
    so too (the page updates them at its next frame: a click on Start before it would find the
    button still disabled). The page being left is marked first, so that a link to the page
    already open (Share's) waits for the new one."""
    browser.evaluate("window.leaving = true")
    browser.call("Page.navigate", {"url": url}, session=True)
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.05)
        try:
            if browser.evaluate("!window.leaving && window.ddpmPage !== undefined && "
                                "window.ddpmPage.state().status !== 'loading'"):
                browser.settle()
                return
        except RuntimeError:
            continue  # between the two documents
    raise RuntimeError("%s did not load within %d s" % (url, timeout))


def train_on_page(browser, url, epochs, timeout):
    """Opens url and waits until the page has trained `epochs` epochs; returns its state. Through
    open_page, so the state read is the new page's, never the last page's finished run."""
    open_page(browser, url)
    return wait_until_trained(browser, timeout)


def wait_until_trained(browser, timeout):
    """The page's state once its run is done or failed (or the last seen at the timeout)."""
    deadline = time.time() + timeout
    state = None
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            state = browser.evaluate("window.ddpmPage && window.ddpmPage.state()")
        except RuntimeError:
            continue  # the page is still loading
        if state and (state["status"] in ("done", "error")):
            break
    return state


# A phone's and two desktops' windows: width, height, device pixel ratio, whether it is a phone.
SIZES = ((390, 844, 3, True), (1280, 800, 1, False), (1920, 1080, 1, False))


def check_layout(browser, out, lang):
    """Screenshots of what the window shows at a phone's and two desktops' sizes, and the checks
    a layout can be held to."""
    for width, height, scale, mobile in SIZES:
        browser.set_viewport(width, height, scale, mobile)
        if width >= 1200:
            browser.evaluate("document.getElementById('train-section').scrollIntoView()")
            browser.settle()
            seen = browser.evaluate("""(() => ["loss-canvas", "p-canvas"].map((id) => {
                const b = document.getElementById(id).getBoundingClientRect();
                return b.top >= 0 && b.bottom <= window.innerHeight; }))()""")
            check(all(seen), "%s, %dx%d: the loss chart and the samples on screen together "
                             "(loss %s, samples %s)" % (lang, width, height, seen[0], seen[1]))
        else:
            wide = browser.evaluate("document.documentElement.scrollWidth")
            sharp = browser.evaluate("""(() => { const c = document.getElementById("q-canvas");
                return [c.width, c.clientWidth]; })()""")
            check(wide <= width and sharp[0] == round(sharp[1] * scale),
                  "%s, %dx%d at %dx: nothing wider than the screen (%d px), the canvases at the "
                  "screen's density (%d device pixels for %d CSS)"
                  % (lang, width, height, scale, wide, sharp[0], sharp[1]))
        browser.screenshot(os.path.join(out, "layout-%s-%d.png" % (lang, width)),
                           whole_page=False)
        browser.evaluate("window.scrollTo(0, 0)")
    browser.set_viewport(1200, 2400)


def check_view(browser, out, name):
    """The samples' section as it is now (a view the earlier checks set up), at a phone's and two
    desktops' sizes, in both languages: screenshots view-NAME-{en,zh}-{390,1280,1920}.png, and
    what each size can be held to (nothing wider than the screen; the samples' panel whole in the
    window)."""
    fits = []
    for lang in ("en", "zh"):
        browser.evaluate("document.getElementById('lang-%s').click()" % lang)
        for width, height, scale, mobile in SIZES:
            browser.set_viewport(width, height, scale, mobile)
            browser.evaluate("document.getElementById('p-canvas').scrollIntoView({block: 'center'})")
            browser.settle()
            fits.append(browser.evaluate("""(() => {
                const b = document.getElementById("p-canvas").getBoundingClientRect();
                return document.documentElement.scrollWidth <= window.innerWidth &&
                    b.left >= 0 && b.right <= window.innerWidth && b.top >= 0 &&
                    b.bottom <= window.innerHeight; })()"""))
            browser.screenshot(os.path.join(out, "view-%s-%s-%d.png" % (name, lang, width)),
                               whole_page=False)
    browser.evaluate("document.getElementById('lang-en').click()")
    browser.set_viewport(1200, 2400)
    check(all(fits), "the %s view at 390, 1280 and 1920 px, English and Chinese: the samples' "
                     "panel whole in the window, nothing wider than the screen (%d of 6)"
          % (name, sum(map(bool, fits))))


def native_run(build, epochs, seed, work):
    """The same run by the native tools: every epoch's loss, 1000 samples, and their SWD."""
    ddpm = os.path.join(ROOT, build, "ddpm")
    ckpt, log, samples = (os.path.join(work, f) for f in ("n.ckpt", "n.csv", "s.csv"))
    subprocess.run([ddpm, "train", "--epochs", str(epochs), "--seed", str(seed), "--out", ckpt,
                    "--log", log, "--threads", "1"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    subprocess.run([ddpm, "sample", "--model", ckpt, "--n", "1000", "--seed", "1", "--out",
                    samples], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    evaluation = subprocess.run([ddpm, "eval", "--model", ckpt, "--n", "1000"],
                                check=True, capture_output=True, text=True).stdout
    with open(log) as f:
        losses = [float(line.split(",")[1]) for line in f.read().split("\n")[1:] if line]
    with open(samples) as f:
        points = [float(v) for line in f.read().split("\n")[1:] if line for v in line.split(",")]
    swd = json.loads(evaluation.strip().split("\n")[-1])["swd"]
    return losses, points, swd


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    page = os.path.join(ROOT, "build", "web", "index.html")
    if not os.path.exists(page):
        sys.exit("no build/web/index.html: run make web first")
    if not os.access(os.path.join(ROOT, build, "ddpm"), os.X_OK):
        sys.exit("no %s/ddpm to compare the page with: run make first" % build)
    out = os.path.join(ROOT, build, "web-test")
    os.makedirs(out, exist_ok=True)
    server = serve(os.path.dirname(page))
    work = tempfile.mkdtemp(prefix="ddpm-web-")
    browser = Browser(os.path.join(work, "profile"))
    try:
        url = ("http://127.0.0.1:%d/index.html?epochs=%d&seed=1&every=100&autostart=1&lang=en"
               % (server.server_address[1], epochs))
        state = train_on_page(browser, url, epochs, timeout=600)
        browser.screenshot(os.path.join(out, "page-en.png"))
        if not check(state is not None and state["status"] == "done" and state["epoch"] == epochs,
                     "the page trained %d epochs (status %s%s)" % (
                         epochs, state and state["status"], state and (": " + state["error"]))):
            return
        errors = browser.console_errors()
        check(not errors, "no error in the page's console" + ("" if not errors else ": " + errors[0]))
        losses = state["losses"]
        tail = sum(losses[-20:]) / 20
        check(tail < 0.75 * losses[0],
              "the loss fell: %.4f in epoch 1, %.4f over the last 20" % (losses[0], tail))
        q = state["quality"]
        check(q is not None and q[0] < 4 * q[4],
              "the samples' sliced Wasserstein %.4f is under 4x the floor's %.4f" % (q[0], q[4]))
        rate = state["stepsPerSecond"]
        print("page: %.0f steps/s (%d steps in %.1f s of training)" % (
            rate, state["steps"], state["trainSeconds"]))

        native_losses, native_samples, native_swd = native_run(build, epochs, 1, work)
        first = abs(losses[0] - native_losses[0]) / native_losses[0]
        check(first < 1e-5, "epoch 1's loss: page %.6f, native %.6f (relative %.1e)" % (
            losses[0], native_losses[0], first))
        gaps = [abs(a - b) / b for a, b in zip(losses, native_losses)]
        check(len(losses) == len(native_losses) and quantile(gaps, 0.95) < 2e-2 and
              sum(gaps) / len(gaps) < 5e-3,
              "95%% of the epochs' losses within 2e-2 of the native build's, 5e-3 on average "
              "(95th percentile %.1e, mean %.1e, worst %.1e)" % (
                  quantile(gaps, 0.95), sum(gaps) / len(gaps), max(gaps)))
        samples = browser.evaluate("window.ddpmPage.samples()")
        diffs = [abs(a - b) for a, b in zip(samples, native_samples)]
        check(len(samples) == len(native_samples) and quantile(diffs, 0.5) < 1e-2 and
              quantile(diffs, 0.95) < 5e-2,
              "the samples near `ddpm sample`'s: median difference %.1e (under 1e-2), 95th "
              "percentile %.1e (under 5e-2)" % (quantile(diffs, 0.5), quantile(diffs, 0.95)))
        check(abs(q[0] - native_swd) < 0.1 * native_swd,
              "sliced Wasserstein: page %.5f, ddpm eval %.5f" % (q[0], native_swd))

        # Straight from the file, in Chinese: a short run.
        # Every step's window holds its points (draw.js, viewsOf).
        T = 100
        for t in (T, T // 2):
            share = browser.evaluate("window.ddpmPage.inWindow(%d)" % t)
            check(share is not None and share[0] >= 0.98 and share[1] >= 0.98,
                  "the window of t = %d holds %.1f%% of the forward panel's points and %.1f%% of "
                  "the reverse panel's" % (t, 100 * share[0], 100 * share[1]))
        check_layout(browser, out, "en")

        state = train_on_page(browser, "file://" + page + "?epochs=100&every=50&autostart=1&lang=zh",
                              100, timeout=180)
        browser.screenshot(os.path.join(out, "page-zh.png"))
        check(state is not None and state["status"] == "done" and state["lang"] == "zh" and
              state["snapshots"] >= 3,
              "from file://, in Chinese: trained %s epochs, %s looks at the reverse process" % (
                  state and state["epoch"], state and state["snapshots"]))
        check_layout(browser, out, "zh")

        # The forward panel shows a random sample of the data: two moons, both moons (the data
        # comes one moon after the other, and the first 1,000 points were all the outer one).
        state = train_on_page(browser, "http://127.0.0.1:%d/index.html?dataset=moons&epochs=1"
                              "&autostart=1" % server.server_address[1], 1, timeout=120)
        x_0 = browser.evaluate("window.ddpmPage.forward(0)")
        browser.screenshot(os.path.join(out, "page-moons.png"))
        # In scikit-learn's units (x 7.5, shifted back) the outer moon is the upper half of the
        # unit circle about (0, 0), the inner one the lower half of the one about (1, 0.5): each
        # point counts for the circle it lies nearer to.
        def on_outer(x, y):
            x, y = x * 7.5 + 0.5, y * 7.5 + 0.25
            return abs(math.hypot(x, y) - 1) < abs(math.hypot(x - 1, y - 0.5) - 1)
        outer = sum(1 for i in range(0, len(x_0 or []), 2) if on_outer(x_0[i], x_0[i + 1]))
        share = outer / max(1, len(x_0 or []) // 2)
        check(state is not None and state["status"] == "done" and 0.4 < share < 0.6,
              "the forward panel samples the data at random: %.0f%% of its two-moons points on "
              "the outer moon (the data's 50%%)" % (100 * share))
        # A link with a value the page does not take is named, and no run starts.
        open_page(browser, "http://127.0.0.1:%d/index.html?epochs=abc&autostart=1"
                  % server.server_address[1])
        state = browser.evaluate("window.ddpmPage.state()")
        check(state["status"] == "error" and "epochs=abc" in state["error"] and state["epoch"] == 0,
              "epochs=abc in the link: refused by name, no run started (%s)" % state["error"])

        # Reset during training leaves nothing of the run: the worker's last messages are its.
        open_page(browser, "http://127.0.0.1:%d/index.html?epochs=2000&every=50&autostart=1"
                  % server.server_address[1])
        for _ in range(600):  # training under way, however busy the machine
            state = browser.evaluate("window.ddpmPage.state()")
            if state["status"] == "training" and state["epoch"] >= 1:
                break
            time.sleep(0.05)
        browser.evaluate("document.getElementById('reset').click()")
        time.sleep(2)
        state = browser.evaluate("window.ddpmPage.state()")
        check(state["status"] == "ready" and state["epoch"] == 0 and not state["losses"] and
              state["snapshots"] == 0 and state["quality"] is None,
              "reset during training: no stale epoch, loss or look (status %s, epoch %s, %d "
              "losses, %s looks)" % (state["status"], state["epoch"], len(state["losses"]),
                                     state["snapshots"]))

        # A conditional model with guidance, and flow matching.
        state = train_on_page(browser, "http://127.0.0.1:%d/index.html?dataset=moons&model=classes"
                              "&epochs=60&every=50&label=0&guidance=3&autostart=1"
                              % server.server_address[1], 60, timeout=300)
        def outer_share():
            samples = browser.evaluate("window.ddpmPage.samples()") or []
            outer = sum(1 for i in range(0, len(samples), 2)
                        if on_outer(samples[i], samples[i + 1]))
            return outer / max(1, len(samples) // 2)
        share = outer_share()
        quality = state and state["quality"]
        # The same model asked for no class: a fresh look, paused, with label -1.
        browser.evaluate("(() => { const l = document.getElementById('label'); l.value = '-1'; "
                         "l.dispatchEvent(new Event('change')); })()")
        time.sleep(4)
        unguided = outer_share()
        check(state is not None and state["status"] == "done" and max(share, 1 - share) > 0.75 and
              0.3 < unguided < 0.7 and state["qualityN"] == 1000,
              "two moons with classes: class 0 at w = 3 puts %.0f%% of the samples on the outer "
              "moon, no class %.0f%%; scored against class 0 (SWD %s, floor %s)" % (
                  100 * share, 100 * unguided, quality and "%.4f" % quality[0],
                  quality and "%.4f" % quality[4]))
        browser.screenshot(os.path.join(out, "page-guidance.png"))
        wide = browser.evaluate("document.documentElement.scrollWidth")
        check(wide <= 1200, "the class and guidance controls fit a 1200 px window (the page is "
                            "%d px wide)" % wide)
        browser.evaluate("(() => { const l = document.getElementById('label'); l.value = '0'; "
                         "l.dispatchEvent(new Event('change')); })()")
        time.sleep(4)
        check_view(browser, out, "guidance")
        state = train_on_page(browser, "http://127.0.0.1:%d/index.html?model=flow&epochs=100"
                              "&every=100&autostart=1" % server.server_address[1], 100,
                              timeout=300)
        q = state and state["quality"]
        check(state is not None and state["status"] == "done" and q is not None and
              q[0] < 6 * q[4],
              "flow matching on the S-curve, 100 epochs: SWD %s (floor %s)" % (
                  q and "%.4f" % q[0], q and "%.4f" % q[4]))
        shown = browser.evaluate("""["flow-why", "train-why-flow", "train-why"].map((id) =>
            document.getElementById(id).offsetHeight > 0)""")
        check(shown == [True, True, False],
              "a flow model's view says what it trains and shows (the velocity, the straight "
              "path, Heun's method, its field), not the eps model's text: shown %s" % shown)
        browser.screenshot(os.path.join(out, "page-flow.png"))
        check_view(browser, out, "flow")

        # The keys, the field, and Share.
        open_page(browser, "http://127.0.0.1:%d/index.html?epochs=50&dataset=moons&seed=4"
                  % server.server_address[1])
        def key(k):
            for kind in ("keyDown", "keyUp"):
                browser.call("Input.dispatchKeyEvent", {"type": kind, "key": k, "text": k},
                             session=True)
        key("s")
        for _ in range(60):  # the epoch and its look, however busy the machine
            time.sleep(0.5)
            state = browser.evaluate("window.ddpmPage.state()")
            if state["snapshots"] >= 2:
                break
        check(state["status"] == "paused" and state["epoch"] == 1 and state["snapshots"] == 2,
              "S trains one epoch and looks: status %s, epoch %s, %s looks (the start's and the "
              "step's)" % (state["status"], state["epoch"], state["snapshots"]))
        lengths = {}
        browser.evaluate("document.getElementById('field').click()")
        for t in (100, 2):
            browser.evaluate("(() => { const s = document.getElementById('t'); s.value = '%d'; "
                             "s.dispatchEvent(new Event('input')); })()" % t)
            field = None
            for _ in range(20):
                time.sleep(0.3)
                field = browser.evaluate("window.ddpmPage.field()")
                if field:
                    break
            ok = field is not None and len(field) == 16 * 16 * 4 and all(map(math.isfinite, field))
            lengths[t] = (sum(math.hypot(field[i + 2], field[i + 3])
                              for i in range(0, len(field), 4)) / 256) if ok else float("nan")
        check(lengths[100] > 2 * lengths[2],
              "the learned field: 256 finite arrows, mean length %.3f at t = 100 and %.3f at "
              "t = 2" % (lengths[100], lengths[2]))
        browser.screenshot(os.path.join(out, "page-field.png"))
        check_view(browser, out, "field")
        browser.evaluate("document.getElementById('share').click()")
        link = browser.evaluate("location.href")
        open_page(browser, link)
        restored = browser.evaluate("""["dataset", "epochs", "seed", "t"].map((id) =>
            document.getElementById(id).value).join(" ")""")
        check(restored == "moons 50 4 2" and "lang=en" in link,
              "Share: the link keeps the settings, t and the language (%s -> %s)"
              % (link.split("?")[-1], restored))

        # A finger draws too: touch events (as a phone sends them) along a circle.
        open_page(browser, "http://127.0.0.1:%d/index.html?dataset=drawn" % server.server_address[1])
        browser.call("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1},
                     session=True)
        box = browser.evaluate("""(() => { const b = document.getElementById("data-canvas")
            .getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })()""")
        def touch(kind, a):
            point = {"x": box[0] + box[2] * (0.5 + 0.3 * math.cos(a)),
                     "y": box[1] + box[3] * (0.5 + 0.3 * math.sin(a))}
            browser.call("Input.dispatchTouchEvent",
                         {"type": kind, "touchPoints": [] if kind == "touchEnd" else [point]},
                         session=True)
        touch("touchStart", 0)
        for i in range(1, 101):
            touch("touchMove", i / 100 * 2 * math.pi)
        touch("touchEnd", 0)
        touched = browser.evaluate("window.ddpmPage.state().drawn")
        check(touched >= 200, "a finger's drag draws: %d points from one touch along a circle "
                              "(200 are needed to train)" % touched)

        # Points the learner draws: a pressed pointer dragged along a circle, then Start.
        open_page(browser, "http://127.0.0.1:%d/index.html?dataset=drawn&epochs=100&every=50"
                  % server.server_address[1])
        drawn = browser.evaluate("""(() => {
            const c = document.getElementById("data-canvas"), b = c.getBoundingClientRect();
            const at = (type, a) => c.dispatchEvent(new PointerEvent(type, { bubbles: true,
                clientX: b.left + b.width * (0.5 + 0.3 * Math.cos(a)),
                clientY: b.top + b.height * (0.5 + 0.3 * Math.sin(a)) }));
            at("pointerdown", 0);
            for (let i = 1; i <= 100; ++i) at("pointermove", i / 100 * 2 * Math.PI);
            window.dispatchEvent(new PointerEvent("pointerup"));
            document.getElementById("start").click();
            return window.ddpmPage.state().drawn;
        })()""")
        state = wait_until_trained(browser, 120)
        q = state["quality"]
        steps, batches = state["steps"], state["batches"]
        check(state["status"] == "done" and drawn >= 200 and
              steps == math.floor(100 * 79 / batches + 0.5) * batches and
              q is not None and q[0] < 6 * q[4] and state["qualityN"] == 1000,
              "drawn points: %s drawn, trained %d epochs of %d batches, %d steps (the S-curve's 100 "
              "epochs make 7,900), sliced Wasserstein %s against %s points (floor %s)" % (
                  drawn, state["epoch"], batches, steps, q and "%.4f" % q[0], state["qualityN"],
                  q and "%.4f" % q[4]))
        browser.screenshot(os.path.join(out, "page-drawn.png"))
        print("screenshots: %s/page-en.png, page-zh.png, page-moons.png, page-drawn.png, "
              "layout-*.png" % os.path.relpath(out, ROOT))
    finally:
        browser.close()
        server.shutdown()
        print("%d passed, %d failed" % (results["passed"], results["failed"]))


if __name__ == "__main__":
    main()
    sys.exit(1 if results["failed"] or not results["passed"] else 0)
