import sys

from generator.background import prewarm

# Before anything else is imported: the child imports what the structural check needs when it gets one.
prewarm(("openapi_pydantic",))

from generator.cli import main  # noqa: E402

sys.exit(main())
