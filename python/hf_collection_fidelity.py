"""Reads a collection from a Hub with the official huggingface_hub client (get_collection) and
writes what it saw as JSON, so a test can compare it with what gpux imported from the same hub.

Usage: hf_collection_fidelity.py --endpoint URL --slug OWNER/SLUG --missing OWNER/SLUG --out FILE
"""

import argparse
import json

from huggingface_hub import HfApi
from huggingface_hub.utils import HfHubHTTPError


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--slug", required=True)
    p.add_argument("--missing", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    api = HfApi(endpoint=a.endpoint)
    c = api.get_collection(a.slug)
    report = {
        "slug": c.slug,
        "title": c.title,
        "description": c.description,
        "items": [
            {"id": i.item_id, "type": i.item_type, "position": i.position, "note": i.note}
            for i in c.items
        ],
    }
    try:
        api.get_collection(a.missing)
        report["missing"] = "no error"
    except HfHubHTTPError as e:
        report["missing"] = e.response.status_code
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
