"""The categories of concern CAP starts with: the kinds Keeping children safe in education
names. Loaded by migration 0002; an authority adds its own as rows."""

CATEGORIES = [
    ("physical_abuse", "Physical abuse", ""),
    ("emotional_abuse", "Emotional abuse", ""),
    ("sexual_abuse", "Sexual abuse", ""),
    ("neglect", "Neglect", ""),
    (
        "child_on_child",
        "Child-on-child abuse",
        "Including bullying, sexual violence and harassment, and sharing nudes.",
    ),
    ("exploitation", "Criminal or sexual exploitation", "Including county lines."),
    ("online_safety", "Online safety", ""),
    ("mental_health", "Mental health or self-harm", ""),
    ("radicalisation", "Radicalisation", ""),
    ("domestic_abuse", "Domestic abuse", ""),
    ("missing_education", "Missing from education", ""),
    ("other", "Other", ""),
]


def categories_ensure(category_model) -> None:
    """Add any of the starting categories that are missing; change none. Takes the model
    class, so that the migration can pass its historical model."""
    for order, (key, name, hint) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(
            key=key, defaults={"name": name, "hint": hint, "order": order * 10}
        )
