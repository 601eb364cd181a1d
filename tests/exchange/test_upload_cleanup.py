import os
import time

from registry.views import exchange


def test_previews_older_than_a_day_are_discarded_when_a_new_file_arrives(tmp_path, monkeypatch):
    monkeypatch.setattr(exchange, "UPLOAD_DIR", tmp_path)
    stale = tmp_path / "old.upload"
    fresh = tmp_path / "recent.upload"
    stale.write_bytes(b"<registry/>")
    fresh.write_bytes(b"<registry/>")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(stale, (two_days_ago, two_days_ago))

    exchange._discard_abandoned_uploads(time.time())

    assert not stale.exists()
    assert fresh.exists()
