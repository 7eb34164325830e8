"""Issue 15 acceptance: every letter kind is made for a child (EHCP-0002, two parents) and for a young person who
is the decision maker (EHCP-0005), read back as text, and checked as a parent or young person would read it: the
voice, one appeal date only where the decision can be appealed, the decision's own timeline, the copies block, no
ISO dates, plain English (Flesch reading ease >= 70, textstat), and advice asked back before circulation."""
from __future__ import annotations

import re
from datetime import date, datetime

import textstat
from letter_sets import body, both_sets, family, kind_of

from ehcp_docs import statutory

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
APPEAL_DATE = "The last day to appeal is"


def test_every_letter_kind_read_back_for_a_child_and_a_young_person(ehcp, tmp_path):
    """One run of both sets (they take a while on a shared machine), then every check of issue 15."""
    both = both_sets(ehcp, tmp_path)
    for check in (reads_easily_and_has_no_iso_dates, one_appeal_date_only_where_the_decision_can_be_appealed,
                  each_decision_has_its_own_timeline, a_young_person_who_decides_is_spoken_to,
                  every_parent_gets_their_own_letter_with_a_copies_block,
                  invitation_and_advice_requests_help_the_reader_act,
                  final_plan_letter_gives_an_account_of_what_the_family_said,
                  request_decisions_have_a_letter_with_reasons_and_next_steps,
                  reply_by_dates_fall_after_the_letter_before_circulation_and_in_term):
        check(both)


def reads_easily_and_has_no_iso_dates(both):
    scores = {}
    for docs in both:
        for name, text in family(docs).items():
            assert not ISO.search(text), (name, ISO.search(text))
            assert "store commit" not in text, name
            scores[name] = textstat.flesch_reading_ease(body(text))
    assert len(scores) >= 20
    print("Flesch reading ease:", sorted(scores.items(), key=lambda kv: kv[1]))
    kinds = {kind_of(n) for n in scores}
    assert {"concern-response", "progress-update", "decision-maintain", "decision-amend", "what-happens-next",
            "invitation", "review-report", "amendment-notice", "amended-plan-letter", "reassessment-decision",
            "early-review-decision", "budget-decision", "cease-consultation", "cease-notice"} <= kinds, kinds
    low = {n: s for n, s in scores.items() if s < 70}
    assert not low, low


def one_appeal_date_only_where_the_decision_can_be_appealed(both):
    child, yp = both
    appealable = {"amended-plan-letter", "reassessment-decision", "decision-maintain", "cease-notice"}
    for docs, not_yet in ((child, {"decision-amend", "amendment-notice", "invitation", "review-report",
                                   "early-review-decision", "budget-decision"}),
                          (yp, {"cease-consultation", "invitation", "review-report"})):
        for name, text in family(docs).items():
            kind = re.sub(r"^\d{4}-\d{2}-\d{2}-|(-copy-\d+)?\.docx$", "", name)
            count = text.count(APPEAL_DATE)
            if kind in appealable and "reassessment" not in kind or (kind == "reassessment-decision"
                                                                     and "not to do" in text):
                assert count == 1, (name, count)
            elif kind in not_yet:
                assert count == 0, (name, count)
    amend = child["2026-11-24-decision-amend.docx"]
    assert "You cannot appeal yet" in amend
    cease = yp["2027-02-15-cease-notice.docx"]
    assert "appeal against our decision to stop your EHC plan" in cease and "Section B: the" not in cease


def each_decision_has_its_own_timeline(both):
    child, yp = both
    amend = child["2026-11-24-what-happens-next.docx"]
    assert "the last day to send us your views on the changes" in amend
    assert "the last day for us to send you the final amended plan" in amend
    maintain = yp["2026-11-24-what-happens-next.docx"]
    assert "the last day to appeal against this decision" in maintain and "next annual review" in maintain
    cease = yp["2027-01-11-cease-consultation.docx"]
    assert "the last day to send us your views" in cease and "How progress will be checked" not in cease
    agree = yp["2026-12-08-reassessment-decision.docx"]
    assert "stays in force while we do it" in agree and "the last day for us to issue the final plan" in agree
    assert "Exampleshire SENDIASS" in agree and "Your caseworker" in agree


