"""Exceptions for user mistakes: each message names the file, line or key at fault."""


class PPOCRError(Exception):
    """Base class of the errors this framework raises on bad input."""


class ConfigError(PPOCRError, ValueError):
    """A config file, override or component argument is wrong."""


class DataError(PPOCRError):
    """A dataset is unusable: label files missing, or too many bad samples."""


class CheckpointError(PPOCRError):
    """A checkpoint or weight file is missing, corrupt or does not match the model."""


class ExportError(PPOCRError):
    """A model cannot be converted (missing converter, unsupported op)."""
