"""Issue 15: golden texts pin the wording of every letter for a fixed plan and date, so that a change of wording
shows as a diff in review. The letters are the sets of letter_sets.py (the child EHCP-0002, the young person
EHCP-0005 who decides for himself, a disagreement on EHCP-0004 and a withdrawn amendment on EHCP-0001, and the
termly lists' covering letters), read back as text from the Word files. Each is compared with
tests/documents/golden/letters/<set>/<file>.txt; a difference fails with a unified diff of every letter that
changed. `EHCP_UPDATE_GOLDEN=1 make test` (or pytest on this file) writes them again, and removes texts of letters
no longer made; review the diff with `git diff tests/documents/golden`."""
from __future__ import annotations

import difflib
import os
from pathlib import Path

from letter_sets import (
    NOT_TO_FAMILY,
    child_set,
    disagreement_set,
    kind_of,
    run,
    termly_list_letters,
    young_person_set,
)

from conftest import sample_files

GOLDEN = Path(__file__).parent / "golden" / "letters"
UPDATE = os.environ.get("EHCP_UPDATE_GOLDEN") == "1"


def letters(docs: dict[str, str]) -> dict[str, str]:
    """Every letter of a set, to the family and to professionals alike, with the plan documents left out: the
    plans' wording is their sections', pinned by the render and layout tests."""
    return {name: text for name, text in docs.items() if kind_of(Path(name).name) not in NOT_TO_FAMILY}


def normalised(text: str) -> str:
    """Lines with trailing spaces taken off and a final newline, so that a diff shows words, not whitespace."""
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def compare(folder_name: str, made: dict[str, str]) -> list[str]:
    """The differences for one folder of golden texts: a unified diff for each changed letter, and a line for each
    letter made with no golden text or golden text with no letter made. `made` is {file name: text}; a name may
    hold a plan's folder ("EHCP-0004/2026-10-23-amended-plan-letter.docx")."""
    folder = GOLDEN / folder_name
    expected = {p.relative_to(folder).as_posix().removesuffix(".txt"): p for p in folder.rglob("*.txt")}
    got = {name.removesuffix(".docx"): normalised(text) for name, text in letters(made).items()}
    if UPDATE:
        for stem in expected.keys() - got.keys():
            expected[stem].unlink()
        for stem, text in got.items():
            (folder / f"{stem}.txt").parent.mkdir(parents=True, exist_ok=True)
            (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        return []
    problems = [f"{folder_name}/{stem}: a letter is made that has no golden text"
                for stem in sorted(got.keys() - expected.keys())]
    problems += [f"{folder_name}/{stem}: the golden text's letter is no longer made"
                 for stem in sorted(expected.keys() - got.keys())]
    for stem in sorted(got.keys() & expected.keys()):
        want = expected[stem].read_text(encoding="utf-8")
        if got[stem] != want:
            problems.append("".join(difflib.unified_diff(want.splitlines(keepends=True),
                                                         got[stem].splitlines(keepends=True),
                                                         f"golden/letters/{folder_name}/{stem}.txt", "made now")))
    return problems


def test_every_letter_matches_its_golden_text(ehcp, tmp_path):
    run(ehcp, "add", *sample_files())
    lists = termly_list_letters(ehcp, tmp_path)
    child, young_person = child_set(ehcp, tmp_path / "child"), young_person_set(ehcp, tmp_path / "yp")
    disagreement = disagreement_set(ehcp, tmp_path / "disagreement")
    problems = (compare("EHCP-0002", child) + compare("EHCP-0005", young_person)
                + compare("disagreement", disagreement) + compare("termly-lists", lists))
    assert not problems, ("The letters' wording changed. If the change is intended, run EHCP_UPDATE_GOLDEN=1 "
                          "pytest tests/documents/test_letters_golden.py and review `git diff tests/documents/"
                          "golden`.\n\n" + "\n".join(problems))


def test_the_golden_texts_cover_every_letter_kind_for_both_readers():
    """The pinned set is not allowed to shrink unnoticed: each reader's golden texts hold the kinds issue 15
    names, the copy to the second parent and the copy a young person's parent receives among them."""
    child = {kind_of(p.name.removesuffix(".txt") + ".docx") for p in (GOLDEN / "EHCP-0002").glob("*.txt")}
    young_person = {kind_of(p.name.removesuffix(".txt") + ".docx") for p in (GOLDEN / "EHCP-0005").glob("*.txt")}
    assert {"invitation", "advice-request-health", "review-report", "decision-amend", "what-happens-next",
            "amendment-notice", "amended-plan-letter", "reassessment-decision", "early-review-decision",
            "budget-decision", "concern-response", "progress-update"} <= child, child
    assert {"invitation", "review-report", "decision-maintain", "what-happens-next", "reassessment-decision",
            "cease-consultation", "cease-notice", "concern-response"} <= young_person, young_person
    assert any("-copy-" in p.name for p in (GOLDEN / "EHCP-0002").glob("*.txt"))
    assert any("-copy-" in p.name for p in (GOLDEN / "EHCP-0005").glob("*.txt"))
    disputes = {kind_of(p.name.removesuffix(".txt") + ".docx") for p in (GOLDEN / "disagreement").rglob("*.txt")}
    assert {"amended-plan-letter", "mediation-acknowledgement", "appeal-conceded", "order-compliance",
            "amendment-withdrawn"} <= disputes, disputes
    lists = [p.name for p in (GOLDEN / "termly-lists").glob("*.txt")]
    assert any("otherwise" in n for n in lists) and any(n.startswith("health") for n in lists), lists
