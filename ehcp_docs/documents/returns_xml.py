"""The SEN2 fields as XML: a header naming the collection, census date and LA, then one element per plan with
the DfE's field names as child elements. Built with ElementTree, so any text is escaped; empty fields are left
out, as the DfE's schema leaves optional items out rather than sending them blank."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from ehcp_docs.casework.returns import Sen2


def sen2_xml(result: Sen2, la: Mapping[str, Any]) -> str:
    root = ET.Element("Message")
    header = ET.SubElement(root, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    ET.SubElement(details, "Collection").text = "SEN2"
    ET.SubElement(details, "Year").text = str(result.collection)
    ET.SubElement(details, "ReferenceDate").text = result.census.isoformat()
    source = ET.SubElement(header, "Source")
    ET.SubElement(source, "LAName").text = str(la.get("name", ""))
    plans = ET.SubElement(root, "Plans")
    for row in result.rows:
        el = ET.SubElement(plans, "Plan", {"id": str(row["plan"])})
        for name in result.fields:
            value = row.get(name)
            if value not in (None, ""):
                ET.SubElement(el, name).text = str(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
