"""HTML pages from government portals -> report body text, page title and attribution hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .report_check import strip_tail_chrome

# Elements that never hold report text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
    "input",
    "textarea",
    "svg",
    "canvas",
    "object",
    "embed",
    "video",
    "audio",
    "template",
    "link",
    "meta",
)
# id/class words of page chrome: navigation, share widgets, footers, breadcrumbs, QR codes, tools.
_CHROME = re.compile(
    r"(^|[-_\s])(nav|navs|navbar|menu|menus|footer|foot|header|head|top|topbar|breadcrumb|crumbs?|"
    r"mbxdh|share|bdshare|fenxiang|social|sidebar|side|qrcode|ewm|erweima|print|dayin|close|"
    r"font-?size|fontsize|zihao|search|searchbox|login|copyright|banner|related|xggj|xgwz|comment|"
    r"toolbar|tools?|pager|pagination|gotop|backtop|advert|ads?)($|[-_\s\d])",
    re.I,
)
# Known body containers of government CMSs (TRS, Hanweb, ...), most specific first.
_BODY_SELECTORS = (
    "#ivs_content",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#UCAP-CONTENT",
    "#zoom",
    ".pages_content",
    ".article-content",
    ".content-info",
    ".view",
    "article",
    "#content",
    ".content",
)
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "center",
    "hr",
    "td",
    "th",
    "figcaption",
}
_MARK = "\ue000"  # private-use marker for block boundaries while flattening
_WS = re.compile(r"[ \t\r\n\f\v]+")
_MARKS = re.compile(_MARK + r"[\s" + _MARK + r"]*")
_HTML_SNIFF = re.compile(
    r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p)[\s>]", re.I | re.S
)


@dataclass
class HtmlExtract:
    """Text of the report body and strings from the page that help attribution."""

    text: str
    title: str | None
    hints: list[str] = field(default_factory=list)  # title, meta ArticleTitle/SiteName, headings


def looks_like_html(text: str) -> bool:
    """True when decoded text sniffs as an HTML document (e.g. a ``.txt`` saved from a browser)."""
    return bool(_HTML_SNIFF.match(text[:2000]))


def _is_chrome(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    if not names.strip():
        return False
    return bool(_CHROME.search(names))


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        m = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.I)}) or soup.find(
            "meta", attrs={"property": re.compile(f"^{name}$", re.I)}
        )
        if m and m.get("content") and m["content"].strip():
            return m["content"].strip()
    return None


def _flatten(root: Tag) -> str:
    parts: list[str] = []
    for node in root.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            if type(node) is not NavigableString:  # CData, Doctype, ProcessingInstruction ...
                continue
            parts.append(_WS.sub(" ", str(node)))
        elif isinstance(node, Tag) and node.name in _BLOCK_TAGS:
            parts.append(_MARK)
    text = _MARKS.sub("\n", "".join(parts))
    lines = [ln.strip(" ") for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln.strip())


def _block_marks(root: Tag) -> None:
    # Add a closing marker after each block element so its end also breaks the line.
    for tag in root.find_all(_BLOCK_TAGS):
        tag.append(NavigableString(_MARK))


def _body_candidate(soup: BeautifulSoup) -> Tag | None:
    for sel in _BODY_SELECTORS:
        for el in soup.select(sel):
            if len(el.get_text(strip=True)) >= 500:
                return el
    # Generic: the element whose direct <p> children hold the most text.
    best, best_len = None, 0
    for el in soup.find_all(["div", "td", "section", "article"]):
        n = sum(len(p.get_text(strip=True)) for p in el.find_all("p", recursive=False))
        if n > best_len:
            best, best_len = el, n
    return best if best_len >= 200 else None


def html_to_text(markup: str) -> HtmlExtract:
    """Extract the report body from an HTML page; drop navigation, scripts, styles, share widgets.

    The body is the page's main text container (known CMS containers first, otherwise the element
    with the most paragraph text); block elements become line breaks. ``hints`` carries the page
    ``<title>``, ``ArticleTitle``/``SiteName`` meta tags and title-like headings for attribution.
    """
    soup = BeautifulSoup(markup, "lxml")
    hints: list[str] = []
    article_title = _meta(soup, "ArticleTitle", "og:title", "title")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    for el in soup.find_all(["h1", "h2", "h3"]) + soup.select(".title, .title-text, .tit, .article-title"):
        t = el.get_text(" ", strip=True)
        if t and len(t) <= 120 and t not in hints:
            hints.append(t)
    heading = next((h for h in hints if "报告" in h), None)
    for h in (article_title, page_title, _meta(soup, "SiteName"), _meta(soup, "ColumnName")):
        if h and h not in hints:
            hints.append(h)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    body = _body_candidate(soup) or soup.body or soup
    for tag in body.find_all(True):
        if tag.decomposed:
            continue
        if _is_chrome(tag) and len(tag.get_text(strip=True)) < 2000:
            tag.decompose()
    _block_marks(body)
    text = "\n".join(strip_tail_chrome(_flatten(body).split("\n")))
    title = article_title or heading or (page_title.split("_")[0].strip() if page_title else None)
    return HtmlExtract(text=text, title=title, hints=hints)
