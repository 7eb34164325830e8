"""Builds the letter templates other than the plan (scripts/build_templates.py makes plan.docx): the review-cycle
letters, the termly list letter, the concern response and the progress update. Templates (docxtpl) with the shared
letter blocks in ehcp_docs/documents/template_blocks.py:
review-invitation, advice-request, review-report, decision, what-happens-next. Plain English throughout
(rules section 8); every decision letter carries "Your rights if you disagree"."""
from pathlib import Path

from ehcp_docs.documents import template_blocks as k

OUT = Path(__file__).resolve().parent.parent / "templates"


def letter(title: str):
    doc = k.base_document()
    k.reproducible_core_properties(doc, title)
    k.add_letterhead(doc)
    k.add_date_and_addressee(doc)
    k.heading(doc, title, 1)
    k.labelled(doc, "About", "{{ child.name }} (date of birth {{ child.dob }})")
    return doc


def save(doc, name: str) -> None:
    k.add_footer(doc, "{{ la.name }} - {{ reference }} - made from store commit {{ source_commit }}")
    doc.save(OUT / f"{name}.docx")
    print(f"wrote templates/{name}.docx")


def invitation() -> None:
    doc = letter("Invitation to {{ child.first_name }}'s annual review meeting")
    k.para(doc, "Every Education, Health and Care (EHC) plan is reviewed at least once a year. At the review we "
                "look together at how {{ child.first_name }} is getting on, whether the outcomes in the plan "
                "(Section E) "
                "are still right, and whether the support in the plan needs to change.")
    k.heading(doc, "The meeting", 2)
    k.labelled(doc, "Date", "{{ meeting_date }}")
    k.labelled(doc, "Place", "{{ venue }}")
    k.labelled(doc, "Arranged by", "{{ caseworker.name }}, {{ la.name }}")
    k.heading(doc, "Who is invited", 2)
    k.loop_table(doc, ["Who", "Role"], "i in invitees", ["{{ i.name }}", "{{ i.role_words }}"],
                 caption="People invited to the review", widths_mm=(90, 80))
    k.heading(doc, "Your views matter", 2)
    k.para(doc, "The review must take account of your views, wishes and feelings, and {{ child.first_name }}'s. "
                "Please fill in the short form below, or tell us at the meeting. You can bring someone with you.")
    k.labelled(doc, "What is going well?", "................................................................")
    k.labelled(doc, "What is not going well?", "........................................................")
    k.labelled(doc, "What would you like to change?", "..................................................")
    k.labelled(doc, "In {{ child.first_name }}'s own words", ".......................................................")
    k.heading(doc, "Advice from professionals", 2)
    k.para(doc, "We have asked the school or college, health and social care for advice. We will send you all the "
                "advice by {{ circulate_by }}, at least two weeks before the meeting.")
    k.heading(doc, "Your right to ask for a personal budget", 2)
    k.para(doc, "You can ask for a personal budget: an amount of money to pay for some of the support in the plan, "
                "which you can manage yourself. You can ask at the review, or at any time.")
    k.if_block(doc, "contributions")
    k.heading(doc, "Suggestions made since the last review", 2)
    k.para(doc, "These suggestions were made between reviews and will be discussed at the meeting:")
    k.loop_table(doc, ["Date", "From", "Suggestion"], "c in contributions",
                 ["{{ c.date }}", "{{ c.role }}", "{{ c.text }}"], caption="Suggestions since the last review",
                 widths_mm=(30, 35, 105))
    k.end_if(doc)
    k.para(doc, "If the date does not suit you, please contact us as soon as you can.")
    k.heading(doc, "Who to contact", 2)
    k.para(doc, "{{ la.sendiass.name }} gives free, impartial advice about reviews: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "review-invitation")


def advice_request() -> None:
    doc = letter("Request for advice: annual review of {{ child.name }}'s EHC plan")
    k.para(doc, "The annual review meeting for {{ child.name }} ({{ reference }}) is on {{ meeting_date }} at "
                "{{ venue }}. Please send your advice and information about {{ child.first_name }}'s progress "
                "towards the outcomes in Section E, and any changes you recommend to the plan.")
    k.para(doc, ("b", "Please send your advice by {{ advice_due }}."),
           " The law says advice must be circulated to everyone invited at least two weeks before the meeting "
           "(regulation 20(4)).")
    k.heading(doc, "Outcomes to comment on", 2)
    k.loop_table(doc, ["Outcome", "By when"], "o in outcomes", ["{{ o.id }}: {{ o.description }}", "{{ o.by_when }}"],
                 caption="Outcomes in the plan", widths_mm=(135, 35))
    k.add_signature(doc)
    save(doc, "advice-request")


def review_report() -> None:
    doc = letter("Annual review report for {{ child.name }}")
    k.para(doc, "This report sets out what was discussed at the annual review meeting on {{ meeting_date }}. "
                "It is sent to everyone who was invited, within two weeks of the meeting (regulation 20(7)).")
    k.heading(doc, "Who attended", 2)
    k.loop_table(doc, ["Name", "Role"], "a in attended", ["{{ a.name }}", "{{ a.role }}"],
                 caption="People at the meeting", widths_mm=(85, 85))
    k.heading(doc, "Views", 2)
    k.labelled(doc, "{{ child.first_name }}'s views", "{{ child_views }}")
    k.labelled(doc, "Family's views", "{{ family_views }}")
    k.heading(doc, "Progress towards each outcome", 2)
    k.loop_table(doc, ["Outcome or target", "Progress", "Evidence", "Still right?"], "p in progress",
                 ["{{ p.id }}: {{ p.description }}", "{{ p.status }}", "{{ p.evidence }}", "{{ p.appropriate }}"],
                 caption="Progress towards outcomes and interim targets", widths_mm=(70, 25, 55, 20))
    k.heading(doc, "Recommended changes to the plan", 2)
    k.if_block(doc, "recommendations")
    k.loop_table(doc, ["Part of the plan", "Recommended change"], "r in recommendations",
                 ["{{ r.item }}", "{{ r.change }}"], caption="Recommended amendments", widths_mm=(45, 125))
    k.else_block(doc)
    k.para(doc, "The meeting did not recommend any changes to the plan.")
    k.end_if(doc)
    k.heading(doc, "Differences of opinion", 2)
    k.tag(doc, "for d in differences")
    k.para(doc, "{{ d }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.para(doc, "{{ differences_note }}")
    k.if_block(doc, "pfa")
    k.heading(doc, "Preparing for adulthood", 2)
    k.para(doc, "{{ pfa }}")
    k.end_if(doc)
    k.heading(doc, "What happens next", 2)
    k.para(doc, "The local authority will decide whether to keep the plan as it is, change it, or stop it, and "
                "will write to {{ addressee.name }} by {{ decision_due }} (within four weeks of the meeting).")
    k.add_signature(doc)
    save(doc, "review-report")


def decision() -> None:
    doc = letter("Our decision after {{ child.first_name }}'s annual review")
    k.para(doc, "Thank you for taking part in the annual review meeting on {{ meeting_date }}.")
    k.if_block(doc, "decision == 'maintain'")
    k.para(doc, ("b", "We have decided to keep {{ child.first_name }}'s EHC plan as it is, with no changes."),
           " The support in the plan continues.")
    k.end_if(doc)
    k.if_block(doc, "decision == 'amend'")
    k.para(doc, ("b", "We have decided to change (amend) {{ child.first_name }}'s EHC plan."),
           " With this letter we send the changes we propose, and you have 15 days to tell us what you think. "
           "The current plan stays in force until the amended plan is issued.")
    k.end_if(doc)
    k.if_block(doc, "decision == 'cease'")
    k.para(doc, ("b", "We are considering stopping (ceasing to maintain) {{ child.first_name }}'s EHC plan."),
           " Before we decide, we will ask for your views and the views of the school or college. The plan stays "
           "in force until any appeal is decided.")
    k.end_if(doc)
    k.if_block(doc, "reason")
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.end_if(doc)
    k.labelled(doc, "Next annual review", "the next review must be completed by {{ next_review_due }}")
    k.add_glossary(doc)
    k.add_your_rights(doc)
    k.add_signature(doc)
    save(doc, "decision")


def what_happens_next() -> None:
    doc = letter("What happens next: {{ child.first_name }}'s EHC plan")
    k.para(doc, "This leaflet explains what happens now, how {{ child.first_name }}'s progress will be checked, "
                "and what you can do if you are worried.")
    k.heading(doc, "Key dates", 2)
    k.labelled(doc, "Next annual review completed by", "{{ next_review_due }}")
    k.labelled(doc, "We aim to hold the review meeting by", "{{ meeting_recommended_by }}")
    k.if_block(doc, "interim_review_due")
    k.labelled(doc, "Because {{ child.first_name }} is under five, an extra review by", "{{ interim_review_due }}")
    k.end_if(doc)
    k.if_block(doc, "transfer_due")
    k.labelled(doc, "Plan amended to name the next school or college by", "{{ transfer_due }}")
    k.end_if(doc)
    k.heading(doc, "How progress will be measured", 2)
    k.loop_table(doc, ["Outcome", "How progress is measured", "By whom", "By when"], "o in outcomes",
                 ["{{ o.id }}: {{ o.description }}", "{{ o.measured_how }}", "{{ o.measured_by }}", "{{ o.by_when }}"],
                 caption="How and when progress is measured", widths_mm=(60, 55, 30, 25))
    k.para(doc, "The school or college will send you a progress update each term.")
    k.heading(doc, "If you are worried", 2)
    k.para(doc, "If the support in the plan is not being given, or {{ child.first_name }} is not making progress, "
                "tell the school first, then {{ caseworker.name }} (" + "{{ caseworker.email }}" + "). You can:")
    for line in ("raise a concern with us: we will reply within {{ concern_days }} working days;",
                 "ask for an early review of the plan at any time;",
                 "ask for a re-assessment of {{ child.first_name }}'s needs;",
                 "ask for a personal budget;",
                 "use our complaints procedure, or contact the Local Government and Social Care Ombudsman;",
                 "ask for mediation, and appeal to the SEND Tribunal about a decision."):
        k.para(doc, line, style="List Bullet")
    k.para(doc, "{{ la.sendiass.name }} can help you with any of these: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "what-happens-next")


def termly_list_letter() -> None:
    doc = k.base_document()
    k.reproducible_core_properties(doc, "Termly list of EHC plan reviews")
    k.add_letterhead(doc)
    k.add_date_and_addressee(doc)
    k.heading(doc, "EHC plan reviews due in the {{ term_name }} term", 1)
    k.para(doc, "The SEND Code of Practice asks us to send you, at least two weeks before each term starts, the "
                "list of your pupils or students whose EHC plan must be reviewed that term, so you can plan the "
                "meetings and the advice. The list is attached as a spreadsheet and repeated below.")
    k.para(doc, "Reviews marked as a transition or preparation-for-adulthood focus must consider the move to the "
                "next phase, or preparing for adult life (from Year 9).")
    k.loop_table(doc, ["Plan", "Name", "Review due by", "Meeting by", "Focus"], "r in rows",
                 ["{{ r.plan }}", "{{ r.name }}", "{{ r.review_due }}", "{{ r.meeting_by }}", "{{ r.focus }}"],
                 caption="Reviews due this term", widths_mm=(25, 45, 30, 30, 40))
    k.add_signature(doc)
    k.add_footer(doc, "{{ la.name }} - termly review list")
    doc.save(OUT / "termly-list-letter.docx")
    print("wrote templates/termly-list-letter.docx")


def concern_response() -> None:
    doc = letter("Our reply to your concern about {{ child.first_name }}'s EHC plan")
    k.para(doc, "On {{ concern_date }} you told us:")
    k.para(doc, "{{ concern_text }}")
    k.heading(doc, "What we have found and what we will do", 2)
    k.para(doc, "{{ response_text }}")
    k.heading(doc, "What you can do next", 2)
    k.para(doc, "{{ outcome_words }}")
    k.para(doc, "If you are still unhappy, these are your options:")
    for line in ("ask for an early review of the plan: we will decide within 4 weeks;",
                 "ask for a re-assessment of {{ child.first_name }}'s needs: we will decide within 15 days;",
                 "make a complaint through our complaints procedure, and then to the Local Government and Social "
                 "Care Ombudsman;",
                 "ask for disagreement resolution or mediation: " + "{{ la.mediation.name }}, "
                 + k.contact("la.mediation") + ";",
                 "appeal to the Tribunal about the parts of the plan that can be appealed (Sections B, F and I), "
                 "after a decision that gives you that right."):
        k.para(doc, line, style="List Bullet")
    k.para(doc, "{{ la.sendiass.name }} can give you free, impartial advice: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "concern-response")


def progress_update() -> None:
    doc = letter("How {{ child.first_name }} is getting on: progress update")
    k.para(doc, "This update comes from {{ returned_by }} and covers {{ period }}. It shows, for each outcome in "
                "{{ child.first_name }}'s plan, where things are now, what has changed and what happens next.")
    k.para(doc, "{{ chart }}")
    k.para(doc, "{{ chart_note }}")
    k.tag(doc, "for o in outcomes")
    k.heading(doc, "{{ o.id }}: {{ o.description }}", 2)
    k.labelled(doc, "Where {{ child.first_name }} is now", "{{ o.status }}")
    k.labelled(doc, "What has changed since last time", "{{ o.changed }}")
    k.labelled(doc, "What happens next", "{{ o.next }}")
    k.labelled(doc, "How we know", "{{ o.evidence }}")
    k.tag(doc, "endfor")
    k.if_block(doc, "family_message")
    k.heading(doc, "A message from school", 2)
    k.para(doc, "{{ family_message }}")
    k.end_if(doc)
    k.para(doc, "If you are worried about {{ child.first_name }}'s progress, talk to the school first, or contact "
                "{{ caseworker.name }}. You can also ask for an early review of the plan.")
    k.add_signature(doc)
    save(doc, "progress-update")


def amendment_notice() -> None:
    doc = letter("Changes we propose to {{ child.first_name }}'s EHC plan")
    k.para(doc, ("b", "We propose to amend (change) {{ child.first_name }}'s Education, Health and Care plan."),
           " {{ context_words }}")
    k.if_block(doc, "reason")
    k.labelled(doc, "Why", "{{ reason }}")
    k.end_if(doc)
    k.para(doc, "With this letter we send you:")
    for line in ("a copy of the current plan, which stays in force until the amended plan is issued;",
                 "the schedule of proposed amendments, which shows each change section by section: words we "
                 "propose to remove are struck through, new words are in bold;",
                 "the proposed plan with the changes shown as tracked changes, which you can step through in Word;",
                 "copies of the evidence the changes are based on ({{ evidence_count }} document(s))."):
        k.para(doc, line, style="List Bullet")
    k.heading(doc, "Your right to comment: you have 15 days", 2)
    k.para(doc, ("b", "Please send us your views by {{ representations_due }}."),
           " You can tell us what you think of the proposed changes, and you can ask to meet one of our officers "
           "to talk about them.")
    k.heading(doc, "Your right to ask for a particular school or college", 2)
    k.para(doc, "You can ask for a particular school, college or other institution to be named in Section I of "
                "the plan. We must agree unless it would be unsuitable, or would not fit with the efficient "
                "education of others or the efficient use of resources. Information about schools and colleges is "
                "in our Local Offer: {{ la.local_offer }}.")
    k.heading(doc, "What happens next", 2)
    k.para(doc, "After the 15 days we will consider your views and send you the final amended plan by "
                "{{ final_plan_due }} at the latest (within 8 weeks of this notice), or tell you if we decide not "
                "to amend the plan after all. The final plan will come with your rights of appeal.")
    k.para(doc, "{{ la.sendiass.name }} gives free, impartial advice about amendments: "
           + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "amendment-notice")


def amended_plan_letter() -> None:
    doc = letter("{{ child.first_name }}'s amended EHC plan")
    k.para(doc, ("b", "We enclose {{ child.first_name }}'s final amended Education, Health and Care plan, issued on "
                      "{{ issued_date }}."), " It replaces the previous plan from today.")
    k.para(doc, "The parts that have changed are marked in the plan. The sections changed are: {{ sections_text }}.")
    k.if_block(doc, "representations")
    k.para(doc, "Thank you for your comments on the proposed changes. We considered them before issuing the plan.")
    k.end_if(doc)
    k.labelled(doc, "Next annual review", "the next review must still be completed by {{ next_review_due }}; amending "
                                          "the plan does not change this date")
    k.para(doc, "We have also sent the plan to {{ setting_name }} and to the health service (Integrated Care Board).")
    k.add_glossary(doc)
    k.add_your_rights(doc)
    k.add_signature(doc)
    save(doc, "amended-plan-letter")


def amendment_withdrawn() -> None:
    doc = letter("We have decided not to amend {{ child.first_name }}'s EHC plan")
    k.para(doc, "On {{ notice_date }} we sent you proposed changes to {{ child.first_name }}'s plan. We have now "
                "decided not to make those changes. The current plan stays as it is.")
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.add_glossary(doc)
    k.add_your_rights(doc)
    k.add_signature(doc)
    save(doc, "amendment-withdrawn")


def reassessment_decision() -> None:
    doc = letter("Your request for a re-assessment of {{ child.first_name }}'s needs")
    k.para(doc, "We received a request on {{ request_date }} to re-assess {{ child.first_name }}'s education, health "
                "and care needs.")
    k.if_block(doc, "decision == 'agree'")
    k.para(doc, ("b", "We have agreed to carry out a re-assessment."),
           " We will ask for advice from education, health, social care and an educational psychologist, and you will "
           "be able to comment on a draft plan and ask for a particular school or college. We will issue the final "
           "plan by {{ final_plan_due }} (within 14 weeks of this decision).")
    k.end_if(doc)
    k.if_block(doc, "decision == 'refuse'")
    k.para(doc, ("b", "We have decided not to carry out a re-assessment."))
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.add_glossary(doc)
    k.add_your_rights(doc)
    k.end_if(doc)
    k.add_signature(doc)
    save(doc, "reassessment-decision")


def cease_consultation() -> None:
    doc = letter("We are considering ceasing {{ child.first_name }}'s EHC plan")
    k.para(doc, "We are considering whether to stop maintaining (cease) {{ child.first_name }}'s Education, Health and "
                "Care plan. No decision has been made yet.")
    k.labelled(doc, "Why we are considering this", "{{ reason }}")
    k.para(doc, ("b", "We want your views."),
           " Please tell us what you think by {{ views_by }}. We are also asking the "
           "head teacher or principal of {{ setting_name }} for their views.")
    k.para(doc, "If we then decide to cease the plan, we will write to you with our reasons and your right to appeal. "
                "The plan stays in force until the appeal period ends or any appeal is decided.")
    k.para(doc, "{{ la.sendiass.name }} gives free, impartial advice: " + k.contact("la.sendiass") + ".")
    k.add_signature(doc)
    save(doc, "cease-consultation")


def cease_notice() -> None:
    doc = letter("Our decision about ceasing {{ child.first_name }}'s EHC plan")
    k.if_block(doc, "decision == 'cease'")
    k.para(doc, ("b", "We have decided to cease (stop maintaining) {{ child.first_name }}'s EHC plan."))
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.para(doc, "The plan stays in force until {{ appeal_deadline }}, the end of the period in which you can appeal. "
                "If you appeal, it stays in force until the appeal is decided.")
    k.end_if(doc)
    k.if_block(doc, "decision == 'continue'")
    k.para(doc, ("b", "We have decided to keep maintaining {{ child.first_name }}'s EHC plan."),
           " The plan continues as it is.")
    k.end_if(doc)
    k.add_glossary(doc)
    k.add_your_rights(doc)
    k.add_signature(doc)
    save(doc, "cease-notice")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for build in (invitation, advice_request, review_report, decision, what_happens_next, termly_list_letter,
                  concern_response, progress_update, amendment_notice, amended_plan_letter,
                  amendment_withdrawn, reassessment_decision, cease_consultation, cease_notice):
        build()
