"""igt-format --to html: one self-contained page, checked with the standard library's HTML parser."""

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from igt_tools.commands.format import command
from igt_tools.formats.aligned import DOUBTFUL
from igt_tools.formats.html import SOURCES, article, write_page

GLOSSED = {
    "id": "usp-1",
    "transcription": "o sey xtok rixoqiil",
    "segmentation": "o sey x-tok r-ixoqiil",
    "glosses": "CONJ sea COM-buscar E3S-esposa",
    "translation": "y fue a buscar su esposa",
    "provenance": ["lexicon", "analogy", "model", "model"],
    "word_confidence": [None, None, DOUBTFUL + 0.05, DOUBTFUL - 0.05],
}
UNANALYSED = {"id": 7, "transcription": "hiisi' .", "segmentation": "hiisi' .", "glosses": "???", "provenance": ["none"]}
HOSTILE_TEXT = '</article><script>alert("x")</script><img src=x onerror=alert(1)> & "q" \'s\''
HOSTILE = {
    "id": '"><script>alert(1)</script>',
    "transcription": HOSTILE_TEXT,
    "glosses": "<b>DET</b> &amp;",
    "translation": HOSTILE_TEXT,
}
BARE = {"transcription": "niños cantan", "translation": "children sing"}
DATA = Path(__file__).parent / "data"
VOID = {"meta", "br", "img", "link", "input", "hr"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text_parts = [], []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(part if isinstance(part, str) else part.text() for part in self.text_parts)

    def find_all(self, tag=None, cls=None):
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                yield child
            yield from child.find_all(tag, cls)


class Tree(HTMLParser):
    """The page as a tree of Elements; fails on a closing tag that does not close the open one."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", [])
        self.doctype = None
        self.feed(page)
        self.close()
        assert self.current is self.root, f"<{self.current.tag}> never closed"

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        self.current.text_parts.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        assert tag == self.current.tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def page_of(*records):
    out = io.StringIO()
    write_page(records, out)
    return out.getvalue()


def test_one_self_contained_page():
    tree = Tree(page_of(GLOSSED, UNANALYSED, BARE))
    assert tree.doctype.lower() == "doctype html"
    elements = list(tree.root.find_all())
    assert not [e.tag for e in elements if e.tag in ("script", "link", "iframe", "object", "embed", "img")]
    assert not [e for e in elements if {"src", "href"} & set(e.attrs)]  # nothing to fetch
    style = "".join(e.text() for e in tree.root.find_all("style"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    metas = [e.attrs for e in tree.root.find_all("meta")]
    assert {"charset": "utf-8"} in metas
    assert any(m.get("name") == "viewport" and "width=device-width" in m.get("content", "") for m in metas)
    assert "flex-wrap: wrap" in style and "@media print" in style  # phone and paper


def test_a_legend_names_every_provenance():
    legend = next(Tree(page_of()).root.find_all("ul", "legend"))
    kinds = [next(item.find_all("span", "swatch")).classes[1] for item in legend.find_all("li")]
    assert kinds == ["lexicon", "analogy", "model", "doubtful", "none"]
    assert "no analysis" in legend.text() and str(DOUBTFUL) in legend.text()


def test_each_word_a_column_of_word_segmentation_and_gloss_with_its_provenance():
    tree = Tree(page_of(GLOSSED, UNANALYSED, BARE))
    articles = list(tree.root.find_all("article"))
    assert len(articles) == 3
    words = list(articles[0].find_all("li", "word"))
    stacked = [[span.classes[0] for span in word.find_all("span") if span.parent is word] for word in words]
    assert stacked[0] == ["form", "segmentation", "gloss"]
    texts = [[span.text() for span in word.find_all("span") if span.parent is word][:3] for word in words]
    assert texts[2] == ["xtok", "x-tok", "*COM-buscar"]
    assert [w.classes[1] for w in words] == ["lexicon", "analogy", "model", "doubtful"]
    # Marked as igt-format --to aligned marks them, with the model's confidence under its words.
    assert [next(w.find_all("span", "gloss")).text()[0] for w in words] == ["C", "~", "*", "?"]
    assert [c.text() for w in words for c in w.find_all("span", "confidence")] == [f"{DOUBTFUL + 0.05:.2f}", f"{DOUBTFUL - 0.05:.2f}"]
    assert next(articles[0].find_all("p", "translation")).text() == "‘y fue a buscar su esposa’"
    # Grammatical tags in small caps (Leipzig), their text as written.
    assert [tag.text() for tag in articles[0].find_all("span", "tag")] == ["CONJ", "COM", "E3S"]
    # The full stop stands alone; the unanalysed word is marked none.
    second = list(articles[1].find_all("li", "word"))
    assert [w.classes[1:] for w in second] == [["none"], []]
    # A record without glosses shows its transcription and translation.
    assert "niños cantan" in articles[2].text() and not list(articles[2].find_all("li"))


def test_the_transcription_is_a_line_of_its_own_when_its_words_do_not_pair():
    tree = Tree(article({"transcription": "Retinäy debex", "segmentation": "r-eti-näy mi-x mi", "glosses": "IV-want you-AD you"}))
    assert next(tree.root.find_all("span", "transcription")).text() == "Retinäy debex"
    assert not list(tree.root.find_all("span", "form"))


def test_hostile_text_is_shown_not_run():
    tree = Tree(page_of(HOSTILE))
    elements = list(tree.root.find_all())
    assert not [e for e in elements if e.tag in ("script", "img", "b")]
    assert not [e for e in elements if any(name.startswith("on") for name in e.attrs)]
    (one,) = tree.root.find_all("article")
    assert next(one.find_all("span", "label")).text() == f"({HOSTILE['id']})"
    assert next(one.find_all("p", "translation")).text() == f"‘{HOSTILE_TEXT}’"
    # Without a segmentation, the glosses stand under the transcription's words.
    columns = [next(w.find_all("span", "form")).text() for w in one.find_all("li", "word")]
    assert " ".join(columns) == HOSTILE_TEXT  # every word of it, as written
    assert [next(w.find_all("span", "gloss")).text() for w in one.find_all("li", "word")][:2] == ["<b>DET</b>", "&amp;"]


def test_provenance_that_does_not_fit_the_words_is_not_shown():
    tree = Tree(article(dict(GLOSSED, provenance=["model"], word_confidence="?")))
    assert [w.classes for w in tree.root.find_all("li", "word")] == [["word"]] * 4


def test_the_page_is_written_as_the_records_come():
    out = io.StringIO()

    def records():
        yield GLOSSED
        assert "usp-1" in out.getvalue()  # the first article is out before the second record is read
        yield BARE

    write_page(records(), out)
    assert out.getvalue().rstrip().endswith("</html>")


def test_the_sample_page_shows_every_provenance(tmp_path):
    """tests/data/glossed_view.jsonl is the page of the README's screenshot (docs/html-view.png)."""
    result = CliRunner().invoke(command, ["--to", "html", str(DATA / "glossed_view.jsonl")])
    assert result.exit_code == 0, result.output
    kinds = {cls for word in Tree(result.stdout).root.find_all("li", "word") for cls in word.classes[1:]}
    assert kinds == set(SOURCES)


def test_to_html_on_the_command_line():
    result = CliRunner().invoke(command, ["--to", "html"], input=json.dumps(GLOSSED) + "\n" + json.dumps(BARE) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == page_of(GLOSSED, BARE)


@pytest.mark.parametrize("record", [GLOSSED, UNANALYSED, HOSTILE, BARE, {"id": 3}])
def test_every_record_is_one_line_of_well_formed_html(record):
    html = article(record)
    assert "\n" not in html
    Tree(html)
