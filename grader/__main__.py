"""``python -m grader``: the command that works on every platform (see ``grader.cli``)."""
import sys

from grader.cli import main

sys.exit(main())
