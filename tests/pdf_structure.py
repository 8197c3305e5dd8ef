"""Read a PDF's accessibility structure with pikepdf: what PDF/UA-1 asks of a tagged PDF.

``structure(data)`` opens the PDF and returns what the tests check: the catalogue's MarkInfo,
Lang, ViewerPreferences and StructTreeRoot, the XMP metadata's PDF/UA identification, the
document title, and every structure element (its type, alternative text, children) walked
from the structure tree's root.
"""

import io
from dataclasses import dataclass, field

import pikepdf


@dataclass
class Element:
    """A structure element: its standard type (after the role map), its alternative text
    (``/Alt``), its actual text, and its child elements in order."""

    type: str
    alt: str | None
    children: list["Element"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def text_types(self) -> list[str]:
        return [element.type for element in self.walk()]


@dataclass
class Structure:
    marked: bool
    lang: str | None
    display_doc_title: bool
    title: str | None
    pdfua_part: str | None
    root: Element | None

    def elements(self, kind: str) -> list[Element]:
        if self.root is None:
            return []
        return [element for element in self.root.walk() if element.type == kind]


def _element(node, role_map, seen) -> Element | None:
    if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
        return None
    if node.objgen != (0, 0):
        seen.add(node.objgen)
    if "/S" not in node:  # a marked-content reference or an object reference
        return None
    kind = str(node.S)
    kind = str(role_map.get(kind, kind)) if role_map is not None else kind
    alt = str(node.Alt) if "/Alt" in node else None
    element = Element(type=kind.lstrip("/"), alt=alt)
    kids = node.get("/K")
    if kids is None:
        return element
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    for kid in kids:
        child = _element(kid, role_map, seen)
        if child is not None:
            element.children.append(child)
    return element


def structure(data: bytes) -> Structure:
    with pikepdf.open(io.BytesIO(data)) as document:
        root = document.Root
        mark_info = root.get("/MarkInfo")
        preferences = root.get("/ViewerPreferences")
        with document.open_metadata() as meta:
            part = meta.get("pdfuaid:part")
            title = meta.get("dc:title")
        info_title = document.docinfo.get("/Title")
        tree = root.get("/StructTreeRoot")
        element = None
        if tree is not None:
            role_map = tree.get("/RoleMap")
            element = Element(type="StructTreeRoot", alt=None)
            kids = tree.get("/K")
            if kids is not None:
                if not isinstance(kids, pikepdf.Array):
                    kids = [kids]
                seen = set()
                for kid in kids:
                    child = _element(kid, role_map, seen)
                    if child is not None:
                        element.children.append(child)
        return Structure(
            marked=bool(mark_info is not None and mark_info.get("/Marked") is True),
            lang=str(root.Lang) if "/Lang" in root else None,
            display_doc_title=bool(
                preferences is not None and preferences.get("/DisplayDocTitle") is True
            ),
            title=str(info_title) if info_title is not None else (title or None),
            pdfua_part=str(part) if part is not None else None,
            root=element,
        )
