"""Unique Pupil Numbers, checked with python-stdnum's implementation of the DfE rules."""

from stdnum import exceptions
from stdnum.gb import upn


def upn_error(value: str) -> str | None:
    """A plain-English reason the UPN is not valid, or None when it is."""
    try:
        upn.validate(value)
    except exceptions.InvalidLength:
        return "A UPN has 13 characters, like H801200001001"
    except exceptions.InvalidChecksum:
        return "The check letter at the start of the UPN does not match the rest"
    except exceptions.InvalidComponent:
        return "Characters 2 to 4 of the UPN are not a local authority number"
    except exceptions.InvalidFormat:
        return "A UPN is a letter, 11 digits, then a digit or a letter"
    return None


def normalise(value: str) -> str:
    return upn.compact(value)


def is_temporary(value: str) -> bool:
    """Temporary UPNs end in a letter instead of a digit."""
    return normalise(value)[-1:].isalpha()
