"""A broadcast an organiser queues on a follower worker is sent by the leader at once
(woken by NOTIFY), not at its next tick."""

from __future__ import annotations

import pytest

from sandbox import Sandbox
from storage.models import StaffRole
from tests.e2e.staffing import staff_member
from tests.e2e.test_workers import (
    BROADCAST_TEXT,
    WebhookWorker,
    _bind_people,
    _leader,
    _received,
    _seed,
    _until,
    pg_url,
    workers,
)

__all__ = ["pg_url", "workers"]


@pytest.fixture
def scheduler_interval() -> float:
    """No tick during the test: only the wake-up can start the broadcast."""
    return 600.0


async def test_a_broadcast_queued_on_a_follower_is_sent_by_the_leader_at_once(
    sandbox: Sandbox, pg_url: str, workers: list[WebhookWorker]
) -> None:
    seeded = await _seed(pg_url, 3)
    users = await _bind_people(sandbox, pg_url, seeded)
    leader = await _leader(workers)
    follower = next(w for w in workers if w is not leader)
    organiser = await staff_member(sandbox, pg_url, "Penyelenggara", role=StaffRole.ORGANISER)
    await organiser.send("/siaran")
    await organiser.until_button("🌏 Semua lokakarya", timeout=20)
    await organiser.press("Lokakarya Jambi")
    await organiser.until_button("Semua peserta", timeout=20)
    await organiser.press("Semua peserta")
    await organiser.until_text("ketik pesan", timeout=20)
    await organiser.send(BROADCAST_TEXT)
    await organiser.until_button("📨 Kirim ke 3 orang", timeout=20)
    sandbox.world.webhook.balance([follower.url])  # the tap that queues it: the follower's
    await organiser.press("📨 Kirim ke 3 orang")
    await _until(lambda: all(_received(sandbox, u, BROADCAST_TEXT) for u in users.values()), 30)
    assert all(_received(sandbox, u, BROADCAST_TEXT) == 1 for u in users.values())
    assert await follower.metric("wipbot_leader") == 0
    await _until(lambda: "broadcast 1 done" in leader.log_path.read_text(), 10)
    assert "broadcast 1 done" not in follower.log_path.read_text(), "sent by the follower"
