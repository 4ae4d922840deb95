#!/usr/bin/env python3
"""The course as a website: one static, bilingual book built from the Markdown the repo keeps.

Usage: tools/site/build-site.py ROOT OUT [WEB_PAGE]

Reads ROOT's README.md, lessons/NN_name/README.md and docs/*.md with their Chinese twins under
docs/zh-CN/, and writes OUT (build/site/):
  index.html                 opens the English or the Chinese home page, as the browser prefers
  en/..., zh/...             one page per Markdown file, the same paths in both languages
  en/code/..., zh/code/...   each source file a page links to, its lines numbered and anchored
  play/index.html            WEB_PAGE (make web's page), shown inside the site's play page
  files/...                  the figures the pages show
  assets/                    the style, the script, the search index, the math font

Pandoc (Debian's pandoc) turns each page's Markdown into HTML and its TeX math into MathML, which
browsers draw without a script or a network; a formula pandoc cannot convert stops the build
(--fail-if-warnings), naming the page. Between the two, this script walks pandoc's document tree:
links to pages become links to their HTML, links to source files become links to their code pages,
a name in backticks beside such a link (`p_sample`) links to the line that defines it, and in a
lesson's "The code to read" the lines themselves follow, folded. Nothing else is generated: the
Markdown is the one copy of every page. docs/architecture.md (The site) says why pandoc.
"""
import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("en", "zh")
# The guides after the lessons, in the order a learner reads them; any other docs/*.md follows.
GUIDES = ("theory", "notebook-map", "notebook-and-back", "exercises", "common-bugs",
          "experiments", "web", "architecture")
FIGURES = (".png", ".svg", ".gif", ".jpg", ".jpeg", ".webp")
# What each language's chrome says.
WORDS = {
    "en": {"home": "Home", "lessons": "Lessons", "guides": "Theory and guides",
           "play": "Train it in your browser", "contents": "Contents", "search": "Search the course",
           "previous": "Previous", "next": "Next", "switch": "中文", "switch_lang": "zh-CN",
           "html_lang": "en", "lines": "lines", "span": "lines %d–%d", "span_one": "line %d",
           "more": "more lines in the file",
           "code": "Source file", "linked_from": "Pages that link here",
           "play_text": "The course's library compiled to WebAssembly trains the notebook's model "
                        "live in this page, on your machine: pick a data set, press Train, watch "
                        "the samples form.",
           "play_own": "Open the page on its own", "play_doc": "How the page is built",
           "no_results": "No page holds every word.", "menu": "Menu"},
    "zh": {"home": "首页", "lessons": "课程", "guides": "理论与指南",
           "play": "在浏览器里训练", "contents": "目录", "search": "搜索课程",
           "previous": "上一页", "next": "下一页", "switch": "English", "switch_lang": "en",
           "html_lang": "zh-CN", "lines": "行", "span": "第 %d–%d 行", "span_one": "第 %d 行",
           "more": "行在文件里",
           "code": "源文件", "linked_from": "链接到这里的页面",
           "play_text": "本课程的库编译成 WebAssembly，在这个页面里、在你的机器上实时训练 notebook "
                        "的模型：选一个数据集，按“训练”，看样本成形。",
           "play_own": "单独打开这个页面", "play_doc": "这个页面是怎样构建的",
           "no_results": "没有页面包含所有这些词。", "menu": "目录"},
}
CODE_HEADINGS = ("the-code-to-read", "要读的代码")
SHOWN_LINES = 60  # a definition longer than this shows its first lines and links to the rest


class SiteError(Exception):
    """A one-line reason the site cannot be built."""


def fail(message):
    print("build-site: " + message, file=sys.stderr)
    sys.exit(1)


# ---- the book: which pages, in which order ----

class Page:
    def __init__(self, key, lang, source, group):
        self.key = key          # "index", "lessons/07_sampling", "docs/theory", "play", "code/..."
        self.lang = lang
        self.source = source    # the Markdown it is made from (repo path), None for play and code
        self.group = group      # "start", "lessons", "guides", "code"
        self.out = lang + "/" + key + ".html"
        self.title_html = ""
        self.title_text = ""
        self.nav_html = ""
        self.body = ""
        self.index = []         # its sections for search: [anchor, heading, text]


