"""JSON for programs: ISO dates, null for missing values, JSON booleans and integers."""

from __future__ import annotations

import json
from typing import Any


def render(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
