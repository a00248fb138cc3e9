"""The demo enterprises' E.1 files (``onemap demo cases``): placeholder PDFs under the items a
file commonly holds, some expired, some never filed (Guangxi Appendix E)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from cases import documents

#: Who files the demo documents, as the history names the demo's staff.
STAFF = "user:demo-staff"

#: E.1 items a demo file holds, with their validity in years (None: no expiry): the EIA and its
#: approval, the acceptance, the permit, the emergency plan and its filing, the O&M and the
#: hazardous-waste contracts, the disposer's qualification, inspection records.
DEMO_ITEMS = {1: None, 2: None, 3: None, 4: 5, 9: 3, 10: 3, 19: 1, 23: 1, 26: 2, 30: None}


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying what it stands for (a placeholder for a scanned document)."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def file_demo_archive(
    connection: sa.Connection,
    store: documents.DocumentStore,
    rng: random.Random,
    enterprises: list[dict[str, Any]],
    as_of: dt.datetime,
) -> dict[str, int]:
    """Each enterprise's file: most of the demo items, some expired, some never filed."""
    from cases.archive import items

    titles = {i.number: i.title_en for i in items()}
    files = {n: demo_pdf(f"Demo: E.1 item {n}, {titles[n]}") for n in DEMO_ITEMS}
    count = 0
    for e in enterprises:
        for item, years in DEMO_ITEMS.items():
            if rng.random() < 0.15:
                continue  # never filed: missing
            issued = as_of.date() - dt.timedelta(days=rng.randint(30, 365 * (years or 3)))
            expires = None
            if years:
                expires = issued + dt.timedelta(days=365 * years)
                if rng.random() < 0.1:  # not renewed in time
                    expires = as_of.date() - dt.timedelta(days=rng.randint(1, 90))
                    issued = min(issued, expires)
            link = {
                "archive_item": item,
                "title": titles[item],
                "issued_on": issued,
                "expires_on": expires,
            }
            upload = documents.Upload(f"E1-{item:02d}.pdf", files[item])
            documents.save(connection, store, [upload], STAFF, owner=e["credit_code"], link=link)
            count += 1
    return {"archive_documents": count}
