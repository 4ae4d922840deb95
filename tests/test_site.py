#!/usr/bin/env python3
"""The course's website (make site, tools/site/) read as a reader would, in headless Chromium.

Usage: tests/test_site.py SITE_DIR SHOTS_DIR

Checks, printing "OK ..." or "NOT OK ...":
  - the generator refuses what it cannot build, in one line, and leaves the site it had: a broken
    formula (naming the page), a page without its twin;
  - every internal link and every anchor of every page resolves (links, figures, scripts, styles);
  - every page's equations are MathML, as many display and inline ones as its Markdown holds
    (counted here by its own rule, not pandoc's), none an error, no "$$" left in the text;
  - every page's language switch lands on its twin, and each page's previous and next follow the
    contents' order;
  - each name a page links to a line of code (`p_sample` -> sample.cpp#L-65) is on that line;
  - in Chromium, from file:// (as a reader opens build/site/index.html): every page (the code
    pages too) loads with no console error and every figure drawn; the theory page's display equations laid out as MathML;
  - from http:// (python3 -m http.server): the home, a lesson, the theory and the play page load
    with no console error, and the play page's frame holds the browser page;
  - search works offline, in both languages, and its first result opens;
  - a click on a name in "The code to read" opens the code page at the line, and its folded lines
    unfold; the language switch, clicked, lands on the twin;
  - at 390x844 (a phone) nothing is wider than the screen and the contents open from the Menu; at
    1280x800 the contents are beside the page.
Screenshots of the home page, a lesson and the theory page in both languages at 390x844 and
1280x800 go to SHOTS_DIR (site-{en,zh}-{home,lesson,theory}-{390,1280}.png) to look at.
Ends with "N passed, N failed".
"""
import html
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "web"))
from browser import Browser, serve  # noqa: E402  (after the path it is found on)
results = {"passed": 0, "failed": 0}
GENERATOR = os.path.join(ROOT, "tools", "site", "build-site.py")


def check(ok, what):
    print(("OK      " if ok else "NOT OK  ") + what, flush=True)
    results["passed" if ok else "failed"] += 1
    return ok


# ---- the generator's refusals ----

def check_refusals():
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(os.path.join(repo, "docs", "zh-CN"))
        os.makedirs(os.path.join(repo, "lessons"))
        with open(os.path.join(repo, "README.md"), "w") as f:
            f.write("# Home\n\n$$x_t = \\sqrt{\\bar\\alpha_t}\\,x_0$$\n")
        out = os.path.join(tmp, "site")
        os.makedirs(out)
        with open(os.path.join(out, "kept"), "w") as f:
            f.write("an earlier site")
        # a formula pandoc cannot convert, and one it cannot even read as a formula
        for formula, named in (("$$\\frac{1}{2} \\foo$$", "\\foo"),
                               ("$$\\frac{1}{$$", "\\frac{1}{")):
            with open(os.path.join(repo, "docs", "zh-CN", "README.md"), "w") as f:
                f.write("# 首页\n\n%s\n" % formula)
            run = subprocess.run([sys.executable, GENERATOR, repo, out], capture_output=True,
                                 text=True)
            lines = run.stderr.strip().splitlines()
            check(run.returncode != 0 and len(lines) == 1 and "docs/zh-CN/README.md" in lines[0]
                  and named in lines[0] and os.path.isfile(os.path.join(out, "kept")),
                  "a broken formula (%s) stops the build in one line naming the page and the "
                  "formula, the earlier site kept (exit %d: %s)" % (formula, run.returncode,
                                                                    lines[:2]))
        os.remove(os.path.join(repo, "docs", "zh-CN", "README.md"))
        run = subprocess.run([sys.executable, GENERATOR, repo, out], capture_output=True,
                             text=True)
        lines = run.stderr.strip().splitlines()
        check(run.returncode != 0 and len(lines) == 1 and "docs/zh-CN/README.md" in lines[0],
              "a page without its Chinese twin is refused in one line (%s)" % lines[:2])


# ---- the pages as files ----

