"""Builds the letters of a disagreement (rules sections 8, 13 and 14), kept apart from scripts/build_letters.py:
the acknowledgement of a mediation request, the letter saying the LA will not oppose an appeal, and the covering
letter of a plan issued to carry out a Tribunal order (or an unopposed appeal, or a mediation agreement). Plain
English; every date is printed; each says what "mediation" and "the Tribunal" are the first time, gives the
mediation adviser, disagreement resolution, SENDIASS and the caseworker's contact details (section 8, items 3 to
6), and goes to every parent with its copies block. The compliance letter comes with an appealable plan, so it
carries all of "Your rights if you disagree"."""
from build_letters import OUT, close, letter, save

from ehcp_docs.documents import template_blocks as k


def mediation_acknowledgement() -> None:
    doc = letter("Your request for mediation about {{ child.poss }} EHC plan")
    k.para(doc, "The mediation adviser told us you want to go to mediation about {{ decision_words }}. We sent "
                "you that letter on {{ decision_date }}. Thank you for telling us.")
    k.add_glossary(doc, ("mediation", "tribunal"))
    k.para(doc, "You do not have to agree at mediation. If you do not agree, you can still appeal.")
    k.heading(doc, "What we will do, and by when", 2)
    k.loop_table(doc, ["What we will do", "By"], "d in dates", ["{{ d.what }}", "{{ d.by }}"],
                 caption="Our dates for the mediation", widths_mm=(120, 50))
    k.para(doc, "After the meeting, you will get a certificate within 3 working days. You need it to appeal.")
    k.heading(doc, "Your deadline to appeal", 2)
    k.para(doc, ("b", "Today, the last day to appeal is {{ appeal_deadline }}."),
           " {{ appeal_deadline_reason }} If your certificate comes late, you have 1 month from its date instead. "
           "We will tell you if the date changes.")
    k.add_disagreement_help(doc)
    close(doc)
    save(doc, "mediation-acknowledgement")


def appeal_conceded() -> None:
    doc = letter("We will not oppose your appeal about {{ child.poss }} EHC plan")
    k.add_glossary(doc, ("tribunal",))
    k.para(doc, ("b", "We have told the Tribunal that we will not oppose your appeal."),
           " This means you win the appeal. There will be no hearing.")
    k.labelled(doc, "Tribunal reference", "{{ appeal_reference }}")
    k.labelled(doc, "What we will do", "{{ kind_words }}")
    k.heading(doc, "What we will do, and by when", 2)
    k.loop_table(doc, ["What we will do", "By"], "d in dates", ["{{ d.what }}", "{{ d.by }}"],
                 caption="Our dates after not opposing the appeal", widths_mm=(120, 50))
    k.para(doc, "The law sets these dates. They count from {{ letter_date }}, the day we told the Tribunal. "
                "Until then, {{ child.poss }} plan stays as it is and all the help in it goes on.")
    k.para(doc, "If we miss a date, please tell {{ caseworker.name }} first. You can also contact the Tribunal "
                "or {{ la.sendiass.name }}.")
    k.add_disagreement_help(doc, appeal_open=False)
    close(doc)
    save(doc, "appeal-conceded")


def order_compliance() -> None:
    doc = letter("{{ child.poss_cap }} EHC plan, changed {{ as_words }}")
    k.para(doc, ("b", "We enclose {{ child.poss }} amended EHC plan, issued on {{ issued_date }}."),
           " It makes the changes {{ source_words }}.")
    k.labelled(doc, "What must change", "{{ order_words }}")
    k.labelled(doc, "Sections changed", "{{ sections_text }}")
    k.labelled(doc, "Our deadline", "{{ due_date }} ({{ on_time_words }})")
    k.if_block(doc, "late|default(false)")
    k.para(doc, "We are sorry that the plan is late.")
    k.end_if(doc)
    k.labelled(doc, "Next annual review", "still by {{ next_review_due }}. This change does not move it.")
    k.para(doc, "We have also sent the plan to {{ setting_name }} and to the health service. The help in the "
                "plan must be given from today.")
    k.para(doc, "If you think the plan does not do what {{ who_decided }} said, please tell {{ caseworker.name }} "
                "first.")
    k.add_glossary(doc, ("section-f", "tribunal", "mediation"))
    k.add_your_rights(doc)
    close(doc)
    save(doc, "order-compliance")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for build in (mediation_acknowledgement, appeal_conceded, order_compliance):
        build()