def book(root, with_play):
    """Every page of both languages, in reading order: [(key, group, en source, zh source)]."""
    entries = [("index", "start", "README.md", "docs/zh-CN/README.md")]
    if with_play:
        entries.append(("play", "start", None, None))
    for name in sorted(os.listdir(os.path.join(root, "lessons"))):
        if re.fullmatch(r"\d\d_\w+", name) and os.path.isfile(
                os.path.join(root, "lessons", name, "README.md")):
            entries.append(("lessons/" + name, "lessons", "lessons/%s/README.md" % name,
                            "docs/zh-CN/lessons/%s.md" % name))
    docs = [f[:-3] for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md")]
    ordered = [d for d in GUIDES if d in docs] + sorted(d for d in docs if d not in GUIDES)
    for name in ordered:
        entries.append(("docs/" + name, "guides", "docs/%s.md" % name,
                        "docs/zh-CN/%s.md" % name))
    for key, group, en, zh in entries:
        for source in (en, zh):
            if source and not os.path.isfile(os.path.join(root, source)):
                twin = en if source == zh else zh
                raise SiteError("%s has no twin: %s is missing (every page is in both languages)"
                                % (twin, source))
    return entries


# ---- pandoc ----

def pandoc(args, text):
    try:
        run = subprocess.run(["pandoc"] + args, input=text.encode(), capture_output=True)
    except FileNotFoundError:
        raise SiteError("pandoc is missing: sudo apt-get install pandoc (make site installs it "
                        "when run as root)")
    return run.returncode, run.stdout.decode(), run.stderr.decode()


def read_markdown(root, source, lang):
    # East Asian line breaks: a line break inside a Chinese paragraph is no space.
    fmt = "gfm+tex_math_dollars" + ("+east_asian_line_breaks" if lang == "zh" else "")
    with open(os.path.join(root, source), encoding="utf-8") as f:
        code, out, err = pandoc(["-f", fmt, "-t", "json"], f.read())
    if code != 0:
        raise SiteError("pandoc could not read %s: %s" % (source, err.strip().splitlines()[0]))
    return json.loads(out)


def write_html(doc, where):
    """The document tree as HTML with MathML; a warning (a formula it cannot convert) fails."""
    code, out, err = pandoc(["-f", "json", "-t", "html5", "--mathml", "--fail-if-warnings"],
                            json.dumps(doc))
    if code != 0:
        lines = [l.strip() for l in err.splitlines() if l.strip()]
        m = re.match(r"\[WARNING\] Could not convert TeX math (.*), rendering as TeX", lines[0]
                     if lines else "", flags=re.S)
        if m:
            # pandoc's next lines: the formula, a caret under the fault, then the reason
            reason = next((l for l in lines[3:] if not l.startswith("^")), "")
            raise SiteError("%s: a formula pandoc cannot convert: %s (%s)"
                            % (where, m.group(1), reason))
        raise SiteError("%s: %s" % (where, " ".join(lines[:2]) or "pandoc failed"))
    return out


# ---- walking pandoc's tree ----

def text_of(inlines):
    """The words of a list of inlines, as a reader would search them."""
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Code", "Math"):
            out.append(c[1])
        elif t in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript",
                   "Subscript"):
            out.append(text_of(c))
        elif t in ("Link", "Image", "Span"):
            out.append(text_of(c[1]))
        elif t == "Quoted":
            out.append(text_of(c[1]))
    return "".join(out)


def blocks_text(blocks):
    out = []
    for b in blocks:
        t, c = b["t"], b.get("c")
        if t in ("Para", "Plain"):
            out.append(text_of(c))
        elif t == "CodeBlock":
            out.append(c[1])
        elif t in ("BulletList",):
            for item in c:
                out.append(blocks_text(item))
        elif t == "OrderedList":
            for item in c[1]:
                out.append(blocks_text(item))
        elif t == "BlockQuote":
            out.append(blocks_text(c))
        elif t == "Div":
            out.append(blocks_text(c[1]))
        elif t == "Table":
            out.append(json_text(c))
    return " ".join(s for s in out if s)


