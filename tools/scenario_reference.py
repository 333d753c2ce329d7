"""Print the scenario-file reference tables (docs/SCENARIOS.md) from the pydantic schema."""

from pydantic_core import PydanticUndefined

from sim.scenario import SECTIONS


def main() -> None:
    """Print one Markdown table a section."""
    for name, model in SECTIONS.items():
        print(f"\n### `{name}`\n\n| field | default | meaning |\n|---|---|---|")
        for field, info in model.model_fields.items():
            if info.default_factory is not None:
                default = repr(info.default_factory())
            elif info.default is PydanticUndefined:
                default = "required"
            else:
                default = repr(info.default)
            print(f"| `{field}` | {default} | {info.description or ''} |")


if __name__ == "__main__":
    main()
