"""Research-grade results from plain frames: quality flags, agreement, uncertainty, weights.

Pure: takes pandas frames with documented columns (see `bot.research.frames`) and returns
frames, dataclasses or bytes. Imports neither telegram nor sqlalchemy, and never reads the
database; the admin CLI (`wipbot-admin report`) builds the frames with the export.
"""
