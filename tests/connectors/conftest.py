"""Make the helper modules beside the tests importable (`from brp_helpers import ...`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
