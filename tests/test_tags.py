"""The user's gloss conventions: the tag inventory and tag maps."""

from collections import Counter

import pytest

from igt_tools.core.errors import DataError
from igt_tools.core.tagmap import TagMap
from igt_tools.core.tags import Inventory, is_tag, tags_in, variant_key


@pytest.mark.parametrize(
    "gloss, tags",
    [("3SG", ["3SG"]), ("3.SG", ["3.SG"]), ("go.PST", ["PST"]), ("house", []), ("[UNK]", []), ("1", ["1"]), ("?", [])],
)
def test_tags_in_a_gloss(gloss, tags):
    assert tags_in(gloss) == tags


def test_variant_keys():
    assert variant_key("3SG") == variant_key("3.SG") == variant_key("3sg") == ("3", "SG")
    assert variant_key("PAST") == variant_key("PST")
    assert variant_key("PAST", synonyms=False) != variant_key("PST", synonyms=False)
    assert not is_tag("Kaka")


def test_inventory_counts_tags_and_groups_variants():
    inventory = Inventory()
    for glosses in ["3SG-go-PST house", "3SG-eat-PST fish", "3.SG-go-PAST", "3sg-see.PST", "past-DEF", "do-DO ."]:
        inventory.add(glosses)
    groups = {tag: (count, variants) for tag, count, variants in inventory.groups()}
    assert groups["PST"] == (3, [("PAST", 1), ("past", 1)])
    assert groups["3SG"] == (2, [("3.SG", 1), ("3sg", 1)])
    assert groups["DEF"] == (1, [])
    assert "house" not in groups and "fish" not in str(groups)
    lines = inventory.lines()
    assert lines[0] == "tag\tcount\tlikely variants"
    assert lines[1:3] == ["PST\t3\tPAST 1, past 1", "3SG\t2\t3.SG 1, 3sg 1"]


@pytest.fixture
def tagmap_file(tmp_path):
    path = tmp_path / "tags.tsv"
    path.write_text("# model\tuser\n3SG\t3.SG\nPST\tPAST\n\nDEF\tART\n", encoding="utf-8")
    return path


def test_tagmap_maps_model_tags_to_the_users_and_counts(tagmap_file):
    tagmap = TagMap.load(tagmap_file)
    record = {"glosses": "3SG-go.PST DEF-house NMLZ-run=FOC ."}
    mapped, unknown = tagmap.map_record(record)
    assert record["glosses"] == "3.SG-go.PAST ART-house NMLZ-run=FOC ."
    assert mapped == Counter({"3SG": 1, "PST": 1, "DEF": 1})
    assert unknown == Counter({"NMLZ": 1, "FOC": 1})
    tagmap.map_record({"glosses": "NMLZ"})
    assert tagmap.summary().endswith("3 tags mapped, 3 not in the map (passed through): NMLZ 2, FOC 1")


def test_tagmap_backwards_gives_the_model_tags_back(tagmap_file):
    forward, backward = TagMap.load(tagmap_file), TagMap.load(tagmap_file, reverse=True)
    glosses = "3SG-go-PST  DEF=house"
    assert backward.map_glosses(forward.map_glosses(glosses)) == glosses  # spacing kept too
    assert backward.map_glosses("3.SG") == "3SG"  # the whole gloss before its parts


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("3SG 3.SG\n", 1, "two TAB-separated columns"),
        ("A\tB\nA\tC\n", 2, "model tag 'A' maps to both 'B' (line 1) and 'C'"),
    ],
)
def test_tagmap_bad_lines(tmp_path, content, line, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        TagMap.load(path)
    assert caught.value.line == line and message in caught.value.message


def test_tagmap_two_model_tags_for_one_user_tag_cannot_map_back(tmp_path):
    path = tmp_path / "many.tsv"
    path.write_text("PFV\tPERF\nPRF\tPERF\n", encoding="utf-8")
    assert TagMap.load(path).map_glosses("PFV PRF") == "PERF PERF"
    with pytest.raises(DataError) as caught:
        TagMap.load(path, reverse=True)
    assert "user tag 'PERF' maps to both 'PFV' (line 1) and 'PRF'" in caught.value.message
