"""``python -m egov``."""

from egov.cli import main

main()
