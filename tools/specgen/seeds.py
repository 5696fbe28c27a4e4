"""Loading the seed text and cutting it into API sections.

Seed 004 is the text of a PDF: page footers interrupt the flow, the first line of a
page carries a stray leading space, and headings may wrap. Seeds 000-003 are web
pages with one table cell per paragraph.
"""
import os
import re

SEED_FILES = {
    "000": "000_a0b4ca3677a99bf1.txt",
    "001": "001_899a0e76a0848c10.txt",
    "002": "002_2bb0282e6aa01ac1.txt",
    "003": "003_ead57768f05b9a16.txt",
    "004": "004_a0060ea259f01ceb.txt",
}

FOOTER_TITLE = "Distributed Cache Service"
FOOTER_ISSUE = re.compile(r"^Issue 01 \(2024-04-09\) Copyright")
URI_LINE = re.compile(r"^\s?(GET|POST|PUT|DELETE|PATCH) (/v[0-9.]+/\S*)\s*$")
HEADING = re.compile(r"^ ?(\d+)\.(\d+)(?:\.(\d+))? ([A-Z].*)$")


def seeds_dir(repo):
    env = os.environ.get("DCSKIT_SHARED")
    base = env if env else os.path.join(os.path.dirname(repo), "shared")
    return os.path.join(base, "seeds")


def read_seed(directory, key):
    with open(os.path.join(directory, SEED_FILES[key]), encoding="utf-8") as fh:
        return fh.read().split("\n")


def strip_footers(lines):
    """Drop the page footer blocks (title, chapter line, issue line, link dumps)."""
    out = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if (line == FOOTER_TITLE and i + 3 < n and lines[i + 1].startswith("API Reference")
                and FOOTER_ISSUE.match(lines[i + 3])):
            i += 4
            # Link targets of the page are dumped after its footer.
            while i < n and (lines[i].strip() == "" or re.match(r"^https?://\S+$", lines[i].strip())):
                i += 1
            continue
        out.append(line)
        i += 1
    return out


class Section:
    """One numbered section (e.g. 5.1.2) of seed 004, or a whole single-API seed."""

    def __init__(self, number, title, lines, source):
        self.number = number
        self.title = title
        self.lines = lines
        self.source = source
        self.method = None
        self.path = None
        self.raw_uri = None
        for i, line in enumerate(lines):
            m = URI_LINE.match(line)
            if m:
                uri = m.group(2)
                # A long URI wraps onto the next line(s) of the PDF.
                j = i + 1
                while j < len(lines) and re.match(r"^\s?[{}\w/?=&.-]+$", lines[j]) and (
                        uri.endswith(("/", "?", "&", "=", "_")) or lines[j].strip().startswith(("{", "?", "&"))):
                    uri += lines[j].strip()
                    j += 1
                self.method, self.path = m.group(1), uri.split("?")[0]
                self.raw_uri = uri
                break

    def __repr__(self):
        return f"Section({self.number} {self.method} {self.path})"


def split_sections(lines, chapter_prefixes, start_line):
    """Sections numbered N.M.K for the given chapters, starting after the TOC."""
    sections = []
    current = None
    for idx in range(start_line, len(lines)):
        line = lines[idx]
        m = HEADING.match(line)
        if m and m.group(3) is not None:
            number = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
            if number.split(".")[0] in chapter_prefixes and not line.strip().endswith("."):
                expected_ok = current is None or _next_number(current.number, number)
                if expected_ok:
                    current = Section(number, m.group(4).strip(), [], "seed 004 §" + number)
                    sections.append(current)
                    continue
        elif m and m.group(3) is None and current is not None:
            # A chapter-level heading (e.g. "5.2 Instance Management") closes a section.
            if _next_group(current.number, f"{m.group(1)}.{m.group(2)}"):
                current.lines.append("")
                current = None
                continue
        if current is not None:
            current.lines.append(line)
    for s in sections:
        s.__init__(s.number, s.title, s.lines, s.source)
    return sections


def _next_number(prev, new):
    a = [int(x) for x in prev.split(".")]
    b = [int(x) for x in new.split(".")]
    if a[0] != b[0]:
        return b[0] > a[0] and b[2] == 1
    if a[1] == b[1]:
        return b[2] == a[2] + 1
    return b[1] == a[1] + 1 and b[2] == 1


def _next_group(prev, group):
    a = [int(x) for x in prev.split(".")]
    b = [int(x) for x in group.split(".")]
    return (b[0] == a[0] and b[1] == a[1] + 1) or b[0] == a[0] + 1


def seed004_sections(directory):
    lines = strip_footers(read_seed(directory, "004"))
    start = next(i for i, l in enumerate(lines) if l.strip() == "5.1 Lifecycle Management")
    return split_sections(lines, {"5", "8"}, start), lines


def chapter_group_titles(lines):
    """'5.1' -> 'Lifecycle Management', '8.1' -> 'Lifecycle Management APIs'."""
    titles = {}
    for line in lines:
        m = HEADING.match(line)
        if m and m.group(3) is None and m.group(1) in ("5", "8"):
            key = f"{m.group(1)}.{m.group(2)}"
            titles.setdefault(key, m.group(4).strip())
    return titles


def single_page(directory, key):
    lines = read_seed(directory, key)
    title = next((l.strip() for l in lines if l.strip() and not l.startswith(("Updated", "更新"))), key)
    return Section(key, title, lines, "seed " + key)
