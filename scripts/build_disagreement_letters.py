"""Builds the letters of a disagreement (rules sections 8, 13 and 14), kept apart from scripts/build_letters.py:
the acknowledgement of a mediation request, the letter saying the LA will not oppose an appeal, and the covering
letter of a plan issued to carry out a Tribunal order. Plain English; every date is printed."""
from build_letters import OUT, letter, save

from ehcp_docs.documents import template_blocks as k


def mediation_acknowledgement() -> None:
    doc = letter("Your request for mediation about {{ child.first_name }}'s EHC plan")
    k.para(doc, "The mediation adviser has told us that you would like mediation about {{ decision_words }} "
                "(our letter of {{ decision_date }}). Thank you for telling us.")
    k.para(doc, "Mediation is a meeting with an independent person, the mediator, who helps you and us try to "
                "agree. It is free. It is your choice to take part, and it does not stop you appealing.")
    k.heading(doc, "What we will do, and by when", 2)
    k.loop_table(doc, ["What we will do", "By"], "d in dates", ["{{ d.what }}", "{{ d.by }}"],
                 caption="Our dates for the mediation", widths_mm=(120, 50))
    k.para(doc, "After the mediation, the mediator will send you a certificate within 3 working days. You need "
                "the certificate to appeal to the Tribunal.")
    k.heading(doc, "Your deadline to appeal", 2)
    k.para(doc, ("b", "As things stand, the last day to appeal is {{ appeal_deadline }}."),
           " You have 2 months from our decision letter, or 1 month from the date of the certificate if that is "
           "later. We will tell you the new date if the certificate moves it.")
    k.para(doc, "{{ la.sendiass.name }} gives free, impartial advice about mediation and appeals: "
           + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "mediation-acknowledgement")


def appeal_conceded() -> None:
    doc = letter("We will not oppose your appeal about {{ child.first_name }}'s EHC plan")
    k.para(doc, ("b", "We have told the Tribunal that we will not oppose your appeal."),
           " This means the appeal is treated as decided in your favour. There will be no hearing.")
    k.labelled(doc, "Tribunal reference", "{{ appeal_reference }}")
    k.labelled(doc, "What we will do", "{{ kind_words }}")
    k.heading(doc, "What we will do, and by when", 2)
    k.loop_table(doc, ["What we will do", "By"], "d in dates", ["{{ d.what }}", "{{ d.by }}"],
                 caption="Our dates after not opposing the appeal", widths_mm=(120, 50))
    k.para(doc, "The law sets these dates (regulation 45). They count from {{ letter_date }}, the day we told "
                "the Tribunal. {{ child.first_name }}'s plan stays in force in the meantime.")
    k.para(doc, "If we miss a date, please tell {{ caseworker.name }} first. You can also contact the Tribunal "
                "or {{ la.sendiass.name }}: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "appeal-conceded")


def order_compliance() -> None:
    doc = letter("{{ child.first_name }}'s EHC plan, changed as the Tribunal ordered")
    k.para(doc, ("b", "We enclose {{ child.first_name }}'s amended EHC plan, issued on {{ issued_date }}."),
           " It makes the changes the Tribunal ordered on {{ order_date }}.")
    k.labelled(doc, "What the Tribunal ordered", "{{ order_words }}")
    k.labelled(doc, "Sections changed", "{{ sections_text }}")
    k.labelled(doc, "Our deadline", "{{ due_date }} ({{ on_time_words }})")
    k.labelled(doc, "Next annual review", "still by {{ next_review_due }}; this change does not move it")
    k.para(doc, "We have also sent the plan to {{ setting_name }} and to the health service (Integrated Care "
                "Board). The support in the plan must be given from today.")
    k.para(doc, "If you think the plan does not do what the Tribunal ordered, please tell {{ caseworker.name }} "
                "first. {{ la.sendiass.name }} can help you: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "order-compliance")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for build in (mediation_acknowledgement, appeal_conceded, order_compliance):
        build()
