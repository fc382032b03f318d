"""ui/tables.py: column widths from the content, the pinned first column, tooltips, the highlighted column."""

from ui.tables import (
    LONG_TEXT,
    MAX_PX,
    MIN_PX,
    PHONE_PINNED_MAX_PX,
    PINNED_MAX_PX,
    Col,
    column_width,
    table_config,
    text_width,
)

RECORDS = [
    {"Nom": "Commissariat de police de Bordeaux-Nord", "Fin": "16/11/2026", "Réseaux": "Promeneurs du Net Gironde",
     "Notes": "x" * 200},
    {"Nom": "CAF", "Fin": "", "Réseaux": "", "Notes": None},
]


def test_widths_follow_the_longest_text_within_bounds():
    config = table_config(RECORDS)
    assert config["Fin"]["width"] >= text_width("16/11/2026") + 16  # « 16/11/2 » no more
    assert config["Réseaux"]["width"] >= text_width("Promeneurs du Net Gironde") + 16
    assert config["Notes"]["width"] == MAX_PX and LONG_TEXT in config["Notes"]["help"]
    assert all(MIN_PX <= c["width"] <= MAX_PX for c in config.values())
    assert column_width("A", ["b"], 400) == (MIN_PX, False)
    assert column_width("A", ["b" * 100], 300) == (300, True)


def test_first_column_pinned_and_narrow_enough_for_a_phone():
    config = table_config(RECORDS)
    assert config["Nom"]["pinned"] is True and config["Nom"]["width"] <= PINNED_MAX_PX
    assert not any(c.get("pinned") for name, c in config.items() if name != "Nom")
    assert not table_config(RECORDS, pin_first=False)["Nom"].get("pinned")


def test_spec_gives_tooltips_labels_and_a_highlighted_column():
    config = table_config(RECORDS, {"Fin": "Date de fin prévue.", "Réseaux": Col(label="Réseaux membres")},
                          pinned="Réseaux", pinned_label="★ Réseaux (les vôtres)")
    assert config["Fin"]["help"] == "Date de fin prévue."
    assert config["Fin"]["width"] >= text_width("Fin") + 22  # room for the tooltip's mark
    assert config["Réseaux"]["label"] == "★ Réseaux (les vôtres)" and config["Réseaux"]["pinned"] is True
    assert "help" not in config["Nom"] or config["Nom"]["help"] is None or LONG_TEXT in config["Nom"]["help"]


def test_an_empty_table_keeps_its_spec():
    assert list(table_config([], {"Nom": "Nom."})) == ["Nom"]


def test_on_a_phone_one_narrow_pinned_column():
    config = table_config(RECORDS, pinned="Réseaux", pinned_label="★ Réseaux", phone=True)
    assert config["Nom"]["pinned"] is True and config["Nom"]["width"] <= PHONE_PINNED_MAX_PX
    assert not config["Réseaux"].get("pinned") and config["Réseaux"]["label"] == "★ Réseaux"
