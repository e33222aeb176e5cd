"""The Chinese edition cannot drift from the English one (issue 26; tools/translations.py, tools/editions.py).

What is checked here, fast (strict nbval of the edition itself is `make test-zh`):

- every catalogue is up to date with the English it translates: a changed English block fails until
  `python tools/translations.py update NN_name` has marked it fuzzy and a translator has seen it;
- every message is translated and none is fuzzy (expected to fail until the translators' catalogues are merged);
- every translation copies its source's formulas (both ways), code spans, link targets and heading level, keeps the
  phrases' {placeholders}, uses the checked terms of TERMINOLOGY.md, and leaves no English prose;
- the Chinese edition has the English edition's code cells, outputs (modulo translate_output), cell ids, metadata
  and attachments, and its student edition has no solutions;
- the tools themselves: blocks round-trip, merge marks exactly the edited block fuzzy, a changed formula is seen.
"""

import copy
import re

import nbformat
import polib
import pytest

from tests.notebook_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, ROOT, read
from tools import editions, translations
from tools.make_student import BEGIN, END, SOLVED_ONLY, strip_solutions, student_edition

LOCALE = ROOT / "locale" / "zh_CN"
STEMS = [p.stem for p in NOTEBOOK_PATHS]
PHRASE_CATALOGUES = list(editions.PHRASE_CATALOGUES)
CATALOGUES = STEMS + PHRASE_CATALOGUES
KEEP = [
    line.strip()
    for line in (LOCALE / "KEEP_IN_ENGLISH.txt").read_text(encoding="utf-8").split("\n")
    if line.strip() and not line.startswith("#")
]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ \t]+[A-Za-z][A-Za-z'’-]*){2,}")


def catalogue(name):
    po = translations.load(name)
    assert po is not None, f"no catalogue {translations.catalogue_path(name)}: run `{update_command(name)}`"
    return po


def update_command(name):
    tool = "editions.py update" if name in PHRASE_CATALOGUES else f"translations.py update {name}"
    return f"python tools/{tool}"


def wanted(name):
    """The catalogue ``name`` as the current English would make it (merged with the committed one)."""
    old = translations.load(name)
    if name in PHRASE_CATALOGUES:
        return translations.merge_messages(f"rnn-bptt-course {name}", editions.PHRASE_CATALOGUES[name](), old)
    return translations.merge(name, read(NOTEBOOK_DIR / f"{name}.ipynb"), old)


def translated(po):
    """The messages a reader sees translated: a translation, not fuzzy."""
    return [e for e in po if e.msgstr and "fuzzy" not in e.flags and not e.obsolete]


def prose(text):
    """``text`` without maths, code, link targets, HTML, web addresses and the names kept in English."""
    text = translations._CODE.sub(" ", text)  # code first: a `$` in code opens no formula
    text = translations._MATH.sub(" ", text)
    text = translations._LINK_TARGET.sub("]", text)
    text = re.sub(r"<[^>]+>|https?://\S+", " ", text)
    for phrase in KEEP:
        text = text.replace(phrase, " ")
    return text


# What a translation rightly keeps in Latin letters (TERMINOLOGY.md): the English of a term glossed at its first use,
# 中文（English）; a citation, "Cho et al."; a paper's title, in italics; a quoted string the English has verbatim.
GLOSS = re.compile(r"(?<=[\u4e00-\u9fff*」”》])\s*[（(][A-Za-z][^（）()\u4e00-\u9fff，,]*")  # up to its first comma
CITATION = re.compile(r"\b[A-Z][A-Za-z-]+ et al\.")
LATIN_ITALICS = re.compile(r"(?<!\*)\*[^*\u4e00-\u9fff]+\*(?!\*)")
QUOTED = re.compile(r'"[^"\n]+"|“[^”\n]+”|\*[^*\n]+\*')


def verbatim(english, translation):
    """The quoted strings and italic spans of ``english`` that ``translation`` keeps as they are."""
    return [q for q in QUOTED.findall(english) if q in translation]


def chinese_prose(translation, english):
    """The prose of a translation in which English words would be English left over (see GLOSS and the rest)."""
    for kept in verbatim(english, translation):
        translation = translation.replace(kept, " ")
    return CITATION.sub(" ", LATIN_ITALICS.sub(" ", GLOSS.sub(" ", prose(translation))))


def english_prose(english, translation):
    """The prose of a source message, without what its translation rightly keeps in English."""
    for kept in verbatim(english, translation):
        english = english.replace(kept, " ")
    return prose(english)


@pytest.fixture(scope="module")
def chinese():
    return editions.edition("zh")


# --------------------------------------------------------------------------------------------------------------
# The catalogues against the English they translate.
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_catalogue_is_up_to_date_with_its_english(name):
    have, want = catalogue(name), wanted(name)
    keys = [(e.msgctxt, e.msgid) for e in have]
    wanted_keys = [(e.msgctxt, e.msgid) for e in want]
    changed = [e for e in want if (e.msgctxt, e.msgid) not in set(keys)]
    gone = [e for e in have if (e.msgctxt, e.msgid) not in set(wanted_keys)]
    lines = [
        f"  new or changed English in {e.msgctxt} (message {e.occurrences[0][1] or '-'}): {e.msgid[:90]!r}"
        for e in changed
    ] + [f"  no longer in the English, {e.msgctxt}: {e.msgid[:90]!r}" for e in gone]
    if not lines and keys != wanted_keys:
        lines = ["  the blocks are in another order than the English's"]
    assert not lines, (
        f"{name}: the catalogue is not up to date with its English:\n"
        + "\n".join(lines)
        + f"\nRun `{update_command(name)}`, then translate the messages it marks fuzzy or leaves empty."
    )


def test_no_message_is_fuzzy_or_untranslated():
    report = []
    for name in CATALOGUES:
        done, fuzzy, todo = translations.status(catalogue(name))
        if fuzzy or todo:
            report.append(f"  {name}: {done} translated, {fuzzy} fuzzy, {todo} untranslated")
    assert not report, "messages still to translate (`python tools/editions.py status`):\n" + "\n".join(report)


# --------------------------------------------------------------------------------------------------------------
# Every translation, against its English.
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STEMS)
def test_every_translation_keeps_the_formulas_code_links_and_heading_level(name):
    found = [
        f"  {e.msgctxt} (message {e.occurrences[0][1]}): {problem}"
        for e in translated(catalogue(name))
        for problem in translations.problems(e.msgid, e.msgstr)
    ]
    assert not found, f"{name}: fix these translations (`python tools/translations.py check {name}`):\n" + "\n".join(
        found
    )


