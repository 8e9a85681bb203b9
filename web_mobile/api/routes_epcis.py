"""GS1 EPCIS 2.0 export: ``GET /epcis/events``, the outbox as EPCIS events by cursor
(docs/epcis.md). Who may read the ledger feed may read this."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, request

from web_mobile.api import blueprint as bp
from web_mobile.api.auth import core
from web_mobile.api.inputs import int_arg
from web_mobile.api.openapi import ANY_ROLE, EPCIS_MEDIA
from web_mobile.api.routing import endpoint

DEFAULT_LIMIT = 500


@endpoint(bp, "GET", "/epcis/events", roles=ANY_ROLE)
def epcis_events() -> Any:
    since = int_arg("since", 0)
    limit = int_arg("limit", DEFAULT_LIMIT, low=1)  # the document's maximum: checked already
    page = core().epcis_events(since=since, limit=limit)
    media = request.accept_mimetypes.best_match(EPCIS_MEDIA, default=EPCIS_MEDIA[0])
    body = json.dumps(page.document, separators=(",", ":"))
    resp: Response = current_app.response_class(body, status=200, mimetype=media)
    query = urlencode({"since": page.next_since, "limit": limit})
    resp.headers["Link"] = f'<{request.base_url}?{query}>; rel="next"'
    resp.headers["X-EPCIS-Next-Since"] = str(page.next_since)
    resp.headers["X-EPCIS-Last"] = str(page.last)
    resp.headers["X-EPCIS-More"] = "true" if page.more else "false"
    resp.headers["GS1-EPCIS-Version"] = "2.0.0"
    return resp
