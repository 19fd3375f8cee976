from papikit._core import __version__