MATH_TOKEN = re.compile(r"\S*[_^=∂Σ‖δη′ᵀ→]\S*")


@pytest.mark.parametrize("name", PHRASE_CATALOGUES)
def test_every_phrase_keeps_its_placeholders_and_its_maths(name):
    for e in translated(catalogue(name)):
        assert sorted(PLACEHOLDER.findall(e.msgstr)) == sorted(PLACEHOLDER.findall(e.msgid)), e.msgid
        for token in MATH_TOKEN.findall(e.msgid):
            token = token.rstrip(",.;:)").lstrip("(")
            if token.startswith("{") or token.startswith("**"):
                continue
            assert token in e.msgstr, f"{name}, {e.msgctxt}: {token!r} of the English is not in {e.msgstr!r}"
        assert translations.problems(e.msgid, e.msgstr) == [], e.msgid


def checked_terms():
    """(English, Chinese) of every term TERMINOLOGY.md marks **checked**."""
    text = (LOCALE / "TERMINOLOGY.md").read_text(encoding="utf-8")
    terms = []
    for english, chinese, note in re.findall(r"^\| (.+?) \| (.+?) \| (.*?) \|$", text, flags=re.M):
        if "**checked**" not in note:
            continue
        en = [re.sub(r"\s*\([^)]*\)", "", part).strip() for part in english.split(" / ")]
        zh = [re.sub(r"（[^）]*）", "", part).strip() for part in chinese.split(" / ")]
        tail = en[-1].split(" ", 1)[1] if " " in en[-1] else ""  # "vanishing / exploding gradients"
        en = [part if " " in part or not tail else f"{part} {tail}" for part in en]
        assert len(en) == len(zh), f"TERMINOLOGY.md: {english!r} and {chinese!r} do not pair up"
        only = re.search(r"\*\*checked\*\* \(([^)]+)\)", note)
        terms += [(e, z) for e, z in zip(en, zh) if only is None or e == only[1]]
    return terms


