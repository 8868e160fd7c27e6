"""Letters to parents and young people, rendered from Dutch Word templates (docxtpl).

Modules, in the order data flows through them:

- `persons`: the BRP facts a letter needs (`Persoon`, `Adres`); `brp_source` reads them from staging;
- `addressing`: who gets a letter and how it is addressed (`geadresseerden`, names, NEN 5825 lines);
- `suppression`: why a letter must not go out (`redenen`, as `registers.codes.SuppressionReason`);
  `planning.plan` combines both;
- `context` (`build_context`, `Kantoor`, `Afzender`): the fields of a template; the kinds of letter,
  with their template and reply period, are `registers.codes.LetterKind` (the letter log stores them);
- `render`: prepare a template once, render many (`load`, `render_files`, `render_merged`,
  `merge_files_grouped`), on `docx_package`'s raw zip copy; `pdf`: one LibreOffice call;
- `due` and `run`: the letter run on the registers (`run_letters`); `commands`: `inbeeld letters`;
- `build_templates`: makes the shipped .docx templates in `templates/`.
"""