def a_young_person_who_decides_is_spoken_to(both):
    _, yp = both
    for name, text in family(yp).items():
        if "-copy-" in name:
            assert "This is a copy of the letter we sent to Rhys Llewellyn-Carter." in text, name
            assert "Dear Rhys Llewellyn-Carter" in text and "Dear Bethan" not in text, name  # the letter as sent
            continue
        assert "Rhys\u2019s" not in text and "Rhys's" not in text, name
        assert "write to Rhys" not in text, name
    for role in ("health", "setting", "social-care"):  # to a professional, he is Rhys, not "you"
        request = yp[f"2026-09-29-advice-request-{role}.docx"]
        assert "About: Rhys Llewellyn-Carter, born" in request and "your EHC plan" not in request, role
    decision = yp["2026-11-24-decision-maintain.docx"]
    assert "keep your EHC plan as it is" in decision and "Dear Rhys Llewellyn-Carter" in decision
    assert "Copies to:" in decision and "Bethan Llewellyn (copy)" in decision


def every_parent_gets_their_own_letter_with_a_copies_block(both):
    child, _ = both
    first, second = child["2026-11-24-decision-amend.docx"], child["2026-11-24-decision-amend-copy-2.docx"]
    assert "Dear Sinéad Brennan" in first and "Dear Mark Hayes" in second
    assert "Copies to:" in first and "Mark Hayes" in first.split("Copies to:")[1]
    assert "Sinéad Brennan" in second.split("Copies to:")[1]


def invitation_and_advice_requests_help_the_reader_act(both):
    child, _ = both
    invitation = child["2026-09-29-invitation.docx"]
    assert "Time: 2pm" in invitation and "Place: School meeting room" in invitation
    assert "Please send the form back by 20 October 2026." in invitation or "send the form back by" in invitation
    health = child["2026-09-29-advice-request-health.docx"]
    assert "Dear Designated Clinical Officer" in health and "Dear NHS" not in health
    assert "Please send your advice by 20 October 2026." in health
    assert "by 27 October 2026, two weeks before the meeting" in health   # reply-by before circulation
    assert "How to send your advice" in health and "Outcome E1" in health


def final_plan_letter_gives_an_account_of_what_the_family_said(both):
    child, _ = both
    letter = child["2026-12-01-amended-plan-letter.docx"]
    assert "you said: We agree." in letter and "Our answer: we agree. Thank you." in letter


def request_decisions_have_a_letter_with_reasons_and_next_steps(both):
    child, _ = both
    early = child["2026-12-07-early-review-decision.docx"]
    assert "We have said no." in early and "The review was last month." in early and "What you can do next" in early
    budget = child["2026-12-09-budget-decision.docx"]
    assert "We have agreed." in budget and "a personal budget" in budget


LONG_DATE = r"(\d{1,2} [A-Z][a-z]+ \d{4})"


def _day(text: str, pattern: str) -> date:
    found = re.search(pattern.replace("{D}", LONG_DATE), text)
    assert found, pattern
    return datetime.strptime(found.group(1), "%d %B %Y").date()


def reply_by_dates_fall_after_the_letter_before_circulation_and_in_term(both):
    """Every advice request and invitation (both readers): the reply date is after the letter's own date, before
    the advice is circulated, and in term time (the sample store has no [[terms]], so typical terms)."""
    checked = 0
    for docs in both:
        for name, text in docs.items():
            kind = kind_of(name)
            if kind.startswith("advice-request"):
                reply, circulation = _day(text, "send your advice by {D}"), _day(text, "to everyone invited by {D}")
            elif kind == "invitation":
                reply, circulation = _day(text, "send the form back by {D}"), _day(text, "send you all of it by {D}")
            else:
                continue
            sent = _day(text, "Date: {D}")
            assert sent < reply < circulation, (name, sent, reply, circulation)
            terms = statutory.terms_for(reply.year)
            assert any(t.start <= reply <= t.end for t in terms), (name, reply, "in a school holiday")
            checked += 1
    assert checked == 10  # 3 advice requests and 2 invitations (the second parent's copy) for each reader