def term_pattern(english):
    words = english.split(" ")
    if len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]  # "gradients" finds "gradient" and "gradients"
    return re.compile(r"\b" + r"[\s-]+".join(re.escape(w) for w in words), re.IGNORECASE)


def test_the_terminology_table_is_read_as_intended():
    terms = dict(checked_terms())
    assert terms["backpropagation through time"] == "通过时间反向传播"
    assert terms["exploding gradients"] == "梯度爆炸" and terms["forget gate"] == "遗忘门"
    assert "input gate" not in terms and len(terms) >= 15
    assert term_pattern("hidden state").search("the hidden-state gradient")
    assert not term_pattern("gradient").search("a gradual change")


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_checked_term_is_used_where_its_english_appears(name):
    terms = [(english, chinese, term_pattern(english)) for english, chinese in checked_terms()]
    missing = [
        f"  {e.msgctxt}: {english!r} → {chinese!r} missing from {e.msgstr[:70]!r}"
        for e in translated(catalogue(name))
        for english, chinese, pattern in terms
        if pattern.search(english_prose(e.msgid, e.msgstr)) and chinese not in e.msgstr
    ]
    assert not missing, f"{name}: locale/zh_CN/TERMINOLOGY.md's terms not used:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", CATALOGUES)
def test_no_english_prose_is_left_in_a_translation(name):
    left = [
        f"  {e.msgctxt}: {run!r}"
        for e in translated(catalogue(name))
        for run in ENGLISH_RUN.findall(chinese_prose(e.msgstr, e.msgid))
    ]
    assert not left, (
        f"{name}: English words left in translations (translate them, or if they are a name or a paper's title, "
        "add them to locale/zh_CN/KEEP_IN_ENGLISH.txt):\n" + "\n".join(left)
    )


def test_the_english_prose_check_sees_english_and_spares_names_code_and_maths():
    assert ENGLISH_RUN.findall(prose("我们 train the network 在这里")) == ["train the network"]
    kept = "见 *On the difficulty of training recurrent neural networks*，`clip_by_global_norm(grads, max_norm)` 与 $a + b + c$"
    assert ENGLISH_RUN.findall(prose(kept)) == []
    assert ENGLISH_RUN.findall(prose("[文档](https://example.org/a b c) 与 Adam、PyTorch")) == []
    assert ENGLISH_RUN.findall(prose("[see the docs](https://example.org/)")) == ["see the docs"]  # a link's text
    glossed = "循环神经网络（recurrent neural network，RNN）与 Cho et al. (2014) 的 *Learning phrase representations*"
    glossed += "，**恒定误差传送带**（constant error carousel，即直接路径）"
    assert ENGLISH_RUN.findall(chinese_prose(glossed, "")) == []
    assert ENGLISH_RUN.findall(chinese_prose('前缀 "The gradient of it" 之后', 'the prime "The gradient of it"')) == []
    assert ENGLISH_RUN.findall(chinese_prose("结果如下 as the table shows", "")) == ["as the table shows"]
    assert ENGLISH_RUN.findall(chinese_prose("“The gradient of it” 之后", "")) == ["The gradient of it"]  # not quoted


