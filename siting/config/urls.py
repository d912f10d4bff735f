"""Paths given as URLs, which the tool does not read: it runs offline, on local files only, and a
`Path` would make `https://host/x` into `https:/host/x`, a file not found rather than a URL refused."""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import unquote

#: A path that is a URL (`scheme://...`: https://, s3://, file://, ...; a scheme of one letter
#: is a Windows drive, C:/data), names a file through one of GDAL's network file systems
#: (/vsicurl/, /vsis3/, ..., also inside another: /vsizip//vsicurl/..., /vsizip/{/vsicurl/...}/x),
#: which GDAL would fetch, or holds a URL inside one of GDAL's other file systems
#: (/vsizip/https://..., /vsitar/{s3://...}/x), which GDAL may fetch too. GDAL reads a file system's
#: prefix only at the start of a path or of one inside another, so a local folder of that name
#: (data/vsicurl/x.geojson) is no URL.
URL_PATH = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]+://"
                      r"|(?:^\s*|\{)(?:/vsi\w+/\{?)*/vsi(?:curl|s3|gs|az|adls|oss|swift|hdfs|webhdfs)"
                      r"(?:_streaming)?(?:/|\?|$)|(?:^\s*|\{)/vsi\w+/.*?[A-Za-z][A-Za-z0-9+.-]+://",
                      re.IGNORECASE)
#: What a path that is a URL (`is_url`) is told: the tool reads and writes local files only.
URL_WORDS = "is a URL (got {got}): URLs are not read; download the file and give its local path"
URL_FOLDER_WORDS = "is a URL (got {got}): the outputs are written to a local folder only; give a local folder's path"
URL_FILE_WORDS = "is a URL (got {got}): the file is written to a local folder only; give a local file's path"
#: What a path given as a URL of a local file (`file:///data/x.yaml`, also inside one of GDAL's
#: file systems, `/vsizip/file:///data/x.zip`) is told: the local path it names, which is read.
LOCAL_URL_WORDS = "is a file URL (got {got}): a path is not read as a URL; give the local path it names, {local}"
#: A `file://` URL of this machine (no host, or `localhost`), its path starting at the root.
LOCAL_URL = re.compile(r"file://(?:localhost)?(?=/)", re.IGNORECASE)


#: A scheme in a path-like object's text, whose `//` the path kept as one slash:
#: `Path("https://host/x")` is `https:/host/x` (a scheme of one letter is a Windows drive).
PATH_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]+:)/(?!/)")


def typed_text(text: Any) -> str | None:
    """The text of a path given as a str, or of a path-like object (a `pathlib.Path`) with each
    URL's `scheme://` it collapsed to `scheme:/` restored (`PATH_SCHEME`), as the URL was typed
    (`file:/data/x.yaml` as `file:///data/x.yaml`, a file of this machine); None for anything else."""
    if isinstance(text, os.PathLike):
        spelled = os.fspath(text)
        if not isinstance(spelled, str):
            return None
        # a path keeps one slash of file:///data/x.yaml's three: the file URL of this machine
        return PATH_SCHEME.sub(lambda m: m[1] + ("///" if m[1].lower() == "file:" else "//"), spelled)
    return text if isinstance(text, str) else None


def is_url(text: Any) -> bool:
    """Whether `text` is a path given as a URL, which the tool does not read (`URL_PATH`): it runs
    offline, on local files only. A path-like object is read as its URL was typed (`typed_text`):
    `Path("s3://bucket/x")`, whose text is `s3:/bucket/x`, is a URL too."""
    typed = typed_text(text)
    return typed is not None and URL_PATH.search(typed) is not None


def url_words(text: Any, folder: bool = False, written: bool = False) -> str:
    """The problem of the path `text`, a URL (`is_url`), with the path as given (a path-like
    object's as its URL was typed, `typed_text`): of a file to read, with `folder` of the folder
    the outputs are written to, with `written` of a file the tool writes (`siting schema --out`)."""
    text = typed_text(text) or str(text)
    local = local_path(text)
    if local is not None:
        return LOCAL_URL_WORDS.format(got=repr(text), local=repr(local))
    words = URL_FOLDER_WORDS if folder else URL_FILE_WORDS if written else URL_WORDS
    return words.format(got=repr(text))


def local_path(text: str) -> str | None:
    """The local path that `text`, a path given as a URL (`is_url`), names when every URL in it is
    a `file://` one of this machine (`LOCAL_URL`): `file:///data/x.yaml` names `/data/x.yaml`
    (`file:///C:/data/x.yaml` `C:/data/x.yaml`), `/vsizip/file:///data/x.zip` names
    `/vsizip//data/x.zip`, percent escapes decoded (`%20`, a space); None for any other URL, one
    of another host (`file://server/share/x.yaml`) among them."""
    if LOCAL_URL.search(text) is None:
        return None
    local = unquote(LOCAL_URL.sub("", text.strip()))
    local = re.sub(r"^/(?=[A-Za-z]:[/\\])", "", local)  # a Windows drive: /C:/data is C:/data
    return None if is_url(local) else local
