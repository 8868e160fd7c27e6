"""Start-up hook of every Python process of a crash test's weekly run (this folder is put first on
its PYTHONPATH): installs the pause hook named by `INBEELD_CRASH_POINT`, in the run itself and in
the processes it starts (the letter run's pool workers), see tests/pipelines/crash_child.py."""

import os

if os.environ.get("INBEELD_CRASH_POINT"):
    from tests.pipelines import crash_child

    crash_child.install_from_environment()