def test_the_terms_are_looked_for_outside_what_the_translation_keeps_in_english():
    title = "See *On training recurrent neural networks*, and the gradient."
    assert "recurrent" not in english_prose(title, "见 *On training recurrent neural networks*，以及梯度。")
    assert "recurrent" in english_prose(title, "见《论循环网络的训练》，以及梯度。")


# --------------------------------------------------------------------------------------------------------------
# The Chinese edition against the English one.
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_the_chinese_edition_has_the_english_code_outputs_ids_metadata_and_attachments(chinese, path):
    en, zh = read(path), chinese[path.stem]
    assert zh.metadata == en.metadata and (zh.nbformat, zh.nbformat_minor) == (en.nbformat, en.nbformat_minor)
    assert [c.id for c in zh.cells] == [c.id for c in en.cells]
    for a, b in zip(en.cells, zh.cells):
        assert b.cell_type == a.cell_type and b.metadata == a.metadata, a.id
        assert b.get("attachments") == a.get("attachments"), a.id
        if a.cell_type == "code":
            assert b.source == a.source and b.execution_count == a.execution_count, a.id
            assert b.outputs == editions.translate_outputs(copy.deepcopy(a.outputs), "zh"), a.id
        elif not translations.generated(a):
            # as sets: a translation may repeat a formula of its source (TERMINOLOGY.md, rule 1)
            assert set(translations.formulas(b.source)) == set(translations.formulas(a.source)), a.id
            targets = translations._LINK_TARGET.findall
            assert sorted(targets(b.source)) == sorted(targets(a.source)), a.id


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_the_generated_cells_are_translated_and_link_where_the_english_do(chinese, path):
    en, zh = read(path), chinese[path.stem]
    for a, b in zip(en.cells, zh.cells):
        if not translations.generated(a):
            continue
        english_targets = translations._LINK_TARGET.findall(a.source)
        chinese_targets = translations._LINK_TARGET.findall(
            b.source.replace("lab/tree/zh/notebooks/", "lab/tree/notebooks/")
        )
        assert chinese_targets == english_targets, a.metadata["tags"]
        assert re.search(r"[\u4e00-\u9fff]", b.source), f"{path.stem}: {a.metadata['tags']} has no Chinese"
        assert ENGLISH_RUN.findall(prose(b.source)) == [], b.source


def test_every_translated_notebook_is_valid_and_the_binder_badge_opens_the_chinese_edition(chinese):
    for stem, nb in chinese.items():
        nbformat.validate(nb)
        assert f"urlpath=lab/tree/zh/notebooks/{stem}.ipynb" in nb.cells[0].source


def test_the_chinese_student_edition_has_no_solutions(chinese):
    for path in NOTEBOOK_PATHS:
        zh, n = student_edition(chinese[path.stem])
        en, n_en = student_edition(read(path))
        assert n == n_en
        assert [c.source for c in zh.cells if c.cell_type == "code"] == [
            c.source for c in en.cells if c.cell_type == "code"
        ]
        assert not any(BEGIN in c.source or END in c.source for c in zh.cells)
        assert not any(SOLVED_ONLY in c.metadata.get("tags", []) for c in zh.cells)
        by_id = {c.id: c for c in zh.cells}
        for cell in chinese[path.stem].cells:
            if cell.cell_type == "code" and BEGIN in cell.source:  # the worked solution, and in its place a prompt
                assert by_id[cell.id].source == strip_solutions(cell.source)[0]
                assert "raise NotImplementedError" in by_id[cell.id].source and by_id[cell.id].outputs == []


# --------------------------------------------------------------------------------------------------------------
# The tools.
# --------------------------------------------------------------------------------------------------------------


def markdown_sources():
    return [(p.stem, c.source) for p in NOTEBOOK_PATHS for c in read(p).cells if c.cell_type == "markdown" and c.source]


def test_blocks_round_trip_every_markdown_cell_of_the_course():
    cells = markdown_sources()
    assert len(cells) > 200
    for stem, source in cells:
        assert "\n\n".join(translations.blocks(source)) == source, stem


