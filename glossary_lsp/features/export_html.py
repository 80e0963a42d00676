"""The course's glossary page as one self-contained HTML file.

No network: the style and the few lines of script are inline, no fonts or images are loaded,
so the page works from `file://`. Every text from the glossary or the course is HTML-escaped
and none of it goes into the script, so a definition can never run. Without script the whole
page reads as is; the script only adds the search box that filters entries as you type.

Anchors: an entry's "Introduced in" links to the module file with the line of the first
introduction as `#L42` (what GitHub's and most code hosts' source views jump to); a heading
anchor would depend on the site generator's slug rules.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from glossary_lsp.features.export import (
    LETTERS,
    OTHER_LETTER,
    ExportEntry,
    ExportPage,
    anchor_ids,
    empty_page_text,
    introduction_text,
    relative_href,
    used_in_text,
)

_STYLE = """
:root { color-scheme: light dark; --bg: #fdfdfc; --fg: #1d1f23; --muted: #5c6370;
  --line: #e2e4e8; --accent: #0b5cad; --chip: #eef2f7; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16181c; --fg: #e6e6e6; --muted: #a0a7b4; --line: #2e323a;
    --accent: #7cb7ff; --chip: #232830; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem 1rem 4rem; }
h1 { margin: .5rem 0 .25rem; font-size: 1.8rem; }
.lede { color: var(--muted); margin: 0 0 1rem; }
a { color: var(--accent); }
.toolbar { position: sticky; top: 0; background: var(--bg); padding: .5rem 0;
  border-bottom: 1px solid var(--line); z-index: 1; }
#glossary-search { width: 100%; font: inherit; padding: .5rem .75rem; border-radius: .5rem;
  border: 1px solid var(--line); background: var(--chip); color: var(--fg); }
.letters { display: flex; flex-wrap: wrap; gap: .15rem; margin: .5rem 0 0; padding: 0;
  list-style: none; }
.letters a, .letters span { display: inline-block; min-width: 1.9rem; padding: .15rem 0;
  text-align: center; border-radius: .35rem; text-decoration: none; font-weight: 600; }
.letters a { background: var(--chip); }
.letters span { color: var(--muted); opacity: .45; }
.letter h2 { font-size: 1.4rem; margin: 1.5rem 0 .5rem; padding-bottom: .2rem;
  border-bottom: 2px solid var(--line); }
.term { padding: .6rem 0 .7rem; border-bottom: 1px solid var(--line);
  content-visibility: auto; contain-intrinsic-size: auto 9rem; }