def json_text(node):
    """The words anywhere under a node (tables, whose shape varies by pandoc version)."""
    if isinstance(node, dict):
        if node.get("t") in ("Plain", "Para"):
            return text_of(node["c"])
        return " ".join(json_text(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(json_text(v) for v in node)
    return ""


def walk_inlines(blocks, fn):
    """Calls fn on every list of inlines under blocks (it may change the list in place)."""
    for b in blocks:
        t, c = b["t"], b.get("c")
        if t in ("Para", "Plain"):
            walk_list(c, fn)
        elif t == "Header":
            walk_list(c[2], fn)
        elif t == "BulletList":
            for item in c:
                walk_inlines(item, fn)
        elif t == "OrderedList":
            for item in c[1]:
                walk_inlines(item, fn)
        elif t == "BlockQuote":
            walk_inlines(c, fn)
        elif t == "Div":
            walk_inlines(c[1], fn)
        elif t == "Table":
            walk_table(c, fn)


def walk_table(node, fn):
    if isinstance(node, dict):
        if node.get("t") in ("Plain", "Para"):
            walk_list(node["c"], fn)
        else:
            for v in node.values():
                walk_table(v, fn)
    elif isinstance(node, list):
        for v in node:
            walk_table(v, fn)


def walk_list(inlines, fn):
    # The children first: what fn adds (a link around a name) is not walked again.
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript",
                 "Subscript"):
            walk_list(c, fn)
        elif t in ("Image", "Span"):
            walk_list(c[1], fn)
        elif t == "Link" and any(n["t"] == "Image" for n in c[1]):
            walk_list(c[1], fn)
    fn(inlines)


# ---- where a link goes ----

class Site:
    def __init__(self, root, web_page):
        self.root = root
        self.web_page = web_page
        self.entries = book(root, web_page is not None)
        self.pages = {lang: [] for lang in LANGS}
        self.page_of_source = {}   # repo path of a Markdown file -> its Page
        for key, group, en, zh in self.entries:
            for lang, source in (("en", en), ("zh", zh)):
                page = Page(key, lang, source, group)
                self.pages[lang].append(page)
                if source:
                    self.page_of_source[source] = page
        self.code_files = {}       # repo path -> {linked from: set of page keys}
        self.figures = set()
        self.definitions = {}      # (repo path, name) -> (first, def line, last) or None

    def repo_path(self, source, url):
        """A link's target as a path in the repo, or None for a link out of it."""
        if re.match(r"^[a-z]+:", url) or url.startswith("//"):
            return None
        path = url.split("#")[0]
        if not path:
            return None
        full = os.path.normpath(os.path.join(os.path.dirname(source), path))
        if full.startswith(".."):
            raise SiteError("%s links to %s, outside the repo" % (source, url))
        return full

    def resolve(self, page, url):
        """The URL a link on `page` to `url` (as the Markdown wrote it) takes in the site."""
        target = self.repo_path(page.source, url)
        if target is None:
            return url
        anchor = url[len(url.split("#")[0]):]
        if os.path.isdir(os.path.join(self.root, target)):
            readme = os.path.join(target, "README.md")
            if readme in self.page_of_source:
                target = readme
        if not os.path.exists(os.path.join(self.root, target)):
            raise SiteError("%s links to %s, which does not exist" % (page.source, url))
        if target in self.page_of_source:
            dest = self.page_of_source[target].out
        elif target.endswith(FIGURES):
            self.figures.add(target)
            dest = "files/" + target
        elif os.path.isfile(os.path.join(self.root, target)):
            self.code_files.setdefault(target, set()).add((page.key, page.source))
            dest = page.lang + "/code/" + target + ".html"
        else:
            raise SiteError("%s links to the folder %s, which has no page" % (page.source, url))
        return relative(page.out, dest) + anchor

    # ---- a name in backticks -> the lines that define it ----

    def definition(self, path, name):
        key = (path, name)
        if key not in self.definitions:
            with open(os.path.join(self.root, path), encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
            self.definitions[key] = find_definition(lines, name, path)
        return self.definitions[key]


def relative(from_out, to_out):
    return os.path.relpath(to_out, os.path.dirname(from_out) or ".").replace(os.sep, "/")


def find_definition(lines, name, path):
    """(first line shown, the defining line, last line) of `name` in a source file, 1-based, or
    None. A function's or a type's body runs to its closing brace; comments just above it come
    with it."""
    name = re.sub(r"\(.*\)$", "", name.strip()).strip()   # Trainer::train(data, ...) -> Trainer::train
    if not re.fullmatch(r"[A-Za-z_][\w:]*(<[\w, ]*>)?", name):
        return None
    name = re.sub(r"<.*>$", "", name)
    parts = name.split("::")
    last = re.escape(parts[-1])
    qualified = re.escape(name)
    if path.endswith(".py"):
        patterns = [r"^\s*(def|class)\s+%s\b" % last, r"^%s\s*=" % last]
    elif path.endswith(".sh"):
        patterns = [r"^%s\s*\(\)" % last]
    elif path.endswith(".mk") or os.path.basename(path) == "Makefile":
        patterns = [r"^%s\s*:" % last, r"^%s\s*[:?]?=" % last]
    else:
        keyword = r"(return|else|if|while|for|switch|case|throw|delete|new|using namespace)\b"
        patterns = [
            # a function defined at the file's top level: Trainer::train( or p_sample(
            r"^(?!%s)(template\s*<.*>\s*)?[A-Za-z_][\w:<>,\s\*&]*[\s\*&]%s\s*\(" % (keyword,
                                                                                   qualified),
            r"^(?!%s)(template\s*<.*>\s*)?[A-Za-z_][\w:<>,\s\*&]*[\s\*&](\w+::)*%s\s*\(" % (
                keyword, last),
            r"^\s*(template\s*<.*>\s*)?(struct|class|enum class|enum|union)\s+%s\b(?!.*;\s*$)"
            % last,
            r"^\s*using\s+%s\s*=" % last,
            r"^\s*(static\s+|inline\s+)*(constexpr|const)\b[^=(]*\b%s\b\s*(=|\[|\{)" % last,
            # a member function inside its class
            r"^\s+(?!%s)([\w:<>\*&]+\s+)+[\*&]?%s\s*\(" % (keyword, last),
            # a member variable (a declaration, shown alone)
            r"^\s+(?!%s)(const\s+)?[\w:<>,\*&]+(\s*<[\w:<>, ]*>)?\s+%s\s*(;|=|\{|\[)" % (keyword,
                                                                                       last),
        ]
    # Outer::member: search from Outer's definition on
    start = 0
    if len(parts) > 1:
        outer = re.escape(parts[-2])
        start = next((i for i, line in enumerate(lines)
                      if re.search(r"^\s*(struct|class)\s+%s\b(?!.*;\s*$)" % outer, line)), 0)
    for pattern in patterns:
        for i, line in enumerate(lines):
            if i < start:
                continue
            if not re.search(pattern, line) or line.lstrip().startswith(("//", "#include")):
                continue
            end = extent(lines, i, path)
            if end is None:
                continue   # a declaration; the definition may follow
            first = i
            while first > 0 and lines[first - 1].strip().startswith(("//", "template", "@")):
                first -= 1
            if path.endswith(".py"):
                while first > 0 and lines[first - 1].strip().startswith("#"):
                    first -= 1
            return first + 1, i + 1, end + 1
    # a declaration alone (a header's member function) is better than nothing
    for pattern in patterns:
        for i, line in enumerate(lines):
            if i >= start and re.search(pattern, line) and not line.lstrip().startswith("//"):
                return i + 1, i + 1, i + 1
    return None


def extent(lines, i, path):
    """The last line of the definition starting at line i (0-based), or None if it is only a
    declaration."""
    if path.endswith(".py"):
        indent = len(lines[i]) - len(lines[i].lstrip())
        end = i
        for j in range(i + 1, len(lines)):
            if lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) <= indent:
                break
            if lines[j].strip():
                end = j
        return end
    if path.endswith(".mk") or os.path.basename(path) == "Makefile" or path.endswith(".sh"):
        end = i
        while end + 1 < len(lines) and (lines[end].endswith("\\") or
                                        lines[end + 1].startswith("\t")):
            end += 1
        return end
    depth = 0
    opened = False
    for j in range(i, min(len(lines), i + 2000)):
        code = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'', '""', lines[j].split("//")[0])
        for ch in code:
            if ch == "{":
                depth += 1
                opened = True
            elif ch == "}":
                depth -= 1
            elif ch == ";" and not opened and depth == 0:
                return None if j == i or not code.strip().startswith(("{", "}")) else j
        if opened and depth <= 0:
            return j
    return None


