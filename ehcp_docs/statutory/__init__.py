"""The statutory calendar, pure (no I/O, no git, no files): every period of the law in one place.

- dates.py           how the law's words about time become dates (calendar and working days, months, appeals)
- appeals.py         the Tribunal appeal deadline of each decision, from the journal, with why it moved
- rules.py           the rules as data, each with its legal basis and effective date; the LA's local options
- child.py           the child: age, national curriculum year, end of compulsory school age, decision maker
- terms.py           school terms: the LA's own dates or typical English ones
- journal.py         the journal as the calendar reads it (events parsed once, looked up by name and number)
- plan_deadlines.py  every step of one plan, done or pending, with its deadline and basis
- due_lists.py       which reviews are due in a term or period (termly lists, `ehcp due`)

Everything a caller needs is importable from this package: `from ehcp_docs import statutory;
statutory.deadlines(plan, events, today, options)`. Modules inside the package import each other directly, never
through this file, so it adds no import cycle."""
from ehcp_docs.statutory.appeals import AppealTime, appeal_time, appeal_time_on, appealable, latest_appeal
from ehcp_docs.statutory.child import (
                                       RETENTION_YEARS_FROM_BIRTH,
                                       age_on,
                                       birthday,
                                       cohort_year,
                                       decision_maker,
                                       end_of_compulsory_school_age,
                                       is_under_five,
                                       last_friday_of_june,
                                       nc_year,
                                       plan_ends,
                                       retention_ends,
                                       school_year_start,
                                       year_group,
)
from ehcp_docs.statutory.dates import (
                                       ONE_DAY,
                                       add_months,
                                       add_working_days,
                                       appeal_deadline,
                                       at_least_days_before,
                                       at_least_weeks_before,
                                       before_fixed,
                                       before_fixed_date,
                                       cease_from,
                                       is_working_day,
                                       months_after,
                                       next_working_day,
                                       period_beginning_with,
                                       tribunal_extension,
                                       within_12_months_starting,
                                       within_days,
                                       within_months_starting,
                                       within_weeks,
)
from ehcp_docs.statutory.due_lists import ReviewDue, due_in_term, phase_transfer_meeting_term, review_due_in
from ehcp_docs.statutory.plan_deadlines import (
                                       ADVICE_REPLY_MIN_WORKING_DAYS,
                                       EXTRA_STEPS,
                                       JSON_STEPS,
                                       Deadlines,
                                       Step,
                                       advice_reply_days,
                                       advice_return_due,
                                       deadlines,
                                       exception_target,
                                       first_issued,
                                       maintain_leaves_transfer_unnamed,
                                       phase_transfer_due,
                                       review_focus,
                                       section_i_of,
                                       service,
                                       transfer_of,
                                       transfer_rule,
)
from ehcp_docs.statutory.rules import (
                                       COUNTED,
                                       DEFAULT_OPTIONS,
                                       EXCEPTIONS,
                                       SEND_REGS_2014,
                                       SERVICE_STEPS,
                                       SERVICE_WAYS,
                                       STEP_KEYS,
                                       TRANSFER_RULES,
                                       Options,
                                       Rule,
                                       RuleOptions,
                                       all_rules,
                                       due,
                                       exception_reason,
                                       register,
                                       rule,
                                       rule_or_first,
                                       served_on,
                                       step_key,
)
from ehcp_docs.statutory.terms import (
                                       SEASONS,
                                       TERM_NAME,
                                       Term,
                                       find_term,
                                       meeting_term,
                                       next_term,
                                       parse_terms,
                                       term_window,
                                       terms,
                                       terms_for,
                                       typical_term,
)

__all__ = [
    "AppealTime", "appeal_time", "appeal_time_on", "appealable", "latest_appeal", "plan_ends", "year_group",
    "EXCEPTIONS", "SERVICE_STEPS", "SERVICE_WAYS", "exception_reason", "served_on", "exception_target", "service",
    "RETENTION_YEARS_FROM_BIRTH", "retention_ends", "age_on", "birthday", "cohort_year", "decision_maker",
    "end_of_compulsory_school_age", "is_under_five", "last_friday_of_june", "nc_year", "school_year_start",
    "ONE_DAY", "cease_from", "add_months", "add_working_days", "appeal_deadline", "at_least_days_before",
    "at_least_weeks_before", "before_fixed", "before_fixed_date", "is_working_day", "months_after",
    "next_working_day", "period_beginning_with", "tribunal_extension", "within_12_months_starting", "within_days",
    "within_months_starting", "within_weeks", "ReviewDue", "due_in_term", "phase_transfer_meeting_term",
    "review_due_in", "EXTRA_STEPS", "JSON_STEPS", "Deadlines", "Step", "advice_return_due", "deadlines",
    "ADVICE_REPLY_MIN_WORKING_DAYS", "advice_reply_days",
    "first_issued", "phase_transfer_due", "review_focus", "section_i_of", "transfer_of",
    "maintain_leaves_transfer_unnamed", "transfer_rule", "COUNTED", "DEFAULT_OPTIONS",
    "SEND_REGS_2014", "STEP_KEYS", "TRANSFER_RULES", "Options", "Rule", "RuleOptions", "all_rules", "due",
    "register", "rule", "rule_or_first", "step_key", "SEASONS", "TERM_NAME", "Term", "find_term", "meeting_term",
    "next_term", "parse_terms", "term_window", "terms", "terms_for", "typical_term",
]
