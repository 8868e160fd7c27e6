"""The work screen (`inbeeld web`): server-rendered pages over the registers, letters and reports."""
