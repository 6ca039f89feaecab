"""User-facing errors: each names the file, the field and the fix, and maps to an exit status."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and how to fix it."""

    file: str
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        from daas.core.i18n import _

        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {_(self.message)}\n    {_('fix')}: {_(self.fix)}"


@dataclass
class DaasError(Exception):
    """An error the user can act on. The CLI prints it without a traceback."""

    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 2

    @classmethod
    def one(cls, file: str | Path, field: str, message: str, fix: str, exit_code: int = 2):
        return cls([Problem(str(file), field, message, fix)], exit_code)

    @classmethod
    def missing_output(cls, slug: str, what: str, path: str | Path):
        """What a reader says when an output it reads has not been computed: the command that
        computes it (`daas city build`). `what` is marked for translation by the caller."""
        from daas.core.i18n import _

        return cls.one(
            path,
            "",
            _("{what} has not been computed for this city").format(what=_(what)),
            _("run `daas city build --city {slug}` first").format(slug=slug),
            exit_code=1,
        )

    def __str__(self) -> str:
        from daas.core.i18n import _

        n = len(self.problems)
        head = _("1 problem found:") if n == 1 else _("{n} problems found:").format(n=n)
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


def did_you_mean(word: str, choices: list[str]) -> str:
    """A fix's first words naming the closest of `choices` to `word` ("did you mean 'x'? ")."""
    import difflib

    from daas.core.i18n import _

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return _("did you mean '{key}'? ").format(key=close[0]) if close else ""
