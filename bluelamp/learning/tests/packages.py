"""The tests build their packages with the same sample builder as the demo."""

from bluelamp.learning.scorm.samples import build_package, raw_zip

__all__ = ["build_package", "raw_zip"]
