import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded and generated images go to a fresh directory per test, never into the project.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