class Parsed(html.parser.HTMLParser):
    """A page's ids, its links and what its main part holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []
        self.switch = None
        self.prev = self.next = None
        self.to_lines = []   # (href, the name's text)
        self._to_line = None
        self.text = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for attr in ("href", "src"):
            if attr in a and tag in ("a", "img", "script", "link", "iframe"):
                self.links.append(a[attr])
        classes = (a.get("class") or "").split()
        if tag == "a" and "switch" in classes:
            self.switch = a["href"]
        if tag == "a" and a.get("rel") == "prev":
            self.prev = a["href"]
        if tag == "a" and a.get("rel") == "next":
            self.next = a["href"]
        if tag == "a" and "to-line" in classes:
            self._to_line = [a["href"], ""]
        if tag in ("pre", "code", "math", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._to_line is not None:
            self.to_lines.append(tuple(self._to_line))
            self._to_line = None
        if tag in ("pre", "code", "math", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._to_line is not None:
            self._to_line[1] += data
        if not self._skip:
            self.text.append(data)


def parse(path):
    p = Parsed()
    with open(path, encoding="utf-8") as f:
        p.source = f.read()
    p.feed(p.source)
    return p


def local_target(page, href):
    """(file, anchor) a link on page goes to, or None for one out of the site."""
    if re.match(r"^[a-z]+:", href) or href.startswith("//"):
        return None
    parts = urllib.parse.urlsplit(href)
    path = urllib.parse.unquote(parts.path)
    target = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
    return target, urllib.parse.unquote(parts.fragment)


def count_math(markdown):
    """Display and inline formulas in Markdown, by GitHub's reading: $$...$$ and $...$, outside
    code."""
    text = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    display = len(re.findall(r"\$\$.+?\$\$", text, flags=re.S))
    text = re.sub(r"\$\$.+?\$\$", "", text, flags=re.S)
    inline = len(re.findall(r"(?<![\\$])\$(?=\S)([^$\n]|\n(?!\s*\n))*?(?<=\S)\$(?!\d)", text))
    return display, inline


def check_files(site):
    pages = []
    for folder, _, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                pages.append(os.path.join(folder, name))
    parsed = {p: parse(p) for p in sorted(pages)}
    ids = {p: parsed[p].ids for p in parsed}

    # every internal link and anchor
    broken, count = [], 0
    for page, p in parsed.items():
        if os.path.relpath(page, site).startswith("play" + os.sep):
            continue  # the browser page, tested by tests/test_web.py
        for href in p.links:
            target = local_target(page, href)
            if target is None:
                continue
            count += 1
            path, anchor = target
            if not os.path.isfile(path):
                broken.append("%s -> %s" % (os.path.relpath(page, site), href))
            elif anchor and path.endswith(".html") and anchor not in ids.get(path, set()):
                broken.append("%s -> %s (no such anchor)" % (os.path.relpath(page, site), href))
    check(count > 1000 and not broken, "%d internal links and anchors in %d pages, %d broken %s"
          % (count, len(parsed), len(broken), broken[:5]))

    # the equations, page by page, against the Markdown's
    sources = markdown_sources()
    wrong, displays, inlines = [], 0, 0
    for rel, source in sources.items():
        page = os.path.join(site, rel)
        with open(os.path.join(ROOT, source), encoding="utf-8") as f:
            want = count_math(f.read())
        body = parsed[page].source
        main = body[body.index("<main>"):body.index('<nav class="pager">')]
        got = (main.count('<math display="block"'), main.count('<math display="inline"'))
        displays += got[0]
        inlines += got[1]
        if got != want or "merror" in main or "$$" in "".join(parsed[page].text):
            wrong.append("%s: display %d/%d, inline %d/%d" % (rel, got[0], want[0], got[1],
                                                               want[1]))
    check(not wrong and displays > 0,
          "every page's formulas are MathML, as many as its Markdown's: %d display, %d inline "
          "in %d pages, none an error %s" % (displays, inlines, len(sources), wrong[:4]))
    theory = [os.path.join(site, l, "docs", "theory.html") for l in ("en", "zh")]
    theory_counts = [parsed[t].source.count('<math display="block"') for t in theory]
    check(theory_counts[0] >= 20 and theory_counts[0] == theory_counts[1],
          "the theory page's display equations all render, in both languages: %s" % theory_counts)

    # the language switch and the order
    bad_switch, bad_order = [], []
    for lang, other in (("en", "zh"), ("zh", "en")):
        order = [os.path.join(site, lang, *t.split("/")) for t in contents(site, lang)]
        for k, page in enumerate(order):
            p = parsed[page]
            twin = os.path.join(site, other, os.path.relpath(page, os.path.join(site, lang)))
            if p.switch is None or local_target(page, p.switch)[0] != twin:
                bad_switch.append(os.path.relpath(page, site))
            want_prev = order[k - 1] if k > 0 else None
            want_next = order[k + 1] if k + 1 < len(order) else None
            got_prev = local_target(page, p.prev)[0] if p.prev else None
            got_next = local_target(page, p.next)[0] if p.next else None
            if (got_prev, got_next) != (want_prev, want_next):
                bad_order.append(os.path.relpath(page, site))
        codes = [p for p in parsed if os.path.relpath(p, site).startswith(lang + "/code/")]
        for page in codes:
            twin = os.path.join(site, other, os.path.relpath(page, os.path.join(site, lang)))
            if local_target(page, parsed[page].switch)[0] != twin:
                bad_switch.append(os.path.relpath(page, site))
    check(not bad_switch, "every page's language switch lands on its twin (%d pages) %s"
          % (len(parsed) - 1, bad_switch[:4]))
    check(not bad_order, "previous and next follow the contents on every page %s"
          % bad_order[:4])

    # each name linked to a line is on that line
    wrong_line, count = [], 0
    for page, p in parsed.items():
        for href, name in p.to_lines:
            path, anchor = local_target(page, href)
            count += 1
            m = re.search(r'<span id="%s">(.*?)</span>\n' % re.escape(anchor),
                          parsed[path].source if path in parsed else "")
            line = re.sub(r"<[^>]+>", "", m.group(1)) if m else ""
            if not re.search(r"\b%s\b" % re.escape(re.sub(r"\(.*", "", name).split("::")[-1]),
                             html.unescape(line)):
                wrong_line.append("%s: %s -> %s" % (os.path.relpath(page, site), name, href))
    check(count > 200 and not wrong_line, "%d names linked to the line that defines them, "
          "each name on its line %s" % (count, wrong_line[:4]))
    return parsed


def markdown_sources():
    """Site page (relative to the site) -> its Markdown file (relative to the repo)."""
    out = {"en/index.html": "README.md", "zh/index.html": "docs/zh-CN/README.md"}
    for name in sorted(os.listdir(os.path.join(ROOT, "lessons"))):
        if os.path.isfile(os.path.join(ROOT, "lessons", name, "README.md")):
            out["en/lessons/%s.html" % name] = "lessons/%s/README.md" % name
            out["zh/lessons/%s.html" % name] = "docs/zh-CN/lessons/%s.md" % name
    for name in sorted(os.listdir(os.path.join(ROOT, "docs"))):
        if name.endswith(".md"):
            out["en/docs/%s.html" % name[:-3]] = "docs/" + name
            out["zh/docs/%s.html" % name[:-3]] = "docs/zh-CN/" + name
    return out


def contents(site, lang):
    """The pages of one language in the contents' order, as read from its home page's nav."""
    with open(os.path.join(site, lang, "index.html"), encoding="utf-8") as f:
        source = f.read()
    toc = source[source.index('<nav id="toc"'):source.index("</nav>")]
    return [os.path.normpath(h).replace(os.sep, "/") for h in re.findall(r'href="([^"]+)"', toc)]


# ---- the pages in Chromium ----

# Opens url and returns once the page it lands on has loaded (its images too), and a little after,
# for errors logged as it settles: url itself, or where it sends the browser when `lands` is given
# (a test of where it lands, such as the root's choice of language). Polled every 20 ms: the site
# check opens some 240 pages, and a tenth of a second of polling and settling each was most of
# the test's time.
def navigate(browser, url, lands=None):
    browser.events = []
    browser.call("Page.navigate", {"url": url}, session=True)
    arrived = lands or (lambda href: href.split("#")[0] == url.split("#")[0])
    deadline = time.time() + 30
    while time.time() < deadline:
        time.sleep(0.02)
        try:
            if browser.evaluate("document.readyState") == "complete" and \
               arrived(browser.evaluate("location.href")):
                break
        except RuntimeError:
            continue
    time.sleep(0.05)


def errors(browser):
    found = browser.console_errors()
    for e in browser.events:
        if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
            found.append(e["params"]["entry"].get("text", "error") + " " +
                         e["params"]["entry"].get("url", ""))
    return found


def check_browser(site, shots):
    profile = tempfile.mkdtemp(prefix="site-test-")
    browser = Browser(profile)
    browser.call("Log.enable", session=True)
    try:
        browser.set_viewport(1280, 800)
        base = "file://" + os.path.abspath(site) + "/"
        pages = [l + "/" + t for l in ("en", "zh") for t in contents(site, l)]
        code_pages = sorted(os.path.relpath(os.path.join(f, n), site)
                            for l in ("en", "zh")
                            for f, _, ns in os.walk(os.path.join(site, l, "code")) for n in ns)
        bad, undrawn = [], []
        for rel in pages + code_pages:
            navigate(browser, base + rel)
            e = errors(browser)
            if e:
                bad.append("%s: %s" % (rel, e[0][:120]))
            missing = browser.evaluate("""[...document.images].filter(
                (i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src)""")
            if missing:
                undrawn.append("%s: %s" % (rel, missing[0]))
        check(not bad, "from file://, %d pages load with no console error %s"
              % (len(pages) + len(code_pages), bad[:3]))
        check(not undrawn, "every figure on every page is drawn %s" % undrawn[:3])

        # the root chooses a language (and the browser waits for no more than that)
        home = ("/en/index.html", "/zh/index.html")
        navigate(browser, base + "index.html", lands=lambda href: href.endswith(home))
        where = browser.evaluate("location.href")
        check(where.endswith("/en/index.html") or where.endswith("/zh/index.html"),
              "index.html opens a home page (%s)" % where[len(base):])

        # MathML laid out
        for lang in ("en", "zh"):
            navigate(browser, base + lang + "/docs/theory.html")
            laid = browser.evaluate("""(() => { const m = [...document.querySelectorAll(
                'main math[display="block"]')]; return [m.length, m.filter((e) => {
                const b = e.getBoundingClientRect(); return b.width > 20 && b.height > 10 &&
                getComputedStyle(e).display.includes('math'); }).length]; })()""")
            check(laid[0] >= 20 and laid[0] == laid[1],
                  "%s theory: %d of %d display equations laid out as MathML" % (lang, laid[1],
                                                                                 laid[0]))

        # search, offline, both languages
        for lang, query, want in (("en", "p_sample_loop", "lessons/07_sampling.html"),
                                  ("zh", "无分类器引导", "lessons/13_guidance.html"),
                                  ("en", "classifier-free guidance", "lessons/13_guidance.html")):
            navigate(browser, base + lang + "/index.html")
            browser.evaluate("""(() => { const i = document.getElementById('search');
                i.value = %r; i.dispatchEvent(new Event('input')); })()""" % query)
            hits = browser.evaluate("""[...document.querySelectorAll('#search-results a')]
                .map((a) => a.href)""")
            ok = bool(hits) and any(want in h and "/%s/" % lang in h for h in hits[:5])
            if ok:
                browser.evaluate("document.querySelector('#search-results a').click()")
                time.sleep(0.5)
                opened = browser.evaluate("location.href")
                ok = opened.split("#")[0] == hits[0].split("#")[0]
            check(ok, "search (%s) from file:// for %r: %d results, %s among the first five, "
                      "the first opens" % (lang, query, len(hits), want))

        # a name in "the code to read" opens its line; the folded lines unfold
        navigate(browser, base + "en/lessons/07_sampling.html")
        shown = browser.evaluate("""(() => { const d = document.querySelector(
            'details.code-lines'); d.open = true; const pre = d.querySelector('pre');
            return [d.querySelector('summary').textContent, pre.getBoundingClientRect().height,
                    pre.textContent.includes('p_sample')]; })()""")
        check(shown[1] > 50 and shown[2], "lesson 07's folded lines unfold (%s, %d px)"
              % (shown[0].strip(), shown[1]))
        browser.evaluate("document.querySelector('a.to-line').click()")
        time.sleep(0.5)
        line = browser.evaluate("""[location.pathname.split('/').slice(-3).join('/'),
            location.hash, (document.querySelector(':target') || {}).textContent || '']""")
        check(line[0].endswith("sample.cpp.html") and "p_sample" in line[2],
              "a click on `p_sample` opens %s at %s, the line %r" % (line[0], line[1],
                                                                       line[2].strip()[:60]))

        # the switch, clicked
        navigate(browser, base + "en/lessons/07_sampling.html")
        browser.evaluate("document.querySelector('a.switch').click()")
        time.sleep(0.5)
        twin = browser.evaluate("[location.pathname, document.querySelector('h1').textContent]")
        check(twin[0].endswith("/zh/lessons/07_sampling.html") and "第 07 课" in twin[1],
              "the switch on lesson 07 lands on %s (%s)" % (twin[0].split("/site/")[-1],
                                                           twin[1].split("\n")[0][:12]))

        # the layouts and the screenshots
        for lang in ("en", "zh"):
            for name, rel in (("home", "index.html"), ("lesson", "lessons/07_sampling.html"),
                              ("theory", "docs/theory.html")):
                navigate(browser, base + lang + "/" + rel)
                browser.set_viewport(390, 844, 3, True)
                wide = browser.evaluate("document.documentElement.scrollWidth")
                browser.evaluate("document.querySelector('.menu').click()")
                time.sleep(0.2)
                toc = browser.evaluate("document.getElementById('toc').getBoundingClientRect()"
                                       ".width")
                browser.evaluate("document.querySelector('.menu').click()")
                check(wide <= 390 and toc > 200,
                      "%s %s at 390x844: %d px wide, the contents open from Menu (%d px)"
                      % (lang, name, wide, toc))
                browser.screenshot(os.path.join(shots, "site-%s-%s-390.png" % (lang, name)),
                                   whole_page=False)
                browser.set_viewport(1280, 800)
                side = browser.evaluate("""(() => { const t = document.getElementById('toc')
                    .getBoundingClientRect(); const m = document.querySelector('main h1')
                    .getBoundingClientRect(); return [t.width, m.left,
                    document.documentElement.scrollWidth]; })()""")
                check(side[0] > 200 and side[1] >= side[0] and side[2] <= 1280,
                      "%s %s at 1280x800: the contents (%d px) beside the page (at %d px)"
                      % (lang, name, side[0], side[1]))
                browser.screenshot(os.path.join(shots, "site-%s-%s-1280.png" % (lang, name)),
                                   whole_page=False)

        # over http, as python3 -m http.server serves it
        server = serve(site)
        try:
            url = "http://127.0.0.1:%d/" % server.server_address[1]
            bad = []
            for rel in ("en/index.html", "zh/lessons/07_sampling.html", "en/docs/theory.html",
                        "zh/play.html", "en/play.html"):
                navigate(browser, url + rel)
                if errors(browser):
                    bad.append("%s: %s" % (rel, errors(browser)[0][:100]))
            check(not bad, "from http://, the home, a lesson, the theory and the play pages "
                           "load with no console error %s" % bad[:2])
            deadline = time.time() + 30
            inside = None
            while time.time() < deadline and not inside:
                time.sleep(0.5)
                inside = browser.evaluate("""(() => { const w = document.querySelector(
                    'iframe.play').contentWindow; return !!(w && w.ddpmPage &&
                    w.document.getElementById('p-canvas')); })()""")
            check(bool(inside), "the play page's frame holds the browser page (window.ddpmPage)")
        finally:
            server.shutdown()
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main(argv):
    if len(argv) != 3:
        print("usage: tests/test_site.py SITE_DIR SHOTS_DIR", file=sys.stderr)
        return 2
    site, shots = argv[1], argv[2]
    os.makedirs(shots, exist_ok=True)
    check_refusals()
    check_files(site)
    check_browser(site, shots)
    print("screenshots: %s" % shots)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
