"""Reference geography of France: territories (communes, EPCI, EPT, départements, régions), their
footprints in communes, territory keys, names as people write them (postal codes, arrondissements), and the compact encoding of boundaries."""

from maillage.core.exports import lazy_exports

_EXPORTS = {
    "territory_key": "keys",
    "decode_geometry": "encoding",
    "decode_ring": "encoding",
    "encode_geometry": "encoding",
    "encode_ring": "encoding",
    "Footprint": "footprints",
    "footprint": "footprints",
    "territory_labels": "footprints",
    "Context": "names",
    "Place": "names",
    "Resolution": "names",
    "TerritoryNames": "names",
    "arrondissement_commune": "names",
    "name_key": "names",
    "postal_communes": "names",
    "GEO_DIR": "reference",
    "load_reference_geography": "reference",
    "reference_rows": "reference",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
