"""Without a cache to keep them in, rendering skips the content keys and renders the same files."""

from __future__ import annotations

from generator.client.render import Renderer, RenderOptions

from ..conftest import CREATE_RUN, lower_spec


def test_unkeyed_render_gives_the_same_files_and_marks_the_same_ones_rendered() -> None:
    api = lower_spec(CREATE_RUN).api
    asked: list[str] = []
    keyed_files, keys = Renderer(api, RenderOptions(source=CREATE_RUN.name)).render()
    files, unkeyed = Renderer(api, RenderOptions(source=CREATE_RUN.name)).render(known=lambda key: asked.append(key), keyed=False)
    assert files == keyed_files
    # The same files are marked as rendered here (to be formatted), with no key computed and no cache asked.
    assert set(unkeyed) == set(keys) and len(keys) > 3
    assert set(unkeyed.values()) == {""} and asked == []
    assert all(len(key) == 64 for key in keys.values())