def language_of(path):
    base = os.path.basename(path)
    if base == "Makefile" or path.endswith(".mk"):
        return "makefile"
    ext = os.path.splitext(path)[1]
    return {".cpp": "cpp", ".h": "cpp", ".py": "python", ".sh": "bash", ".js": "javascript",
            ".html": "html", ".css": "css", ".json": "json"}.get(ext, "")


# ---- one page ----

def code_block(text, lang, start, ident=""):
    classes = ([lang] if lang else []) + ["numberLines"]
    return {"t": "CodeBlock", "c": [[ident, classes, [["startFrom", str(start)]]], text]}


def raw(html_text):
    return {"t": "RawBlock", "c": ["html", html_text]}


def link_names(site, page, inlines, sources):
    """Each `name` among these inlines that a linked source file defines becomes a link to its
    line. Returns the definitions found: [(name, path, (first, line, last))]."""
    found = []
    for k, node in enumerate(inlines):
        if node["t"] != "Code":
            continue
        name = node["c"][1]
        for path in sources:
            where = site.definition(path, name)
            if where:
                url = relative(page.out, page.lang + "/code/" + path + ".html") + "#L-%d" % where[1]
                inlines[k] = {"t": "Link", "c": [["", ["to-line"], []], [node],
                                                 [url, "%s:%d" % (path, where[1])]]}
                site.code_files.setdefault(path, set()).add((page.key, page.source))
                found.append((name, path, where))
                break
    return found


