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
    k.add_footer(doc, "{{ la.name }} · Our reference {{ reference }}")
    k.add_letterhead(doc)
    k.add_date_and_addressee(doc)
    k.heading(doc, title, 1)
    k.labelled(doc, "About", "{% if child.you %}your EHC plan{% else %}{{ child.name }}, born {{ child.dob }}"
                             "{% endif %}")
    return doc


def save(doc, name: str) -> None:
    doc.save(OUT / f"{name}.docx")
    print(f"wrote templates/{name}.docx")


def close(doc) -> None:
    """The end of every letter to a family: the signature, then who else gets it."""
    k.add_signature(doc)
    k.add_copies(doc)


def invitation() -> None:
    doc = letter("Invitation to {{ child.poss }} annual review")
    k.para(doc, "We review every EHC plan at least once a year. At the review we look together at how "
                "{{ child.subj }} {% if child.you %}are{% else %}is{% endif %} getting on. We check that the "
                "outcomes in Section E are still right, and whether the help in the plan needs to change.")
    k.heading(doc, "The meeting", 2)
    k.labelled(doc, "Date", "{{ meeting_date }}")
    k.labelled(doc, "Time", "{{ meeting_time }}")
    k.labelled(doc, "Place", "{{ venue }}")
    k.labelled(doc, "Arranged by", "{{ caseworker.name }}, {{ la.name }}")
    k.heading(doc, "Who is invited", 2)
    k.tag(doc, "for i in invitees")
    k.para(doc, "{{ i.name }}: {{ i.role_words }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.heading(doc, "Your views matter", 2)
    k.if_block(doc, "child.you")
    k.para(doc, "The review must take account of your views, wishes and feelings. Please fill in the short form "
                "below, or tell us at the meeting. You can bring someone with you.")
    k.else_block(doc)
    k.para(doc, "The review must take account of your views, and {{ child.poss }} views too. Please fill in the "
                "short form below, or tell us at the meeting. You can bring someone with you.")
    k.end_if(doc)
    k.para(doc, ("b", "Please send the form back by {{ views_by }}."),
           " You can post it, or email it to {{ caseworker.email|default(la.email|default('')) }}.")
    k.labelled(doc, "What is going well?", "..........................................................")
    k.labelled(doc, "What is not going well?", "......................................................")
    k.labelled(doc, "What would you like to change?", "...............................................")
    k.labelled(doc, "{% if child.you %}Anything else you want to say{% else %}In {{ child.poss }} own words"
                    "{% endif %}", "..............................")
    k.heading(doc, "Advice from professionals", 2)
    k.para(doc, "We have asked the school or college, health and social care for advice. We will send you all of "
                "it by {{ circulate_by }}. That is at least two weeks before the meeting.")
    k.heading(doc, "You can ask for a personal budget", 2)
    k.para(doc, "A personal budget is money to pay for some of the help in the plan. You can manage it yourself. "
                "You can ask for one at the review, or at any time.")
    k.if_block(doc, "contributions")
    k.heading(doc, "Ideas sent in since the last review", 2)
    k.para(doc, "We will talk about these at the meeting:")
    k.tag(doc, "for c in contributions")
    k.para(doc, "{{ c.date }}, from {{ c.role }}: {{ c.text }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.end_if(doc)
    k.para(doc, "If the date or time does not suit you, please tell us as soon as you can.")
    k.add_contacts(doc)
    close(doc)
    save(doc, "review-invitation")


def advice_request() -> None:
    doc = letter("Request for advice: annual review of {{ child.name }}’s EHC plan")
    k.para(doc, "The annual review meeting for {{ child.name }} is on {{ meeting_date }} at {{ meeting_time }}, "
                "at {{ venue }}. We would like your advice about {{ child.first_name }}’s progress, and any "
                "changes you recommend to the plan.")
    k.para(doc, ("b", "Please send your advice by {{ advice_due }}."),
           " We must send all the advice to everyone invited by {{ circulate_by }}, two weeks before the meeting "
           "(regulation 20(4)).")
    k.heading(doc, "How to send your advice", 2)
    k.para(doc, "Please email it to {{ caseworker.name }} at {{ caseworker.email|default(la.email|default('')) }}"
                "{% if caseworker.phone|default('') %}, or call {{ caseworker.phone }} if you have a question"
                "{% endif %}. Please quote our reference {{ reference }}.")
    k.heading(doc, "What we would like you to comment on", 2)
    k.para(doc, "For each outcome: the progress made, how you know, and whether it is still right.")
    k.tag(doc, "for o in outcomes")
    k.para(doc, ("b", "Outcome {{ o.id }}, by {{ o.by_when }}: "), "{{ o.description }}")
    k.tag(doc, "endfor")
    k.para(doc, "For each item of provision in your area: whether it is being given, whether it is working, and "
                "any change you recommend.")
    k.tag(doc, "for p in provision")
    k.para(doc, ("b", "{{ p.id }}: "), "{{ p.description }} ({{ p.frequency }})")
    k.tag(doc, "endfor")
    k.add_signature(doc)
    save(doc, "advice-request")


def review_report() -> None:
    doc = letter("Annual review report for {{ child.name }}")
    k.para(doc, "This report sets out what was said at the annual review meeting on {{ meeting_date }}. We send "
                "it to everyone who was invited, within two weeks of the meeting (regulation 20(7)).")
    k.heading(doc, "Who came", 2)
    k.tag(doc, "for a in attended")
    k.para(doc, "{{ a.name }}: {{ a.role }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.if_block(doc, "apologies")
    k.heading(doc, "Apologies", 2)
    k.tag(doc, "for a in apologies")
    k.para(doc, "{{ a }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.end_if(doc)
    k.heading(doc, "Views", 2)
    k.labelled(doc, "{{ child.poss_cap }} views", "{{ child_views }}")
    k.labelled(doc, "{% if child.you %}Your family’s views{% else %}The family’s views{% endif %}",
               "{{ family_views }}")
    k.heading(doc, "Progress towards each outcome", 2)
    k.tag(doc, "for p in progress")
    k.para(doc, ("b", "{{ p.id }}: "), "{{ p.description }}").paragraph_format.keep_with_next = True
    k.para(doc, "Progress: {{ p.status }}.{% if p.appropriate %} Still right: {{ p.appropriate }}.{% endif %}"
                "{% if p.evidence %} How we know: {{ p.evidence }}{% endif %}")
    k.tag(doc, "endfor")
    k.heading(doc, "Recommended changes to the plan", 2)
    k.if_block(doc, "recommendations")
    k.tag(doc, "for r in recommendations")
    k.para(doc, ("b", "{{ r.item }}: "), "{{ r.change }}").paragraph_format.keep_with_next = True
    k.para(doc, "Why: {{ r.reason }}")
    k.tag(doc, "endfor")
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
    k.heading(doc, "Next steps agreed at the meeting", 2)
    k.if_block(doc, "next_steps")
    k.tag(doc, "for n in next_steps")
    k.para(doc, "{{ n }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.else_block(doc)
    k.para(doc, "No other next steps were recorded.")
    k.end_if(doc)
    k.heading(doc, "What happens next", 2)
    k.para(doc, "We will decide whether to keep the plan as it is, change it, or stop it. We will write to "
                "you by {{ decision_due }}, "
                "within four weeks of the meeting.")
    close(doc)
    save(doc, "review-report")


def decision() -> None:
    doc = letter("Our decision after {{ child.poss }} annual review")
    k.para(doc, "Thank you for taking part in the annual review meeting on {{ meeting_date }}.")
    k.if_block(doc, "decision == 'maintain'")
    k.para(doc, ("b", "We have decided to keep {{ child.poss }} EHC plan as it is, with no changes."),
           " The help in the plan goes on as before.")
    k.end_if(doc)
    k.if_block(doc, "decision == 'amend'")
    k.para(doc, ("b", "We have decided to change {{ child.poss }} EHC plan."),
           " We {{ changes_sent }} the changes we propose. You then have 15 days to tell us what you think. The "
           "plan you have now stays in force until we issue the new one.")
    k.end_if(doc)
    k.if_block(doc, "decision == 'cease'")
    k.para(doc, ("b", "We are thinking about stopping {{ child.poss }} EHC plan."),
           " We have not decided yet. First we will ask for your views, and the views of the school or college. "
           "We will write to you about this soon. The plan stays in force meanwhile.")
    k.end_if(doc)
    k.if_block(doc, "reason")
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.end_if(doc)
    k.add_timeline(doc)
    k.if_block(doc, "appealable")
    k.add_glossary(doc, ("tribunal", "mediation"))
    k.add_your_rights(doc)
    k.else_block(doc)
    k.para(doc, "{{ no_appeal_words }}")
    k.add_contacts(doc)
    k.end_if(doc)
    close(doc)
    save(doc, "decision")


def what_happens_next() -> None:
    doc = letter("What happens next: {{ child.poss }} EHC plan")
    k.para(doc, "{{ intro }}")
    k.add_timeline(doc)
    k.if_block(doc, "outcomes")
    k.heading(doc, "How progress will be checked", 2)
    k.tag(doc, "for o in outcomes")
    k.para(doc, ("b", "Outcome {{ o.id }}, by {{ o.by_when }}: "), "{{ o.description }}"
           ).paragraph_format.keep_with_next = True
    k.para(doc, "How: {{ o.measured_how }} Who checks: {{ o.measured_by }}.")
    k.tag(doc, "endfor")
    k.para(doc, "The school or college will send you a progress update each term.")
    k.end_if(doc)
    k.heading(doc, "If you are worried", 2)
    k.para(doc, "If the help in the plan is not being given, tell the school first. Then tell "
                "{{ caseworker.name }}. You can:")
    for line in ("raise a concern with us: we will reply within {{ concern_days }} working days;",
                 "ask for an early review of the plan at any time;",
                 "ask us to assess {{ child.poss }} needs again;",
                 "ask for a personal budget;",
                 "use our complaints process, or go to the Local Government and Social Care Ombudsman."):
        k.para(doc, line, style="List Bullet")
    k.add_contacts(doc)
    close(doc)
    save(doc, "what-happens-next")


def termly_list_letter() -> None:
    """The covering letter of a termly list: to a setting's head teacher, to health (the ICB), to social care,
    or to the LA's own lead for children educated otherwise than in a school. `intro` says which."""
    doc = k.base_document()
    k.reproducible_core_properties(doc, "Termly list of EHC plan reviews")
    k.add_footer(doc, "{{ la.name }} \u00b7 {{ reference }}")
    k.add_letterhead(doc)
    k.add_date_and_addressee(doc)
    k.heading(doc, "EHC plan reviews due in the {{ term_name }} term", 1)
    k.para(doc, "{{ intro }}")
    k.para(doc, "The SEND Code of Practice asks us to send this list at least two weeks before each term starts, "
                "so that the meetings and the advice can be planned. The list is attached as a spreadsheet and "
                "repeated below.")
    k.para(doc, "Reviews marked as a transition or preparation-for-adulthood focus must consider the move to the "
                "next phase, or preparing for adult life (from Year 9).")
    k.loop_table(doc, ["Plan", "Name", "Review due by", "Meeting by", "Focus"], "r in rows",
                 ["{{ r.plan }}", "{{ r.name }}", "{{ r.review_due }}", "{{ r.meeting_by }}", "{{ r.focus }}"],
                 caption="Reviews due this term", widths_mm=(25, 45, 30, 30, 40))
    k.add_signature(doc)
    doc.save(OUT / "termly-list-letter.docx")
    print("wrote templates/termly-list-letter.docx")


def concern_response() -> None:
    doc = letter("Our reply to your concern about {{ child.poss }} EHC plan")
    k.para(doc, "On {{ concern_date }} you told us:")
    k.para(doc, "{{ concern_text }}")
    k.heading(doc, "What we found and what we will do", 2)
    k.para(doc, "{{ response_text }}")
    k.heading(doc, "What you can do next", 2)
    k.para(doc, "{{ outcome_words }}")
    k.para(doc, "If you are still unhappy, here is what you can do.")
    for line in ("Ask for an early review of the plan.",
                 "Ask us to assess {{ child.poss }} needs again. We will decide within 15 days.",
                 "Make a complaint to us. If that does not put things right, you can ask the Local Government "
                 "and Social Care Ombudsman to look at it.",
                 "Ask for mediation. This is a meeting with someone who does not take sides. It can help you and "
                 "us agree.",
                 "Appeal to the Tribunal, but only after a decision that gives you that right."):
        k.para(doc, line, style="List Bullet")
    k.para(doc, "Mediation is free. To ask for it, contact {{ la.mediation.name }}: " + k.contact("la.mediation")
           + ".")
    k.add_contacts(doc)
    close(doc)
    save(doc, "concern-response")


def progress_update() -> None:
    doc = letter("How {{ child.subj }} {% if child.you %}are{% else %}is{% endif %} getting on")
    k.para(doc, "This update comes from {{ returned_by }}. It covers {{ period }}. For each outcome in the plan it "
                "shows where things are now, what has changed and what happens next.")
    k.para(doc, "{{ chart }}")
    k.para(doc, "{{ chart_note }}")
    k.tag(doc, "for o in outcomes")
    k.heading(doc, "{{ o.title }}", 2)
    k.para(doc, "{{ o.description }}")
    k.labelled(doc, "Where things are now", "{{ o.status }}")
    k.labelled(doc, "What has changed since last time", "{{ o.changed }}")
    k.labelled(doc, "What happens next", "{{ o.next }}")
    k.labelled(doc, "How we know", "{{ o.evidence }}")
    k.tag(doc, "endfor")
    k.if_block(doc, "family_message")
    k.heading(doc, "A message from school", 2)
    k.para(doc, "{{ family_message }}")
    k.end_if(doc)
    k.para(doc, "If you are worried about progress, talk to the school first, or contact {{ caseworker.name }}. "
                "You can also ask for an early review of the plan.")
    k.add_contacts(doc)
    close(doc)
    save(doc, "progress-update")


def amendment_notice() -> None:
    doc = letter("Changes we propose to {{ child.poss }} EHC plan")
    k.para(doc, ("b", "We want to change {{ child.poss }} EHC plan."), " {{ context_words }}")
    k.if_block(doc, "reason")
    k.labelled(doc, "Why", "{{ reason }}")
    k.end_if(doc)
    k.para(doc, "With this letter we send you:")
    for line in ("a copy of the plan you have now, which stays in force until we issue the new one",
                 "a list of the changes, section by section: words we want to take out are struck through, and "
                 "new words are in bold",
                 "the new plan with the changes shown, which you can step through in Word"):
        k.para(doc, line, style="List Bullet")
    k.if_block(doc, "evidence")
    k.para(doc, "copies of the evidence for the changes:", style="List Bullet")
    k.tag(doc, "for e in evidence")
    k.para(doc, "{{ e }}", style="List Bullet 2")
    k.tag(doc, "endfor")
    k.else_block(doc)
    k.para(doc, ("b", "We have not used any new evidence. "), "{{ no_evidence }}")
    k.end_if(doc)
    k.if_block(doc, "ordered|default(false)")
    k.heading(doc, "Tell us if something is wrong", 2)
    k.para(doc, ("b", "We must send you the final amended plan by {{ final_plan_due }}."),
           " The changes have already been decided, so we do not wait 15 days for your views. If you think they "
           "do not do what {{ who_decided }} said, please tell {{ caseworker.name }} straight away.")
    k.else_block(doc)
    k.heading(doc, "Tell us what you think: you have 15 days", 2)
    k.para(doc, ("b", "Please send us your views by {{ representations_due }}."),
           " You can also ask to meet one of our officers to talk about the changes. Email or call "
           "{{ caseworker.name }}{% if caseworker.email|default('') %} at {{ caseworker.email }}{% endif %}.")
    k.heading(doc, "You can ask for a school or college", 2)
    k.para(doc, "You can ask for a school, college or other setting to be named in Section I. We must agree unless "
                "it would not be suitable, or it would not be a good use of money or harm other pupils’ learning. "
                "You can find schools and colleges in our Local Offer: {{ la.local_offer }}.")
    k.end_if(doc)
    k.add_timeline(doc)
    k.para(doc, "You cannot appeal yet. When we send the final plan, we will tell you how to appeal and by when.")
    k.add_contacts(doc)
    close(doc)
    save(doc, "amendment-notice")


def amended_plan_letter() -> None:
    doc = letter("{{ child.poss_cap }} amended EHC plan")
    k.para(doc, ("b", "We enclose {{ child.poss }} final amended EHC plan, issued on {{ issued_date }}."),
           " It replaces the old plan from today.")
    k.if_block(doc, "ordered_words|default('')")
    k.para(doc, "{{ ordered_words }}")
    k.end_if(doc)
    k.para(doc, "The changes are marked in the plan. These sections changed: {{ sections_text }}.")
    k.if_block(doc, "representations")
    k.heading(doc, "What you told us, and our answer", 2)
    k.tag(doc, "for r in representations")
    k.para(doc, ("b", "On {{ r.date }} you said: "), "{{ r.text }}").paragraph_format.keep_with_next = True
    k.para(doc, ("b", "Our answer: {{ r.answer }}. "), "{{ r.why }}")
    k.tag(doc, "endfor")
    k.end_if(doc)
    k.labelled(doc, "Next annual review", "by {{ next_review_due }}. Changing the plan does not change this date.")
    k.add_glossary(doc, ("section-f", "tribunal", "mediation"))
    k.add_your_rights(doc)
    close(doc)
    save(doc, "amended-plan-letter")


def amendment_withdrawn() -> None:
    doc = letter("We have decided not to change {{ child.poss }} EHC plan")
    k.para(doc, "On {{ notice_date }} we sent you changes we wanted to make to the plan. We have now decided not "
                "to make them. The plan you have stays as it is.")
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.add_glossary(doc, ("tribunal", "mediation"))
    k.add_your_rights(doc)
    close(doc)
    save(doc, "amendment-withdrawn")


def reassessment_decision() -> None:
    doc = letter("Your request to assess {{ child.poss }} needs again")
    k.para(doc, "On {{ request_date }} we were asked to assess {{ child.poss }} education, health and care needs "
                "again (a re-assessment).")
    k.if_block(doc, "decision == 'agree'")
    k.para(doc, ("b", "We have agreed to do a re-assessment."),
           " The plan you have now stays in force while we do it, and the help in it goes on.")
    k.add_timeline(doc)
    k.if_block(doc, "transfer_note")
    k.para(doc, ("b", "Please note: "), "{{ transfer_note }}")
    k.end_if(doc)
    k.add_contacts(doc)
    k.end_if(doc)
    k.if_block(doc, "decision == 'refuse'")
    k.para(doc, ("b", "We have decided not to do a re-assessment."), " The plan you have now stays in force.")
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.add_glossary(doc, ("tribunal", "mediation"))
    k.add_your_rights(doc)
    k.end_if(doc)
    close(doc)
    save(doc, "reassessment-decision")


def cease_consultation() -> None:
    doc = letter("We are thinking about stopping {{ child.poss }} EHC plan")
    k.para(doc, "We are thinking about whether to stop {{ child.poss }} EHC plan. We have not decided yet.")
    k.labelled(doc, "Why we are thinking about this", "{{ reason }}")
    k.para(doc, ("b", "We want your views."), " Please tell us what you think by {{ views_by }}. We are also "
                "asking {{ setting_name }} for their views.")
    k.heading(doc, "How to tell us", 2)
    k.para(doc, "Write, email or call {{ caseworker.name }}"
                "{% if caseworker.email|default('') %}, email {{ caseworker.email }}{% endif %}"
                "{% if caseworker.phone|default('') %}, phone {{ caseworker.phone }}{% endif %}. "
                "Please quote our reference {{ reference }}. You can also ask to meet us.")
    k.add_timeline(doc)
    k.para(doc, "You cannot appeal yet, because we have not decided. If we decide to stop the plan, we will tell "
                "you how to appeal and by when.")
    k.add_contacts(doc)
    close(doc)
    save(doc, "cease-consultation")


def cease_notice() -> None:
    doc = letter("Our decision about stopping {{ child.poss }} EHC plan")
    k.if_block(doc, "views")
    k.para(doc, "Thank you for your views. We read everything we were sent before we decided:")
    k.tag(doc, "for v in views")
    k.para(doc, "{{ v }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.else_block(doc)
    k.para(doc, "We did not receive any views by {{ views_by }}.")
    k.end_if(doc)
    k.if_block(doc, "decision == 'cease'")
    k.para(doc, ("b", "We have decided to stop {{ child.poss }} EHC plan."))
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.para(doc, "The plan stays in force until {{ cease_from }}. If you appeal by then, it stays in force until "
                "the appeal is decided.")
    k.labelled(doc, "Help after the plan stops", "{{ support_after }}")
    k.add_glossary(doc, ("tribunal", "mediation"))
    k.add_your_rights(doc)
    k.end_if(doc)
    k.if_block(doc, "decision == 'continue'")
    k.para(doc, ("b", "We have decided to keep {{ child.poss }} EHC plan."), " The plan goes on as it is.")
    k.add_contacts(doc)
    k.end_if(doc)
    close(doc)
    save(doc, "cease-notice")


def request_decision() -> None:
    doc = letter("Our decision on your request about {{ child.poss }} EHC plan")
    k.para(doc, "On {{ request_date }} {{ requested_by }} asked us for {{ request_words }}.")
    k.if_block(doc, "agreed")
    k.para(doc, ("b", "We have agreed."), " {{ agreed_words }}")
    k.else_block(doc)
    k.para(doc, ("b", "We have said no."), " The plan you have now stays in force.")
    k.end_if(doc)
    k.if_block(doc, "reason")
    k.labelled(doc, "Our reasons", "{{ reason }}")
    k.end_if(doc)
    k.heading(doc, "What you can do next", 2)
    k.tag(doc, "for n in next_steps")
    k.para(doc, "{{ n }}", style="List Bullet")
    k.tag(doc, "endfor")
    k.add_contacts(doc)
    close(doc)
    save(doc, "request-decision")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for build in (invitation, advice_request, review_report, decision, what_happens_next, termly_list_letter,
                  concern_response, progress_update, amendment_notice, amended_plan_letter,
                  amendment_withdrawn, reassessment_decision, cease_consultation, cease_notice, request_decision):
        build()
