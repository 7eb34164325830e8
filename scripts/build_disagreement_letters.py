"""Builds the letters of a disagreement (rules sections 8, 13 and 14), kept apart from scripts/build_letters.py:
the acknowledgement of a mediation request, the letter saying the LA will not oppose an appeal, and the covering
letter of a plan issued to carry out a Tribunal order. Plain English; every date is printed."""
from build_letters import OUT, letter, save

from ehcp_docs.documents import template_blocks as k


def mediation_acknowledgement() -> None:
    doc = letter("Your request for mediation about {{ child.first_name }}'s EHC plan")
    k.para(doc, "The mediation adviser told us that you would like mediation about {{ decision_words }}. We sent "
                "you that letter on {{ decision_date }}. Thank you for telling us.")
    k.para(doc, "Mediation is a meeting with an independent person, the mediator. The mediator helps you and us "
                "try to agree. It is free. You choose whether to take part. It does not stop you appealing.")
    k.heading(doc, "What we will do, and by when", 2)
    k.loop_table(doc, ["What we will do", "By"], "d in dates", ["{{ d.what }}", "{{ d.by }}"],
                 caption="Our dates for the mediation", widths_mm=(120, 50))
    k.para(doc, "After the mediation, the mediator will send you a certificate within 3 working days. You need "
                "it to appeal to the Tribunal.")
    k.heading(doc, "Your deadline to appeal", 2)
    k.para(doc, ("b", "As things stand, the last day to appeal is {{ appeal_deadline }}."),
           " You have 2 months from the date of our decision letter. If your certificate comes late, you have 1 "
           "month from its date instead. We will tell you if the date changes.")
    k.para(doc, "{{ la.sendiass.name }} gives free, impartial advice about mediation and appeals: "
           + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "mediation-acknowledgement")


def appeal_conceded() -> None:
    doc = letter("We will not oppose your appeal about {{ child.first_name }}'s EHC plan")
    k.para(doc, ("b", "We have told the Tribunal that we will not oppose your appeal."),
           " This means you win the appeal. There will be no hearing.")
    k.labelled(doc, "Tribunal reference", "{{ appeal_reference }}")
    k.labelled(doc, "What we will do", "{{ kind_words }}")
    k.heading(doc, "What we will do, and by when", 2)
    k.loop_table(doc, ["What we will do", "By"], "d in dates", ["{{ d.what }}", "{{ d.by }}"],
                 caption="Our dates after not opposing the appeal", widths_mm=(120, 50))
    k.para(doc, "The law sets these dates. They count from {{ letter_date }}, the day we told the Tribunal. "
                "Until then, {{ child.first_name }}'s plan stays as it is and all the help in it goes on.")
    k.para(doc, "If we miss a date, please tell {{ caseworker.name }} first. You can also contact the Tribunal "
                "or {{ la.sendiass.name }}: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "appeal-conceded")


def order_compliance() -> None:
    doc = letter("{{ child.first_name }}'s EHC plan, changed as the Tribunal ordered")
    k.para(doc, ("b", "We enclose {{ child.first_name }}'s amended EHC plan, issued on {{ issued_date }}."),
           " It makes the changes that the Tribunal ordered on {{ order_date }}.")
    k.labelled(doc, "What the Tribunal ordered", "{{ order_words }}")
    k.labelled(doc, "Sections changed", "{{ sections_text }}")
    k.labelled(doc, "Our deadline", "{{ due_date }} ({{ on_time_words }})")
    k.labelled(doc, "Next annual review", "still by {{ next_review_due }}; this change does not move it")
    k.para(doc, "We have also sent the plan to {{ setting_name }} and to the health service. The help in the "
                "plan must be given from today.")
    k.para(doc, "If you think the plan does not do what the Tribunal said, please tell {{ caseworker.name }} "
                "first.")
    k.para(doc, "{{ la.sendiass.name }} can help you: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "order-compliance")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for build in (mediation_acknowledgement, appeal_conceded, order_compliance):
        build()
