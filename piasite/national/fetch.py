"""Reading one published site's open data (its api/ folder): from a local folder (a built site, or
its api/) or from its address on the web. Every name a site gives (the `json` of each assessment in
assessments.json) is checked before it is read: relative, inside the site's api/, no `..`, no
symlink, no other host; every file has a size limit. A site's data is input from a stranger."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any

from piasite.core.errors import PiasiteError

MAX_FILE_BYTES = 20 * 1024 * 1024  # one assessment's JSON; a 全項目 with every item is ~0.3 MB
MAX_DOCUMENTS = 20_000  # per site (a prefecture portal is ~1,000)
TIMEOUT = 30


class HarvestError(PiasiteError):
    """A site's open data that cannot be read as piasite publishes it."""


def _safe_rel(name: str) -> str | None:
    """A path inside api/ as the site names it, or None when it points anywhere else."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name or len(name) > 500:
        return None
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) or name.startswith("/"):
        return None
    parts = PurePosixPath(name).parts
    if any(p in ("", ".", "..") for p in parts) or not name.endswith(".json"):
        return None
    return "/".join(parts)


class Site:
    """One site's api/: `read(rel)` gives a file's JSON."""

    def __init__(self, location: str):
        self.location = location
        self.is_web = bool(re.match(r"^https?://", location, re.I))
        if self.is_web:
            base = location if location.endswith("/") else location + "/"
            self.api_url = base if base.rstrip("/").endswith("/api") else urllib.parse.urljoin(base, "api/")
            self.root: Path | None = None
        else:
            folder = Path(location)
            if not folder.is_dir():
                raise HarvestError(f"サイトのフォルダがありません: {location}")
            api = folder / "api" if (folder / "api" / "assessments.json").is_file() else folder
            if not (api / "assessments.json").is_file() or (api / "assessments.json").is_symlink():
                raise HarvestError(
                    f"{location}: piasite のサイトではありません(api/assessments.json がありません)。"
                    "piasite build で組み立てたサイトのフォルダか、公開しているアドレスを指定してください"
                )
            self.root = api.resolve()

    def own(self, name: str) -> str | None:
        """The site's name for one of its files (assessments.json gives relative names, or absolute
        ones under the site's address when the site knows it): relative to api/, or None."""
        if self.is_web and re.match(r"^https?://", name or "", re.I):
            if not name.startswith(self.api_url):
                return None  # another site, another host: not this site's data
            name = name[len(self.api_url) :]
        elif re.match(r"^https?://", name or "", re.I):
            m = re.match(r"^https?://[^/]+/(?:.*/)?api/(.+)$", name)
            name = m.group(1) if m else ""
        return _safe_rel(urllib.parse.unquote(name))

    def raw(self, rel: str) -> bytes:
        rel2 = _safe_rel(rel)
        if rel2 is None:
            raise HarvestError(f"{self.location}: 読めない名前です: {rel!r}")
        if self.root is not None:
            path = self.root.joinpath(*rel2.split("/"))
            # a symlink, or anything resolving outside the api folder, is not the site's own file
            here = self.root
            for part in rel2.split("/"):
                here = here / part
                if here.is_symlink():
                    raise HarvestError(f"{self.location}: {rel2} はシンボリックリンクです(読みません)")
            if not path.resolve().is_relative_to(self.root) or not path.is_file():
                raise HarvestError(f"{self.location}: {rel2} がありません")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise HarvestError(f"{self.location}: {rel2} が大きすぎます({MAX_FILE_BYTES // 1024 // 1024} MB まで)")
            return path.read_bytes()
        url = urllib.parse.urljoin(self.api_url, urllib.parse.quote(rel2))
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 — http(s) only, checked above
                if not resp.geturl().startswith(self.api_url):
                    raise HarvestError(f"{url}: ほかのアドレスへ転送されました({resp.geturl()})。読みません")
                data = resp.read(MAX_FILE_BYTES + 1)
        except urllib.error.HTTPError as e:
            raise HarvestError(f"{url}: 読めません(HTTP {e.code})") from None
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise HarvestError(f"{url}: つながりません({getattr(e, 'reason', e)})") from None
        if len(data) > MAX_FILE_BYTES:
            raise HarvestError(f"{url}: 大きすぎます({MAX_FILE_BYTES // 1024 // 1024} MB まで)")
        return data

    def read(self, rel: str) -> Any:
        data = self.raw(rel)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise HarvestError(f"{self.location}: {rel} が JSON として読めません({e})") from None

    def maybe(self, rel: str) -> Any:
        """A file the site may not have (site.json: older sites): None when absent."""
        try:
            return self.read(rel)
        except HarvestError:
            return None
