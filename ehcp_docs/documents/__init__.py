"""Documents families and settings receive.

- render.py        renders docxtpl templates safely (THE ONLY module that imports docxtpl), PDF conversion
- plan_context.py  plan dict -> template context (pure)
- letterkit.py     python-docx building blocks used by scripts/build_templates.py to make the templates

Nothing is imported here, so `import ehcp_docs.documents` stays cheap for the CLI.
"""
