#!/usr/bin/env python3
"""Writes the browser page as one HTML file: the template with its style, scripts and worker inlined.

Usage: build-page.py TEMPLATE MODULE OUT

The template (tools/web/index.html) marks three places, each on a line of its own:
  <!-- style: a.css -->             the file inside <style>
  <!-- script: a.js b.js -->        the files inside one <script>
  <!-- worker: b.js -->             MODULE (emscripten's ddpm.js, the wasm inside it) and the files,
                                    as the text of a <script type="text/plain" id="worker-source">
                                    that app.js starts as a Web Worker from a Blob: a page opened
                                    from a file may not load a worker from another file.
Files are named relative to the template. One file, so the page opens from a server or a file.
"""
import os
import re
import sys

MARK = re.compile(r"^\s*<!-- (style|script|worker): ([^>]*) -->\s*$")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def script_text(text):
    # "</script" would end the element early; "<\/script" means the same inside JavaScript.
    return text.replace("</script", "<\\/script")


def expand(line, folder, module):
    m = MARK.match(line)
    if not m:
        return line
    kind, names = m.group(1), m.group(2).split()
    parts = [read(os.path.join(folder, n)) for n in names]
    if kind == "style":
        return "<style>\n" + "\n".join(parts) + "</style>\n"
    if kind == "script":
        return "<script>\n" + script_text("\n".join(parts)) + "</script>\n"
    body = script_text(read(module) + "\n" + "\n".join(parts))
    return '<script type="text/plain" id="worker-source">\n' + body + "</script>\n"


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: build-page.py TEMPLATE MODULE OUT")
    template, module, out = sys.argv[1:]
    folder = os.path.dirname(template)
    page = "".join(expand(line, folder, module) for line in read(template).splitlines(True))
    if "<!-- style:" in page or "<!-- script:" in page or "<!-- worker:" in page:
        sys.exit("build-page.py: a marker was not on a line of its own in " + template)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, out)  # never half a page


if __name__ == "__main__":
    main()
