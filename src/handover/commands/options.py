"""The options commands share, and the --date type: click's side of every command."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from handover.commands.app import App
from handover.dates import DateInputError, DateSpec, parse_user_date
from handover.errors import HandoverError
from handover.library import load_library
from handover.models import Summary
from handover.names import fold
from handover.output import formats_for

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from handover.output.views import View

F = TypeVar("F", bound=Callable[..., Any])


if TYPE_CHECKING:  # click's ParamType is generic for type checkers in recent releases
    _ParamType = click.ParamType[DateSpec, Any]
else:
    _ParamType = click.ParamType


class DateParam(_ParamType):
    """ISO dates, unambiguous written dates, today / yesterday / tomorrow (README: Dates)."""

    name = "date"

    def __init__(self, month_is_first_day: bool = False) -> None:
        self.month_is_first_day = month_is_first_day  # changes --since 2025-02: 1 Feb

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, DateSpec):
            return value
        try:
            return parse_user_date(str(value), self.month_is_first_day)
        except DateInputError as exc:
            self.fail(str(exc), param, ctx)


def _library_for(ctx: click.Context) -> list[Summary]:
    """The summaries of the data the command line names (--data, HANDOVER_DATA, else the
    bundled data); none if it cannot be read: completion is no place for errors."""
    options: list[str] = []
    here: click.Context | None = ctx
    while here is not None and not options:
        app = here.obj if isinstance(here.obj, App) else None
        options = (app.data_options if app else []) or list(here.params.get("data") or ())
        here = here.parent
    try:
        return [e.summary for e in load_library(options).entries]
    except (HandoverError, OSError):
        return []


def _as_typed(incomplete: str, spellings: Iterable[str]) -> list[CompletionItem]:
    """The spellings (one word each) that match what was typed, ignoring case and accents,
    each given as what was typed followed by the rest of its folded spelling: a shell
    inserts the candidates' common prefix, so every candidate must start with exactly what
    was typed (`kel` gives `kelbajar` and `kelbecer`, which find Kalbajar as Kelbajar and
    Kəlbəcər do, and never turns `kel` into `K`)."""
    from click.shell_completion import CompletionItem  # completion only

    wanted = fold(incomplete)
    found: dict[str, None] = {}
    for spelling in spellings:
        if len(spelling.split()) != 1:
            continue
        folded = fold(spelling)
        if not folded.startswith(wanted):
            continue
        whole = spelling if spelling.startswith(incomplete) else None
        found.setdefault(whole or incomplete + folded[len(wanted) :])
    return [CompletionItem(candidate) for candidate in found]


def complete_names(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for NAME: the ids, and the names and aliases without spaces, that
    start like `incomplete`, ignoring case and accents; `AGREEMENT/` and a start of a name
    completes the names of that agreement."""
    summaries = _library_for(ctx)
    agreement, slash, rest = incomplete.partition("/")
    if slash:
        return [
            type(item)(f"{agreement}/{item.value}")
            for s in summaries
            if s.id == agreement
            for item in _as_typed(rest, (x for h in s.spellings for x in (h[0], *h[1])))
        ]
    return _as_typed(incomplete, (x for s in summaries for h in s.spellings for x in (h[0], *h[1])))


def complete_agreements(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for --agreement ID: the ids that start with what was typed."""
    from click.shell_completion import CompletionItem  # completion only

    return [CompletionItem(s.id) for s in _library_for(ctx) if s.id.startswith(incomplete)]


def check_data(value: str | None) -> str | None:
    """--data "" (an unset variable, say) is a mistake, not a request for the bundled data."""
    if value is not None and not value.strip():
        raise click.BadParameter("--data needs a file name; it is empty", param_hint="'--data'")
    return value


def _set_data(ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> None:
    for one in value:
        check_data(one)
    if value:
        ctx.ensure_object(App).data_options = list(value)


def _file_name(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("needs a file name; it is empty")
    return value


def output_option(*names: str, help: str) -> Callable[[F], F]:
    """An option naming a file to write; `-` means stdout."""
    return click.option(
        *names,
        metavar="FILE",
        callback=_file_name,
        type=click.Path(allow_dash=True),  # a path: shells complete file names
        help=help,
    )


def data_option(command: F) -> F:
    """--data after the command name, as well as before it."""
    return click.option(
        "--data",
        metavar="PATH",
        type=click.Path(),
        multiple=True,
        expose_value=False,
        callback=_set_data,
        help="A data file or a folder of them; repeat for more (default: $HANDOVER_DATA, "
        "else the bundled library).",
    )(command)


def date_option(command: F) -> F:
    return click.option(
        "--date",
        "when",
        type=DateParam(),
        metavar="DATE",
        help="As of this date (ISO, '20 Nov 2020', today, yesterday, tomorrow). Default: today.",
    )(command)


def format_option(view: type[View], default: str = "table") -> Callable[[F], F]:
    """--format, offering every format that can render this kind of view (output.FORMATS)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats_for(view)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def agreement_option(command: F) -> F:
    return click.option(
        "--agreement",
        "picked",
        multiple=True,
        shell_complete=complete_agreements,
        metavar="ID",
        help="Only this agreement (repeat for more), whatever the date.",
    )(command)


def all_option(command: F) -> F:
    return click.option(
        "--all",
        "show_all",
        is_flag=True,
        help="Every agreement that exists on the date, not only those in play.",
    )(command)


def _statuses(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> frozenset[str] | None:
    if value is None:
        return None
    from handover.timeline import Status

    valid = [str(s) for s in Status]
    words = [w.strip() for w in value.split(",") if w.strip()]
    unknown = [w for w in words if w not in valid]
    if unknown or not words:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a status; the statuses are "
            + ", ".join(valid)
        )
    return frozenset(words)


def status_option(command: F) -> F:
    """--status S[,S...]: only the handovers whose status (as of the date) is one of these."""
    return click.option(
        "--status",
        "statuses",
        metavar="S[,S...]",
        callback=_statuses,
        help="Only handovers with one of these statuses (pending, overdue, lapsed, ...).",
    )(command)


def base_url_option(help: str) -> Callable[[F], F]:
    """--base-url URL: where a site or feed is published (checked by _base_url)."""
    return click.option(
        "--base-url", metavar="URL", callback=lambda _ctx, _param, value: _base_url(value),
        help=help,
    )  # fmt: skip


def _base_url(value: str | None) -> str | None:
    """--base-url: an http(s) URL, kept with one closing slash (pages are named under it)."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise click.BadParameter(
            f"{value!r} is not an http or https URL", param_hint="'--base-url'"
        )
    return value if value.endswith("/") else value + "/"
