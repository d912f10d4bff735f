"""Paths given as URLs, which the tool does not read: it runs offline, on local files only, and a
`Path` would make `https://host/x` into `https:/host/x`, a file not found rather than a URL refused."""

from __future__ import annotations

import re
from typing import Any

#: A path that is a URL (`scheme://...`: https://, s3://, file://, ...; a scheme of one letter
#: is a Windows drive, C:/data), or names a file through one of GDAL's network file systems
#: (/vsicurl/, /vsis3/, ..., also inside another: /vsizip//vsicurl/...), which GDAL would fetch.
URL_PATH = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]+://|/vsi(?:curl|s3|gs|az|adls|oss|swift|hdfs|webhdfs)"
                      r"(?:_streaming)?(?:/|\?|$)", re.IGNORECASE)
#: What a path that is a URL (`is_url`) is told: the tool reads and writes local files only.
URL_WORDS = "is a URL (got {got}): URLs are not read; download the file and give its local path"
URL_FOLDER_WORDS = "is a URL (got {got}): the outputs are written to a local folder only; give a local folder's path"
URL_FILE_WORDS = "is a URL (got {got}): the file is written to a local folder only; give a local file's path"


def is_url(text: Any) -> bool:
    """Whether `text` is a path given as a URL, which the tool does not read (`URL_PATH`): it runs
    offline, on local files only."""
    return isinstance(text, str) and URL_PATH.search(text) is not None


def url_words(text: str, folder: bool = False, written: bool = False) -> str:
    """The problem of the path `text`, a URL (`is_url`), with the path as given: of a file to
    read, with `folder` of the folder the outputs are written to, with `written` of a file the
    tool writes (`siting schema --out`)."""
    words = URL_FOLDER_WORDS if folder else URL_FILE_WORDS if written else URL_WORDS
    return words.format(got=repr(text))
