"""Launch buttons on a city edition's workshop pages: open the page's notebook in the city's
masterclass hub (`daas hub`) or on a Binder service.

The theme's own buttons do not fit the kit: its JupyterHub button pulls the repository with
nbgitpuller and opens the page's path in it, but a pack's notebooks are not in the repository (they
are executed for the city by `daas workshop run`). The kit's hub has already copied the pack into
each participant's home, so the hub button opens the participant's own copy
(`/hub/user-redirect/lab/tree/<folder>/<notebook>`); the Binder image builds every pack
(`binder/postBuild`), so the Binder button opens the pack's notebook in `_build/cities/<slug>/`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx

WORKSHOPS = "workshops/"
BINDER_LOGO = "_static/images/logo_binder.svg"


def _binder_repo(repository_url: str, branch: str) -> str:
    """The part of a Binder address that names the repository, as BinderHub spells it."""
    for host, kind in (("https://github.com/", "gh"), ("https://gitlab.com/", "gl")):
        if repository_url.startswith(host):
            path = repository_url[len(host) :].removesuffix(".git").strip("/")
            return f"v2/{kind}/{quote(path, safe='/' if kind == 'gh' else '')}/{quote(branch)}"
    return f"v2/git/{quote(repository_url, safe='')}/{quote(branch)}"


def launch_links(launch: dict[str, str], slug: str, pagename: str) -> dict[str, str]:
    """Where the notebook of page `pagename` opens: {"hub": url, "binder": url}, for the services
    `launch` names; empty for a page that is not one of the pack's notebooks."""
    if not pagename.startswith(WORKSHOPS):
        return {}
    in_pack = quote(pagename.removeprefix(WORKSHOPS) + ".ipynb")
    links = {}
    if hub := launch.get("jupyterhub_url", "").rstrip("/"):
        links["hub"] = f"{hub}/hub/user-redirect/lab/tree/{in_pack}"
    binder, repository = launch.get("binderhub_url", "").rstrip("/"), launch.get("repository_url")
    if binder and repository:
        repo = _binder_repo(repository, launch.get("branch") or "main")
        path = quote(f"_build/cities/{slug}/", safe="/") + in_pack
        links["binder"] = f"{binder}/{repo}?urlpath={quote('lab/tree/' + path, safe='')}"
    return links


def _buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Add the launch group to the theme's header buttons of a pack notebook's page."""
    from daas.core.i18n import _

    launch, slug = app.config.daas_launch, app.config.daas_launch_city
    links = launch_links(launch, slug, pagename) if launch and slug else {}
    if not links or "header_buttons" not in context:
        return
    lang = app.config.language or "en"
    hub_tip = _("Open your copy of this notebook in the masterclass hub", lang)
    titles = {
        "hub": (_("Masterclass hub", lang), hub_tip, "_static/images/logo_jupyterhub.svg"),
        "binder": ("Binder", _("Open this notebook on Binder", lang), BINDER_LOGO),
    }
    buttons = [
        {"type": "link", "text": titles[k][0], "tooltip": titles[k][1], "icon": titles[k][2],
         "url": url, "label": f"daas-launch-{k}"}
        for k, url in links.items()
    ]  # fmt: skip
    context["header_buttons"].append(
        {"type": "group", "tooltip": _("Open this notebook", lang), "icon": "fas fa-rocket",
         "buttons": buttons, "label": "launch-buttons"}
    )  # fmt: skip


def setup(app: Sphinx) -> None:
    """Called from `daas.site.sphinx_ext`: after the theme has prepared its header buttons."""
    app.add_config_value("daas_launch", {}, "html", types=[dict])
    app.add_config_value("daas_launch_city", "", "html", types=[str])
    app.connect("html-page-context", _buttons, priority=600)
