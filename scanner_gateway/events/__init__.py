"""Event delivery: webhooks and MQTT, fed by the core's event outbox (tracking_core/delivery.py)."""