.term h3 { margin: 0; font-size: 1.1rem; overflow-wrap: anywhere; }
.term .expansion { font-weight: 400; color: var(--muted); }
.term p { margin: .3rem 0 0; overflow-wrap: anywhere; }
.meta, .aliases, .see-also { font-size: .92rem; color: var(--muted); }
.empty-state, #glossary-count { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }
@media (max-width: 30rem) { body { font-size: 15px; } h1 { font-size: 1.5rem; } }
"""

# Filters on each entry's `data-search` (term, expansion, aliases). Written once, so the page's
# own text never ends up inside it.
_SCRIPT = """
(function () {
  var box = document.getElementById("glossary-search");
  var count = document.getElementById("glossary-count");
  if (!box) return;
  document.getElementById("glossary-toolbar-search").hidden = false;
  var entries = Array.prototype.slice.call(document.querySelectorAll(".term"));
  var keys = entries.map(function (e) { return e.getAttribute("data-search"); });
  var sections = Array.prototype.slice.call(document.querySelectorAll(".letter"));
  function filter() {
    var wanted = box.value.trim().toLowerCase(), shown = 0;
    for (var i = 0; i < entries.length; i++) {
      var hide = wanted !== "" && keys[i].indexOf(wanted) < 0;
      if (entries[i].hidden !== hide) entries[i].hidden = hide;
      if (!hide) shown++;
    }
    sections.forEach(function (s) { s.hidden = !s.querySelector(".term:not([hidden])"); });
    count.textContent = wanted === "" ? "" :
      shown + (shown === 1 ? " term matches" : " terms match") + " \\u201c" + box.value + "\\u201d";
  }
  box.addEventListener("input", filter);
  if (box.value) filter();
})();
"""


def render_html(page: ExportPage, link_base: Path) -> str:
    """The whole page; hrefs to module files are relative to the folder `link_base`."""
    ids = anchor_ids(page.entries)
    sections = page.sections()
    title = escape(page.title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{title}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title}</h1>",
    ]
    if not page.entries:
        parts.append(f'<p class="lede empty-state">{escape(empty_page_text(page))}</p>')
    else:
        parts.append(f'<p class="lede">{escape(introduction_text(page))}</p>')
        parts += toolbar(sections)
        for letter, entries in sections:
            parts += letter_section(letter, entries, ids, link_base)
    parts += ["</main>", f"<script>{_SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)


def toolbar(sections: list[tuple[str, list[ExportEntry]]]) -> list[str]:
    present = {letter for letter, _ in sections}
    letters = []
    for letter in (*LETTERS, OTHER_LETTER):
        if letter in present:
            letters.append(f'<li><a href="#{letter_id(letter)}">{escape(letter)}</a></li>')
        elif letter in LETTERS:
            letters.append(f'<li><span aria-hidden="true">{letter}</span></li>')
    return [
        '<div class="toolbar">',
        '<div id="glossary-toolbar-search" hidden>',
        '<label class="visually-hidden" for="glossary-search">Filter terms</label>',
        '<input id="glossary-search" type="search" autocomplete="off" spellcheck="false"'
        ' placeholder="Filter terms, expansions and aliases…">',
        '<p id="glossary-count" aria-live="polite"></p>',
        "</div>",
        f'<ul class="letters" aria-label="Letters">{"".join(letters)}</ul>',
        "</div>",
    ]


def letter_id(letter: str) -> str:
    return f"letter-{letter}" if letter in LETTERS else "letter-other"


def letter_section(
    letter: str, entries: list[ExportEntry], ids: dict[str, str], link_base: Path
) -> list[str]:
    heading = letter if letter in LETTERS else "Other"
    parts = [f'<section class="letter" id="{letter_id(letter)}">', f"<h2>{escape(heading)}</h2>"]
    parts += [term_entry(entry, ids, link_base) for entry in entries]
    parts.append("</section>")
    return parts


def term_entry(entry: ExportEntry, ids: dict[str, str], link_base: Path) -> str:
    term = entry.term
    # lower(), not casefold(): the script compares with JavaScript's toLowerCase()
    search = " ".join([term.term, term.expansion, *term.aliases]).lower()
    heading = f'<span class="name">{escape(term.term)}</span>'
    if term.expansion:
        heading += f' <span class="expansion">{escape(term.expansion)}</span>'
    lines = [
        f'<article class="term" id="{escape(ids[term.key])}" data-term="{escape(term.term)}"'
        f' data-search="{escape(search)}">',
        f"<h3>{heading}</h3>",
    ]
    if term.definition:
        lines.append(f'<p class="definition">{escape(term.definition.strip())}</p>')
    if term.aliases:
        aliases = ", ".join(f'<span class="alias">{escape(a)}</span>' for a in term.aliases)
        lines.append(f'<p class="aliases">Also: {aliases}</p>')
    if entry.see_also:
        links = [
            f'<a href="#{escape(ids[item.target])}">{escape(item.name)}</a>'
            if item.target
            else escape(item.name)
            for item in entry.see_also
        ]
        lines.append(f'<p class="see-also">See also: {", ".join(links)}</p>')
    lines.append(f'<p class="meta">{meta(entry, link_base)}</p>')
    lines.append("</article>")
    return "\n".join(lines)


def meta(entry: ExportEntry, link_base: Path) -> str:
    used = f'<span class="used-in">{used_in_text(len(entry.used_in))}</span>'
    introduced = entry.introduced_in
    if introduced is None:
        return used
    href = f"{relative_href(introduced.path, link_base)}#L{introduced.line}"
    link = f'<a class="introduced-in" href="{escape(href)}">{escape(introduced.label)}</a>'
    return f"Introduced in {link} · {used}"