def source_links(site, page, blocks):
    """The repo's source files (not pages, not figures) linked from these blocks, in order."""
    paths = []

    def visit(inlines):
        for node in inlines:
            if node["t"] == "Link":
                target = site.repo_path(page.source, node["c"][2][0])
                if (target and target not in site.page_of_source and
                        not target.endswith(FIGURES) and
                        os.path.isfile(os.path.join(site.root, target)) and target not in paths):
                    paths.append(target)
    walk_inlines(blocks, visit)
    # A .cpp's names may be declared in its header (a struct's fields, a type).
    headers = [p[:-4] + ".h" for p in paths if p.endswith(".cpp")]
    return paths + [h for h in headers
                    if os.path.isfile(os.path.join(site.root, h)) and h not in paths]


def shown_lines(site, page, found):
    """The folded lines of each definition a "code to read" item names."""
    words = WORDS[page.lang]
    blocks = []
    for name, path, (first, line, last) in found:
        with open(os.path.join(site.root, path), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        shown = lines[first - 1:min(last, first - 1 + SHOWN_LINES)]
        url = relative(page.out, page.lang + "/code/" + path + ".html") + "#L-%d" % line
        span = (words["span"] % (first, last) if last > first else words["span_one"] % first)
        summary = ('<code>%s</code> <span class="where">%s, %s</span>'
                   % (html.escape(name), html.escape(path), span))
        blocks.append(raw('<details class="code-lines"><summary>%s</summary>' % summary))
        blocks.append(code_block("\n".join(shown), language_of(path), first))
        more = last - (first - 1 + len(shown))
        if more > 0:
            blocks.append(raw('<p class="more"><a href="%s">… %d %s</a></p>'
                              % (url, more, words["more"])))
        blocks.append(raw("</details>"))
    return blocks


def transform(site, page, doc):
    """Rewrites a page's tree for the site; returns (title inlines, search sections)."""
    blocks = doc["blocks"]
    title = None
    # The first heading is the page's title; a paragraph that is only the link to the twin
    # language goes, since every page has the switch.
    if blocks and blocks[0]["t"] == "Header" and blocks[0]["c"][0] == 1:
        title = blocks[0]["c"][2]
    for k, b in enumerate(blocks[:3]):
        if b["t"] == "Para" and len(b["c"]) == 1 and b["c"][0]["t"] == "Link":
            target = site.repo_path(page.source, b["c"][0]["c"][2][0])
            twin = site.page_of_source.get(target)
            if twin and twin.key == page.key and twin.lang != page.lang:
                del blocks[k]
                break
    # A formula pandoc did not read as one (unbalanced braces, a "+" that began a list) is left
    # as text with its dollars: that is a broken page, as a formula that does not convert is.
    def unread(inlines):
        words = text_of([n for n in inlines if n["t"] in ("Str", "Space", "SoftBreak")])
        m = re.search(r"\$\$|\$\\[A-Za-z]", words)
        if m:
            raise SiteError("%s: a formula pandoc could not read: %s"
                            % (page.source, words[m.start():m.start() + 60].strip()))
    walk_inlines(blocks, unread)
    # Names beside source links, and in "the code to read" the lines themselves.
    in_code_section = False
    new_blocks = []
    for b in blocks:
        if b["t"] == "Header":
            in_code_section = b["c"][1][0] in CODE_HEADINGS
        if b["t"] in ("BulletList", "OrderedList"):
            items = b["c"] if b["t"] == "BulletList" else b["c"][1]
            for item in items:
                sources = source_links(site, page, item)
                if not sources:
                    continue
                found = []
                walk_inlines(item, lambda inl: found.extend(link_names(site, page, inl, sources)))
                if in_code_section and found:
                    item.extend(shown_lines(site, page, found))
        elif b["t"] in ("Para", "Plain"):
            sources = source_links(site, page, [b])
            if sources:
                walk_inlines([b], lambda inl: link_names(site, page, inl, sources))
        new_blocks.append(b)
    doc["blocks"] = new_blocks

    # Every link and figure to its place in the site.
    def rewrite(inlines):
        for node in inlines:
            if node["t"] in ("Link", "Image") and "to-line" not in node["c"][0][1]:
                node["c"][2][0] = site.resolve(page, node["c"][2][0])
    walk_inlines(doc["blocks"], rewrite)

    # Search: the page cut at its headings.
    sections = []
    current = {"id": "", "heading": "", "blocks": []}
    for b in doc["blocks"]:
        if b["t"] == "Header" and b["c"][0] >= 2:
            sections.append(current)
            current = {"id": b["c"][1][0], "heading": text_of(b["c"][2]), "blocks": []}
        elif b["t"] == "Header":
            continue
        elif b["t"] != "RawBlock":
            current["blocks"].append(b)
    sections.append(current)
    index = [[s["id"], s["heading"], re.sub(r"\s+", " ", blocks_text(s["blocks"])).strip()]
             for s in sections if s["heading"] or s["blocks"]]
    if title is not None:
        doc["blocks"] = doc["blocks"][1:]
    return title, index


def inline_html(inlines, where):
    """A title's inlines (which may hold math) as HTML."""
    out = write_html({"pandoc-api-version": API, "meta": {}, "blocks": [
        {"t": "Plain", "c": inlines}]}, where)
    return mathml_core(out.strip())


def pandoc_api():
    """The version of pandoc's document tree, which a tree handed back to it must carry."""
    code, out, err = pandoc(["-f", "markdown", "-t", "json"], "")
    if code != 0:
        raise SiteError("pandoc does not run: %s" % err.strip()[:200])
    return json.loads(out)["pandoc-api-version"]


API = None  # set once by build()
SUBSCRIPTS = dict(zip("0123456789aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))


def plain_text(inlines, where):
    """A title as plain text (the window's title, search results): pandoc's text for its math,
    p_(θ) written p_θ and x_(t) written xₜ."""
    code, out, err = pandoc(["-f", "json", "-t", "plain", "--wrap=none"], json.dumps(
        {"pandoc-api-version": API, "meta": {}, "blocks": [{"t": "Plain", "c": inlines}]}))
    if code != 0:
        raise SiteError("%s: pandoc could not write its title as text" % where)

    def sub(m):
        word = m.group(1)
        if all(ch in SUBSCRIPTS for ch in word):
            return "".join(SUBSCRIPTS[ch] for ch in word)
        return "_" + word
    return re.sub(r"_\(([^()]*)\)", sub, out.strip())


def build_page(site, page):
    doc = read_markdown(site.root, page.source, page.lang)
    title, index = transform(site, page, doc)
    if title is None:
        raise SiteError("%s does not start with a # title" % page.source)
    page.title_html = inline_html(title, page.source)
    page.title_text = plain_text(title, page.source)
    # The contents name a lesson by its number and its subject.
    m = re.match(r"^(Lesson (\d\d):|第 (\d\d) 课：)", text_of(title))
    nav = page.title_html
    if m:
        number = m.group(2) or m.group(3)
        nav = re.sub(r"^(Lesson\s+\d\d:\s*|第\s*\d\d\s*课：)", "", nav)
        nav = '<span class="num">%s</span> %s' % (number, nav[:1].upper() + nav[1:])
    if page.key == "index":
        nav = WORDS[page.lang]["home"]
    page.nav_html = nav
    page.body = tidy(write_html(doc, page.source))
    page.index = index


ACCENTS = {"\u0300": "`", "\u0301": "\u00b4", "\u0302": "\u02c6", "\u0303": "\u02dc",
           "\u0304": "\u00af", "\u0306": "\u02d8", "\u0307": "\u02d9", "\u0308": "\u00a8",
           "\u030c": "\u02c7", "\u20d7": "\u2192"}


def tidy(body):
    """Tables and display equations scroll inside their own box on a narrow screen."""
    body = body.replace("<table>", '<div class="table-wrap"><table>')
    body = body.replace("</table>", "</table></div>")
    body = re.sub(r'(<math display="block".*?</math>)', r'<span class="math-display">\1</span>',
                  body, flags=re.S)
    body = mathml_core(body)
    # A long inline formula can be wider than a phone; it scrolls too (a short one never is).

    def wide(m):
        tex = re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', m.group(0),
                        flags=re.S)
        if tex and len(tex.group(1)) >= 40:
            return '<span class="math-wide">%s</span>' % m.group(0)
        return m.group(0)
    return re.sub(r'<math display="inline".*?</math>', wide, body, flags=re.S)


def mathml_core(body):
    """What texmath writes, as MathML Core (what browsers draw) reads it. \big and \Big give
    sizes as bare multiples with stretchy="false", which Core ignores (the delimiter stays small),
    so they become percentages of a stretchy operator's own size; accents are combining marks,
    which Core sets beside the letter, so they become the spacing forms."""
    body = re.sub(r'<mo minsize="([\d.]+)" maxsize="([\d.]+)" stretchy="false"',
                  lambda m: '<mo minsize="%g%%" maxsize="%g%%" stretchy="true"'
                  % (float(m.group(1)) * 100, float(m.group(2)) * 100), body)
    body = re.sub(r'(<mo accent="true">)([\u0300-\u036f\u20d0-\u20ff])</mo>',
                  lambda m: m.group(1) + ACCENTS.get(m.group(2), m.group(2)) + "</mo>", body)
    # \mathrm{KL} is an mstyle around one <mi> a letter, and Core keeps each such letter italic
    # unless the <mi> itself says "normal".
    return re.sub(r'<mstyle mathvariant="normal">(.*?)</mstyle>',
                  lambda m: m.group(0).replace("<mi>", '<mi mathvariant="normal">'), body,
                  flags=re.S)


def build_play(site, page):
    words = WORDS[page.lang]
    page.title_html = page.title_text = page.nav_html = words["play"]
    web_doc = site.page_of_source["docs/web.md" if page.lang == "en" else "docs/zh-CN/web.md"]
    src = relative(page.out, "play/index.html") + "?lang=" + page.lang
    page.body = ('<p>%s</p>\n<p><a href="%s">%s</a> · <a href="%s">%s</a></p>\n'
                 '<iframe class="play" src="%s" title="%s"></iframe>\n'
                 % (html.escape(words["play_text"]), html.escape(src), words["play_own"],
                    relative(page.out, web_doc.out), words["play_doc"], html.escape(src),
                    html.escape(words["play"])))
    page.index = [["", "", words["play_text"]]]


def build_code_page(site, lang, path):
    words = WORDS[lang]
    page = Page("code/" + path, lang, None, "code")
    with open(os.path.join(site.root, path), encoding="utf-8", errors="replace") as f:
        text = f.read()
    if text.endswith("\n"):
        text = text[:-1]
    doc = {"pandoc-api-version": API, "meta": {},
           "blocks": [code_block(text, language_of(path), 1, "L")]}
    links = []
    for key, source in sorted(site.code_files[path]):
        target = next(p for p in site.pages[lang] if p.key == key)
        links.append('<a href="%s">%s</a>' % (relative(page.out, target.out), target.nav_html))
    count = text.count("\n") + 1
    head = ('<p class="code-head">%s · %d %s</p>\n<p class="code-head">%s: %s</p>\n'
            % (words["code"], count, words["lines"], words["linked_from"], " · ".join(links)))
    page.title_html = page.title_text = path
    page.nav_html = path
    page.body = head + write_html(doc, path)
    return page


# ---- the chrome around every page ----

def nav(site, page):
    words = WORDS[page.lang]
    groups = [("start", None), ("lessons", words["lessons"]), ("guides", words["guides"])]
    out = []
    for group, heading in groups:
        if heading:
            out.append('<p class="nav-group">%s</p>' % heading)
        out.append("<ul>")
        for p in site.pages[page.lang]:
            if p.group != group:
                continue
            current = ' class="current" aria-current="page"' if p.key == page.key else ""
            out.append('<li><a href="%s"%s>%s</a></li>'
                       % (relative(page.out, p.out), current, p.nav_html))
        out.append("</ul>")
    return "\n".join(out)


def render(site, page, template, before=None, after=None):
    words = WORDS[page.lang]
    other = "zh" if page.lang == "en" else "en"
    twin = other + page.out[2:]
    root = relative(page.out, "index.html")[:-len("index.html")]
    links = []
    if before:
        links.append('<a class="prev" href="%s" rel="prev"><span>%s</span>%s</a>'
                     % (relative(page.out, before.out), words["previous"], before.nav_html))
    if after:
        links.append('<a class="next" href="%s" rel="next"><span>%s</span>%s</a>'
                     % (relative(page.out, after.out), words["next"], after.nav_html))
    fill = {
        "lang": words["html_lang"],
        "title": html.escape(page.title_text),
        "root": root,
        "home": relative(page.out, page.lang + "/index.html"),
        "switch": relative(page.out, twin),
        "switch_label": words["switch"],
        "switch_lang": words["switch_lang"],
        "search": words["search"],
        "no_results": words["no_results"],
        "menu": words["menu"],
        "contents": words["contents"],
        "nav": nav(site, page),
        "heading": page.title_html,
        "body": page.body,
        "pager": "\n".join(links),
        "kind": page.group,
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fill[m.group(1)], template)


MATH_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf"


def math_font():
    """The math font (fonts-dejavu-core's, which the figures need too) travels with the site,
    inside its style sheet: a browser refuses a font file from file://, but not one inline."""
    face = '@font-face {\n  font-family: "DejaVu Math TeX Gyre";\n  src: local("DejaVu Math TeX Gyre")'
    if os.path.isfile(MATH_FONT):
        with open(MATH_FONT, "rb") as f:
            face += (',\n       url("data:font/ttf;base64,%s") format("truetype")'
                     % base64.b64encode(f.read()).decode())
    return face + ";\n}\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def build(root, out, web_page):
    global API
    API = pandoc_api()
    site = Site(root, web_page)
    with open(os.path.join(HERE, "page.html"), encoding="utf-8") as f:
        template = f.read()
    # Pandoc runs once per page; two at a time.
    jobs = []
    for lang in LANGS:
        for page in site.pages[lang]:
            jobs.append(page)
    markdown_pages = [p for p in jobs if p.source]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda p: build_page(site, p), markdown_pages))
    for page in jobs:
        if page.key == "play":
            build_play(site, page)
    staging = out + ".new"
    if os.path.lexists(staging):
        shutil.rmtree(staging)
    os.makedirs(staging)
    index = []
    for lang in LANGS:
        pages = site.pages[lang]
        for k, page in enumerate(pages):
            before = pages[k - 1] if k > 0 else None
            after = pages[k + 1] if k + 1 < len(pages) else None
            write(os.path.join(staging, page.out), render(site, page, template, before, after))
            for anchor, heading, text in page.index:
                index.append([lang, page.out, page.title_text, heading, anchor, text])
    with ThreadPoolExecutor(max_workers=2) as pool:
        code_pages = list(pool.map(lambda job: build_code_page(site, *job),
                                   [(lang, path) for lang in LANGS
                                    for path in sorted(site.code_files)]))
    for page in code_pages:
        write(os.path.join(staging, page.out), render(site, page, template))
    for path in sorted(site.figures):
        os.makedirs(os.path.dirname(os.path.join(staging, "files", path)), exist_ok=True)
        shutil.copyfile(os.path.join(root, path), os.path.join(staging, "files", path))
    assets = os.path.join(staging, "assets")
    os.makedirs(assets)
    for name in ("site.css", "site.js"):
        shutil.copyfile(os.path.join(HERE, name), os.path.join(assets, name))
    write(os.path.join(assets, "math.css"), math_font())
    # The index is a script, not JSON to fetch, so that search works from file:// too.
    write(os.path.join(assets, "search-index.js"),
          "window.SITE_INDEX = " + json.dumps(index, ensure_ascii=False, separators=(",", ":"))
          + ";\n")
    if web_page:
        os.makedirs(os.path.join(staging, "play"))
        shutil.copyfile(web_page, os.path.join(staging, "play", "index.html"))
    with open(os.path.join(HERE, "index.html"), encoding="utf-8") as f:
        write(os.path.join(staging, "index.html"), f.read())
    # The new site replaces the old one whole, or not at all.
    old = out + ".old"
    if os.path.lexists(old):
        shutil.rmtree(old)
    if os.path.lexists(out):
        os.rename(out, old)
    os.rename(staging, out)
    if os.path.lexists(old):
        shutil.rmtree(old)
    n = sum(len(site.pages[l]) for l in LANGS)
    print("site: %s, %d pages in 2 languages, %d code pages, %d figures"
          % (out, n, len(code_pages), len(site.figures)))


def main(argv):
    if len(argv) not in (3, 4):
        fail("usage: tools/site/build-site.py ROOT OUT [WEB_PAGE]")
    root, out = argv[1], argv[2].rstrip("/")
    web_page = argv[3] if len(argv) == 4 else None
    if web_page and not os.path.isfile(web_page):
        fail("%s: no such page (make web builds it)" % web_page)
    if os.path.islink(out) or (os.path.exists(out) and not os.path.isdir(out)):
        fail("%s is not a folder the site may replace: remove it or choose another" % out)
    try:
        build(root, out, web_page)
    except SiteError as e:
        fail(str(e))


if __name__ == "__main__":
    main(sys.argv)
