"""The Vietnamese edition in a workshop room: every notebook of notebooks/vi runs once here, with the network cut, in
reverse order, and renders to site/vi/ (tests/test_offline.py: the English edition and the checks themselves)."""

import pytest
from test_offline import offline_prefix, run_edition_offline


@pytest.mark.skipif(offline_prefix() is None, reason="cannot cut the network here (needs unshare and ip)")
def test_vietnamese_notebooks_run_offline_in_reverse_order(tmp_path):
    run_edition_offline(tmp_path, "vi")
