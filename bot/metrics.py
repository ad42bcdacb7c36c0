"""Prometheus metrics of the bot process (a leaf: anything may count here, it imports no bot)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

# One registry per process, not prometheus_client's global one, so that tests which build
# several applications in one process count into the same, known place.
REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES_HANDLED = Counter(
    "wipbot_updates_handled",
    "Telegram updates run through the handlers, by outcome (ok, failed, duplicate).",
    ["outcome"],
    registry=REGISTRY,
)
ANSWERS_SAVED = Counter(
    "wipbot_answers_saved", "Questionnaire steps committed to the database.", registry=REGISTRY
)
HANDLER_SECONDS = Histogram(
    "wipbot_handler_seconds",
    "Time from an update's arrival to the end of its handler (its effect committed).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
TELEGRAM_CALLS = Counter(
    "wipbot_telegram_calls",
    "Bot API calls by method and outcome (ok, 429, 4xx, 5xx, timeout, network).",
    ["method", "outcome"],
    registry=REGISTRY,
)
BROADCAST_QUEUE = Gauge(
    "wipbot_broadcast_queue_length",
    "Broadcast deliveries waiting to be sent (read when metrics are scraped).",
    registry=REGISTRY,
)
REMINDERS_SENT = Counter(
    "wipbot_reminders_sent", "Reminders delivered to participants.", registry=REGISTRY
)
IS_LEADER = Gauge(
    "wipbot_leader",
    "1 while this process runs the background senders (reminders, broadcasts, exports).",
    registry=REGISTRY,
)


def telegram_call(method: str, outcome: str) -> None:
    """Counts one Bot API call."""
    TELEGRAM_CALLS.labels(method=method, outcome=outcome).inc()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, with its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
