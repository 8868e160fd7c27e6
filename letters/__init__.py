"""Letters to parents and young people, rendered from Word templates (docxtpl)."""
