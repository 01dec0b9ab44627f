"""python -m storyline.cli"""

import sys

from storyline.cli import main

sys.exit(main())