def test_blocks_never_cut_a_code_fence_or_a_display_formula():
    text = "Intro.\n\n```python\nx = 1\n\ny = 2\n```\n\n$$\na = b\n\nc = d\n$$\n\nEnd."
    assert translations.blocks(text) == ["Intro.", "```python\nx = 1\n\ny = 2\n```", "$$\na = b\n\nc = d\n$$", "End."]


def fake_translation(block):
    """A "translation" that copies what must be copied: the formulas, code spans and link targets, in order."""
    kept = translations._MATH.findall(block) + translations._CODE.findall(block)
    kept += [f"[链接{t}" for t in translations._LINK_TARGET.findall(block)]
    level = re.match(r"#*", block).group()
    return (f"{level} " if level else "") + "译文 " + " ".join(kept)


@pytest.fixture()
def translated_catalogue():
    nb = read(NOTEBOOK_DIR / "05_recurrent_weight_gradients.ipynb")
    po = translations.merge("05_recurrent_weight_gradients", nb, None)
    for e in po:
        e.msgstr = fake_translation(e.msgid)
    return nb, po


def test_merge_marks_exactly_the_edited_block_fuzzy(translated_catalogue):
    nb, po = translated_catalogue
    assert all(translations.problems(e.msgid, e.msgstr) == [] for e in po)  # the fake translations are sound
    cell = next(
        c
        for c in nb.cells
        if c.cell_type == "markdown" and not translations.generated(c) and len(translations.blocks(c.source)) >= 3
    )
    old_blocks = translations.blocks(cell.source)
    target = next(b for b in old_blocks if translations.needs_translation(b) and len(b) > 40)
    edited = nbformat.from_dict(copy.deepcopy(nb))
    edited_cell = next(c for c in edited.cells if c.id == cell.id)
    edited_cell.source = cell.source.replace(target, target[:-1] + ", as notebook 04 showed.", 1)
    merged = translations.merge("05_recurrent_weight_gradients", edited, po)
    fuzzy = [e for e in merged if "fuzzy" in e.flags]
    assert len(fuzzy) == 1 and fuzzy[0].msgctxt == cell.id
    assert fuzzy[0].previous_msgid == target and fuzzy[0].msgstr == fake_translation(target)
    untouched = {(e.msgctxt, e.msgid): e.msgstr for e in po}
    for e in merged:
        if e is not fuzzy[0]:
            assert untouched[(e.msgctxt, e.msgid)] == e.msgstr and not e.flags
    assert len(merged) == len(po)


def test_a_fuzzy_or_missing_translation_shows_the_english(translated_catalogue):
    nb, po = translated_catalogue
    first = po[0]
    chinese = translations.translate_notebook(nb, po)
    cell = next(c for c in chinese["cells"] if c["id"] == first.msgctxt)
    assert first.msgstr in cell["source"] and first.msgid not in cell["source"]
    first.flags.append("fuzzy")
    cell = next(c for c in translations.translate_notebook(nb, po)["cells"] if c["id"] == first.msgctxt)
    assert first.msgid in cell["source"] and first.msgstr not in cell["source"]


def test_a_changed_formula_code_span_link_or_heading_is_reported():
    english = "## The gradient $\\frac{\\partial L}{\\partial h_t}$ of `rnn_step`, see [notebook 04](04_x.ipynb)"
    good = "## 梯度 $\\frac{\\partial L}{\\partial h_t}$，`rnn_step`，见 [笔记本 04](04_x.ipynb)"
    assert translations.problems(english, good) == []
    retyped = good.replace("\\partial h_t", "\\partial h_{t}")
    found = translations.problems(english, retyped)
    assert len(found) == 2 and "missing" in found[0] and "does not have" in found[1]
    assert any("code spans" in p for p in translations.problems(english, good.replace("`rnn_step`", "rnn_step")))
    assert any("link targets" in p for p in translations.problems(english, good.replace("04_x", "05_x")))
    assert any("heading level" in p for p in translations.problems(english, good.replace("## ", "### ")))


