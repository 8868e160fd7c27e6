"""Work lists, VSV figures, the Leerplichttelling, KPIs and the policy report."""
