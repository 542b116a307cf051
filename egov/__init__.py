"""The ``egov`` command: a thin layer that wires subcommands to the ``network`` library and prints."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("egov-extranet")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"