def test_a_phrase_no_extraction_offers_is_refused():
    words = editions.Words("zh")
    assert words("navigation", "Course map") == "课程地图"
    with pytest.raises(ValueError, match="in no catalogue's extraction"):
        words("navigation", "Table of contents")
    with pytest.raises(ValueError, match="expected one of en, zh"):
        editions.Words("fr")


def test_build_writes_the_edition_once_and_removes_what_the_english_no_longer_has(tmp_path):
    (tmp_path / "99_gone.ipynb").write_text("{}", encoding="utf-8")
    first = editions.build("zh", tmp_path)
    assert {p.stem for p in first} == set(STEMS) and not (tmp_path / "99_gone.ipynb").exists()
    assert (tmp_path / ".course-lang").read_text(encoding="utf-8") == "zh\n"  # its kernels speak Chinese (Binder)
    assert editions.build("zh", tmp_path) == []
    with pytest.raises(ValueError, match="notebooks/ itself"):
        editions.build("en", tmp_path)


def test_the_course_language_comes_from_course_lang(monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert editions.language() == "en"
    monkeypatch.setenv("COURSE_LANG", "zh")
    assert editions.language() == "zh"
    monkeypatch.setenv("COURSE_LANG", "zh_CN.UTF-8")
    with pytest.raises(ValueError):
        editions.language()


def test_the_catalogues_are_readable_gettext_files():
    for name in CATALOGUES:
        po = polib.pofile(str(translations.catalogue_path(name)))
        assert po.metadata["Language"] == "zh_CN" and po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_a_line_break_inside_a_chinese_sentence_is_removed_and_no_other():
    """Chromium shows a soft line break between two CJK characters as a space: the edition joins those lines."""
    assert translations.join_wide_lines("梯度\n消失，\n然后") == "梯度消失，然后"
    kept = "梯度\n$x_t$ 和\n`code`\nEnglish\nwords"  # a break next to maths, code or Latin letters stays
    assert translations.join_wide_lines(kept) == kept
    heading = "## 学习目标\n学完本笔记本，你将能够："  # a heading ends at its line break
    assert translations.join_wide_lines(heading) == heading
    nb = {"cells": [{"cell_type": "markdown", "id": "c1", "metadata": {}, "source": "Vanishing gradients."}]}
    po = polib.POFile()
    po.append(polib.POEntry(msgctxt="c1", msgid="Vanishing gradients.", msgstr="梯度\n消失。"))
    assert translations.translate_notebook(nb, po)["cells"][0]["source"] == "梯度消失。"


def test_a_notebook_rebuilt_with_new_cell_ids_keeps_its_translations():
    """Cell ids may all change (a notebook regenerated); an unchanged English block keeps its translation."""
    nb = {"cells": [{"cell_type": "markdown", "id": "a1", "metadata": {}, "source": "One sentence.\n\nAnother one."}]}
    po = translations.merge("x", nb, None)
    for entry in po:
        entry.msgstr = "译：" + entry.msgid
    rebuilt = copy.deepcopy(nb)
    rebuilt["cells"][0]["id"] = "b2"
    rebuilt["cells"][0]["source"] = "One sentence.\n\nAnother one, changed."
    merged = {e.msgid: e for e in translations.merge("x", rebuilt, po)}
    assert merged["One sentence."].msgstr == "译：One sentence." and "fuzzy" not in merged["One sentence."].flags
    assert merged["Another one, changed."].msgstr == ""  # a changed block in a vanished cell is left to translate


def test_the_command_line_takes_a_stem_a_file_name_or_a_path_and_names_what_is_no_notebook(capsys):
    assert translations._stems(["notebooks/05_recurrent_weight_gradients.ipynb", "13_lstm.ipynb", "14_gru"]) == [
        "05_recurrent_weight_gradients",
        "13_lstm",
        "14_gru",
    ]
    assert translations.main(["status", "13_lstm", "no_such_notebook"]) == 2
    assert "not a notebook of the course: no_such_notebook" in capsys.readouterr().err
