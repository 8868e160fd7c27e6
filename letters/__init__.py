"""Letters to parents and young people, rendered from Dutch Word templates (docxtpl).

Modules, in the order data flows through them:

- `persons`: the BRP facts a letter needs (`Persoon`, `Adres`); `brp_source` reads them from staging;
- `addressing`: who gets a letter and how it is addressed (`geadresseerden`, names, NEN 5825 lines);
- `suppression`: why a letter must not go out (`Reden`, `redenen`); `planning.plan` combines both;
- `kinds` (`Soort`), `context` (`build_context`, `Kantoor`, `Afzender`): the fields of a template;
- `render`: prepare a template once, render many (`load`, `render_files`, `render_merged`,
  `merge_files_grouped`), on `docx_package`'s raw zip copy; `pdf`: one LibreOffice call;
- `due` and `run`: the letter run on the registers (`run_letters`); `commands`: `inbeeld letters`;
- `build_templates`: makes the shipped .docx templates in `templates/`.
"""
